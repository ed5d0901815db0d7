from odoo import api, models


class MailMessage(models.Model):
    """Customer replies and internal comments feed the agenda's Replies tab."""

    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        relevant = messages.filtered(
            lambda m: (
                m.model in ("dso.dunning.action", "res.partner")
                and m.message_type in ("email", "comment")
            )
        )
        if relevant:
            self.env["dso.dunning.reply"].sudo()._capture(relevant)
        return messages
