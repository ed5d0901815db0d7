"""The life of a dunning action: its states, who moves it, what it may change.

One definition, imported by the action model, the agenda and the tests; the
README's "Life of an action" table is this module in prose.
"""

import datetime

PENDING_STATES = ("planned", "to_confirm", "confirmed", "error", "to_post")
# What "Send Now" executes: pending, except a letter already waiting to be posted.
SENDABLE_STATES = tuple(state for state in PENDING_STATES if state != "to_post")
# The same, as the list of an SQL ``IN`` (partial indexes are declared as text).
PENDING_STATES_SQL = ", ".join(f"'{state}'" for state in PENDING_STATES)
EXECUTED_STATES = ("sent", "done")
EXECUTED_STATES_SQL = ", ".join(f"'{state}'" for state in EXECUTED_STATES)
# History is evidence: what it records never changes after the fact.
HISTORY_STATES = (*EXECUTED_STATES, "cancelled")

# from state: the states the engine may move an action to. Anything else is
# refused, whoever asks (the superuser included).
TRANSITIONS = {
    "planned": frozenset({"confirmed", "to_post", "sent", "done", "error", "cancelled"}),
    "to_confirm": frozenset({"confirmed", "to_post", "sent", "done", "error", "cancelled"}),
    "confirmed": frozenset({"to_post", "sent", "error", "cancelled"}),
    "error": frozenset({"planned", "confirmed", "to_post", "sent", "done", "error", "cancelled"}),
    "to_post": frozenset({"sent", "cancelled"}),
    # a delivery failure reported after the send (bounce, refused by the server)
    "sent": frozenset({"error"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}

# What records what happened: written by the engine's methods only, never
# through a user's ``write`` (the ORM lets only superuser code through).
ENGINE_FIELDS = frozenset(
    {
        "state",
        "cancel_reason",
        "error_message",
        "error_retryable",
        "executed_date",
        "executed_by_id",
        "sent_to",
        "delivery_state",
        "delivery_date",
        "message_id",
        "email_done",
        "sms_message_id",
        "sms_done",
        "sms_number",
        "letter_attachment_id",
        "letter_done",
        "amount_due",
        "amount_overdue",
        "oldest_due_date",
        "days_overdue",
        "line_ids",
        "step_rank",
        "company_id",
        "partner_id",
        "scenario_id",
        "step_id",
        "commitment_id",
        "covers_invoices",
        "settled_on",
    }
)
# What a collector sets while the action is pending: its date, its
# collector, the outcome of a call.
PENDING_USER_FIELDS = frozenset(
    {"date", "collector_id", "outcome", "promise_date", "reschedule_note"}
)
# What happens to a sent email after the send, written by the mail queue's
# hooks on history too: engine-only, never frozen.
DELIVERY_FIELDS = frozenset({"delivery_state", "delivery_date"})
# Whether the customer paid after an executed action: follows the payments
# (written by the ledger refresh), engine-only, never frozen.
SETTLEMENT_FIELDS = frozenset({"covers_invoices", "settled_on"})
# Frozen once the action is history.
HISTORY_FIELDS = (ENGINE_FIELDS - DELIVERY_FIELDS - SETTLEMENT_FIELDS) | PENDING_USER_FIELDS
# What a delivery failure writes on a sent action.
ERROR_FIELDS = frozenset({"state", "error_message", "error_retryable"})


# What became of a sent email (or text message), in Odoo's mail queue and beyond.
DELIVERY_STATES = [
    ("queued", "Queued"),
    ("sent", "Accepted by the mail server"),
    ("error", "Not delivered"),
    ("bounced", "Bounced"),
]


def delivery_vals(delivery_state):
    """The values recording that a sent email reached ``delivery_state`` now."""
    now = datetime.datetime.now().replace(microsecond=0)  # Odoo runs in UTC
    return {"delivery_state": delivery_state, "delivery_date": now}


def refused_transition(old, new):
    """Whether moving an action from ``old`` to ``new`` breaks the state machine."""
    return old != new and new not in TRANSITIONS.get(old, ())


def frozen_fields(state, vals):
    """The fields of ``vals`` an action in ``state`` must keep as they are.

    A pending action changes freely (the caller checks who writes); history
    keeps everything it records, except the error of a delivery that failed
    after the send.
    """
    if state not in HISTORY_STATES:
        return set()
    touched = HISTORY_FIELDS.intersection(vals)
    if vals.get("state") == "error" and touched <= ERROR_FIELDS:
        return set()
    return touched
