"""Collection effectiveness and cash forecast: the rules, as plain functions.

The SQL of the reports (``models/res_partner_payment_behaviour.py``,
``models/dso_dunning_forecast.py``, ``models/dso_dunning_step_effect.py``)
computes the same numbers set-based; these functions say what they mean and
are unit-tested without records.
"""

import datetime

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

from .action_states import EXECUTED_STATES

# Payments counted in a customer's average days late: the last 6 months.
PAYMENT_WINDOW_MONTHS = 6
# "Paid within N days of the action": the windows of the step report.
EFFECT_WINDOWS = (7, 15, 30)
# Where an expected collection comes from (the forecast's "source").
FORECAST_SOURCES = [
    ("due", "Due Date + Customer Delay"),
    ("promise", "Promise to Pay"),
    ("plan", "Payment Plan Instalment"),
    ("dispute", "Dispute"),
    ("broken", "Broken Promise (Off Forecast)"),
]
CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("call", "Phone Call"),
    ("task", "Other Task"),
]


def payment_window_start(today):
    """First payment date counted in the average days late."""
    return today - relativedelta(months=PAYMENT_WINDOW_MONTHS)


def days_late(due_date, payment_date):
    """Days a payment came after the due date; an early payment counts 0, not negative.

    A customer paying some invoices early and others late is late on the
    latter: early payments do not hide late ones.
    """
    return max((payment_date - due_date).days, 0)


def average_days_late(payments):
    """Average days late of ``payments`` ``(due date, payment date, amount)``, weighted by amount.

    ``None`` without any payment (nothing to judge the customer on).
    """
    total = sum(amount for _due, _paid, amount in payments)
    if not total:
        return None
    weighted = sum(days_late(due, paid) * amount for due, paid, amount in payments)
    return round(weighted / total, 1)


def week_start(date):
    """Monday of ``date``'s week: the forecast's weekly bucket."""
    return date - datetime.timedelta(days=date.weekday())


def expected_date(base_date, delay_days, today):
    """When a collection is expected: ``base_date`` plus ``delay_days``, never before today.

    What is already late is expected from today on, not in a week gone by.
    """
    expected = base_date + datetime.timedelta(days=round(delay_days or 0))
    return max(expected, today)


def window_outcome(executed_on, settled_on, window_days, today):
    """Did the customer pay within ``window_days`` of an action executed on ``executed_on``?

    ``100`` yes, ``0`` no, ``None`` not known yet (the window is still open
    and the items are not settled): averaged, ``None`` is left out, so a
    recent action does not lower the share of its step.
    """
    deadline = executed_on + datetime.timedelta(days=window_days)
    if settled_on is not None and settled_on <= deadline:
        return 100
    if deadline < today:
        return 0
    return None


def kept_rate(kept, closed):
    """Share (%) of closed promises that were kept; ``None`` when none closed."""
    if not closed:
        return None
    return round(100.0 * kept / closed, 1)


def collector_sql(partner, company):
    """SQL of the collector of customer ``partner`` in ``company`` (aliases).

    The rule of ``res.partner._dunning_collector``: the customer's own
    (company-dependent, a JSON value per company), the company's default,
    then the salesperson (an archived user is not filtered out here: the
    reports keep showing whose portfolio it was).
    """
    return SQL(
        "COALESCE((%(partner)s.dunning_collector_id ->> %(company)s.id::text)::int4, "
        "%(company)s.dunning_default_collector_id, %(partner)s.user_id)",
        partner=SQL.identifier(partner),
        company=SQL.identifier(company),
    )


def main_channel_sql(action):
    """SQL of the main channel of action ``action`` (alias), as the actions analysis shows it."""
    return SQL(
        """CASE
               WHEN %(a)s.channel_call THEN 'call'
               WHEN %(a)s.channel_letter THEN 'letter'
               WHEN %(a)s.channel_email THEN 'email'
               WHEN %(a)s.channel_sms THEN 'sms'
               ELSE 'task'
           END""",
        a=SQL.identifier(action),
    )


def settlement_sql(where):
    """SQL writing when the customer paid after each executed action matching ``where``.

    ``where``: SQL on the actions (alias ``a``). An action covers invoices
    when one of its items is owed by the customer (a debit: credit notes and
    payments on account do not count); it is settled on the day the last of
    those items was reconciled, once they all are. Only the actions whose
    values change are written: a refresh of customers whose payments did not
    touch their history writes nothing.
    """
    return SQL(
        """
        UPDATE dso_dunning_action a
           SET covers_invoices = settled.covers_invoices,
               settled_on = settled.settled_on
          FROM (
               SELECT a.id,
                      COUNT(item.id) > 0 AS covers_invoices,
                      CASE WHEN bool_and(item.reconciled) THEN MAX(pr.max_date) END
                          AS settled_on
                 FROM dso_dunning_action a
            LEFT JOIN dso_dunning_action_line line ON line.action_id = a.id
            LEFT JOIN account_move_line item
                   ON item.id = line.move_line_id AND item.balance > 0
            LEFT JOIN account_partial_reconcile pr ON pr.debit_move_id = item.id
                WHERE a.state IN %(executed)s AND %(where)s
             GROUP BY a.id
               ) settled
         WHERE a.id = settled.id
           AND (a.covers_invoices IS DISTINCT FROM settled.covers_invoices
                OR a.settled_on IS DISTINCT FROM settled.settled_on)
        """,
        executed=EXECUTED_STATES,
        where=where,
    )
