import ast

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DunningUsersMixin, run_migration
from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCommitmentFollowups(DunningUsersMixin, DunningSendingCase):
    """What happens after a commitment: the follow-up of a broken promise in the
    agenda, per its status; late disputes; the customer's items status; qualifying
    from the invoice; the resolver and target date a call or a reply proposes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.status_broken = cls.env.ref("dso_dunning.dso_dunning_item_status_broken_promise")
        cls.status_broken.followup_days = 2
        cls.status_dispute = cls.env.ref("dso_dunning.dso_dunning_item_status_dispute")
        cls.status_promise = cls.env.ref("dso_dunning.dso_dunning_item_status_promise")
        cls.quality = cls.env.ref("dso_dunning.dso_dunning_dispute_type_quality")
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")

    @staticmethod
    def _items(invoices):
        return invoices.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")

    def _commit(self, partner, invoices, kind="promise", **vals):
        Wizard = self.env["dso.dunning.commitment.create"].with_user(self.user_collector)
        wizard = Wizard.browse(Wizard._open_for(partner)["res_id"])
        wizard.write({"kind": kind, **vals})
        wizard.line_ids.filtered(lambda l: l.move_line_id.move_id not in invoices).selected = False
        return self.env["dso.dunning.commitment"].browse(wizard.action_apply()["res_id"])

    def _run_nightly_planning(self):
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_plan").method_direct_trigger()

    def _agenda_tab(self, xmlid, user):
        """The pending actions ``user`` sees in an agenda tab."""
        tab = self.env.ref(xmlid)
        return self.env["dso.dunning.action"].with_user(user).search(ast.literal_eval(tab.domain))

    def test_broken_promise_plans_a_call_in_the_agenda_at_once(self):
        partner = self._customer("Oublie SA")
        partner.dunning_collector_id = self.user_collector
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=500)
        promise = self._commit(partner, invoice, date=fields.Date.to_date("2026-11-26"))
        self.assertFalse(self._live_actions(partner), "the promise pauses the item")
        with freeze_time("2026-11-30 06:00:00"):  # promised the 26th, grace 3 days
            self._run_nightly_planning()
            self.assertEqual(promise.state, "broken")
            followup = promise.followup_action_id
            self.assertRecordValues(
                followup,
                [
                    {
                        "commitment_id": promise.id,
                        "mode": "manual",
                        "channel_call": True,
                        "state": "planned",
                        "collector_id": self.user_collector.id,
                        "date": fields.Date.to_date("2026-12-02"),  # broken status: 2 days
                        "amount_due": 500,
                    }
                ],
            )
            self.assertEqual(promise.followup_date, followup.date)
            self.assertEqual(followup.line_ids.move_id, invoice)
            self.assertEqual(followup.step_id.name, "Call after a broken commitment")
            manual = self._agenda_tab(
                "dso_dunning.dso_dunning_agenda_manual_action", self.user_collector
            )
            self.assertIn(followup, manual)
            self.assertRecordValues(
                followup.activity_ids,
                [{"activity_type_id": self.call.id, "user_id": self.user_collector.id}],
            )
            # dates and amounts as the reader writes them, not as the database stores them
            body = followup.message_ids[:1].body
            self.assertIn("Promise to pay not kept by 11/26/2026.", body)
            due = self._items(invoice).date_maturity
            self.assertIn(f"{invoice.name}, due {due:%m/%d/%Y}: ", body)
            self.assertIn("500.00", body)
            self.assertNotIn("2026-11-26", body)
            # the scenario dunns the item again beside it; planning leaves the call alone
            self._plan(partners=partner, force=True)
            dunned = self._live_actions(partner) - followup
            self.assertEqual(dunned.line_ids.move_id, invoice)
            self.assertEqual(dunned.scenario_id, self.send_scenario)
            self.assertEqual(followup.state, "planned")
            # the collector calls: done like any manual action, history afterwards
            followup.with_user(self.user_collector).write({"outcome": "reached"})
            followup.with_user(self.user_collector).action_done()
            self.assertEqual(followup.state, "done")
            self._plan(partners=partner, force=True)
            self.assertEqual(followup.state, "done")

    def test_followup_takes_the_channel_and_mode_of_the_broken_status_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        self.status_broken.write({"followup_channel": "email", "followup_mode": "to_confirm"})
        partner = self._customer("Courriel SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        promise = self._commit(partner, invoice, date=fields.Date.to_date("2026-11-20"))
        self._run_nightly_planning()  # the 24th: promised the 20th, grace 3 days
        followup = promise.followup_action_id
        self.assertRecordValues(
            followup,
            [{"mode": "to_confirm", "channel_email": True, "channel_call": False,
              "state": "to_confirm"}],
        )  # fmt: skip
        self.assertEqual(
            followup.step_id.mail_template_id,
            self.env.ref("dso_dunning.mail_template_dunning_first"),
        )
        self.assertFalse(followup.activity_ids, "sent once confirmed, nothing for the collector")
        self.assertIn(
            followup,
            self._agenda_tab("dso_dunning.dso_dunning_agenda_automatic_action", self.user_manager),
        )
        self.assertEqual(
            followup.step_id.with_context(lang="fr_FR").name,
            "Courriel après un engagement non tenu",
        )
        self.assertEqual(
            followup.scenario_id.with_context(lang="fr_FR").name, "Suivi des engagements"
        )
        self.assertFalse(followup.scenario_id.active, "never offered to customers")

    def test_second_broken_promise_joins_the_pending_followup(self):
        partner = self._customer("Deux Promesses SA")
        first = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        second = self._create_overdue_invoice(partner, days_overdue=20, amount=200)
        promise_1 = self._commit(partner, first, date=fields.Date.to_date("2026-11-20"))
        promise_2 = self._commit(partner, second, date=fields.Date.to_date("2026-11-26"))
        self._run_nightly_planning()
        self.assertEqual((promise_1.state, promise_2.state), ("broken", "open"))
        with freeze_time("2026-11-30 06:00:00"):
            self._run_nightly_planning()
            self.assertEqual(promise_2.state, "broken")
            self.assertEqual(promise_2.followup_action_id, promise_1.followup_action_id)
            self.assertIn("Also follows up", promise_1.followup_action_id.message_ids[0].body)

    def test_each_due_instalment_is_followed_up_once_and_dropped_when_paid(self):
        partner = self._customer("Mensualites SA")
        partner.dunning_collector_id = self.user_collector
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=600)
        plan = self._commit(
            partner,
            invoice,
            kind="plan",
            date=fields.Date.to_date("2026-11-24"),
            instalment_count=2,
        )
        first, second = plan.instalment_ids
        self._run_nightly_planning()  # the 24th: the first instalment is due today
        first_call = first.followup_action_id
        self.assertRecordValues(
            first_call,
            [{"state": "planned", "mode": "manual", "date": fields.Date.to_date("2026-11-24"),
              "collector_id": self.user_collector.id}],
        )  # fmt: skip
        self.assertIn(
            first_call,
            self._agenda_tab("dso_dunning.dso_dunning_agenda_manual_action", self.user_collector),
        )
        self._run_nightly_planning()
        self.assertEqual(self._live_actions(partner), first_call, "once per instalment")
        self._pay(invoice, amount=300)
        self.env.cr.flush()
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_refresh").method_direct_trigger()
        self.assertEqual(first.state, "paid")
        self.assertRecordValues(first_call, [{"state": "cancelled", "cancel_reason": "paid"}])
        self.assertFalse(second.followup_action_id)
        with freeze_time("2026-12-24 06:00:00"):
            self._run_nightly_planning()
            second_call = second.followup_action_id
            self.assertTrue(second_call)
            self.assertNotEqual(second_call, first_call)
            self.assertRecordValues(second_call, [{"state": "planned", "amount_due": 300}])
            self.assertEqual(plan.state, "open")

    def test_late_dispute_gives_its_resolver_a_task_once(self):
        partner = self._customer("Litige Lent SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        dispute = self._commit(
            partner,
            invoice,
            kind="dispute",
            dispute_type_id=self.quality.id,
            resolver_id=self.user_internal.id,
            date=fields.Date.to_date("2026-11-28"),
        )
        self.assertEqual(len(dispute.activity_ids), 1, "the resolver's activity to resolve it")
        with freeze_time("2026-11-28 06:00:00"):
            self._run_nightly_planning()
            self.assertFalse(dispute.followup_activity_id, "not late on its target date")
        with freeze_time("2026-11-29 06:00:00"):
            self._run_nightly_planning()
            late = dispute.followup_activity_id
            self.assertRecordValues(
                late,
                [
                    {
                        "activity_type_id": self.todo.id,  # the Dispute status: a task
                        "user_id": self.user_internal.id,
                        "date_deadline": fields.Date.to_date("2026-11-29"),
                    }
                ],
            )
            self.assertIn("target date", late.summary)
        with freeze_time("2026-11-30 06:00:00"):
            self._run_nightly_planning()
            self.assertEqual(len(dispute.activity_ids), 2, "followed up once")
            # a new target date: followed up again when it passes
            dispute.with_user(self.user_collector).date = fields.Date.to_date("2026-12-05")
            self.assertFalse(dispute.followup_date)
        with freeze_time("2026-12-06 06:00:00"):
            self._run_nightly_planning()
            self.assertEqual(dispute.followup_date, fields.Date.to_date("2026-12-06"))
            self.assertEqual(len(dispute.activity_ids), 3)
        dispute.with_user(self.user_internal).action_resolve_rejected()
        self.assertFalse(dispute.activity_ids)

    def test_customer_items_status_follows_its_items(self):
        partner = self._customer("Statut SA")
        disputed = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        promised = self._create_overdue_invoice(partner, days_overdue=20, amount=200)
        owed = self._create_overdue_invoice(partner, days_overdue=20, amount=100)
        self.assertFalse(partner.dunning_item_status_id)
        self._commit(partner, promised, date=fields.Date.to_date("2026-12-10"))
        self.assertEqual(partner.dunning_item_status_id, self.status_promise)
        dispute = self._commit(partner, disputed, kind="dispute", dispute_type_id=self.quality.id)
        self.assertEqual(partner.dunning_item_status_id, self.status_dispute, "a dispute first")
        # the customer is "in dispute" in the customers list, its other items dunned
        Partner = self.env["res.partner"].with_user(self.user_collector)
        self.assertIn(partner, Partner.search([("dunning_item_status_id.is_dispute", "=", True)]))
        self._plan(partners=partner, force=True)
        self.assertEqual(self._live_actions(partner).line_ids.move_id, owed)
        self.assertFalse(partner.dunning_skip_reason)
        dispute.with_user(self.user_collector).action_resolve_rejected()
        self.assertEqual(partner.dunning_item_status_id, self.status_promise)
        self._pay(promised)
        self.env.cr.flush()
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_refresh").method_direct_trigger()
        self.assertFalse(partner.dunning_item_status_id, "the promise was kept")

    def test_upgrade_shows_the_customers_already_in_dispute(self):
        partner = self._customer("Ancien Litige SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        self._commit(partner, invoice, kind="dispute", dispute_type_id=self.quality.id)
        # as on a database of 19.0.1.2.0: the column is new, hence empty
        partner.sudo().dunning_item_status_id = False
        self.status_dispute.followup_channel = "call"
        self.env.flush_all()
        run_migration(self.env.cr, "19.0.1.3.0", "post")
        self.assertEqual(partner.dunning_item_status_id, self.status_dispute)
        self.assertEqual(self.status_dispute.followup_channel, "task")

    def test_invoice_button_opens_the_wizard_on_its_items_for_collectors_only(self):
        partner = self._customer("Facture SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        other = self._create_overdue_invoice(partner, days_overdue=20, amount=700)
        button = self.env.ref("dso_dunning.dso_dunning_commitment_create_from_invoice")
        context = {"active_model": "account.move", "active_ids": invoice.ids,
                   "active_id": invoice.id}  # fmt: skip
        opened = button.with_user(self.user_collector).with_context(**context).run()
        wizard = self.env["dso.dunning.commitment.create"].browse(opened["res_id"])
        self.assertEqual(wizard.partner_id, partner)
        self.assertEqual(wizard.line_ids.move_line_id, self._items(invoice), "not the other")
        wizard.with_user(self.user_collector).write(
            {"kind": "dispute", "dispute_type_id": self.quality.id}
        )
        dispute = self.env["dso.dunning.commitment"].browse(
            wizard.with_user(self.user_collector).action_apply()["res_id"]
        )
        self.assertEqual(dispute.move_line_ids.move_id, invoice)
        self.assertFalse(self._items(other).dunning_status_id)
        accountant = new_test_user(
            self.env, login="dso_accountant", groups="account.group_account_invoice"
        )
        with self.assertRaises(AccessError):
            button.with_user(accountant).with_context(**context).run()
        arch = self.env["account.move"].with_user(accountant).get_views([(False, "form")])
        billing_collector = new_test_user(
            self.env,
            login="dso_billing_collector",
            groups="account.group_account_invoice,dso_dunning.group_dso_dunning_collector",
        )
        collector_arch = (
            self.env["account.move"].with_user(billing_collector).get_views([(False, "form")])
        )
        self.assertIn(f'name="{button.id}"', collector_arch["views"]["form"]["arch"])
        self.assertNotIn(f'name="{button.id}"', arch["views"]["form"]["arch"])

    def test_dispute_from_a_call_goes_to_the_salesperson_by_the_type_delay(self):
        salesman = new_test_user(self.env, login="dso_salesman", groups="base.group_user")
        self.quality.followup_days = 5
        partner = self._customer("Vendeur SA")
        partner.dunning_collector_id = self.user_collector
        invoice = self._create_overdue_invoice(
            partner, days_overdue=35, amount=400, invoice_user_id=salesman.id
        )
        self._plan(partners=partner, force=True)
        call = self._live_actions(partner)
        call.write({"outcome": "dispute", "dispute_type_id": self.quality.id})
        call.with_user(self.user_collector).action_done()
        dispute = self.env["dso.dunning.commitment"].search([("partner_id", "=", partner.id)])
        self.assertRecordValues(
            dispute,
            [
                {
                    "kind": "dispute",
                    "resolver_id": salesman.id,
                    "date": fields.Date.to_date("2026-11-29"),  # quality: 5 days
                }
            ],
        )
        self.assertEqual(dispute.activity_ids.user_id, salesman)
        self.assertEqual(self._items(invoice).dunning_status_id, self.status_dispute)
        # editable: the collector hands it to someone else
        dispute.with_user(self.user_collector).resolver_id = self.user_manager
        # without a salesperson: the collector; without a type delay: the status's
        other = self._customer("Sans Vendeur SA")
        other.dunning_collector_id = self.user_collector
        self._create_overdue_invoice(other, days_overdue=35, amount=400, invoice_user_id=False)
        Wizard = self.env["dso.dunning.commitment.create"].with_user(self.user_collector)
        wizard = Wizard.browse(Wizard._open_for(other)["res_id"])
        wizard.kind = "dispute"
        self.assertEqual(wizard.resolver_id, self.user_collector)
        self.assertEqual(wizard.date, fields.Date.to_date("2026-12-09"))  # Dispute: 15 days
        wizard.dispute_type_id = self.quality
        self.assertEqual(wizard.date, fields.Date.to_date("2026-11-29"))

    def test_followup_actions_are_read_by_every_dunning_role_only(self):
        partner = self._customer("Acces SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=20, amount=300)
        promise = self._commit(partner, invoice, date=fields.Date.to_date("2026-11-20"))
        self._run_nightly_planning()
        followup = promise.followup_action_id
        self.assertTrue(followup)
        for user in (self.user_collector, self.user_manager, self.user_auditor):
            self.assertEqual(
                promise.with_user(user).followup_action_id.with_user(user).commitment_id, promise
            )
        with self.assertRaises(AccessError):
            followup.with_user(self.user_internal).read(["commitment_id"])
        with self.assertRaises(AccessError):
            followup.with_user(self.user_collector).write({"commitment_id": False})
        self.assertEqual(followup.commitment_id, promise)

    def test_each_company_has_its_own_followup_scenario(self):
        other = self.env["res.company"].create({"name": "Filiale Suivi"})
        Scenario = self.env["dso.dunning.scenario"]
        here = Scenario._commitment_followup_step(self.company, "call", "manual")
        there = Scenario._commitment_followup_step(other, "call", "manual")
        self.assertEqual(here.scenario_id.company_id, self.company)
        self.assertEqual(there.scenario_id.company_id, other)
        self.assertNotEqual(here.scenario_id, there.scenario_id)
        self.assertEqual(Scenario._commitment_followup_step(self.company, "call", "manual"), here)
        self.assertEqual(
            Scenario._commitment_followup_step(self.company, "call", "automatic"),
            here,
            "a call is made by someone: manual",
        )
        task = Scenario._commitment_followup_step(self.company, "task", "manual")
        self.assertEqual(task.scenario_id, here.scenario_id, "one scenario, one step per channel")
        self.assertTrue(task.channel_task)
        self.assertNotIn(
            here.scenario_id,
            self.env["dso.dunning.scenario"].with_user(self.user_manager).search([]),
            "archived: not offered to customers",
        )
