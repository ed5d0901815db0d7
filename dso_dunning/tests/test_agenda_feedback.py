import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestAgendaFeedback(DunningUsersMixin, DunningSendingCase):
    """What the collector reads after acting: counts, reasons, dates in their language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()

    def _to_confirm(self, name):
        action = self._planned(self._customer(name), days_overdue=20)
        self.assertEqual(action.state, "to_confirm")
        return action

    def test_bulk_confirm_says_how_many_and_why_not_the_others(self):
        waiting = self._to_confirm("Attente A") | self._to_confirm("Attente B")
        sent = self._planned(self._customer("Déjà Parti"), days_overdue=10)
        self.sender._send_due()
        self.assertEqual(sent.state, "sent")
        result = (waiting | sent).with_user(self.user_collector).action_confirm()
        self.assertEqual(set(waiting.mapped("state")), {"confirmed"})
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("2 of 3 actions confirmed", result["params"]["message"])
        self.assertIn("Sent: 1", result["params"]["message"])

    def test_reschedule_message_uses_the_user_date_format(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.user_collector.lang = "fr_FR"
        action = self._planned(self._customer("Date FR"), days_overdue=10)
        new_date = fields.Date.to_date(NOW) + datetime.timedelta(days=7)
        Wizard = self.env["dso.dunning.action.reschedule"].with_user(self.user_collector)
        Wizard.with_context(lang="fr_FR").create(
            {"action_ids": [Command.set(action.ids)], "date": new_date}
        ).action_apply()
        body = str(action.message_ids[0].body)
        self.assertIn(new_date.strftime("%d/%m/%Y"), body)
        self.assertNotIn(new_date.isoformat(), body)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCollectorLanguage(DunningUsersMixin, DunningSendingCase):
    """A collector working in French reads French, whoever planned or sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"])
        cls.user_collector.lang = "fr_FR"
        cls.step_call.update_field_translations("name", {"fr_FR": "Appel du client"})
        cls.step_call.update_field_translations(
            "help_text", {"fr_FR": "Demander une date de paiement"}
        )

    def _for_collector(self, name):
        partner = self._customer(name)
        partner.with_company(self.company).dunning_collector_id = self.user_collector
        return partner

    def test_call_activity_and_action_name_in_the_collector_language(self):
        call = self._planned(self._for_collector("Appel FR"), days_overdue=35)
        self.assertEqual(call.step_id, self.step_call)
        activity = call.activity_ids
        self.assertEqual(activity.summary, "Appel du client")
        self.assertIn("Demander une date de paiement", str(activity.note))
        french = call.with_user(self.user_collector).with_context(lang="fr_FR")
        self.assertEqual(french.display_name, "Appel du client — Appel FR")

    def test_sending_error_in_the_collector_language(self):
        partner = self._for_collector("Sans Email")
        partner.email = False
        action = self._planned(partner, days_overdue=10)
        self.sender.with_context(lang="en_US")._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("Aucune adresse email sur le contact de recouvrement", action.error_message)

    def test_history_of_states_reads_in_the_collector_language(self):
        action = self._planned(self._for_collector("Historique FR"), days_overdue=10)
        tracked = action.with_context(tracking_disable=False, mail_notrack=False)
        self.sender.with_context(lang="en_US")._execute(tracked)
        self.env.cr.precommit.run()
        self.assertEqual(action.state, "sent")
        trackings = action.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(trackings.new_value_char, "Sent", "stored as the cron wrote it")
        french = trackings.with_user(self.user_collector).with_context(lang="fr_FR")
        [shown] = french._tracking_value_format()
        labels = dict(
            self.env["dso.dunning.action"]
            .with_context(lang="fr_FR")
            ._fields["state"]
            ._description_selection(french.env)
        )
        self.assertEqual(shown["newValue"], labels["sent"])
        self.assertEqual(shown["newValue"], "Envoyé")
