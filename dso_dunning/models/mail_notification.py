from odoo import models

RETRYABLE_SMS_FAILURES = {"sms_server", "sms_acc", "sms_credit"}
FAILED = ("exception", "bounce")  # notification statuses of an undelivered message


class MailNotification(models.Model):
    """Delivery failures of dunning emails and text messages, reported on their actions.

    No override here: ``mail.notification`` is written for every email anyone
    sends (Odoo marks it in a transient exception state while sending). The
    failures that count reach ``_dunning_sync_failures`` from where Odoo
    learns them: bounce routing (mail_thread.py), text message status updates
    (sms_tracker.py), and the mail queue's post-processing (mail_mail.py).
    """

    _inherit = "mail.notification"

    def _dunning_sync_failures(self):
        """Put in error the sent actions whose email or text message is among
        the messages of ``self``, failed notifications (bounced, or a text
        message in exception)."""
        messages = self.mail_message_id
        actions = (
            self.env["dso.dunning.action"]
            .sudo()
            .search(
                [
                    "|",
                    ("message_id", "in", messages.ids),
                    ("sms_message_id", "in", messages.ids),
                    ("state", "=", "sent"),
                ]
            )
        )
        for action in actions:
            notification = self.filtered(
                lambda n, a=action: n.mail_message_id in (a.message_id | a.sms_message_id)
            )[:1]
            if notification.notification_type == "email":
                reason = self.env._("the recipient's mail server bounced the message")
                channel = self.env._("Email")
            else:
                reason = notification._dunning_failure_reason()
                channel = self.env._("Text message")
            action._set_error(
                self.env._(
                    "%(channel)s not delivered to %(recipient)s: %(reason)s",
                    channel=channel,
                    recipient=notification.res_partner_id.display_name or action.sent_to,
                    reason=reason,
                ),
                retryable=notification.failure_type in RETRYABLE_SMS_FAILURES,
                delivery="bounced" if notification.notification_type == "email" else "error",
            )

    def _dunning_failure_reason(self):
        """Why this notification failed, in the reader's language."""
        self.ensure_one()
        labels = dict(self._fields["failure_type"]._description_selection(self.env))
        return self.failure_reason or labels.get(self.failure_type, "")
