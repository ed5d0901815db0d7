from odoo import fields, models


class DsoDunningStatus(models.Model):
    """One dunning status a customer can be in (normal, dispute, litigation...).

    A configurable list, so alerts can select or exclude customers by status;
    a status may pause dunning: setting it cancels the customer's pending
    actions at once, and planning resumes when the status changes.
    """

    _name = "dso.dunning.status"
    _description = "Dunning Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    pause_dunning = fields.Boolean(
        help="Customers in this status are not dunned: their pending actions are cancelled "
        "when it is set, and planning resumes when it changes."
    )
