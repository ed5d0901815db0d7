from odoo import fields, models


class DsoDunningDisputeType(models.Model):
    """One cause of dispute (price, quality, missing goods...), for reporting by cause."""

    _name = "dso.dunning.dispute.type"
    _description = "Dispute Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    followup_days = fields.Integer(
        string="Target Delay (days)",
        help="Days proposed to resolve a dispute of this type; empty: the follow-up delay "
        "of the Dispute item status.",
    )
