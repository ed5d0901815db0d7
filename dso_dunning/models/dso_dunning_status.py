from odoo import fields, models


class DsoDunningStatus(models.Model):
    """One dunning status a customer can be in (normal, dispute, litigation...).

    A configurable list, so alerts can select or exclude customers by status.
    """

    _name = "dso.dunning.status"
    _description = "Dunning Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
