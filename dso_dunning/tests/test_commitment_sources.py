from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DunningTourMixin, DunningUsersMixin
from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCommitmentSources(DunningUsersMixin, DunningSendingCase):
    """Calls, replies and the agenda qualify items: a commitment on those items,
    never a block of the whole customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.quality = cls.env.ref("dso_dunning.dso_dunning_dispute_type_quality")
        cls.status_promise = cls.env.ref("dso_dunning.dso_dunning_item_status_promise")

    @staticmethod
    def _items(invoices):
        return invoices.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")

    def _commitments(self, partner):
        return self.env["dso.dunning.commitment"].search([("partner_id", "=", partner.id)])

    def _reply_to(self, action, body):
        """The customer answers the dunning email of ``action``: the reply to qualify."""
        action.partner_id.message_post(
            body=body,
            message_type="email",
            parent_id=action.message_id.id,
            author_id=action.partner_id.id,
        )
        return self.env["dso.dunning.reply"].search(
            [("partner_id", "=", action.partner_id.id), ("kind", "=", "reply")]
        )

    def _open_wizard(self, actions):
        Wizard = self.env["dso.dunning.commitment.create"].with_user(self.user_collector)
        opened = Wizard._open_for(actions.with_user(self.user_collector))
        return Wizard.browse(opened["res_id"])

    def test_call_promise_covers_the_call_items_and_the_other_invoice_is_still_dunned(self):
        partner = self._customer("Promesse Appel SA")
        called = self._create_overdue_invoice(partner, days_overdue=35, amount=400)
        other = self._create_overdue_invoice(partner, days_overdue=-5, amount=250)
        self._plan(partners=partner, force=True)
        call = self._live_actions(partner)
        self.assertEqual((call.step_id, call.line_ids.move_id), (self.step_call, called))
        call.write({"outcome": "promise", "promise_date": "2026-12-20", "outcome_note": "Friday"})
        call.with_user(self.user_collector).action_done()
        self.assertRecordValues(
            self._commitments(partner),
            [
                {
                    "kind": "promise",
                    "state": "open",
                    "date": fields.Date.to_date("2026-12-20"),
                    "amount": 400,
                    "comment": "Friday",
                    "move_line_ids": self._items(called).ids,
                }
            ],
        )
        self.assertEqual(self._items(called).dunning_status_id, self.status_promise)
        self.assertFalse(partner.dunning_block_reason, "the customer itself is not blocked")
        with freeze_time("2026-12-06 10:00:00"):  # the other invoice is 7 days late
            self._plan(partners=partner, force=True)
            pending = self._live_actions(partner) - call
            self.assertEqual(pending.step_id, self.step_email)
            self.assertEqual(pending.line_ids.move_id, other, "only the promised invoice waits")
            self.assertEqual(pending.amount_due, 250)

    def test_reply_about_items_already_promised_records_nothing_more(self):
        partner = self._customer("Deja Promis SA")
        action = self._planned(partner, days_overdue=10, amount=300)
        self.sender._send_due()
        promise = self.env["dso.dunning.commitment"].create(
            {
                "kind": "promise",
                "partner_id": partner.id,
                "date": "2026-12-10",
                "move_line_ids": [Command.set(action.line_ids.move_line_id.ids)],
            }
        )
        reply = self._reply_to(action, "Not what we ordered").with_user(self.user_collector)
        reply.write({"qualification": "dispute"})
        reply.action_apply_qualification()
        self.assertEqual(reply.state, "validated", "the reply is qualified all the same")
        self.assertEqual(self._commitments(partner), promise, "one running commitment per item")

    def test_reply_qualified_dispute_records_a_dispute_on_the_items_of_the_email(self):
        partner = self._customer("Reponse Litige SA")
        action = self._planned(partner, days_overdue=10, amount=300)
        self.sender._send_due()
        self.assertEqual(action.state, "sent")
        reply = self._reply_to(action, "The goods arrived broken").with_user(self.user_collector)
        reply.write({"qualification": "dispute", "dispute_type_id": self.quality.id})
        reply.action_apply_qualification()
        self.assertEqual(reply.state, "validated")
        dispute = self._commitments(partner)
        self.assertRecordValues(
            dispute,
            [
                {
                    "kind": "dispute",
                    "state": "open",
                    "dispute_type_id": self.quality.id,
                    "move_line_ids": action.line_ids.move_line_id.ids,
                }
            ],
        )
        self.assertIn("The goods arrived broken", dispute.comment)
        self.assertFalse(partner.dunning_block_reason)

    def test_reply_without_action_covers_the_overdue_items_only(self):
        partner = self._customer("Sans Action SA")
        late = self._create_overdue_invoice(partner, days_overdue=15, amount=300)
        self._create_overdue_invoice(partner, days_overdue=-10, amount=200)
        message = partner.message_post(body="We pay on the 15th", message_type="email")
        reply = (
            self.env["dso.dunning.reply"]
            .sudo()
            .create(
                {
                    "message_id": message.id,
                    "kind": "reply",
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                }
            )
            .with_user(self.user_collector)
        )
        reply.write({"qualification": "promise", "promise_date": "2026-12-15"})
        reply.action_apply_qualification()
        self.assertRecordValues(
            self._commitments(partner),
            [{"kind": "promise", "amount": 300, "move_line_ids": self._items(late).ids}],
        )

    def test_agenda_selection_of_one_customer_opens_the_wizard_with_their_items(self):
        partner = self._customer("Agenda SA")
        first = self._create_overdue_invoice(partner, days_overdue=10, amount=300)
        self._plan(partners=partner, force=True)
        emailed = self._live_actions(partner)
        self.sender._send_due()
        self.assertEqual(emailed.state, "sent")
        second = self._create_overdue_invoice(partner, days_overdue=35, amount=500)
        self._plan(partners=partner, force=True)
        call = self._live_actions(partner)
        self.assertEqual(call.line_ids.move_id, first | second)
        wizard = self._open_wizard(emailed | call)
        self.assertEqual(wizard.partner_id, partner)
        self.assertEqual(
            wizard.line_ids.mapped("move_name"), [second.name, first.name], "each item once"
        )
        self.assertTrue(all(wizard.line_ids.mapped("selected")))
        wizard.write({"kind": "dispute", "dispute_type_id": self.quality.id})
        wizard.line_ids.filtered(lambda l: l.move_name == first.name).selected = False
        wizard.action_apply()
        self.assertEqual(self._commitments(partner).move_line_ids, self._items(second))
        self.assertEqual(self._live_actions(partner).line_ids.move_id, first)
        again = self._open_wizard(emailed | call)
        self.assertEqual(again.line_ids.mapped("move_name"), [first.name], "disputed: not offered")
        first_items = self._items(first)
        self.env["dso.dunning.commitment"].create(
            {
                "kind": "promise",
                "partner_id": partner.id,
                "date": "2026-12-10",
                "move_line_ids": [Command.set(first_items.ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "Nothing left to qualify"):
            self._open_wizard(emailed | call)

    def test_agenda_selection_of_two_customers_is_refused(self):
        calls = self._planned(self._customer("Un SA"), days_overdue=35) | self._planned(
            self._customer("Deux SA"), days_overdue=35
        )
        with self.assertRaisesRegex(UserError, "one customer only"):
            self._open_wizard(calls)
        binding = self.env.ref("dso_dunning.dso_dunning_commitment_create_from_action")
        self.assertIn("list", binding.binding_view_types, "in the agenda's action menu")


@tagged("post_install", "-at_install")
class TestCommitmentSourcesTour(DunningTourMixin, DunningUsersMixin, HttpCase):
    """In a real browser, a collector selects two actions of one customer (two
    scenarios) in the agenda and records a dispute on their items, then
    qualifies another customer's reply as a dispute."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        company = cls.env.company
        scenario = cls._create_tour_scenario("Qualify tour", "Qualify Call")
        # One pending action per customer and scenario: the task is of another
        # scenario (one set on some of the customer's invoices).
        other_scenario = cls._create_tour_scenario("Qualify tour bis", "Qualify Task")
        cls.customer = cls._create_tour_customer(
            "Qualify Tour SA", scenario, 400.0, collector=cls.user_collector
        )
        today = fields.Date.context_today(cls.customer)
        cls.env["dso.dunning.demo"]._create_demo_invoice(cls.customer, today, 25, 250.0, 0.0)
        items = (
            cls.env["account.move"]
            .search([("partner_id", "=", cls.customer.id)])
            .line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")
            .sorted("amount_residual")
        )
        cls.items = items
        cls.actions = cls.env["dso.dunning.action"]
        for step, item in ((scenario.step_ids, items[1]), (other_scenario.step_ids, items[0])):
            cls.actions |= cls.env["dso.dunning.action"].create(
                {
                    "company_id": company.id,
                    "partner_id": cls.customer.id,
                    "scenario_id": step.scenario_id.id,
                    "step_id": step.id,
                    "date": today,
                    "collector_id": cls.user_collector.id,
                    "amount_due": item.amount_residual,
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": item.id,
                                "move_id": item.move_id.id,
                                "date_maturity": item.date_maturity,
                                "amount_residual": item.amount_residual,
                            }
                        )
                    ],
                }
            )

        # A customer who answered the email of a sent action: the reply to qualify.
        cls.replier = cls._create_tour_customer(
            "Reply Tour SA", scenario, 300.0, collector=cls.user_collector
        )
        item = cls.env["account.move.line"].search(
            [
                ("partner_id", "=", cls.replier.id),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        emailed = cls.env["dso.dunning.action"].create(
            {
                "company_id": company.id,
                "partner_id": cls.replier.id,
                "scenario_id": scenario.id,
                "step_id": scenario.step_ids.id,
                "date": today,
                "state": "sent",
                "collector_id": cls.user_collector.id,
                "amount_due": item.amount_residual,
                "line_ids": [Command.create({"move_line_id": item.id, "move_id": item.move_id.id})],
            }
        )
        emailed.message_post(
            body="The price is not the one agreed", message_type="email", author_id=cls.replier.id
        )
        cls.replied_item = item

    def test_collector_qualifies_items_from_the_agenda_and_from_a_reply(self):
        self.start_tour("/odoo", "dso_dunning_commitment_sources", login="dso_collector")
        dispute = self.env["dso.dunning.commitment"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            dispute,
            [
                {
                    "kind": "dispute",
                    "state": "open",
                    "dispute_type_id": self.env.ref(
                        "dso_dunning.dso_dunning_dispute_type_quality"
                    ).id,
                    "comment": "Broken on delivery",
                    "create_uid": self.user_collector.id,
                }
            ],
        )
        self.assertEqual(dispute.move_line_ids, self.items)
        self.assertEqual(set(self.actions.mapped("state")), {"cancelled"}, "nothing left to dun")
        reply = self.env["dso.dunning.reply"].search([("partner_id", "=", self.replier.id)])
        self.assertRecordValues(reply, [{"state": "validated", "qualification": "dispute"}])
        reply_dispute = self.env["dso.dunning.commitment"].search(
            [("partner_id", "=", self.replier.id)]
        )
        self.assertRecordValues(
            reply_dispute,
            [
                {
                    "kind": "dispute",
                    "dispute_type_id": self.env.ref(
                        "dso_dunning.dso_dunning_dispute_type_price"
                    ).id,
                    "create_uid": self.user_collector.id,
                }
            ],
        )
        self.assertEqual(reply_dispute.move_line_ids, self.replied_item)
        self.assertIn("The price is not the one agreed", reply_dispute.comment)

    def test_collector_qualifies_the_invoice_from_its_form(self):
        """A collector who also bills opens the invoice and records a dispute on it;
        the invoice's salesperson is proposed as resolver."""
        new_test_user(
            self.env,
            login="dso_billing_collector",
            groups="account.group_account_invoice,dso_dunning.group_dso_dunning_collector",
        ).tour_enabled = False
        salesman = new_test_user(self.env, login="dso_salesman", name="Sam Salesman")
        customer = self._create_tour_customer("Invoice Tour SA", self.actions.scenario_id[:1], 50.0)
        today = fields.Date.context_today(customer)
        invoice = self.env["dso.dunning.demo"]._create_demo_invoice(customer, today, 12, 640.0, 0.0)
        invoice.invoice_user_id = salesman
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "dso_dunning_commitment_invoice",
            login="dso_billing_collector",
        )
        dispute = self.env["dso.dunning.commitment"].search([("partner_id", "=", customer.id)])
        self.assertRecordValues(
            dispute,
            [
                {
                    "kind": "dispute",
                    "resolver_id": salesman.id,
                    "dispute_type_id": self.env.ref(
                        "dso_dunning.dso_dunning_dispute_type_price"
                    ).id,
                }
            ],
        )
        self.assertEqual(dispute.move_line_ids.move_id, invoice)
