"""Commitments on items (promises to pay, disputes): their states and outcomes as plain rules."""

import datetime

KINDS = [("promise", "Promise to Pay"), ("dispute", "Dispute")]
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
# The status a commitment gives its items, by (kind, state); other states give none.
ITEM_STATUS_XMLIDS = {
    ("promise", "open"): "dso_dunning.dso_dunning_item_status_promise",
    ("promise", "partial"): "dso_dunning.dso_dunning_item_status_broken_promise",
    ("promise", "broken"): "dso_dunning.dso_dunning_item_status_broken_promise",
    ("dispute", "open"): "dso_dunning.dso_dunning_item_status_dispute",
    ("dispute", "in_progress"): "dso_dunning.dso_dunning_item_status_dispute",
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
