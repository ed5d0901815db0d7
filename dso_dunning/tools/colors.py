"""Colours of records shown side by side (alert squares): Odoo's colour picker."""

# The indexes of the colour picker (web's ColorList), 0 being "no colour".
PICKER_COLORS = range(1, 12)


def least_used_color(counts):
    """The first colour of the picker not in ``counts`` ({colour: records using it}),
    else the least used one (the first of them on a tie)."""
    return min(PICKER_COLORS, key=lambda color: counts.get(color, 0))
