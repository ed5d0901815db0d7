import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import BaseCase, new_test_user, tagged

from ..tools import commitments
from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase


class TestPromiseOutcome(BaseCase):
    """The rule that closes a promise, without records."""

    def test_outcomes(self):
        deadline = datetime.date(2026, 12, 4)
        before, after = datetime.date(2026, 12, 4), datetime.date(2026, 12, 5)
        outcome = commitments.promise_outcome
        self.assertEqual(outcome(500, 500, 0, deadline, before), "kept")
        self.assertEqual(outcome(300, 300, 200, deadline, after), "kept", "the amount promised")
        self.assertEqual(outcome(500, 0, 0, deadline, after), "kept", "items settled otherwise")
        self.assertEqual(outcome(500, 200, 300, deadline, before), "open")
        self.assertEqual(outcome(500, 200, 300, deadline, after), "partial")
        self.assertEqual(outcome(500, 0, 500, deadline, after), "broken")
        self.assertEqual(commitments.promise_deadline(datetime.date(2026, 12, 1), 3), deadline)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCommitments(DunningUsersMixin, DunningSendingCase):
    """Promises and disputes pause their items only; the customer's other items are dunned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.status_promise = cls.env.ref("dso_dunning.dso_dunning_item_status_promise")
        cls.status_broken = cls.env.ref("dso_dunning.dso_dunning_item_status_broken_promise")
        cls.status_dispute = cls.env.ref("dso_dunning.dso_dunning_item_status_dispute")
        cls.price = cls.env.ref("dso_dunning.dso_dunning_dispute_type_price")
        cls.refresh_cron = cls.env.ref("dso_dunning.ir_cron_dso_dunning_refresh")

    @staticmethod
    def _items(invoices):
        return invoices.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")

    def _commit_on(self, kind, partner, invoices, user=None, **vals):
        Commitment = self.env["dso.dunning.commitment"].with_user(user or self.user_collector)
        return Commitment.create(
            {
                "kind": kind,
                "partner_id": partner.id,
                "move_line_ids": [Command.set(self._items(invoices).ids)],
                **vals,
            }
        )

    def _promise(self, partner, invoices, days=5, **vals):
        date = fields.Date.context_today(partner) + datetime.timedelta(days=days)
        return self._commit_on("promise", partner, invoices, date=date, **vals)

    def _run_refresh(self):
        self.env.cr.flush()  # what the commit runs: the stale marks and the trigger
        with self.enter_registry_test_mode():
            self.refresh_cron.method_direct_trigger()

    def _run_nightly_planning(self):
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_plan").method_direct_trigger()

    def test_dispute_on_one_of_two_invoices_dunns_only_the_other(self):
        partner = self._customer("Deux Factures SA")
        disputed = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        other = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        self._plan(partners=partner, force=True)
        self.assertEqual(self._live_actions(partner).line_ids.move_id, disputed | other)
        dispute = self._commit_on(
            "dispute", partner, disputed, dispute_type_id=self.price.id, comment="Wrong price"
        )
        self.assertEqual(self._items(disputed).dunning_status_id, self.status_dispute)
        self.assertFalse(self._items(other).dunning_status_id)
        self.assertEqual(disputed.dunning_item_status_id, self.status_dispute, "on the invoice")
        self.assertEqual(partner.dunning_commitment_count, 1, "on the customer card")
        action = self._live_actions(partner)
        self.assertEqual(action.line_ids.move_id, other, "the disputed invoice left at once")
        self.assertEqual(action.amount_due, 500)
        dispute.action_resolve_rejected()
        self.assertRecordValues(dispute, [{"state": "resolved", "resolution": "rejected"}])
        self.assertFalse(self._items(disputed).dunning_status_id)
        self.assertEqual(self._live_actions(partner).line_ids.move_id, disputed | other)

    def test_collector_records_a_dispute_from_an_action_on_one_of_its_items(self):
        partner = self._customer("Assistant SA")
        disputed = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        other = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        self._plan(partners=partner, force=True)
        action = self._live_actions(partner).with_user(self.user_collector)
        opened = (
            self.env["dso.dunning.commitment.create"]
            .with_user(self.user_collector)
            ._open_for(action)
        )
        wizard = (
            self.env[opened["res_model"]].with_user(self.user_collector).browse(opened["res_id"])
        )
        self.assertEqual(wizard.line_ids.mapped("move_name"), (disputed | other).mapped("name"))
        wizard.line_ids.filtered(lambda l: l.move_name == other.name).selected = False
        wizard.write({"kind": "dispute", "dispute_type_id": self.price.id})
        result = wizard.action_apply()
        dispute = self.env["dso.dunning.commitment"].browse(result["res_id"])
        self.assertRecordValues(dispute, [{"kind": "dispute", "dispute_type_id": self.price.id}])
        self.assertIn(disputed.name, dispute.with_user(self.user_collector).item_summary)
        self.assertEqual(self._live_actions(partner).line_ids.move_id, other)

    def test_dispute_on_every_item_cancels_the_pending_action_with_why(self):
        partner = self._customer("Tout Conteste SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        self._plan(partners=partner, force=True)
        action = self._live_actions(partner)
        self._commit_on("dispute", partner, invoice)
        self.assertRecordValues(action, [{"state": "cancelled", "cancel_reason": "paused"}])
        self.assertIn("Dispute", action.message_ids[0].body)
        self.assertFalse(self._live_actions(partner))
        with self.assertRaises(ValidationError, msg="one running commitment per item"):
            self._promise(partner, invoice)

    def test_items_of_another_customer_are_refused(self):
        partner, stranger = self._customer("Client SA"), self._customer("Autre SA")
        invoice = self._create_overdue_invoice(stranger, days_overdue=20, amount=300)
        with self.assertRaises(ValidationError):
            self._commit_on("dispute", partner, invoice)

    def test_credit_note_settling_a_disputed_invoice_closes_the_dispute(self):
        """A credit note that settles the disputed items resolves the dispute
        (within minutes, by the ledger refresh); a payment settling them
        closes it as withdrawn."""
        partner = self._customer("Avoir Litige SA")
        credited = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        paid = self._create_overdue_invoice(partner, days_overdue=20, amount=200)
        self._plan(partners=partner, force=True)
        by_credit_note = self._commit_on("dispute", partner, credited, comment="Wrong price")
        by_payment = self._commit_on("dispute", partner, paid, comment="Missing goods")
        credited._reverse_moves(cancel=True)
        self._pay(paid)
        self._run_refresh()
        self.assertRecordValues(
            by_credit_note | by_payment,
            [
                {"state": "resolved", "resolution": "credit_note"},
                {"state": "resolved", "resolution": "withdrawn"},
            ],
        )
        self.assertFalse(self._items(credited | paid).dunning_status_id)

    def test_promise_kept_by_a_payment_before_the_date(self):
        partner = self._customer("Tient Parole SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        self._plan(partners=partner, force=True)
        promise = self._promise(partner, invoice)
        self.assertRecordValues(promise, [{"amount": 500, "state": "open"}])
        self.assertEqual(self._items(invoice).dunning_status_id, self.status_promise)
        self.assertFalse(self._live_actions(partner), "dunning waits for the promised date")
        self._pay(invoice)
        self._run_refresh()
        self.assertRecordValues(promise, [{"state": "kept", "amount_paid": 500}])
        self.assertFalse(self._items(invoice).dunning_status_id)

    def test_promise_partially_kept_resumes_dunning_of_the_rest(self):
        partner = self._customer("Paie Un Peu SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        promise = self._promise(partner, invoice, days=2)
        self._pay(invoice, amount=200)
        self._run_refresh()
        self.assertRecordValues(promise, [{"state": "open", "amount_paid": 200}])
        self.assertFalse(self._live_actions(partner))
        with freeze_time("2026-11-30 06:00:00"):  # promised the 26th, grace 3 days
            self._run_nightly_planning()
            self.assertEqual(promise.state, "partial")
            self.assertEqual(self._items(invoice).dunning_status_id, self.status_broken)
            followup = promise.followup_action_id
            action = self._live_actions(partner) - followup
            self.assertEqual(action.line_ids.move_id, invoice)
            self.assertEqual(action.amount_due, 300)
            self.assertEqual(followup.amount_due, 300, "the follow-up: what is left to pay")

    def test_promise_broken_after_the_grace_period(self):
        partner = self._customer("Promet SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        promise = self._promise(partner, invoice, days=2)
        with freeze_time("2026-11-29 06:00:00"):  # last day of grace
            self._run_nightly_planning()
            self.assertEqual(promise.state, "open")
            self.assertFalse(self._live_actions(partner))
        with freeze_time("2026-11-30 06:00:00"):
            self._run_nightly_planning()
            self.assertRecordValues(
                promise, [{"state": "broken", "date_closed": fields.Date.to_date("2026-11-30")}]
            )
            self.assertEqual(self._items(invoice).dunning_status_id, self.status_broken)
            self.assertEqual(self._live_actions(partner).line_ids.move_id, invoice)
            self.assertEqual(partner.dunning_broken_promise_count, 1)

    def test_auditor_reads_and_changes_nothing(self):
        partner = self._customer("Audit SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        promise = self._promise(partner, invoice)
        as_auditor = promise.with_user(self.user_auditor)
        self.assertEqual(as_auditor.amount, 300)
        with self.assertRaises(AccessError):
            as_auditor.write({"amount": 100})
        with self.assertRaises(AccessError):
            self._promise(partner, self._create_overdue_invoice(partner), user=self.user_auditor)

    def test_resolver_without_dunning_role_closes_their_dispute(self):
        partner = self._customer("Logistique SA")
        first = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        second = self._create_overdue_invoice(partner, days_overdue=20, amount=400)
        mine = self._commit_on("dispute", partner, first, resolver_id=self.user_internal.id)
        theirs = self._commit_on("dispute", partner, second, resolver_id=self.user_manager.id)
        self.assertEqual(mine.activity_ids.user_id, self.user_internal)
        Commitment = self.env["dso.dunning.commitment"].with_user(self.user_internal)
        self.assertEqual(Commitment.search([("partner_id", "=", partner.id)]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_internal).action_resolve_withdrawn()
        with self.assertRaises(AccessError):
            mine.with_user(self.user_internal).write({"amount": 1})
        mine.with_user(self.user_internal).action_resolve_credit_note()
        self.assertRecordValues(mine, [{"state": "resolved", "resolution": "credit_note"}])
        self.assertFalse(mine.activity_ids, "the resolver's activity is done")
        self.assertFalse(self._items(first).dunning_status_id)

    def test_collector_of_another_company_sees_nothing(self):
        partner = self._customer("Secret SA")
        self._promise(partner, self._create_overdue_invoice(partner, days_overdue=20))
        other = self.env["res.company"].create({"name": "Other Collection Co"})
        outsider = new_test_user(
            self.env,
            login="dso_outsider",
            groups="dso_dunning.group_dso_dunning_collector",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.env["dso.dunning.commitment"].with_user(outsider).search([]))
