from odoo import fields, models

from ..tools import commitments


class DsoDunningCommitmentInstalment(models.Model):
    """One instalment of a payment plan: an amount the customer pays by a date.

    It is paid when the payments on the plan's items since the plan cover
    every instalment due up to it; missed once its date plus the grace period
    has passed unpaid, which breaks the plan (``dso.dunning.commitment.engine``).
    Due and unpaid, it is followed up once by an action in the agenda.
    """

    _name = "dso.dunning.commitment.instalment"
    _description = "Payment Plan Instalment"
    _order = "commitment_id, date, id"

    commitment_id = fields.Many2one(
        "dso.dunning.commitment",
        string="Payment Plan",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="commitment_id.company_id", store=True)
    currency_id = fields.Many2one(related="commitment_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    state = fields.Selection(
        commitments.INSTALMENT_STATES, required=True, default="pending", readonly=True
    )
    followup_action_id = fields.Many2one(
        "dso.dunning.action",
        string="Follow-up",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="Due and not paid yet: the action planned in the agenda to follow it up.",
    )
