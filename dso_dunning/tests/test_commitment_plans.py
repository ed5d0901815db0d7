import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged

from ..tools import commitments
from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase


class TestInstalmentRules(BaseCase):
    """Splitting a plan and checking its instalments, without records."""

    def test_split_keeps_the_total_and_goes_monthly_end_of_month_included(self):
        first = datetime.date(2026, 12, 31)
        self.assertEqual(
            commitments.split_instalments(1000, 3, first),
            [
                (first, 333.33),
                (datetime.date(2027, 1, 31), 333.33),
                (datetime.date(2027, 2, 28), 333.34),
            ],
        )

    def test_instalments_are_paid_by_cumulative_payments(self):
        plan = [(datetime.date(2026, 12, 1), 300), (datetime.date(2027, 1, 1), 300)]
        states = commitments.instalment_states
        self.assertEqual(states(plan, 300, datetime.date(2026, 12, 20), 3), ["paid", "pending"])
        self.assertEqual(states(plan, 299, datetime.date(2026, 12, 4), 3), ["pending", "pending"])
        self.assertEqual(states(plan, 299, datetime.date(2026, 12, 5), 3), ["missed", "pending"])
        self.assertEqual(states(plan, 450, datetime.date(2027, 1, 5), 3), ["paid", "missed"])
        self.assertEqual(commitments.plan_outcome(["paid", "missed"], 150, 150), "partial")
        self.assertEqual(commitments.plan_outcome(["missed", "pending"], 300), "broken")
        self.assertEqual(commitments.plan_outcome(["paid", "pending"], 300), "open")
        self.assertEqual(commitments.plan_outcome(["paid", "paid"], 0), "kept")
        self.assertEqual(commitments.plan_outcome(["missed", "pending"], 0), "kept", "settled")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCommitmentPlans(DunningUsersMixin, DunningSendingCase):
    """Confirmations to the customer, follow-up of broken promises, payment plans."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.status_plan = cls.env.ref("dso_dunning.dso_dunning_item_status_payment_plan")
        cls.status_broken = cls.env.ref("dso_dunning.dso_dunning_item_status_broken_promise")
        cls.status_broken.followup_days = 2
        cls.call = cls.env.ref("mail.mail_activity_data_call")

    @staticmethod
    def _items(invoices):
        return invoices.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")

    def _wizard(self, partner, **vals):
        Wizard = self.env["dso.dunning.commitment.create"].with_user(self.user_collector)
        opened = Wizard._open_for(partner)
        wizard = Wizard.browse(opened["res_id"])
        wizard.write(vals)
        return wizard

    def _apply(self, wizard):
        result = wizard.action_apply()
        return self.env["dso.dunning.commitment"].browse(result["res_id"])

    def _run_refresh(self):
        self.env.cr.flush()
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_refresh").method_direct_trigger()

    def _run_nightly_planning(self):
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_plan").method_direct_trigger()

    def _confirmation(self, partner):
        return partner.message_ids.filtered(lambda m: m.message_type == "comment")

    def test_promise_confirmation_lists_items_amount_and_date(self):
        partner = self._customer("Confirme SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        promise = self._apply(
            self._wizard(
                partner, date=fields.Date.to_date("2026-12-15"), amount=400, send_confirmation=True
            )
        )
        message = self._confirmation(partner)
        self.assertEqual(len(message), 1)
        self.assertEqual(promise.confirmation_message_id, message)
        self.assertEqual(message.partner_ids, partner.dunning_contact_id)
        self.assertIn("confirmation of your payment commitment", message.subject)
        self.assertIn(invoice.name, message.body)
        self.assertIn("400.00", message.body)
        self.assertIn("12/15/2026", message.body)
        self.assertIn("Dear Confirme SA", message.body)

    def test_no_confirmation_unless_asked(self):
        partner = self._customer("Discret SA")
        self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        promise = self._apply(self._wizard(partner, date=fields.Date.to_date("2026-12-15")))
        self.assertFalse(self._confirmation(partner))
        self.assertFalse(promise.confirmation_message_id)

    def test_french_customer_gets_the_confirmation_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"])
        partner = self._customer("Client Français SA", lang="fr_FR")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        self._apply(
            self._wizard(partner, date=fields.Date.to_date("2026-12-15"), send_confirmation=True)
        )
        message = self._confirmation(partner)
        self.assertIn("confirmation de votre engagement de paiement", message.subject)
        self.assertIn("Comme convenu", message.body)
        self.assertIn("15/12/2026", message.body, "French date format")
        self.assertIn(invoice.name, message.body)
        self.assertNotIn("As agreed", message.body)

    def test_kept_promise_plans_no_call(self):
        partner = self._customer("Paie SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        promise = self._apply(self._wizard(partner, date=fields.Date.to_date("2026-11-26")))
        self._pay(invoice)
        self._run_refresh()
        self.assertEqual(promise.state, "kept")
        self.assertFalse(partner.activity_ids)
        self.assertFalse(promise.followup_date)
        self.assertFalse(
            self.env["dso.dunning.action"].search([("commitment_id", "=", promise.id)])
        )

    def test_plan_first_instalment_paid_second_missed_is_partially_kept(self):
        partner = self._customer("Echelonne SA")
        partner.dunning_collector_id = self.user_collector
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=900)
        self._plan(partners=partner, force=True)
        self.assertTrue(self._live_actions(partner))
        wizard = self._wizard(
            partner,
            kind="plan",
            date=fields.Date.to_date("2026-12-10"),
            instalment_count=3,
            send_confirmation=True,
        )
        self.assertEqual(
            [(i.date, i.amount) for i in wizard.instalment_ids],
            [
                (fields.Date.to_date("2026-12-10"), 300),
                (fields.Date.to_date("2027-01-10"), 300),
                (fields.Date.to_date("2027-02-10"), 300),
            ],
        )
        plan = self._apply(wizard)
        self.assertRecordValues(
            plan,
            [
                {
                    "kind": "plan",
                    "state": "open",
                    "amount": 900,
                    "date": fields.Date.to_date("2027-02-10"),
                    "status_id": self.status_plan.id,
                }
            ],
        )
        self.assertEqual(self._items(invoice).dunning_status_id, self.status_plan)
        self.assertFalse(self._live_actions(partner), "the plan pauses the items")
        message = self._confirmation(partner)
        self.assertIn("instalments", message.body)
        self.assertIn("01/10/2027", message.body)
        with freeze_time("2026-12-09 10:00:00"):
            self._pay(invoice, amount=300)
            self._run_refresh()
            self.assertEqual(plan.instalment_ids.mapped("state"), ["paid", "pending", "pending"])
            self.assertRecordValues(plan, [{"state": "open", "amount_paid": 300}])
        with freeze_time("2027-01-13 06:00:00"):  # second due the 10th, grace 3 days
            self._run_nightly_planning()
            self.assertEqual(plan.state, "open", "still within the grace period")
            # the instalment due and unpaid is followed up; the items are not dunned
            due = plan.instalment_ids[1].followup_action_id
            self.assertEqual(self._live_actions(partner), due)
            self.assertRecordValues(
                due,
                [
                    {
                        "commitment_id": plan.id,
                        "mode": "manual",
                        "channel_call": True,
                        "date": fields.Date.to_date("2027-01-13"),
                        "amount_due": 600,
                    }
                ],
            )
            self.assertIn("Instalment of", due.message_ids[:1].body)
            # dates as the reader writes them, not as the database stores them
            self.assertIn("due on 01/10/2027, not paid yet", due.message_ids[:1].body)
        with freeze_time("2027-01-14 06:00:00"):
            self._run_nightly_planning()
            self.assertEqual(plan.instalment_ids.mapped("state"), ["paid", "missed", "pending"])
            self.assertRecordValues(
                plan, [{"state": "partial", "date_closed": fields.Date.to_date("2027-01-14")}]
            )
            self.assertEqual(self._items(invoice).dunning_status_id, self.status_broken)
            followup = plan.followup_action_id
            action = self._live_actions(partner) - followup
            self.assertEqual(action.line_ids.move_id, invoice, "dunned again")
            self.assertEqual(action.amount_due, 600)
            # the instalment's pending follow-up follows up the broken plan too
            self.assertEqual(followup, due)
            self.assertRecordValues(
                followup,
                [{"state": "planned", "collector_id": self.user_collector.id, "amount_due": 600}],
            )
            self.assertIn("instalment was missed", followup.message_ids[:1].body)
            self.assertRecordValues(
                followup.activity_ids,
                [{"activity_type_id": self.call.id, "user_id": self.user_collector.id}],
            )

    def test_plan_with_nothing_paid_breaks_at_its_first_missed_instalment(self):
        partner = self._customer("Rien Paye SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=600)
        plan = self._apply(
            self._wizard(
                partner, kind="plan", date=fields.Date.to_date("2026-12-01"), instalment_count=2
            )
        )
        with freeze_time("2026-12-04 06:00:00"):  # first due the 1st, grace 3 days
            self._run_nightly_planning()
            self.assertEqual(plan.state, "open")
        with freeze_time("2026-12-05 06:00:00"):
            self._run_nightly_planning()
            self.assertEqual(plan.instalment_ids.mapped("state"), ["missed", "pending"])
            self.assertEqual(plan.state, "broken")
            self.assertEqual(plan.followup_action_id.line_ids.move_id, invoice)
            self.assertEqual(plan.followup_action_id.amount_due, 600)

    def test_plan_needs_instalments(self):
        partner = self._customer("Sans Echeance SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=900)
        with self.assertRaises(ValidationError):
            self.env["dso.dunning.commitment"].with_user(self.user_collector).create(
                {
                    "kind": "plan",
                    "partner_id": partner.id,
                    "move_line_ids": [Command.set(self._items(invoice).ids)],
                    "date": fields.Date.to_date("2026-12-10"),
                }
            )
