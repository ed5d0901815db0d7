"""When a customer's dunning is paused: one rule for the planner, the sender and the card."""


def is_blocked(block_reason, block_until, today):
    """A block set on the customer that has not ended (no end date: until lifted)."""
    return bool(block_reason) and (not block_until or block_until >= today)


def is_paused(block_reason, block_until, status_pauses, today):
    """Whether nothing is dunned for the customer today: a running block, or a status
    that pauses dunning (dispute, litigation...)."""
    return is_blocked(block_reason, block_until, today) or bool(status_pauses)


def commitment_vals(outcome, promise_date, note):
    """The commitment a call outcome or a reply qualification records on its items.

    A promise to pay or a dispute covers items, never the whole customer: its
    other items keep being dunned (a customer-wide block is only set by hand,
    on the card). Without a promised date the promise takes the default delay
    of its status. Any other outcome records nothing (None).
    """
    if outcome == "promise":
        return {"kind": "promise", "date": promise_date or False, "comment": note or False}
    if outcome == "dispute":
        return {"kind": "dispute", "comment": note or False}
    return None
