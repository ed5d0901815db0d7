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
    dunning_promise_grace_days = fields.Integer(
        related="company_id.dunning_promise_grace_days", readonly=False
    )
    dunning_email_cc = fields.Char(related="company_id.dunning_email_cc", readonly=False)
    dunning_send_hour_from = fields.Float(
        related="company_id.dunning_send_hour_from", readonly=False
    )
    dunning_send_hour_to = fields.Float(related="company_id.dunning_send_hour_to", readonly=False)
    dunning_send_mon = fields.Boolean(related="company_id.dunning_send_mon", readonly=False)
    dunning_send_tue = fields.Boolean(related="company_id.dunning_send_tue", readonly=False)
    dunning_send_wed = fields.Boolean(related="company_id.dunning_send_wed", readonly=False)
    dunning_send_thu = fields.Boolean(related="company_id.dunning_send_thu", readonly=False)
    dunning_send_fri = fields.Boolean(related="company_id.dunning_send_fri", readonly=False)
    dunning_send_sat = fields.Boolean(related="company_id.dunning_send_sat", readonly=False)
    dunning_send_sun = fields.Boolean(related="company_id.dunning_send_sun", readonly=False)
    dunning_email_from = fields.Selection(related="company_id.dunning_email_from", readonly=False)
    dunning_email = fields.Char(related="company_id.dunning_email", readonly=False)
    dunning_statement_show_discussed = fields.Boolean(
        related="company_id.dunning_statement_show_discussed", readonly=False
    )
    dunning_portal_validity_days = fields.Integer(
        related="company_id.dunning_portal_validity_days", readonly=False
    )
