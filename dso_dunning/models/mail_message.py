from odoo import api, models

from .dso_dunning_mail_batch import is_reminder


class MailMessage(models.Model):
    """Customer replies and internal comments feed the agenda's Replies tab."""

    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        # Decided from the values just created (in cache) and the parent
        # Odoo read to thread the message: other messages cost no query.
        relevant = messages.filtered(
            lambda m: (
                (m.model == "dso.dunning.action" and m.message_type in ("email", "comment"))
                or (
                    m.model == "res.partner"
                    and m.message_type == "email"
                    and m.parent_id
                    and is_reminder(m.parent_id)
                )
            )
        )
        if relevant:
            self.env["dso.dunning.reply"].sudo()._capture(relevant)
        return messages
