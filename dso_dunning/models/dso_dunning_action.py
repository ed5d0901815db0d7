from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import agenda

PENDING_STATES = ("planned", "to_confirm", "confirmed", "error", "to_post")
EXECUTED_STATES = ("sent", "done")
# What a user may change on an action; once executed, none of it changes.
HISTORY_LOCKED_FIELDS = {"date", "collector_id", "outcome", "promise_date"}


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

    _unique_step_date = models.Constraint(
        "UNIQUE(company_id, partner_id, step_id, date)",
        "A customer can have only one action for a given step on a given date.",
    )
    # The agenda lists pending actions newest first, among a history that
    # only grows (nine rows in ten of a live table): this index holds the
    # pending ones alone, in the list's order, so that the first page and
    # the counters read them, not the history.
    _pending_date_idx = models.Index(
        "(date DESC, id DESC) "
        "WHERE state IN ('planned', 'to_confirm', 'confirmed', 'error', 'to_post')"
    )
    _one_pending_per_scenario = models.UniqueIndex(
        "(company_id, partner_id, scenario_id) "
        "WHERE state IN ('planned', 'to_confirm', 'confirmed', 'error', 'to_post')",
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
    def _unlink_except_executed(self):
        if any(action.state in EXECUTED_STATES for action in self):
            raise UserError(
                self.env._(
                    "Executed dunning actions are the history of what was sent: they cannot be "
                    "deleted."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        actions._schedule_collector_activities()
        return actions

    def write(self, vals):
        locked = HISTORY_LOCKED_FIELDS.intersection(vals)
        executed = self.filtered(lambda a: a.state in EXECUTED_STATES) if locked else self.browse()
        if executed and ("date" in locked or not self.env.su):
            raise UserError(
                self.env._(
                    "“%(action)s” was already executed: it is history and cannot be changed "
                    "(%(fields)s). Plan a new action instead.",
                    action=executed[0].display_name,
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in sorted(locked)
                    ),
                )
            )
        result = super().write(vals)
        if vals.get("state") in PENDING_STATES:
            self._schedule_collector_activities()
        if "date" in vals:
            for action in self:
                action.activity_ids.date_deadline = action.date
        return result

    def _schedule_collector_activities(self):
        """Manual steps become an activity (call or to-do) for the collector.

        Scheduled per step, date and collector, so that planning many
        customers creates their activities in a few batches.
        """
        todo = self.filtered(
            lambda a: a.mode == "manual" and a.state in PENDING_STATES and not a.activity_ids
        )
        for (step, date, collector), actions in todo.grouped(
            lambda a: (a.step_id, a.date, a.collector_id)
        ).items():
            actions.activity_schedule(
                "mail.mail_activity_data_call"
                if step.channel_call
                else "mail.mail_activity_data_todo",
                date_deadline=date,
                summary=step.name,
                note=step.help_text or "",
                user_id=collector.id or self.env.uid,
            )

    def _is_executable(self):
        """Whether the sender may execute this action now (state re-read after locking)."""
        self.ensure_one()
        if self.mode == "manual":
            return False
        if self.state == "error":
            return self.error_retryable or self.env.context.get("dunning_force_retry")
        return self.state == "confirmed" or (self.state == "planned" and self.mode == "automatic")

    def _set_error(self, message, retryable=False):
        self.write({"state": "error", "error_message": message, "error_retryable": retryable})
        self.message_post(body=message)

    def action_confirm(self):
        to_confirm = self.filtered(lambda a: a.state == "to_confirm")
        to_confirm.write({"state": "confirmed"})
        return True

    def action_send_now(self):
        """Execute now, whatever the date; a locked action is being sent by the cron."""
        actions = self.filtered(lambda a: a.mode != "manual" and a.state in PENDING_STATES)
        locked = actions.try_lock_for_update()
        if actions - locked:
            raise UserError(
                self.env._("These actions are being sent right now; reload in a moment.")
            )
        locked.filtered(lambda a: a.state == "to_confirm").write({"state": "confirmed"})
        locked.filtered(lambda a: a.state == "planned").write({"state": "confirmed"})
        # The user may send these actions (checked by the writes above); the send
        # itself reads journal items and posts on the customer, which a collector
        # without accounting or contact rights may not: it runs as superuser,
        # still as this user (author of the message, "executed by").
        self.env["dso.dunning.sender"].sudo().with_context(dunning_force_retry=True)._execute(
            locked.sudo()
        )
        return True

    def action_mark_posted(self):
        """The letter went out by post: only this marks a letter sent."""
        self.filtered(lambda a: a.state == "to_post").write({"state": "sent"})
        return True

    def action_print_letters(self):
        """One PDF of these letters; printing does not mark them posted."""
        wizard = self.env["dso.dunning.action.print"].create(
            {"action_ids": [fields.Command.set(self.ids)]}
        )
        return wizard.action_print()

    def action_cancel(self):
        self._cancel("user")
        self.activity_ids.unlink()
        return True

    def action_open_reschedule(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reschedule"),
            "res_model": "dso.dunning.action.reschedule",
            "view_mode": "form",
            "target": "new",
            "context": {"default_action_ids": [fields.Command.set(self.ids)]},
        }

    def action_edit_before_sending(self):
        """Open the composer prefilled from the step's template, for the customer."""
        self.ensure_one()
        if self.state not in PENDING_STATES or not self.channel_email:
            raise UserError(self.env._("Only a pending email action can be edited before sending."))
        contact = self.partner_id.dunning_contact_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Edit before sending"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "dso.dunning.action",
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": self.step_id.mail_template_id.id,
                "default_partner_ids": contact.ids,
                "dunning_manual_send": True,
            },
        }

    def _message_post_after_hook(self, message, msg_vals):
        """An email sent from "Edit before sending" executes the action."""
        result = super()._message_post_after_hook(message, msg_vals)
        if (
            self.env.context.get("dunning_manual_send")
            and message.message_type == "comment"
            and message.partner_ids
        ):
            for action in self.filtered(lambda a: a.state in PENDING_STATES):
                action.write(
                    {
                        "state": "sent",
                        "message_id": message.id,
                        "email_done": True,
                        "sent_to": ", ".join(message.partner_ids.mapped("email_formatted")),
                        "error_message": False,
                        "executed_date": fields.Datetime.now(),
                        "executed_by_id": self.env.uid,
                    }
                )
        return result

    def action_done(self):
        """Record a manual action as done with its outcome (calls, tasks)."""
        pending = self.filtered(lambda a: a.state in PENDING_STATES)
        for action in pending:
            outcome = dict(self._fields["outcome"]._description_selection(self.env))
            action.activity_ids.with_context(dunning_activity_sync=True).action_feedback(
                feedback=outcome.get(action.outcome or "reached")
            )
        pending._mark_done()
        return True

    def _mark_done(self):
        pending = self.filtered(lambda a: a.state in PENDING_STATES)
        for action in pending:
            action.write(
                {
                    "state": "done",
                    "outcome": action.outcome or "reached",
                    "executed_date": fields.Datetime.now(),
                    "executed_by_id": self.env.uid,
                }
            )
        pending._apply_outcome()

    def _apply_outcome(self):
        """A promise or a dispute pauses the automatic steps for the customer."""
        for action in self:
            if action.outcome == "promise":
                action.partner_id.write(
                    {"dunning_block_reason": "promise", "dunning_block_until": action.promise_date}
                )
            elif action.outcome == "dispute":
                action.partner_id.write(
                    {"dunning_block_reason": "dispute", "dunning_block_until": False}
                )

    def _cancel(self, reason):
        pending = self.filtered(lambda a: a.state in PENDING_STATES)
        pending.write({"state": "cancelled", "cancel_reason": reason})
        pending.activity_ids.unlink()

    def _email_from(self):
        """Sender of this action's emails, per the company's setting."""
        self.ensure_one()
        company = self.company_id
        if company.dunning_email_from == "collector" and self.collector_id.email:
            return self.collector_id.email_formatted
        return company.dunning_email or company.email_formatted or self.env.user.email_formatted

    def _statement(self):
        """Open items to show the customer, with a total per currency.

        Overdue items always; items not yet due and credits (credit notes,
        unmatched payments) when the step asks for them. Amounts are in the
        item's own currency.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        Item = self.env["account.move.line"].sudo()
        prefetched = self.env.context.get("dso_dunning_statement_items")
        key = (self.company_id.id, self.partner_id.id)
        if prefetched is not None and key in prefetched:
            # Prefetch over the whole batch: one read of the invoices for all.
            everything = [item_id for ids in prefetched.values() for item_id in ids]
            items = Item.browse(prefetched[key]).with_prefetch(everything)
        else:
            items = Item.search(self._statement_domain(), order="date_maturity, id")
        step = self.step_id
        lines, totals = [], {}
        for item in items:
            due = item.date_maturity or item.date
            credit = item.amount_residual < 0
            if credit and not step.statement_credits:
                continue
            not_due = not credit and due >= today and item not in self.line_ids.move_line_id
            if not_due and not step.statement_not_due:
                continue
            currency = item.currency_id or self.currency_id
            amount = item.amount_residual_currency if item.currency_id else item.amount_residual
            lines.append(
                {
                    "name": item.move_id.name,
                    "date": item.move_id.invoice_date or item.date,
                    "date_maturity": due,
                    "days_late": max((today - due).days, 0),
                    "amount": amount,
                    "currency": currency,
                }
            )
            totals[currency] = totals.get(currency, 0.0) + amount
        return {"lines": lines, "totals": list(totals.items())}

    def _statement_domain(self):
        return [
            ("company_id", "in", self.company_id.ids),
            ("partner_id.commercial_partner_id", "in", self.partner_id.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
            ("no_followup", "=", False),
        ]

    def _statement_items(self):
        """Open items of the customers of ``self`` in one search, per (company, customer).

        Given to the email templates in the context key
        ``dso_dunning_statement_items``, so that ``_statement`` of a batch of
        actions does not search once per action.
        """
        items = (
            self.env["account.move.line"]
            .sudo()
            .search(self._statement_domain(), order="date_maturity, id")
        )
        result = {(action.company_id.id, action.partner_id.id): [] for action in self}
        for item in items:
            key = (item.company_id.id, item.partner_id.commercial_partner_id.id)
            if key in result:
                result[key].append(item.id)
        return {key: tuple(ids) for key, ids in result.items()}

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
            amount_due = sum(action.line_ids.mapped("amount_residual"))
            # Only when it changed: each write goes through mail.thread's tracking setup.
            if action.currency_id.compare_amounts(amount_due, action.amount_due):
                action.amount_due = amount_due
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
