from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    dunning_portal_validity_days = fields.Integer(
        string="Customer Page Link Validity (days)",
        default=60,
        help="A reminder's link to the customer's page works this many days after the last "
        "reminder that carried it.",
    )
