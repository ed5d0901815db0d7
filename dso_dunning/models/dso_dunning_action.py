from odoo import api, fields, models
from odoo.exceptions import UserError

PENDING_STATES = ("planned", "to_confirm", "confirmed", "error")
EXECUTED_STATES = ("sent", "done")


class DsoDunningAction(models.Model):
    """One dunning action: one customer, one step, one date.

    It covers the customer's open items at that step (snapshot in
    ``line_ids``) and, once executed, records what was done. While pending it
    is refreshed by every planning run; paid items make it cancelled.
    """

    _name = "dso.dunning.action"
    _description = "Dunning Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "step_id"]

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    scenario_id = fields.Many2one(
        "dso.dunning.scenario", required=True, index=True, readonly=True, check_company=True
    )
    step_id = fields.Many2one(
        "dso.dunning.step", required=True, index=True, readonly=True, check_company=True
    )
    step_rank = fields.Integer(readonly=True, help="Position of the step in its scenario.")
    mode = fields.Selection(related="step_id.mode", store=True)
    channel_email = fields.Boolean(related="step_id.channel_email", store=True)
    channel_sms = fields.Boolean(related="step_id.channel_sms", store=True)
    channel_letter = fields.Boolean(related="step_id.channel_letter", store=True)
    channel_call = fields.Boolean(related="step_id.channel_call", store=True)
    channel_task = fields.Boolean(related="step_id.channel_task", store=True)
    date = fields.Date(required=True, index=True, tracking=True)
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("to_confirm", "To Confirm"),
            ("confirmed", "Confirmed"),
            ("sent", "Sent"),
            ("done", "Done"),
            ("error", "Error"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="planned",
        index=True,
        tracking=True,
    )
    collector_id = fields.Many2one("res.users", index=True, tracking=True)
    amount_due = fields.Monetary(
        string="Amount Dunned", readonly=True, help="Residual of the items this action covers."
    )
    amount_overdue = fields.Monetary(string="Overdue Amount", readonly=True)
    oldest_due_date = fields.Date(readonly=True)
    days_overdue = fields.Integer(readonly=True)
    line_ids = fields.One2many(
        "dso.dunning.action.line", "action_id", string="Items", readonly=True
    )
    line_count = fields.Integer(compute="_compute_line_count")
    cancel_reason = fields.Selection(
        [
            ("paid", "Paid"),
            ("credit", "Nothing left to dun"),
            ("superseded", "Replaced by a later step"),
            ("user", "Cancelled by a user"),
        ],
        readonly=True,
    )
    error_message = fields.Text(readonly=True)
    executed_date = fields.Datetime(readonly=True)
    executed_by_id = fields.Many2one("res.users", readonly=True)

    _unique_step_date = models.Constraint(
        "UNIQUE(company_id, partner_id, step_id, date)",
        "A customer can have only one action for a given step on a given date.",
    )
    _one_pending_per_scenario = models.UniqueIndex(
        "(company_id, partner_id, scenario_id) "
        "WHERE state IN ('planned', 'to_confirm', 'confirmed', 'error')",
        "A customer can have only one pending dunning action per scenario.",
    )

    @api.depends("partner_id.name", "step_id.name")
    def _compute_name(self):
        for action in self:
            action.name = f"{action.step_id.name or ''} — {action.partner_id.name or ''}"

    @api.depends("line_ids")
    def _compute_line_count(self):
        for action in self:
            action.line_count = len(action.line_ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_executed(self):
        if any(action.state in EXECUTED_STATES for action in self):
            raise UserError(
                self.env._(
                    "Executed dunning actions are the history of what was sent: they cannot be "
                    "deleted."
                )
            )

    def _cancel(self, reason):
        self.filtered(lambda a: a.state in PENDING_STATES).write(
            {"state": "cancelled", "cancel_reason": reason}
        )

    def _recheck_still_due(self):
        """Re-read the live residual of the items just before execution.

        Items paid since planning are dropped from the action; an action with
        nothing left is cancelled (reason: paid). Returns the actions that are
        still worth executing.
        """
        self.line_ids.move_line_id.invalidate_recordset(["amount_residual", "reconciled"])
        still_due = self.browse()
        for action in self.filtered(lambda a: a.state in PENDING_STATES):
            paid = action.line_ids.filtered(
                lambda line: (
                    not line.move_line_id
                    or line.move_line_id.reconciled
                    or line.move_line_id.amount_residual <= 0
                )
            )
            if paid:
                paid.unlink()
            if not action.line_ids:
                action._cancel("paid")
                continue
            for line in action.line_ids:
                if line.amount_residual != line.move_line_id.amount_residual:
                    line.amount_residual = line.move_line_id.amount_residual
            action.amount_due = sum(action.line_ids.mapped("amount_residual"))
            if (
                action.currency_id.compare_amounts(
                    action.amount_due, action.company_id.dunning_tolerance
                )
                <= 0
            ):
                action._cancel("paid")
                continue
            still_due |= action
        return still_due
