from markupsafe import escape

from odoo import models
from odoo.tools.mail import generate_tracking_message_id

BUFFER_KEY = "dso_dunning_tracking_logs"


class DsoDunningTrackingMixin(models.AbstractModel):
    """Tracking messages of many records changed together, logged together.

    Odoo's ``_message_track`` logs one message per changed record, one create
    each; a sending batch changes the state of 50 actions at once. Those logs
    are collected and created in one go, with the values ``_message_log``
    gives them (an internal note, tracking values, author).
    """

    _name = "dso.dunning.tracking.mixin"
    _inherit = "mail.thread"
    _description = "Dunning Batched Tracking"

    def _message_track(self, fields_iter, initial_values_dict):
        if len(self) < 2 or self.env.context.get(BUFFER_KEY) is not None:
            return super()._message_track(fields_iter, initial_values_dict)
        logs = []
        collecting = self.with_context(**{BUFFER_KEY: logs})
        tracking = super(DsoDunningTrackingMixin, collecting)._message_track(
            fields_iter, initial_values_dict
        )
        if logs:
            self._message_log_together(logs)
        return tracking

    def _message_log(self, **kwargs):
        logs = self.env.context.get(BUFFER_KEY)
        if logs is None or set(kwargs) - {"body", "author_id", "tracking_value_ids"}:
            return super()._message_log(**kwargs)
        # Called by _message_track only, which ignores the result.
        logs.append((self, kwargs))
        return self.env["mail.message"]

    def _message_log_together(self, logs):
        """Create the messages ``_message_log_batch`` would create one record at a time."""
        note_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        reply_tos = {}
        values_list = []
        for record, kwargs in logs:
            author_id, email_from = record._message_compute_author(kwargs.get("author_id"), None)
            if (author_id, email_from) not in reply_tos:
                reply_tos[author_id, email_from] = self.env["mail.thread"]._notify_get_reply_to(
                    default=email_from, author_id=author_id
                )[False]
            values_list.append(
                {
                    "author_id": author_id,
                    "email_from": email_from,
                    "model": record._name,
                    "res_id": record.id,
                    "record_alias_domain_id": False,
                    "record_company_id": False,
                    "attachment_ids": False,
                    "message_type": "notification",
                    "is_internal": True,
                    "subject": False,
                    "subtype_id": note_id,
                    "tracking_value_ids": kwargs.get("tracking_value_ids") or False,
                    "email_add_signature": False,
                    "message_id": generate_tracking_message_id("message-notify"),
                    "partner_ids": False,
                    "reply_to": reply_tos[author_id, email_from],
                    "body": escape(kwargs.get("body") or ""),
                }
            )
        return self.sudo()._message_create(values_list)
