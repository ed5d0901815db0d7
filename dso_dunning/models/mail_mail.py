from odoo import models

from ..tools.action_states import delivery_vals
from .dso_dunning_mail_batch import is_reminder

RETRYABLE_FAILURES = {"mail_smtp", "unknown"}


class MailMail(models.Model):
    """What the mail server did with a dunning email, on its action: accepted
    (delivery "sent"), or refused (the action in error, "not delivered")."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        # Sending read the message to build the email: its subtype is in
        # cache, so an email that is not a reminder costs no query. The
        # messages are noted before the queue deletes the sent emails.
        reminders = self.filtered(lambda mail: is_reminder(mail.mail_message_id)).mail_message_id
        failures = {}
        if failure_type:
            for mail in self:
                if mail.mail_message_id in reminders:
                    failures[mail.mail_message_id.id] = failure_reason or mail.failure_reason
        result = super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
        if reminders and not failure_type:
            self._dunning_accepted(reminders)
        if failures:
            actions = (
                self.env["dso.dunning.action"]
                .sudo()
                .search([("message_id", "in", list(failures)), ("state", "=", "sent")])
            )
            labels = dict(
                self.env["mail.notification"]
                ._fields["failure_type"]
                ._description_selection(self.env)
            )
            for action in actions:
                action._set_error(
                    self.env._(
                        "Email not delivered to %(recipient)s: %(reason)s",
                        recipient=action.sent_to,
                        reason=failures[action.message_id.id] or labels.get(failure_type, ""),
                    ),
                    retryable=failure_type in RETRYABLE_FAILURES,
                    delivery="error",
                )
        return result

    def _dunning_accepted(self, reminders):
        """The mail server accepted the emails of these ``reminders`` (messages):
        their actions say so, with the time."""
        actions = (
            self.env["dso.dunning.action"]
            .sudo()
            .search(
                [
                    ("message_id", "in", reminders.ids),
                    ("state", "=", "sent"),
                    ("delivery_state", "in", (False, "queued", "error")),
                ]
            )
        )
        actions.write(delivery_vals("sent"))
