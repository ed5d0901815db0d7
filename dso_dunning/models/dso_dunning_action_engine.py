from odoo import models

from ..tools.action_states import PENDING_STATES, delivery_vals


class DsoDunningAction(models.Model):
    """What the engine does to actions: schedule the collector's activity,
    decide what may be sent, record an error, cancel."""

    _inherit = "dso.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    def _schedule_collector_activities(self):
        """Manual steps become an activity (call or to-do) for the collector.

        Scheduled per step, date and collector, so that planning many
        customers creates their activities in a few batches.
        """
        todo = self.filtered(
            lambda a: a.mode == "manual" and a.state in PENDING_STATES and not a.activity_ids
        )
        for (step, date, collector), actions in todo.grouped(
            lambda a: (a.step_id, a.date, a.collector_id)
        ).items():
            # what the collector reads, in the collector's language
            step = step.with_context(lang=(collector or self.env.user).lang)
            actions.activity_schedule(
                "mail.mail_activity_data_call"
                if step.channel_call
                else "mail.mail_activity_data_todo",
                date_deadline=date,
                summary=step.name,
                note=step.help_text or "",
                user_id=collector.id or self.env.uid,
            )

    def _is_executable(self):
        """Whether the sender may execute this action now (state re-read after locking)."""
        self.ensure_one()
        if self.mode == "manual":
            return False
        if self.state == "error":
            return self.error_retryable or self.env.context.get("dunning_force_retry")
        return self.state == "confirmed" or (self.state == "planned" and self.mode == "automatic")

    def _set_error(self, message, retryable=False, delivery=None):
        """In error with ``message``; ``delivery``: what became of an email or text
        message already sent (not delivered, bounced)."""
        self._make_way_back()
        vals = {"error_message": message, "error_retryable": retryable}
        if delivery:
            vals.update(delivery_vals(delivery))
        self._transition("error", vals)
        self.message_post(body=message)
        if not retryable:
            # what ``res.partner._dunning_sms_numbers`` looks for, flagged on the customer
            stopped = self.filtered(
                lambda a: a.channel_sms and not a.sms_done and a.mode != "manual"
            ).partner_id.filtered(lambda p: not p.dunning_sms_stopped)
            stopped.sudo().write({"dunning_sms_stopped": True})

    def _sms_number(self):
        """Number and country code a text message of this action goes to.

        The collection contact's number, else the customer's; the contact's
        country, else the customer's. The sender sends to it; the customer
        card retries a message stopped on it once it changes.
        """
        self.ensure_one()
        contact = self.partner_id.dunning_contact_id
        country = contact.country_id or self.partner_id.country_id
        return contact.phone or self.partner_id.phone or False, country.code or False

    def _make_way_back(self):
        """A sent action whose delivery failed is pending again, to be retried: the
        step planned after it (at most one per scenario) waits, cancelled, until
        the customer has received this one; planning brings it back then."""
        sent = self.filtered(lambda a: a.state == "sent")
        if not sent:
            return
        keys = {(a.company_id.id, a.partner_id.id, a.scenario_id.id) for a in sent}
        later = self.sudo().search(
            [
                ("partner_id", "in", sent.partner_id.ids),
                ("scenario_id", "in", sent.scenario_id.ids),
                ("state", "in", PENDING_STATES),
            ]
        )
        later = later.filtered(
            lambda a: (a.company_id.id, a.partner_id.id, a.scenario_id.id) in keys
        )
        later._cancel("undelivered")
        # written before the failed one turns pending (one pending action per scenario)
        later.flush_recordset(["state", "cancel_reason"])

    def _cancel(self, reason):
        pending = self.filtered(lambda a: a.state in PENDING_STATES)
        pending._transition("cancelled", {"cancel_reason": reason})
        pending.activity_ids.sudo().unlink()
