from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import agenda
from ..tools.action_states import (
    DELIVERY_STATES,
    ENGINE_FIELDS,
    HISTORY_STATES,
    PENDING_STATES,
    PENDING_STATES_SQL,
    frozen_fields,
    refused_transition,
)

# What the customer's action figures (step, last and next dunning dates) follow.
FIGURE_SOURCES = frozenset({"state", "date", "step_id", "executed_date"})


class DsoDunningAction(models.Model):
    """One dunning action: one customer, one step, one date.

    It covers the customer's open items at that step (snapshot in
    ``line_ids``) and, once executed, records what was done. While pending it
    is refreshed by every planning run; paid items make it cancelled.
    """

    _name = "dso.dunning.action"
    _description = "Dunning Action"
    # Batched tracking logs first: it extends mail.thread.
    _inherit = ["dso.dunning.tracking.mixin", "mail.activity.mixin"]
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
            ("to_post", "To Post"),
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
            ("paused", "Dunning paused"),
            ("undelivered", "Earlier step not delivered"),
        ],
        readonly=True,
    )
    error_message = fields.Text(readonly=True)
    executed_date = fields.Datetime(readonly=True)
    executed_by_id = fields.Many2one("res.users", readonly=True)
    error_retryable = fields.Boolean(
        readonly=True, help="A later sending run retries this action by itself."
    )
    sent_to = fields.Char(readonly=True)
    delivery_state = fields.Selection(
        DELIVERY_STATES,
        string="Delivery",
        readonly=True,
        copy=False,
        help="What became of the email after it was sent: queued in Odoo's mail queue, "
        "accepted by the mail server, not delivered (refused, server down) or bounced by "
        "the recipient's server.",
    )
    delivery_date = fields.Datetime(
        readonly=True, copy=False, help="When the delivery reached its current status."
    )
    message_id = fields.Many2one("mail.message", string="Email Sent", readonly=True)
    email_done = fields.Boolean(readonly=True, copy=False)
    sms_message_id = fields.Many2one("mail.message", string="Text Message", readonly=True)
    sms_done = fields.Boolean(readonly=True, copy=False)
    sms_number = fields.Char(string="SMS Number", readonly=True)
    letter_attachment_id = fields.Many2one("ir.attachment", string="Letter PDF", readonly=True)
    letter_done = fields.Boolean(readonly=True, copy=False)
    outcome = fields.Selection(
        [
            ("reached", "Reached"),
            ("no_answer", "No answer"),
            ("promise", "Promise to pay"),
            ("dispute", "Dispute"),
            ("wrong_contact", "Wrong contact"),
        ],
        tracking=True,
        help="Result of a call or task; a promise or a dispute pauses the automatic steps.",
    )
    promise_date = fields.Date(
        string="Promised Payment Date", help="Automatic steps wait until this date."
    )
    agenda_color = fields.Selection(
        [
            (agenda.RED, "To do now"),
            (agenda.BLUE, "Future"),
            (agenda.GREEN, "Confirmed"),
            (agenda.WHITE, "Future, not confirmed"),
            (agenda.YELLOW, "Error"),
            (agenda.GREY, "History"),
        ],
        string="Agenda Colour",
        compute="_compute_agenda_color",
        help="Depends on today's date, hence computed when read.",
    )
    color = fields.Integer(string="Colour Index", compute="_compute_agenda_color")
    reschedule_note = fields.Char(
        string="Reschedule Reason", readonly=True, copy=False, tracking=True
    )
    partner_alert_ids = fields.Many2many(
        related="partner_id.dunning_alert_ids",
        string="Customer Alerts",
        help="The squares of the customer's alerts (agenda rows).",
    )
    outcome_note = fields.Text(
        tracking=True,
        help="What the collector learnt, added at any time, history included (tracked).",
    )

    # Cancelled actions stay as they were: a step cancelled (paid) and due
    # again the same day gets a new action beside it.
    _unique_live_step_date = models.UniqueIndex(
        "(company_id, partner_id, step_id, date) WHERE state != 'cancelled'",
        "A customer can have only one action for a given step on a given date.",
    )
    # The agenda lists pending actions newest first, among a history that
    # only grows (nine rows in ten of a live table): this index holds the
    # pending ones alone, in the list's order, so that the first page and
    # the counters read them, not the history.
    _pending_date_idx = models.Index(f"(date DESC, id DESC) WHERE state IN ({PENDING_STATES_SQL})")
    _one_pending_per_scenario = models.UniqueIndex(
        f"(company_id, partner_id, scenario_id) WHERE state IN ({PENDING_STATES_SQL})",
        "A customer can have only one pending dunning action per scenario.",
    )

    @api.depends("partner_id.name", "step_id.name")
    def _compute_name(self):
        for action in self:
            action.name = f"{action.step_id.name or ''} — {action.partner_id.name or ''}"

    @api.depends("partner_id.name", "step_id.name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """The step in the reader's language (the stored name is the planner's)."""
        for action in self:
            action.display_name = f"{action.step_id.name or ''} — {action.partner_id.name or ''}"

    @api.depends("line_ids")
    def _compute_line_count(self):
        for action in self:
            action.line_count = len(action.line_ids)

    @api.depends("mode", "state", "date")
    @api.depends_context("tz")
    def _compute_agenda_color(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.agenda_color = agenda.agenda_color(
                action.mode, action.state, action.date or today, today
            )
            action.color = agenda.KANBAN_COLORS[action.agenda_color]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if any(action.state in HISTORY_STATES for action in self):
            raise UserError(
                self.env._(
                    "Executed and cancelled dunning actions are the history of what was sent: "
                    "they cannot be deleted."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        actions._schedule_collector_activities()
        self.env["dso.dunning.figure"]._touch(actions)
        return actions

    def write(self, vals):
        self._check_write(vals)
        result = super().write(vals)
        if FIGURE_SOURCES.intersection(vals):
            self.env["dso.dunning.figure"]._touch(self)
        if vals.get("state") in PENDING_STATES:
            self._schedule_collector_activities()
        if "date" in vals:
            for action in self:
                action.activity_ids.date_deadline = action.date
        return result

    def _check_write(self, vals):
        """Refuse what would bend an action's life (see ``tools/action_states``).

        Users change only their own fields of pending actions; the state and
        the facts of an execution are written by the engine's methods, as
        superuser; history keeps what it records, whoever writes.
        """
        engine = ENGINE_FIELDS.intersection(vals)
        if engine and not self.env.su:
            raise AccessError(
                self.env._(
                    "Only the dunning engine changes the state and the execution of an action "
                    "(%(fields)s): use its buttons (Confirm, Send Now, Mark as Done, Mark as "
                    "Posted, Cancel).",
                    fields=self._field_labels(engine),
                )
            )
        for action in self:
            frozen = frozen_fields(action.state, vals)
            if frozen:
                raise UserError(
                    self.env._(
                        "“%(action)s” is history (%(state)s): what it records cannot change "
                        "(%(fields)s). Add an outcome note, or plan a new action instead.",
                        action=action.display_name,
                        state=action._state_label(),
                        fields=self._field_labels(frozen),
                    )
                )
            if "state" in vals and refused_transition(action.state, vals["state"]):
                raise UserError(
                    self.env._(
                        "“%(action)s” cannot go from %(old)s to %(new)s.",
                        action=action.display_name,
                        old=action._state_label(),
                        new=action._state_label(vals["state"]),
                    )
                )

    def _field_labels(self, names):
        return ", ".join(
            self._fields[name].get_description(self.env)["string"] for name in sorted(names)
        )

    def _state_label(self, state=None):
        labels = dict(self._fields["state"]._description_selection(self.env))
        return labels.get(state or self.state, state)

    def _transition(self, state, vals=None):
        """Move these actions to ``state`` with the facts in ``vals``.

        The engine's only way to change an action's state; ``write`` checks
        the move against the state machine. Written as superuser, still as
        the current user (author of the tracking, "executed by"): callers
        have checked the user's role.
        """
        if self:
            self.sudo().write({**(vals or {}), "state": state})

    def _check_dunning_role(self):
        """Raise unless the current user works the agenda (Collector, Credit Manager).

        The access rights on actions are the one definition of the role;
        called on records, the company rules apply too.
        """
        self.check_access("write")
