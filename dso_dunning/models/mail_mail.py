from odoo import models

from .dso_dunning_mail_batch import is_reminder

RETRYABLE_FAILURES = {"mail_smtp", "unknown"}


class MailMail(models.Model):
    """A dunning email that the mail server refused puts its action in error."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        failures = {}
        if failure_type:
            # Sending read the message to build the email: its subtype is in
            # cache, so a failed email that is not a reminder costs no query.
            for mail in self:
                if is_reminder(mail.mail_message_id):
                    failures[mail.mail_message_id.id] = failure_reason or mail.failure_reason
        result = super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
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
                )
        return result
