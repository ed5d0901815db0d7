from odoo import fields, models

from ..tools import commitments

STATUS_SCOPES = [("customer", "Customer"), ("item", "Item")]


class DsoDunningStatus(models.Model):
    """One dunning status a customer or an open item can be in.

    One configurable list with a scope. Customer statuses (normal, dispute,
    litigation...) are set on the customer card and selected by alerts; one
    that pauses dunning cancels the customer's pending actions at once.
    Item statuses (promise to pay, dispute, payment plan...) come from the
    commitments on the items; one that pauses dunning takes only those items
    out of planning, the customer's other items keep being dunned.
    """

    _name = "dso.dunning.status"
    _description = "Dunning Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    scope = fields.Selection(
        STATUS_SCOPES,
        required=True,
        default="customer",
        help="Customer: set on the customer card. Item: set on open items by their "
        "commitments (promises, disputes).",
    )
    color = fields.Integer()
    description = fields.Text(translate=True)
    pause_dunning = fields.Boolean(
        help="Customers (or items) in this status are not dunned: pending actions are "
        "cancelled or refreshed when it is set, and planning resumes when it changes."
    )
    is_dispute = fields.Boolean(
        string="Dispute", help="Items in this status are disputed by the customer."
    )
    followup_days = fields.Integer(
        string="Follow-up Delay (days)",
        help="Days after which an item in this status is followed up by default: the "
        "promised date or the target resolution date proposed for a new commitment; "
        "for a broken promise, the date of the follow-up action.",
    )
    followup_channel = fields.Selection(
        commitments.FOLLOWUP_CHANNELS,
        string="Follow-up Channel",
        default="call",
        help="How items reaching this status are followed up: a call or a task for the "
        "collector, or an email to the customer (the first reminder's template). A broken "
        "promise plans it in the agenda at once; a dispute past its target date gives its "
        "resolver a call or a task.",
    )
    followup_mode = fields.Selection(
        commitments.FOLLOWUP_MODES,
        string="Follow-up Mode",
        default="manual",
        help="Manual: the collector does it (agenda, Manual tab). Automatic: sent on its "
        "date. Automatic to confirm: sent once someone has confirmed it. Calls and tasks "
        "are always manual.",
    )
