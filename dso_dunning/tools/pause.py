"""When a customer's dunning is paused: one rule for the planner, the sender and the card."""


def is_blocked(block_reason, block_until, today):
    """A block set on the customer that has not ended (no end date: until lifted)."""
    return bool(block_reason) and (not block_until or block_until >= today)


def is_paused(block_reason, block_until, status_pauses, today):
    """Whether nothing is dunned for the customer today: a running block, or a status
    that pauses dunning (dispute, litigation...)."""
    return is_blocked(block_reason, block_until, today) or bool(status_pauses)


def block_vals(outcome, promise_date):
    """The block a call outcome or a reply qualification sets on the customer.

    A promise blocks until its date, a dispute until lifted; any other
    outcome blocks nothing (None).
    """
    if outcome == "promise":
        return {"dunning_block_reason": "promise", "dunning_block_until": promise_date}
    if outcome == "dispute":
        return {"dunning_block_reason": "dispute", "dunning_block_until": False}
    return None
