"""Pure planning rules: which step a customer is due for, and when.

No records here: plain values in, plain values out, so every rule can be
tested without a database. The engine (``dso.dunning.planner``) gathers the
values with grouped SQL and applies the result.

Vocabulary:
- *reference date*: due date of the customer's oldest open item (an overdue
  one if any), the anchor of steps counted from the due date;
- *episode*: the actions of a customer since that reference date (minus the
  longest pre-due offset); when everything is paid and a new invoice falls
  late, a new episode starts at the first step again.
"""

import dataclasses
import datetime
import typing

REF_DUE_DATE = "due_date"
REF_PREVIOUS_ACTION = "previous_action"
# Largest offset a step may have, in days (before or after the due date).
MAX_OFFSET = 3650


@dataclasses.dataclass(frozen=True)
class StepRule:
    """One step of a scenario, as the planner needs it."""

    id: int
    sequence: int
    offset: int
    reference: str = REF_DUE_DATE
    min_amount: float = 0.0


@dataclasses.dataclass(frozen=True)
class Episode:
    """What was already done for the customer in the current episode.

    ``last_sequence`` is the sequence of the highest step planned or executed
    (None: nothing yet); ``last_executed`` the date of the latest executed
    action; ``pending`` whether an action still waits to be executed.
    """

    last_sequence: int | None = None
    last_executed: datetime.date | None = None
    pending: bool = False


@dataclasses.dataclass(frozen=True)
class Decision:
    step: StepRule
    date: datetime.date


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A scenario as the planner needs it, read once per run.

    ``steps`` maps each step id to what an action at that step copies from
    it (name, mode, channels, help text); ``rank`` each step id to its rank.
    A scenario that is archived or never duns plans nothing (``live``).
    """

    id: int
    company_id: int
    live: bool
    escalate_pending: bool
    rules: tuple
    steps: dict
    rank: dict


def sort_steps(steps):
    return sorted(steps, key=lambda s: (s.sequence, s.id))


def episode_start(steps, reference_date):
    """First date that belongs to the episode anchored on ``reference_date``."""
    earliest = min((s.offset for s in steps if s.reference == REF_DUE_DATE), default=0)
    return reference_date + datetime.timedelta(days=min(earliest, 0))


def next_step(steps, *, today, reference_date, amount, episode, min_interval=0, horizon=0):
    """Return the step to plan for a customer, with its date, or None.

    - Steps counted from the due date are reached once ``today`` is *at least*
      ``offset`` days after ``reference_date`` (never "exactly today"): a
      customer found late by 45 days gets the highest step reached at once
      (catch-up), not every missed step.
    - A step whose ``min_amount`` exceeds ``amount`` is passed over.
    - Only steps after the last one of the episode are candidates.
    - When no step is reached yet, the next one is planned on the date it will
      be, if that date falls within ``horizon`` days.
    - A step counted from the previous action needs that action executed.
    - Two actions are at least ``min_interval`` days apart.
    """
    candidates = [
        s
        for s in sort_steps(steps)
        if (episode.last_sequence is None or s.sequence > episode.last_sequence)
        and amount >= (s.min_amount or 0.0)
    ]
    if not candidates:
        return None
    days_late = (today - reference_date).days
    reached = [s for s in candidates if s.reference == REF_DUE_DATE and s.offset <= days_late]
    if reached:
        step, date = reached[-1], today
    elif candidates[0].reference == REF_PREVIOUS_ACTION:
        if episode.last_executed is None:
            return None
        step = candidates[0]
        date = episode.last_executed + datetime.timedelta(days=step.offset)
    else:
        step = candidates[0]
        date = reference_date + datetime.timedelta(days=step.offset)
    if min_interval and episode.last_executed:
        date = max(date, episode.last_executed + datetime.timedelta(days=min_interval))
    date = max(date, today)
    if (date - today).days > horizon:
        return None
    return Decision(step, date)


def check_steps(steps):
    """Return a list of problems with the order of a scenario's steps.

    Steps counted from the due date must have increasing offsets in sequence
    order; steps counted from the previous action need a step before them and
    a positive offset.
    """
    problems = []
    previous_due = None
    ordered = sort_steps(steps)
    for index, step in enumerate(ordered):
        if step.reference == REF_PREVIOUS_ACTION:
            if index == 0:
                problems.append(("first_previous", step))
            if step.offset < 0:
                problems.append(("negative_previous", step))
            continue
        if previous_due is not None and step.offset <= previous_due.offset:
            problems.append(("order", step))
        previous_due = step
    return problems


class Item(typing.NamedTuple):
    """One open receivable item of a customer (company currency residual).

    A named tuple: the planner makes one per open item of every customer.
    """

    line_id: int
    move_id: int
    maturity: datetime.date
    residual: float
    residual_currency: float = 0.0
    currency_id: int | None = None


def collect_items(rows, default_scenario_id):
    """Split a customer's grouped rows into items per scenario.

    ``rows`` come from the planner's grouped query, one per invoice scenario
    override (None: the customer's scenario, ``default_scenario_id``).
    Items without any scenario are under the key None.
    """
    items = {}
    for row in rows:
        key = row["override_id"] or default_scenario_id or None
        bucket = items.setdefault(key, [])
        for line_id, move_id, maturity, residual, residual_currency, currency_id in zip(
            row["line_ids"],
            row["move_ids"],
            row["maturities"],
            row["residuals"],
            row["residuals_currency"],
            row["currency_ids"],
            strict=True,
        ):
            bucket.append(
                Item(
                    line_id,
                    move_id,
                    maturity,
                    float(residual),
                    float(residual_currency or 0),
                    currency_id,
                )
            )
    for bucket in items.values():
        bucket.sort(key=lambda item: (item.maturity, item.line_id))
    return items


def debit_items(items):
    return [item for item in items if item.residual > 0]


def credit_total(items):
    """What the customer's credits (credit notes, unmatched payments) make up."""
    return -sum(item.residual for item in items if item.residual < 0)


def owed_items(items):
    """Debit items the customer's credits leave unpaid.

    Credits settle the oldest items first: an item they cover entirely is not
    owed and is never chased; a partly covered one stays, with its residual.
    """
    credit = credit_total(items)
    owed = []
    for item in sorted(debit_items(items), key=lambda i: (i.maturity, i.line_id)):
        if item.residual > credit:
            owed.append(item)
        credit = max(credit - item.residual, 0.0)
    return owed


def reference_date(items):
    """Due date of the oldest item the customer owes (None: nothing owed)."""
    return min((item.maturity for item in owed_items(items)), default=None)


def pre_due_window(steps):
    return max(0, -min((s.offset for s in steps if s.reference == REF_DUE_DATE), default=0))


def net_amount(items, limit):
    """What the customer owes on items due by ``limit``, net of its credits."""
    due = sum(item.residual for item in debit_items(items) if item.maturity <= limit)
    return max(due - credit_total(items), 0.0)


def dunnable_amount(items, today, steps, horizon=0):
    """What the scenario may chase within ``horizon`` days, net of credits.

    Overdue items plus those in the scenario's pre-due window; with a pre-due
    step, also the items that enter that window within the horizon, so that
    their courtesy action can be planned ahead.
    """
    window = pre_due_window(steps)
    return net_amount(items, today + datetime.timedelta(days=window + (horizon if window else 0)))


def _covered_limit(offset, date):
    # After the due date an action lists what is overdue on its date; a
    # pre-due step also lists the items due within its window.
    return date - datetime.timedelta(days=min(offset, 1))


def covered_items(items, offset, date):
    """Items an action at a step of ``offset`` days lists on ``date``.

    A step after the due date covers every overdue item still owed (catch-up
    lists them all); a pre-due step also covers the items due within its
    window.
    """
    limit = _covered_limit(offset, date)
    return [item for item in owed_items(items) if item.maturity <= limit]


def covered_amount(items, offset, date):
    """What an action at a step of ``offset`` days chases on ``date``, net of credits."""
    return net_amount(items, _covered_limit(offset, date))


def action_amounts(covered, today):
    oldest = min((item.maturity for item in covered), default=None)
    return {
        "amount_due": sum(item.residual for item in covered),
        "amount_overdue": sum(item.residual for item in covered if item.maturity < today),
        "oldest_due_date": oldest,
        "days_overdue": max((today - oldest).days, 0) if oldest else 0,
    }


def customer_figures(items, balance, today):
    """Outstanding figures of a customer from all its open items."""
    overdue = [item for item in debit_items(items) if item.maturity < today]
    oldest = min((item.maturity for item in overdue), default=None)
    return {
        "dunning_total_due": float(balance),
        "dunning_overdue_amount": sum(item.residual for item in overdue),
        "dunning_oldest_due_date": oldest,
        "dunning_days_overdue": (today - oldest).days if oldest else 0,
        "dunning_not_due_amount": sum(
            item.residual for item in debit_items(items) if item.maturity >= today
        ),
    }
