"""Credit-insurance guarantee of a customer: which cover applies today."""


def temporary_applies(amount, start, end, today):
    """A temporary guarantee replaces the permanent one from ``start`` (empty:
    already) to ``end`` included; an amount of 0 means there is none."""
    return bool(amount) and bool(end) and end >= today and (not start or start <= today)


def effective_guarantee(permanent, temporary, start, end, today):
    return temporary if temporary_applies(temporary, start, end, today) else (permanent or 0.0)


def exposure(total_due, guarantee):
    """Outstanding above the guarantee: 0 when covered, and 0 for an uninsured
    customer (no guarantee to be above; see the "Uninsured" filter)."""
    if not guarantee:
        return 0.0
    return max((total_due or 0.0) - guarantee, 0.0)
