"""Agenda rules: which colour an action shows.

Plain functions on plain values, so the colour code of the seeds can be
tested without records and reused by list decorations, kanban cards and
exports alike.
"""

from .action_states import PENDING_STATES

RED = "red"
BLUE = "blue"
GREEN = "green"
WHITE = "white"
YELLOW = "yellow"
GREY = "grey"

# Index in the kanban colour picker (web ColorList) for each agenda colour.
KANBAN_COLORS = {RED: 1, YELLOW: 3, BLUE: 4, GREEN: 10, WHITE: 0, GREY: 0}


def agenda_color(mode, state, date, today):
    """Colour of an action in the agenda.

    Manual actions: red when due today or late, blue when in the future.
    Automatic actions: yellow in error, green once confirmed, red when late
    and not confirmed, white when in the future and not confirmed. Executed
    and cancelled actions are history: grey.
    """
    if state not in PENDING_STATES:
        return GREY
    if state == "error":
        return YELLOW
    if mode == "manual":
        return RED if date <= today else BLUE
    if state in ("confirmed", "to_post"):
        return GREEN
    return RED if date <= today else WHITE
