from odoo import api, models

RETRYABLE_SMS_FAILURES = {"sms_server", "sms_acc", "sms_credit"}


class MailNotification(models.Model):
    """A bounced email or a failed text message puts its action in error.

    Email delivery failures are final only after ``mail.mail`` post-processing
    (see mail_mail.py); while sending, Odoo marks notifications in a transient
    exception state, which must not count.
    """

    _inherit = "mail.notification"

    @api.model_create_multi
    def create(self, vals_list):
        notifications = super().create(vals_list)
        notifications._dunning_sync_failures()
        return notifications

    def write(self, vals):
        result = super().write(vals)
        if vals.get("notification_status") in ("exception", "bounce"):
            self._dunning_sync_failures()
        return result

    def _dunning_sync_failures(self):
        failed = self.filtered(
            lambda n: (
                n.notification_status == "bounce"
                or (n.notification_status == "exception" and n.notification_type == "sms")
            )
        )
        if not failed:
            return
        messages = failed.mail_message_id
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
        labels = dict(self._fields["failure_type"]._description_selection(self.env))
        for action in actions:
            notification = failed.filtered(
                lambda n, a=action: n.mail_message_id in (a.message_id | a.sms_message_id)
            )[:1]
            if notification.notification_status == "bounce":
                reason = self.env._("the recipient's mail server bounced the message")
                channel = self.env._("Email")
            else:
                reason = notification.failure_reason or labels.get(notification.failure_type, "")
                channel = self.env._("Text message")
            action._set_error(
                self.env._(
                    "%(channel)s not delivered to %(recipient)s: %(reason)s",
                    channel=channel,
                    recipient=notification.res_partner_id.display_name or action.sent_to,
                    reason=reason,
                ),
                retryable=notification.failure_type in RETRYABLE_SMS_FAILURES,
            )
