"""Bad input catalogue: each case gets a clear error and blocks nothing else."""

import io

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestBadInput(DunningSendingCase):
    def _step(self, **vals):
        return self.env["dso.dunning.step"].create(
            {"scenario_id": self.send_scenario.id, "name": "Extra", "sequence": 99, **vals}
        )

    # -- scenarios and steps -------------------------------------------------

    def test_01_step_without_channel(self):
        with self.assertRaisesRegex(ValidationError, "has no channel"):
            self._step(offset_days=90, mode="manual")

    def test_02_automatic_email_step_without_template(self):
        with self.assertRaisesRegex(ValidationError, "choose its email template"):
            self._step(offset_days=90, channel_email=True, mode="automatic")

    def test_03_automatic_sms_step_without_template(self):
        with self.assertRaisesRegex(ValidationError, "choose its SMS template"):
            self._step(offset_days=90, channel_sms=True, mode="to_confirm")

    def test_04_absurd_offset(self):
        with self.assertRaisesRegex(ValidationError, "out of range"):
            self._step(offset_days=99999, channel_call=True, mode="manual")

    def test_05_negative_offset_from_previous_action(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._step(
                offset_days=-3,
                offset_reference="previous_action",
                channel_call=True,
                mode="manual",
            )

    def test_06_offsets_must_increase(self):
        with self.assertRaisesRegex(ValidationError, "must increase"):
            self._step(offset_days=1, channel_call=True, mode="manual")

    def test_07_first_step_counted_from_previous_action(self):
        with self.assertRaisesRegex(ValidationError, "is the first step"):
            self.env["dso.dunning.scenario"].create(
                {
                    "name": "Broken",
                    "company_id": self.company.id,
                    "step_ids": [
                        Command.create(
                            {
                                "name": "Oops",
                                "offset_days": 3,
                                "offset_reference": "previous_action",
                                "channel_call": True,
                                "mode": "manual",
                            }
                        )
                    ],
                }
            )

    def test_08_scenario_in_use_cannot_be_deleted(self):
        self._planned(self._customer("Scénario Utilisé"), days_overdue=10)
        with self.assertRaisesRegex(UserError, "Archive it instead"):
            self.send_scenario.unlink()
        self.assertTrue(self.send_scenario.exists())

    def test_09_step_in_use_cannot_be_deleted(self):
        self._planned(self._customer("Étape Utilisée"), days_overdue=10)
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.step_email.unlink()

    def test_10_template_in_use_cannot_be_deleted(self):
        with self.assertRaisesRegex(UserError, "choose another template there first"):
            self.template_first.unlink()
        self.assertTrue(self.step_email.mail_template_id)

    # -- alerts ------------------------------------------------------------------

    def _alert(self, **vals):
        return self.env["dso.dunning.alert"].create(
            {"name": "Bad", "company_id": self.company.id, "visibility": "shared", **vals}
        )

    def test_11_alert_domain_not_python(self):
        with self.assertRaises(ValidationError):
            self._alert(custom_domain="[('name', '=',")

    def test_12_alert_domain_unsafe(self):
        with self.assertRaises(ValidationError):
            self._alert(custom_domain="__import__('os').system('true')")

    def test_13_alert_domain_unknown_field(self):
        with self.assertRaises(ValidationError):
            self._alert(custom_domain="[('no_such_field', '=', 1)]")

    def test_14_alert_min_above_max(self):
        with self.assertRaises(ValidationError):
            self._alert(overdue_min=5000.0, overdue_max=100.0)

    def test_15_alert_negative_days(self):
        with self.assertRaisesRegex(ValidationError, "0 or more"):
            self._alert(not_dunned_days=-4)

    # -- planning --------------------------------------------------------------

    def test_16_no_scenario_at_all(self):
        self.company.dunning_default_scenario_id = False
        partner = self._customer("Sans Scénario")
        self._create_overdue_invoice(partner, days_overdue=30)
        self._plan(partners=partner, force=True)
        self.assertFalse(self._actions(partner))
        self.assertEqual(
            partner.with_company(self.company).dunning_skip_reason, "No dunning scenario"
        )

    def test_17_only_a_credit_note(self):
        partner = self._customer("Avoir Seul")
        self._create_credit_note(partner, 300.0)
        self._plan(partners=partner, force=True)
        self.assertFalse(self._actions(partner))

    def test_18_archived_collector_falls_back_to_the_default(self):
        partner = self._customer("Collecteur Parti")
        gone = self.env["res.users"].create({"name": "Gone", "login": "gone_collector"})
        partner.with_company(self.company).dunning_collector_id = gone
        gone.active = False
        self.company.dunning_default_collector_id = self.env.user
        action = self._planned(partner, days_overdue=10)
        self.assertEqual(action.collector_id, self.env.user)

    def test_19_minimum_amount_above_the_debt(self):
        self.step_email.min_amount = 10000.0
        partner = self._customer("Petit Débiteur")
        action = self._planned(partner, days_overdue=10, amount=50.0)
        self.assertNotIn(self.step_email, action.step_id, "the step is passed over")

    def test_20_huge_block_note_is_kept_and_blocks(self):
        partner = self._customer("Longue Note")
        note = "litige " * 20000
        partner.write({"dunning_block_reason": "dispute", "dunning_block_note": note})
        self.assertEqual(len(partner.dunning_block_note), len(note))
        self.assertFalse(self._planned(partner, days_overdue=10))

    # -- sending -----------------------------------------------------------------

    def test_21_sms_without_any_phone(self):
        partner = self._customer("Sans Téléphone")
        action = self._planned(partner, days_overdue=20)
        action.action_confirm()
        self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("missing", action.error_message)

    def test_22_script_in_customer_name_is_escaped_in_the_email(self):
        partner = self._customer("<script>alert(1)</script> SA", email="xss@customer.example")
        action = self._planned(partner, days_overdue=10)
        self.sender._send_due()
        self.assertEqual(action.state, "sent")
        self.assertNotIn("<script>", action.message_id.body)
        self.assertIn("&lt;script&gt;", action.message_id.body)

    def test_23_script_in_step_help_is_escaped_in_the_activity(self):
        self.step_call.help_text = "<script>alert(1)</script>"
        action = self._planned(self._customer("Appel XSS"), days_overdue=35)
        self.assertNotIn("<script>", str(action.activity_ids.note))

    def test_24_executed_action_keeps_its_date(self):
        action = self._planned(self._customer("Historique"), days_overdue=10)
        self.sender._send_due()
        with self.assertRaises(UserError):
            action.date = "2026-12-31"

    def test_25_executed_action_cannot_be_deleted(self):
        action = self._planned(self._customer("Indélébile"), days_overdue=10)
        self.sender._send_due()
        with self.assertRaises(AccessError):
            action.unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            action.sudo().unlink()
        self.assertTrue(action.exists())

    def test_26_send_now_ignores_manual_actions(self):
        action = self._planned(self._customer("Manuel"), days_overdue=35)
        with self.assertRaisesRegex(UserError, "Nothing to send"):
            action.action_send_now()
        self.assertEqual(action.state, "planned")
        self.assertFalse(action.message_id)

    def test_27_confirming_a_sent_action_changes_nothing(self):
        action = self._planned(self._customer("Déjà Envoyé"), days_overdue=10)
        self.sender._send_due()
        with self.assertRaisesRegex(UserError, "waits for a confirmation"):
            action.action_confirm()
        self.assertEqual(action.state, "sent")

    def test_28_invalid_email_address(self):
        partner = self._customer("Email Faux", email="not-an-email")
        action = self._planned(partner, days_overdue=10)
        self.sender._send_due()
        self.env["mail.mail"].process_email_queue()
        self.assertIn(action.state, ("sent", "error"))
        other = self._planned(self._customer("Email Bon"), days_overdue=10)
        self.sender._send_due()
        self.assertEqual(other.state, "sent", "nothing else is blocked")

    # -- exports ------------------------------------------------------------------

    def test_30_xlsx_export_of_no_rows(self):
        content = self.env["dso.dunning.agenda"]._export_history_xlsx([("id", "=", 0)])
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 1, "headers only")
        self.assertTrue(all(rows[0]))
