from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_default_collector_id = fields.Many2one(
        comodel_name="res.users",
        string="Default Collector",
        domain=[("share", "=", False)],
        help="Collector in charge of customers that have none of their own; "
        "the salesperson is used when this is empty.",
    )
