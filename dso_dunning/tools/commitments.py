"""Commitments on items (promises to pay, disputes, payment plans): their states and
outcomes as plain rules."""

import datetime

from dateutil.relativedelta import relativedelta

KINDS = [("promise", "Promise to Pay"), ("dispute", "Dispute"), ("plan", "Payment Plan")]
# Kinds kept or broken by the payments on their items.
PAYMENT_KINDS = ("promise", "plan")
STATES = [
    ("open", "Open"),
    ("in_progress", "In Progress"),
    ("kept", "Kept"),
    ("partial", "Partially Kept"),
    ("broken", "Broken"),
    ("resolved", "Resolved"),
]
RESOLUTIONS = [
    ("credit_note", "Credit Note"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
]
# A commitment in these states still runs: its items cannot take another one.
RUNNING_STATES = ("open", "in_progress")
# A promise or a plan that ends in these states was not kept: the collector follows up.
BROKEN_STATES = ("partial", "broken")
# How an item in a status is followed up, and by whom.
FOLLOWUP_CHANNELS = [("call", "Phone Call"), ("task", "Task"), ("email", "Email")]
FOLLOWUP_MODES = [
    ("manual", "Manual"),
    ("automatic", "Automatic"),
    ("to_confirm", "Automatic to confirm"),
]
# The step channel (``dso.dunning.step``) of each follow-up channel.
FOLLOWUP_STEP_CHANNELS = {
    "call": "channel_call",
    "task": "channel_task",
    "email": "channel_email",
}
INSTALMENT_STATES = [("pending", "Pending"), ("paid", "Paid"), ("missed", "Missed")]
# The status a commitment gives its items, by (kind, state); other states give none.
ITEM_STATUS_XMLIDS = {
    ("promise", "open"): "dso_dunning.dso_dunning_item_status_promise",
    ("promise", "partial"): "dso_dunning.dso_dunning_item_status_broken_promise",
    ("promise", "broken"): "dso_dunning.dso_dunning_item_status_broken_promise",
    ("dispute", "open"): "dso_dunning.dso_dunning_item_status_dispute",
    ("dispute", "in_progress"): "dso_dunning.dso_dunning_item_status_dispute",
    ("plan", "open"): "dso_dunning.dso_dunning_item_status_payment_plan",
    ("plan", "partial"): "dso_dunning.dso_dunning_item_status_broken_promise",
    ("plan", "broken"): "dso_dunning.dso_dunning_item_status_broken_promise",
}


def open_items_domain(company_id, partner_id):
    """Open receivable items of one customer (commercial partner) in one company:
    what a commitment may cover."""
    return [
        ("company_id", "=", company_id),
        ("partner_id.commercial_partner_id", "=", partner_id),
        ("account_id.account_type", "=", "asset_receivable"),
        ("parent_state", "=", "posted"),
        ("reconciled", "=", False),
        ("amount_residual", "!=", 0),
    ]


def promise_deadline(promised_date, grace_days):
    """Last day a payment still keeps the promise: the promised date plus the grace period."""
    return promised_date + datetime.timedelta(days=max(grace_days or 0, 0))


def promise_outcome(amount, paid, residual, deadline, today, rounding=0.005):
    """State of a running promise today: "open", "kept", "partial" or "broken".

    ``amount``: what was promised; ``paid``: what was paid on its items since
    the promise; ``residual``: what is left to pay on them. Kept as soon as
    the items are paid or the payments cover the amount; until the deadline
    the promise runs; after it, some payment makes it partially kept, none
    broken.
    """
    if residual <= rounding or paid >= amount - rounding:
        return "kept"
    if today <= deadline:
        return "open"
    return "partial" if paid > rounding else "broken"


def split_instalments(total, count, first_date, digits=2):
    """``count`` monthly instalments ``[(date, amount)]`` of ``total`` from ``first_date``.

    Amounts are rounded to ``digits``; the last instalment takes the rounding
    difference, so that they add up to ``total``.
    """
    count = max(count, 1)
    share = round(total / count, digits)
    amounts = [share] * (count - 1) + [round(total - share * (count - 1), digits)]
    return [
        (first_date + relativedelta(months=index), amount) for index, amount in enumerate(amounts)
    ]


def instalment_states(instalments, paid, today, grace_days, rounding=0.005):
    """State of each instalment ``(date, amount)`` (in date order) of a running plan.

    ``paid``: what was paid on the plan's items since the plan. An instalment
    is paid when ``paid`` covers every instalment due up to it (cumulative
    amounts); unpaid, it is missed once its date plus the grace period has
    passed, pending before.
    """
    states, due = [], 0.0
    for date, amount in instalments:
        due += amount
        if paid >= due - rounding:
            states.append("paid")
        elif today > promise_deadline(date, grace_days):
            states.append("missed")
        else:
            states.append("pending")
    return states


def plan_outcome(states, residual, paid=0.0, rounding=0.005):
    """State of a running plan from its instalments' states: "kept" when every
    instalment is paid (or its items are settled); when one is missed, like a
    promise, "partial" if something was paid since the plan, else "broken";
    otherwise "open"."""
    if residual <= rounding or all(state == "paid" for state in states):
        return "kept"
    if "missed" not in states:
        return "open"
    return "partial" if paid > rounding else "broken"
