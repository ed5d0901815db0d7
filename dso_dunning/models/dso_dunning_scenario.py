from odoo import api, fields, models
from odoo.exceptions import UserError


class DsoDunningScenario(models.Model):
    """How one group of customers is chased: an ordered list of steps.

    A scenario marked *never dun* has no steps that matter: its customers and
    invoices are never planned.
    """

    _name = "dso.dunning.scenario"
    _description = "Dunning Scenario"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    never_dun = fields.Boolean(
        help="Customers and invoices with this scenario are never chased.",
    )
    escalate_pending = fields.Boolean(
        string="Escalate Pending Actions",
        help="When a customer reaches a later step while the previous action still waits, "
        "replace that action by the later step. Otherwise the later step waits until the "
        "previous action is executed or cancelled.",
    )
    step_ids = fields.One2many("dso.dunning.step", "scenario_id", string="Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")
    note = fields.Html(translate=True)

    @api.depends("step_ids")
    def _compute_step_count(self):
        for scenario in self:
            scenario.step_count = len(scenario.step_ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        Action = self.env["dso.dunning.action"].sudo()
        for scenario in self:
            if Action.search_count([("scenario_id", "=", scenario.id)], limit=1):
                raise UserError(
                    self.env._(
                        "Scenario “%(scenario)s” has dunning actions: it cannot be deleted. "
                        "Archive it instead.",
                        scenario=scenario.name,
                    )
                )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for scenario, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%(name)s (copy)", name=scenario.name)
        return vals_list
