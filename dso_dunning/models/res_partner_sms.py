from odoo import fields, models

from ..tools import sending

# A change of these fields may fix the number a text message failed on.
SMS_NUMBER_FIELDS = frozenset({"phone", "country_id"})


class ResPartner(models.Model):
    """Text messages that stopped on a customer's phone number are sent again once it changes."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Set on the customer when one of its text messages stops on the number
    # (``dso.dunning.action._set_error``), never reset: it only spares the
    # search below to the customers that never had one, such as every
    # partner Odoo's own tests edit.
    dunning_sms_stopped = fields.Boolean(
        string="Text Message Stopped on Number", readonly=True, copy=False
    )

    def _dunning_sms_numbers(self, vals):
        """Text messages of these customers that stopped on their number.

        The sender does not retry a missing or invalid number by itself; the
        reason is not stored apart from the message, so it is recognised by
        the number the sender would use (``dso.dunning.action._sms_number``)
        being unusable right now. Returns {action: (number, country)}.
        Nothing is read unless ``vals`` changes a number and a customer had a
        text message stopped (a stored flag, read with the partner).
        """
        if not SMS_NUMBER_FIELDS & vals.keys():
            return {}
        customers = self.commercial_partner_id
        if not any(customers.mapped("dunning_sms_stopped")):
            return {}
        actions = (
            self.env["dso.dunning.action"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", customers.ids),
                    ("state", "=", "error"),
                    ("channel_sms", "=", True),
                    ("sms_done", "=", False),
                    ("error_retryable", "=", False),
                    ("mode", "!=", "manual"),
                ]
            )
        )
        numbers = {action: action._sms_number() for action in actions}
        return {action: number for action, number in numbers.items() if not _valid(*number)}

    def _dunning_retry_sms(self, numbers_before):
        """Back to due: the next sending run retries the text messages whose number changed."""
        retry = self.env["dso.dunning.action"].sudo()
        for action, number in numbers_before.items():
            if action._sms_number() != number:
                retry |= action
        if not retry:
            return
        for mode, actions in retry.grouped("mode").items():
            actions.write(
                {
                    "state": "confirmed" if mode == "to_confirm" else "planned",
                    "error_message": False,
                    "error_retryable": False,
                }
            )
        for action in retry:
            action.message_post(
                body=self.env._(
                    "The phone number changed: the text message will be sent again by the next "
                    "sending run."
                )
            )
        cron = self.env.ref("dso_dunning.ir_cron_dso_dunning_send", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()


def _valid(number, country_code):
    try:
        sending.e164(number, country_code)
    except ValueError:
        return False
    return True
