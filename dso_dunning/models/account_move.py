from odoo import api, fields, models

DUNNING_READERS = "dso_dunning.group_dso_dunning_auditor,dso_dunning.group_dso_dunning_collector"


def ledger_pairs(lines):
    """(company id, customer id) of the receivable journal items among ``lines``.

    Reads what reconciling and posting already loaded (account, partner).
    """
    return {
        (line.company_id.id, line.partner_id.commercial_partner_id.id)
        for line in lines
        if line.account_id.account_type == "asset_receivable"
    }


class AccountMove(models.Model):
    """Invoices show where their dunning stands and may follow their own scenario."""

    _inherit = "account.move"

    dunning_scenario_id = fields.Many2one(
        "dso.dunning.scenario",
        copy=False,
        check_company=True,
        help="Overrides the customer's scenario for this invoice; choose a 'never dun' "
        "scenario to keep it out of dunning.",
    )
    dunning_action_id = fields.Many2one(
        "dso.dunning.action",
        string="Last Dunning Action",
        compute="_compute_dunning_action_id",
        groups=DUNNING_READERS,
    )
    dunning_step_id = fields.Many2one(
        "dso.dunning.step",
        compute="_compute_dunning_action_id",
        groups=DUNNING_READERS,
    )

    dunning_item_status_id = fields.Many2one(
        "dso.dunning.status",
        string="Item Status",
        compute="_compute_dunning_item_status_id",
        groups=DUNNING_READERS,
        help="Status its commitment gives the invoice (promise to pay, dispute...).",
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._dunning_touch()
        return posted

    def button_draft(self):
        self._dunning_touch()
        return super().button_draft()

    def _dunning_touch(self):
        """A customer invoice or credit note posted or reset moves its customer's figures."""
        sales = self.filtered(lambda move: move.is_sale_document(include_receipts=True))
        if sales:
            self.env["dso.dunning.figure.refresh"]._touch_ledger(
                (move.company_id.id, move.commercial_partner_id.id) for move in sales
            )

    @api.depends("line_ids")
    def _compute_dunning_action_id(self):
        lines = self.env["dso.dunning.action.line"].search(
            [("move_id", "in", self.ids), ("action_id.state", "!=", "cancelled")],
            order="id desc",
        )
        latest = {}
        for line in lines:
            latest.setdefault(line.move_id.id, line.action_id)
        for move in self:
            action = latest.get(move.id, self.env["dso.dunning.action"])
            move.dunning_action_id = action
            move.dunning_step_id = action.step_id

    @api.depends("line_ids.dunning_status_id")
    def _compute_dunning_item_status_id(self):
        for move in self:
            move.dunning_item_status_id = move.line_ids.dunning_status_id[:1]
