import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestLiveFigures(DunningUsersMixin, DunningSendingCase):
    """The customer's step, last and next dunning dates move with its actions, at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.today = fields.Date.to_date(NOW)

    def _figures(self, partner):
        partner = partner.with_user(self.user_collector).with_company(self.company)
        return (partner.dunning_last_date, partner.dunning_next_date, partner.dunning_step_id.id)

    def test_call_marked_done_is_the_last_dunning_date(self):
        partner = self._customer("Appel Fait")
        call = self._planned(partner, days_overdue=35)
        self.assertEqual(call.step_id, self.step_call)
        self.assertEqual(self._figures(partner), (False, call.date, self.step_call.id))
        call.with_user(self.user_collector).action_done()
        self.assertEqual(self._figures(partner), (self.today, False, self.step_call.id))

    def test_send_now_and_automatic_send_are_the_last_dunning_date(self):
        by_hand, by_cron = self._customer("Envoi Main"), self._customer("Envoi Cron")
        action = self._planned(by_hand, days_overdue=10)
        self._planned(by_cron, days_overdue=10)
        action.with_user(self.user_collector).action_send_now()
        self.sender._send_due()
        for partner in (by_hand, by_cron):
            with self.subTest(partner=partner.name):
                self.assertEqual(self._figures(partner), (self.today, False, self.step_email.id))

    def test_rescheduled_action_is_the_next_action_date(self):
        partner = self._customer("Plus Tard")
        action = self._planned(partner, days_overdue=10)
        wizard_date, card_date = self.today + 5 * DAY, self.today + 9 * DAY
        self.env["dso.dunning.action.reschedule"].with_user(self.user_collector).create(
            {"action_ids": [Command.set(action.ids)], "date": wizard_date}
        ).action_apply()
        self.assertEqual(self._figures(partner)[1], wizard_date)
        partner.with_user(self.user_collector).write(
            {"dunning_pending_action_ids": [Command.update(action.id, {"date": card_date})]}
        )
        self.assertEqual(self._figures(partner)[1], card_date)

    def test_cancelled_action_is_no_next_action(self):
        partner = self._customer("Annulé")
        action = self._planned(partner, days_overdue=10)
        action.with_user(self.user_collector).action_cancel()
        self.assertEqual(self._figures(partner), (False, False, False))

    def test_posted_letter_is_the_last_dunning_date(self):
        self._letter_step_instead_of_call()
        partner = self._customer("Courrier", street="1 rue de la Paix", city="Paris")
        letter = self._planned(partner, days_overdue=50)
        letter.sudo()._transition(
            "to_post",
            {"executed_date": fields.Datetime.to_datetime(NOW) - DAY, "letter_done": True},
        )  # generated yesterday
        self.assertEqual(self._figures(partner)[0], False, "not posted yet")
        letter.with_user(self.user_collector).action_mark_posted()
        self.assertEqual(self._figures(partner)[0], self.today - DAY)

    def test_alert_on_last_dunning_date_no_longer_flags_a_customer_called_today(self):
        partner = self._customer("Relancé Aujourd'hui")
        call = self._planned(partner, days_overdue=35)
        alert = self.env["dso.dunning.alert"].create(
            {"name": "Not dunned for 10 days", "not_dunned_days": 10, "visibility": "shared"}
        )
        self.assertIn(alert, partner.with_user(self.user_collector).dunning_alert_ids)
        call.with_user(self.user_collector).action_done()
        self.assertNotIn(alert, partner.with_user(self.user_collector).dunning_alert_ids)
        self.assertEqual(alert.with_user(self.user_collector).partner_count, 0)

    def test_figures_are_written_once_per_transaction(self):
        partner = self._customer("Une Fois")
        action = self._planned(partner, days_overdue=10)
        as_collector = action.with_user(self.user_collector)
        for offset in (3, 4, 5):
            as_collector.date = self.today + offset * DAY
        self.env.cr.flush()  # what the commit runs
        figure = self.env["dso.dunning.figure"].search([("partner_id", "=", partner.id)])
        self.assertEqual(figure.dunning_next_date, self.today + 5 * DAY)
