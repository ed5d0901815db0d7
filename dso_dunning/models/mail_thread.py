from odoo import api, models

from .dso_dunning_mail_batch import is_reminder


class MailThread(models.AbstractModel):
    """A bounced dunning email puts its action in error (as mass_mailing marks
    its traces bounced)."""

    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        result = super()._routing_handle_bounce(email_message, message_dict)
        message = message_dict["bounced_message"]
        # Odoo updates the notifications only when it knows who bounced, and
        # reads the message's model first: its subtype is in cache, so the
        # bounce of any other email costs no query.
        if message_dict["bounced_email"] and message and is_reminder(message):
            message.notification_ids.filtered(
                lambda n: n.notification_status == "bounce"
            )._dunning_sync_failures()
        return result
