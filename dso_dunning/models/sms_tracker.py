from odoo import models

from .mail_notification import FAILED


class SmsTracker(models.Model):
    """A text message the provider did not deliver puts its dunning action in error."""

    _inherit = "sms.tracker"

    def _update_sms_notifications(
        self, notification_status, failure_type=False, failure_reason=False
    ):
        super()._update_sms_notifications(
            notification_status, failure_type=failure_type, failure_reason=failure_reason
        )
        if notification_status not in FAILED:
            return
        # Odoo has just read these notifications, and their messages to update
        # the web client: a failed text message on anything but a customer
        # (where dunning posts its texts) costs no query.
        failed = self.mail_notification_id.filtered(
            lambda n: (
                n.notification_status == notification_status
                and n.mail_message_id.model == "res.partner"
                and n.mail_message_id.message_type == "sms"
            )
        )
        if failed:
            failed._dunning_sync_failures()
