import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DunningPlanningCase, DunningUsersMixin


@tagged("post_install", "-at_install")
class TestFrenchCollectorReads(DunningUsersMixin, DunningPlanningCase):
    """What a French collector read wrong while walking through the demo: a button
    that said "Ouverte" (an open promise) instead of what it does, and dates and
    amounts written the way the database stores them (2026-11-04, 8891.46)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        cls.user_collector.lang = "fr_FR"
        cls.customer = cls._create_customer("Maison Écluse")
        cls.invoice = cls._create_overdue_invoice(cls.customer, days_overdue=33, amount=8891.46)

    def _commitment(self, kind, user=None, lang=None, **values):
        """A ``kind`` commitment on the overdue invoice, its date 40 days after its due date."""
        item = self.invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        Commitment = self.env["dso.dunning.commitment"].with_context(lang=lang or "en_US")
        if user:
            Commitment = Commitment.with_user(user)
        return Commitment.create(
            {
                "kind": kind,
                "partner_id": self.customer.id,
                "date": item.date_maturity + datetime.timedelta(days=40),
                "move_line_ids": [Command.set(item.ids)],
                **values,
            }
        )

    def test_aged_balance_as_of_a_date_says_what_its_button_does(self):
        # what the web client sends for a French user
        Wizard = (
            self.env["dso.dunning.aged.balance.open"]
            .with_user(self.user_collector)
            .with_context(lang="fr_FR")
        )
        arch = Wizard.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('string="Afficher la balance âgée"', arch)
        self.assertNotIn("Ouverte", arch)
        wizard = Wizard.create({"as_of": datetime.date(2026, 2, 28)})
        self.assertEqual(wizard.display_name, "Balance âgée au 28/02/2026")
        self.assertEqual(wizard.action_open()["name"], "Balance âgée au 28/02/2026")
        english = Wizard.with_context(lang="en_US").create({"as_of": datetime.date(2026, 2, 28)})
        self.assertEqual(english.action_open()["name"], "Aged Balance as of 02/28/2026")

    def test_items_of_a_promise_read_with_dates_and_amounts_of_the_users_language(self):
        promise = self._commitment("promise", self.user_collector, "fr_FR")
        item = promise.move_line_ids
        summary = promise.item_summary
        due = item.date_maturity
        self.assertIn(f"{self.invoice.name}, échéance {due:%d/%m/%Y}", summary)
        self.assertIn("8\N{NO-BREAK SPACE}891,46", summary)
        self.assertIn(self.company.currency_id.symbol, summary)
        self.assertNotIn(due.isoformat(), summary)
        self.assertNotIn("8891.46", summary)

    def test_a_french_resolver_reads_his_to_dos_in_french(self):
        """Paul, a French salesman, resolves the disputes an English-speaking credit
        manager hands him: his to-dos were written in the manager's language, and
        the nightly follow-up of a late dispute in the cron's."""
        paul = new_test_user(self.env, login="dso_paul", groups="base.group_user", lang="fr_FR")
        dispute = self._commitment(
            "dispute",
            self.user_manager,
            dispute_type_id=self.env.ref("dso_dunning.dso_dunning_dispute_type_price").id,
            resolver_id=paul.id,
        )
        self.assertEqual(dispute.activity_ids.mapped("summary"), ["Résoudre ce litige"])
        late = dispute.date + datetime.timedelta(days=1)
        dispute.with_context(lang="en_US")._follow_up_late_disputes(late)
        self.assertIn(
            "Litige au-delà de sa date cible : résolvez-le ou fixez une nouvelle date",
            dispute.activity_ids.mapped("summary"),
        )

    def test_an_auditor_is_told_she_reads_only(self):
        """Anne, auditor, tried "Send the confirmation" on a promise through JSON-RPC:
        refused, but told "As resolver you may only…" — she resolves nothing."""
        promise = self._commitment("promise")
        with self.assertRaises(AccessError) as refused:
            promise.with_user(self.user_auditor).write({"amount": 1.0})
        self.assertNotIn("As resolver", str(refused.exception))
        self.assertIn("read", str(refused.exception))
        self.customer.email = "compta@ecluse.example"
        with self.assertRaises(AccessError):
            promise.with_user(self.user_auditor).action_send_confirmation()
        self.assertEqual(promise.amount, 8891.46)
