from collections import Counter

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import pause
from ..tools.action_states import PENDING_STATES, SENDABLE_STATES, delivery_vals


class DsoDunningAction(models.Model):
    """The buttons of an action (agenda, form, list) and the outcome of a manual one."""

    _inherit = "dso.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    # With the outcome it qualifies (see ``_apply_outcome``).
    dispute_type_id = fields.Many2one(
        "dso.dunning.dispute.type", help="Outcome dispute: the type of the dispute recorded."
    )

    def _filter_or_raise(self, predicate, message):
        """The actions of ``self`` a button applies to; a clear error when none does."""
        self._check_dunning_role()
        actions = self.filtered(predicate)
        if not actions:
            raise UserError(message)
        return actions

    def action_confirm(self):
        """Confirm the selected actions that wait for it; say what became of the others."""
        to_confirm = self._filter_or_raise(
            lambda a: a.state == "to_confirm",
            self.env._("None of these actions waits for a confirmation."),
        )
        to_confirm._transition("confirmed")
        skipped = self - to_confirm
        if not skipped:
            return True
        states = Counter(skipped.mapped(lambda a: a._state_label()))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "message": self.env._(
                    "%(confirmed)s of %(selected)s actions confirmed; the others did not wait "
                    "for a confirmation (%(states)s).",
                    confirmed=len(to_confirm),
                    selected=len(self),
                    states=", ".join(f"{label}: {count}" for label, count in states.items()),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_send_now(self):
        """Execute now, whatever the date; a locked action is being sent by the cron."""
        actions = self._filter_or_raise(
            lambda a: a.mode != "manual" and a.state in SENDABLE_STATES,
            self.env._(
                "Nothing to send: only automatic actions that are planned, to confirm, "
                "confirmed or in error can be sent."
            ),
        )
        locked = actions.try_lock_for_update()
        if actions - locked:
            raise UserError(
                self.env._("These actions are being sent right now; reload in a moment.")
            )
        locked.filtered(lambda a: a.state in ("planned", "to_confirm"))._transition("confirmed")
        # The send reads journal items and posts on the customer, which a
        # collector without accounting or contact rights may not: it runs as
        # superuser, still as this user (author of the message, "executed by").
        self.env["dso.dunning.sender"].sudo().with_context(dunning_force_retry=True)._execute(
            locked.sudo()
        )
        return True

    def action_mark_posted(self):
        """The letter went out by post: only this marks a letter sent."""
        self._filter_or_raise(
            lambda a: a.state == "to_post",
            self.env._("None of these actions is a letter waiting to be posted."),
        )._transition("sent")
        return True

    def action_print_letters(self):
        """One PDF of these letters; printing does not mark them posted."""
        wizard = self.env["dso.dunning.action.print"].create(
            {"action_ids": [fields.Command.set(self.ids)]}
        )
        return wizard.action_print()

    def action_cancel(self):
        self._filter_or_raise(
            lambda a: a.state in PENDING_STATES,
            self.env._("Nothing to cancel: executed and cancelled actions are history."),
        )._cancel("user")
        return True

    def action_open_reschedule(self):
        self._filter_or_raise(lambda a: a.state in PENDING_STATES, self._reschedule_refusal())
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reschedule"),
            "res_model": "dso.dunning.action.reschedule",
            "view_mode": "form",
            "target": "new",
            "context": {"default_action_ids": [fields.Command.set(self.ids)]},
        }

    def _reschedule_refusal(self):
        return self.env._(
            "None of these actions is pending: executed and cancelled actions keep their date."
        )

    def action_edit_before_sending(self):
        """Open the composer prefilled from the step's template, for the customer."""
        self.ensure_one()
        self._check_dunning_role()
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
                action._transition(
                    "sent",
                    {
                        "message_id": message.id,
                        "email_done": True,
                        "sent_to": ", ".join(message.partner_ids.mapped("email_formatted")),
                        **delivery_vals("queued"),
                        "error_message": False,
                        "executed_date": fields.Datetime.now(),
                        "executed_by_id": self.env.uid,
                    },
                )
        return result

    def action_done(self):
        """Record a manual action as done with its outcome (calls, tasks)."""
        pending = self._filter_or_raise(
            lambda a: a.state in PENDING_STATES,
            self.env._("Nothing to mark as done: executed and cancelled actions are history."),
        )
        outcomes = dict(self._fields["outcome"]._description_selection(self.env))
        for action in pending:
            action.activity_ids.with_context(dunning_activity_sync=True).action_feedback(
                feedback=outcomes.get(action.outcome or "reached")
            )
        pending._mark_done()
        return True

    def _mark_done(self):
        pending = self.filtered(lambda a: a.state in PENDING_STATES)
        for action in pending:
            action._transition(
                "done",
                {
                    "outcome": action.outcome or "reached",
                    "executed_date": fields.Datetime.now(),
                    "executed_by_id": self.env.uid,
                },
            )
        pending._apply_outcome()

    def _apply_outcome(self):
        """A promise or a dispute becomes a commitment on the action's items.

        Only those items leave dunning (until the promised date, or while
        the dispute runs); the customer's other items keep being dunned.
        """
        Record = self.env["dso.dunning.commitment.create"]
        for action in self:
            vals = pause.commitment_vals(action.outcome, action.promise_date, action.outcome_note)
            if vals and vals["kind"] == "dispute":
                vals["dispute_type_id"] = action.dispute_type_id.id
            if vals:
                Record._record_qualification(
                    action.partner_id, action.company_id, action.line_ids.move_line_id, vals
                )
