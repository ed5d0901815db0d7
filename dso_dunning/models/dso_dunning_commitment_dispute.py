from odoo import fields, models

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

    def _schedule_resolver_activity(self):
        for commitment in self.filtered(lambda c: c.kind == "dispute" and c.resolver_id):
            commitment.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=commitment.date or fields.Date.context_today(self),
                summary=self.env._("Resolve this dispute"),
                note=commitment.comment or "",
                user_id=commitment.resolver_id.id,
            )
