"""Pure sending rules: the sending window, phone numbers, a memo for formatting.

Plain values in, plain values out; the sender (``dso.dunning.sender``)
applies them to records.
"""

import phonenumbers

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def in_window(local_now, weekdays, hour_from, hour_to):
    """Whether ``local_now`` (company time) falls in the sending window.

    ``weekdays``: set of day codes from WEEKDAYS; hours as floats (8.5 = 8:30);
    ``hour_from == hour_to`` means the whole day.
    """
    if WEEKDAYS[local_now.weekday()] not in weekdays:
        return False
    if hour_from == hour_to:
        return True
    hour = local_now.hour + local_now.minute / 60
    return hour_from <= hour < hour_to


def e164(number, country_code=None):
    """Return ``number`` in E.164 form, or raise ValueError saying why not."""
    if not number or not number.strip():
        raise ValueError("missing")
    try:
        parsed = phonenumbers.parse(number, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def memoized(function, memo):
    """``function`` answering repeated calls from ``memo`` (a dict).

    For pure formatting helpers called with the same values many times (the
    dates and amounts of a batch of statements). A call with an unhashable
    argument is passed through. ``-0.0`` and ``0.0`` are told apart: they
    compare equal but may be formatted differently.
    """

    def call(*args, **kwargs):
        try:
            key = (
                tuple(_memo_key(arg) for arg in args),
                tuple(sorted((name, _memo_key(value)) for name, value in kwargs.items())),
            )
            hash(key)
        except TypeError:
            return function(*args, **kwargs)
        if key not in memo:
            memo[key] = function(*args, **kwargs)
        return memo[key]

    return call


def _memo_key(value):
    return (type(value), repr(value) if isinstance(value, float) else value)
