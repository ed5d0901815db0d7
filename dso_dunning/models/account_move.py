from odoo import api, fields, models

DUNNING_READERS = "dso_dunning.group_dso_dunning_auditor,dso_dunning.group_dso_dunning_collector"


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
