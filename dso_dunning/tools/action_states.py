"""The life of a dunning action: its states, who moves it, what it may change.

One definition, imported by the action model, the agenda and the tests; the
README's "Life of an action" table is this module in prose.
"""

PENDING_STATES = ("planned", "to_confirm", "confirmed", "error", "to_post")
EXECUTED_STATES = ("sent", "done")
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
    }
)
# What a collector sets while the action is pending: its date, its
# collector, the outcome of a call.
PENDING_USER_FIELDS = frozenset(
    {"date", "collector_id", "outcome", "promise_date", "reschedule_note"}
)
# Frozen once the action is history.
HISTORY_FIELDS = ENGINE_FIELDS | PENDING_USER_FIELDS
# What a delivery failure writes on a sent action.
ERROR_FIELDS = frozenset({"state", "error_message", "error_retryable"})


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
