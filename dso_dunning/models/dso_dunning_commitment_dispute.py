from odoo import api, fields, models

from ..tools import commitments


class DsoDunningCommitment(models.Model):
    """Disputes: the resolver's activity, their progress and their resolution."""

    _inherit = "dso.dunning.commitment"  # pylint: disable=consider-merging-classes-inherited

    def action_start(self):
        """The resolver starts working the dispute."""
        self.filtered(lambda c: c.kind == "dispute" and c.state == "open").write(
            {"state": "in_progress"}
        )

    def action_resolve_credit_note(self):
        return self._resolve("credit_note")

    def action_resolve_rejected(self):
        return self._resolve("rejected")

    def action_resolve_withdrawn(self):
        return self._resolve("withdrawn")

    def _resolve(self, resolution):
        """Close running disputes: their items go back to dunning (or are credited)."""
        disputes = self.filtered(
            lambda c: c.kind == "dispute" and c.state in commitments.RUNNING_STATES
        )
        disputes.write(
            {
                "state": "resolved",
                "resolution": resolution,
                "date_closed": fields.Date.context_today(self),
            }
        )
        # sudo: the activity may be the resolver's or a collector's
        disputes.sudo().activity_feedback(["mail.mail_activity_data_todo"])
        return True

    @api.model
    def _follow_up_late_disputes(self, today):
        """Running disputes past their target date, not followed up yet: their resolver
        (else the customer's collector) gets a call or a task due today, per the follow-up
        channel of their item status. Once per dispute (``followup_activity_id``)."""
        late = self.sudo().search(
            [
                ("kind", "=", "dispute"),
                ("state", "in", commitments.RUNNING_STATES),
                ("date", "<", today),
                ("followup_date", "=", False),
            ]
        )
        for dispute in late:
            user = (
                dispute.resolver_id
                or dispute.partner_id._dunning_collector(dispute.company_id)
                or dispute.create_uid
            )
            channel = dispute.status_id.followup_channel
            activity = dispute.activity_schedule(
                "mail.mail_activity_data_call"
                if channel == "call"
                else "mail.mail_activity_data_todo",
                date_deadline=today,
                # in the language of who reads it, not of the cron's user
                summary=self.with_context(lang=user.lang).env._(
                    "Dispute past its target date: resolve it or set a new date"
                ),
                note=dispute.comment or "",
                user_id=user.id,
            )
            dispute.write({"followup_date": today, "followup_activity_id": activity.id})
        return late

    def _schedule_resolver_activity(self):
        for commitment in self.filtered(lambda c: c.kind == "dispute" and c.resolver_id):
            commitment.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=commitment.date or fields.Date.context_today(self),
                # in the resolver's language, not in the language of who assigns it
                summary=self.with_context(lang=commitment.resolver_id.lang).env._(
                    "Resolve this dispute"
                ),
                note=commitment.comment or "",
                user_id=commitment.resolver_id.id,
            )
