from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.action_states import EXECUTED_STATES, EXECUTED_STATES_SQL, SETTLEMENT_FIELDS
from ..tools.collection_kpi import settlement_sql


class DsoDunningAction(models.Model):
    """Whether the customer paid after an executed action, and when.

    Stored so that "which steps work" reads one row per action instead of
    its items and their reconciliations. Written when the action is
    executed (its items may be paid already) and again by the ledger
    refresh each time the customer's items move: a payment settles it
    within minutes, a payment removed opens it again.
    """

    _inherit = "dso.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    covers_invoices = fields.Boolean(
        readonly=True,
        help="Set on executed actions: at least one of its items is owed by the customer "
        "(credit notes and payments on account do not count). Only those actions tell "
        "whether the customer paid after them.",
    )
    settled_on = fields.Date(
        string="Paid On",
        readonly=True,
        help="Set on executed actions: the day the last of its invoice items was settled, "
        "empty while one of them is open. Follows the payments within minutes.",
    )

    # "Which steps work" lists these actions newest first: its first page reads
    # 80 entries of this index, not the whole history.
    _step_effect_idx = models.Index(
        f"((executed_date::date) DESC, id DESC) WHERE state IN ({EXECUTED_STATES_SQL})"
        " AND covers_invoices"
    )

    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        actions.filtered(lambda a: a.state in EXECUTED_STATES)._write_settlement()
        return actions

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") in EXECUTED_STATES:
            self._write_settlement()
        return result

    def _write_settlement(self):
        """Write whether the customer paid after these executed actions."""
        if self:
            self._write_settlement_where(SQL("a.id = ANY(%s)", self.ids))

    @api.model
    def _write_settlement_where(self, where):
        """The same, for the executed actions matching ``where`` (SQL, alias ``a``), set-based."""
        self.env["dso.dunning.action.line"].flush_model(["action_id", "move_line_id"])
        self.env["account.move.line"].flush_model(["balance", "reconciled"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        self.flush_model(["state", "company_id", "partner_id"])
        self.env.execute_query(settlement_sql(where))
        self.invalidate_model(sorted(SETTLEMENT_FIELDS))
