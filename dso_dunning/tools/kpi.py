"""Collection KPIs as plain functions: DSO (countback and simple), CEI, aged buckets, periods.

Amounts are receivables in the company currency, taxes included, as the
journal holds them; "sales" are the receivable side of the customer
invoices of a period net of its credit notes (the same amounts, so that a
receivable and the sales it came from compare).
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

# Aged balance buckets: (key, first day late, last day late); None: open-ended.
AGED_BUCKETS = (
    ("not_due", None, 0),
    ("late_1_30", 1, 30),
    ("late_31_60", 31, 60),
    ("late_61_90", 61, 90),
    ("late_over_90", 91, None),
)
BUCKET_KEYS = tuple(key for key, _low, _high in AGED_BUCKETS)

# Periods of history a countback may go back over (the period itself included):
# a receivable older than that many months (weeks) of sales reads as their days.
COUNTBACK_PERIODS = {"month": 12, "week": 26}
# Periods shown, the current one (to date) included.
SHOWN_PERIODS = {"month": 12, "week": 26}


@dataclass(frozen=True)
class Period:
    """A calendar month or ISO week, closed on ``end`` (today for the current one)."""

    kind: str  # "month" | "week"
    start: datetime.date
    end: datetime.date

    @property
    def days(self):
        return (self.end - self.start).days + 1


def period_start(kind, day):
    """First day of the month, or Monday of the ISO week, holding ``day``."""
    if kind == "month":
        return day.replace(day=1)
    return day - datetime.timedelta(days=day.weekday())


def _step(kind, count):
    return relativedelta(months=count) if kind == "month" else relativedelta(weeks=count)


def periods_until(kind, today, count):
    """The ``count`` periods of ``kind`` ending with the one holding ``today``, oldest first.

    The current period ends on ``today`` (to date); the others are whole.
    """
    current = period_start(kind, today)
    periods = []
    for back in range(count - 1, -1, -1):
        start = current - _step(kind, back)
        end = today if back == 0 else start + _step(kind, 1) - datetime.timedelta(days=1)
        periods.append(Period(kind, start, end))
    return periods


def countback_slices(period):
    """The periods a countback DSO at ``period``'s end goes back over, most recent first.

    The period itself (to its end), then the whole periods before it, up to
    ``COUNTBACK_PERIODS[kind]`` in all.
    """
    slices = [period]
    for back in range(1, COUNTBACK_PERIODS[period.kind]):
        start = period.start - _step(period.kind, back)
        end = start + _step(period.kind, 1) - datetime.timedelta(days=1)
        slices.append(Period(period.kind, start, end))
    return slices


def countback_dso(receivable, sales_by_slice):
    """DSO by the countback (exhaustion) method.

    ``sales_by_slice``: ``(days, sales)`` of each period, the most recent
    first. The receivable is matched against the sales of the most recent
    period, then the one before, and so on: every period whose sales it
    exceeds counts all its days; the period where it runs out counts its
    days in proportion::

        DSO = d1 + d2 + ... + dk-1 + dk × (R − S1 − ... − Sk-1) ÷ Sk

    with R the receivable at the end, Si and di the sales and days of the
    i-th period back. A receivable left over after the last period counts
    them all (the result is then a floor). No receivable: 0 days.
    """
    remaining = receivable
    dso = 0.0
    if remaining <= 0:
        return 0.0
    for days, sales in sales_by_slice:
        if sales > 0 and remaining <= sales:
            return dso + days * remaining / sales
        remaining -= max(sales, 0.0)
        dso += days
    return dso


def simple_dso(receivable, sales, days):
    """DSO by the simple method: ``receivable ÷ sales of the period × days of the period``.

    None when the period has no sales (the ratio has no meaning).
    """
    if sales <= 0:
        return None
    return receivable / sales * days


def cei(opening, sales, closing, closing_current):
    """Collection effectiveness index of a period, in percent::

        CEI = (opening + sales − closing) ÷ (opening + sales − closing current) × 100

    ``opening``/``closing``: receivables at the start/end of the period;
    ``closing_current``: the part of the closing receivable not yet due.
    None when nothing was collectable.
    """
    collectable = opening + sales - closing_current
    if collectable <= 0:
        return None
    return (opening + sales - closing) / collectable * 100.0


@dataclass(frozen=True)
class DsoFigures:
    """The DSO of one row: total, its current (not yet due) and overdue parts."""

    countback: float
    current: float
    overdue: float
    simple: float | None
    simple_current: float | None
    simple_overdue: float | None


def dso_figures(receivable, not_due, sales_by_slice):
    """Countback and simple DSO of a receivable, split into current and overdue DSO.

    Current DSO is the countback of the part not yet due alone; overdue DSO
    is what the overdue part adds on top (total − current). With the simple
    method both parts are in proportion of their amounts.
    """
    total = countback_dso(receivable, sales_by_slice)
    current = min(countback_dso(not_due, sales_by_slice), total)
    days, sales = sales_by_slice[0]
    simple = simple_dso(receivable, sales, days)
    simple_current = simple_dso(max(not_due, 0.0), sales, days)
    return DsoFigures(
        countback=total,
        current=current,
        overdue=total - current,
        simple=simple,
        simple_current=simple_current,
        simple_overdue=None if simple is None else simple - simple_current,
    )


def aged_bucket(days_late):
    """The aged balance bucket of an item ``days_late`` days past its due date (≤ 0: not due)."""
    for key, _low, high in AGED_BUCKETS:
        if high is None or days_late <= high:
            return key
    raise AssertionError("the last bucket is open-ended")
