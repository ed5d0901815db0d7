from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestPauseAtOnce(DunningUsersMixin, DunningSendingCase):
    """A block or a pausing status stops dunning at once; lifting it plans again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.dispute = cls.env.ref("dso_dunning.dso_dunning_status_dispute")
        cls.litigation = cls.env.ref("dso_dunning.dso_dunning_status_litigation")
        cls.resolved = cls.env.ref("dso_dunning.dso_dunning_status_dispute_resolved")

    def _manual_tab(self):
        domain = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_dunning.dso_dunning_agenda_manual_action"
        )["domain"]
        return self.env["dso.dunning.action"].with_user(self.user_collector).search(eval(domain))

    def test_block_takes_the_call_out_of_the_agenda_and_lifting_it_plans_again(self):
        partner = self._customer("Bloqué SA")
        call = self._planned(partner, days_overdue=35)
        self.assertIn(call, self._manual_tab())
        partner.dunning_block_reason = "dispute"
        self.assertRecordValues(call, [{"state": "cancelled", "cancel_reason": "paused"}])
        self.assertIn("Blocked: Dispute", call.message_ids[0].body)
        self.assertNotIn(call, self._manual_tab())
        self.assertFalse(self._live_actions(partner))
        partner.dunning_block_reason = False
        again = self._live_actions(partner)
        self.assertEqual((again.step_id, again.state), (self.step_call, "planned"))

    def test_status_that_pauses_cancels_a_letter_waiting_to_be_posted(self):
        self._letter_step_instead_of_call()
        partner = self._customer("Litige SA", street="1 rue de la Paix", city="Paris")
        letter = self._planned(partner, days_overdue=50)
        self.sender._send_due()
        self.assertEqual(letter.state, "to_post")
        partner.dunning_status_id = self.litigation
        self.assertRecordValues(letter, [{"state": "cancelled", "cancel_reason": "paused"}])
        self.assertIn("Status: Litigation", letter.message_ids[0].body)
        self.assertEqual(
            partner.with_company(self.company).dunning_skip_reason,
            "Dunning paused by the customer's status",
        )
        partner.dunning_status_id = self.resolved
        self.assertEqual(self._live_actions(partner).step_id, self.step_letter)

    def test_status_that_does_not_pause_changes_nothing(self):
        partner = self._customer("Normal SA")
        call = self._planned(partner, days_overdue=35)
        partner.dunning_status_id = self.resolved
        self.assertEqual(self._live_actions(partner), call)
        self.assertEqual(call.state, "planned")

    def test_call_outcome_dispute_takes_its_items_out_of_dunning_at_once(self):
        partner = self._customer("Conteste SA")
        call = self._planned(partner, days_overdue=35)
        call.outcome = "dispute"
        call.with_user(self.user_collector).action_done()
        self.assertEqual(call.state, "done")
        dispute = self.env["dso.dunning.commitment"].search([("partner_id", "=", partner.id)])
        self.assertRecordValues(dispute, [{"kind": "dispute", "state": "open"}])
        self.assertEqual(dispute.move_line_ids, call.line_ids.move_line_id)
        self.assertFalse(partner.dunning_block_reason, "the customer itself is not blocked")
        self.assertFalse(self._live_actions(partner) - call)
