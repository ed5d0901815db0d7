from odoo import fields, models


class DsoDunningAction(models.Model):
    """Actions show the alert squares of their customer (agenda rows)."""

    _inherit = "dso.dunning.action"

    partner_alert_ids = fields.Many2many(
        related="partner_id.dunning_alert_ids", string="Customer Alerts"
    )
