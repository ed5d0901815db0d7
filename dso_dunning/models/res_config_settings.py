from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_default_collector_id = fields.Many2one(
        related="company_id.dunning_default_collector_id", readonly=False
    )
    dunning_default_scenario_id = fields.Many2one(
        related="company_id.dunning_default_scenario_id", readonly=False
    )
    dunning_planning_enabled = fields.Boolean(
        related="company_id.dunning_planning_enabled", readonly=False
    )
    dunning_tolerance = fields.Monetary(related="company_id.dunning_tolerance", readonly=False)
    dunning_min_interval = fields.Integer(related="company_id.dunning_min_interval", readonly=False)
    dunning_horizon = fields.Integer(related="company_id.dunning_horizon", readonly=False)
