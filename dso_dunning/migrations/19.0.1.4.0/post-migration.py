"""19.0.1.4.0: which steps work reads whether the customer paid after each action.

Executed actions get ``covers_invoices`` and ``settled_on`` (new, stored),
which the report read from the items and their reconciliations at query
time before: filled in one UPDATE, as the ledger refresh writes them.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    # A database restored from a dump has no statistics until autovacuum runs:
    # PostgreSQL would then join the actions to their items by nested loops
    # (minutes for 100k actions instead of seconds).
    cr.execute(SQL("ANALYZE dso_dunning_action, dso_dunning_action_line"))
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["dso.dunning.action"]._write_settlement_where(SQL("TRUE"))
