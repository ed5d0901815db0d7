from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_default_collector_id = fields.Many2one(
        related="company_id.dunning_default_collector_id",
        readonly=False,
    )
