import datetime
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DunningPlanningCase

TODAY = datetime.date(2025, 6, 30)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30 09:00:00")
class TestPlanning(DunningPlanningCase):
    """The daily planning run on a real ledger."""

    def assertActionItems(self, action, invoices):
        self.assertEqual(action.line_ids.move_id, invoices)
        self.assertEqual(len(action.line_ids), len(invoices))

    # ------------------------------------------------------------------
    # Which step, which items
    # ------------------------------------------------------------------

    def test_catch_up_plans_only_the_highest_step_reached(self):
        customer = self._create_customer("Late Since Long")
        invoice = self._create_overdue_invoice(customer, days_overdue=45, amount=300)
        stats = self._plan()
        action = self._actions(customer)
        self.assertEqual(len(action), 1, "one action, not one per missed step")
        self.assertEqual(action.step_id, self.step_third)
        self.assertEqual(action.date, TODAY)
        self.assertEqual(action.state, "planned")
        self.assertEqual(stats["created"], 1)
        self.assertActionItems(action, invoice)
        self.assertEqual(action.line_ids.days_overdue, 45)
        self.assertEqual(action.line_ids.amount_residual, 300)
        self.assertEqual(action.amount_due, 300)
        self.assertEqual(action.days_overdue, 45)
        self.assertEqual(action.oldest_due_date, days(-45))

    def test_items_at_different_steps_one_action_listing_all(self):
        customer = self._create_customer("Many Invoices")
        invoices = self.env["account.move"]
        for late in (8, 10, 20, 35, 40):  # steps first, first, second, third, third
            invoices |= self._create_overdue_invoice(customer, days_overdue=late, amount=100)
        self._plan()
        action = self._actions(customer)
        self.assertEqual(len(action), 1)
        self.assertEqual(action.step_id, self.step_third)
        self.assertActionItems(action, invoices)
        self.assertEqual(sorted(action.line_ids.mapped("days_overdue")), [8, 10, 20, 35, 40])
        self.assertEqual(action.amount_due, 500)

    def test_installment_not_yet_due_is_not_listed(self):
        customer = self._create_customer("Installments")
        term = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        invoice = self._create_overdue_invoice(
            customer, days_overdue=20, amount=1000, invoice_payment_term_id=term.id
        )
        receivables = invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).sorted("date_maturity")
        self.assertEqual(receivables.mapped("date_maturity"), [days(-20), days(40)])
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.step_id, self.step_second)
        self.assertEqual(action.line_ids.move_line_id, receivables[0])
        self.assertEqual(action.amount_due, 500)

    def test_residual_below_tolerance_is_not_dunned(self):
        customer = self._create_customer("Small Change")
        invoice = self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        self._pay(invoice, amount=99.5)
        self.assertEqual(invoice.amount_residual, 0.5)
        self._plan()
        self.assertFalse(self._actions(customer))

    def test_min_amount_step_passed_over(self):
        customer = self._create_customer("Small Debt")
        self.step_third.min_amount = 1000
        self._create_overdue_invoice(customer, days_overdue=45, amount=300)
        self._plan()
        self.assertEqual(self._actions(customer).step_id, self.step_second)

    def test_no_followup_item_is_ignored(self):
        customer = self._create_customer("Excluded Item")
        kept = self._create_overdue_invoice(customer, days_overdue=10, amount=100)
        excluded = self._create_overdue_invoice(customer, days_overdue=40, amount=200)
        excluded.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"no_followup": True}
        )
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.step_id, self.step_first, "the excluded item is not the anchor")
        self.assertActionItems(action, kept)

    # ------------------------------------------------------------------
    # Never chase what is not owed
    # ------------------------------------------------------------------

    def test_invoice_paid_after_planning_cancels_the_action(self):
        customer = self._create_customer("Pays Later")
        invoice = self._create_overdue_invoice(customer, days_overdue=10, amount=100)
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.state, "planned")
        self._pay(invoice)
        stats = self._plan(force=True)
        self.assertEqual(action.state, "cancelled")
        self.assertEqual(action.cancel_reason, "paid")
        self.assertEqual(stats["cancelled"], 1)
        self.assertEqual(self._actions(customer), action, "nothing new planned")
        self.assertFalse(customer.with_company(self.company).dunning_next_date)

    def test_partial_payment_refreshes_the_pending_action(self):
        customer = self._create_customer("Pays Half")
        first = self._create_overdue_invoice(customer, days_overdue=10, amount=100)
        second = self._create_overdue_invoice(customer, days_overdue=9, amount=300)
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.amount_due, 400)
        self._pay(first)
        self._pay(second, amount=100)
        stats = self._plan(force=True)
        self.assertEqual(stats["updated"], 1)
        self.assertEqual(action.state, "planned")
        self.assertActionItems(action, second)
        self.assertEqual(action.line_ids.amount_residual, 200)
        self.assertEqual(action.amount_due, 200)

    def test_payment_leaving_less_than_the_tolerance_cancels_the_action(self):
        customer = self._create_customer("Nearly Paid")
        invoice = self._create_overdue_invoice(customer, days_overdue=10, amount=100)
        self._create_overdue_invoice(customer, days_overdue=-8, amount=500)
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.step_id, self.step_first)
        self._pay(invoice, amount=99.5)
        self._plan(force=True)
        self.assertEqual(action.state, "cancelled")
        self.assertEqual(action.cancel_reason, "paid")

    def test_pending_action_older_than_the_oldest_item_is_refreshed(self):
        customer = self._create_customer("Pays The Oldest Only")
        old = self._create_overdue_invoice(customer, days_overdue=10, amount=100)
        newer = self._create_overdue_invoice(customer, days_overdue=-15, amount=200)
        self._plan()
        action = self._actions(customer)
        self._pay(old)
        with freeze_time("2025-07-25"):  # newer is 10 days late, action never executed
            stats = self._plan()
        self.assertEqual(stats["failed"], 0)
        self.assertEqual(self._actions(customer), action, "no second pending action")
        self.assertEqual(action.state, "planned")
        self.assertActionItems(action, newer)

    def test_credit_note_covering_overdue_amount(self):
        customer = self._create_customer("Has Credit")
        self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        self._create_credit_note(customer, 100)
        stats = self._plan()
        self.assertFalse(self._actions(customer))
        self.assertEqual(stats["skipped"], 1)
        self.assertTrue(customer.with_company(self.company).dunning_skip_reason)

    def test_credit_note_covering_overdue_amount_with_an_invoice_not_due(self):
        customer = self._create_customer("Has Credit And Future Invoice")
        self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        self._create_overdue_invoice(customer, days_overdue=-40, amount=500)
        self._create_credit_note(customer, 100)
        self._plan()
        self.assertFalse(self._actions(customer), "the credit note settles what is overdue")

    def test_never_dun_customer_is_never_dunned(self):
        customer = self._create_customer("Friend")
        customer.with_company(self.company).dunning_scenario_id = self.never_dun
        self._create_overdue_invoice(customer, days_overdue=45, amount=1000)
        self._plan()
        with freeze_time("2025-08-30"):
            self._plan()
        self.assertFalse(self._actions(customer))

    def test_never_dun_invoice_override_keeps_the_invoice_out(self):
        customer = self._create_customer("One Disputed Invoice")
        dunned = self._create_overdue_invoice(customer, days_overdue=10, amount=100)
        self._create_overdue_invoice(
            customer, days_overdue=40, amount=200, dunning_scenario_id=self.never_dun.id
        )
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.step_id, self.step_first)
        self.assertActionItems(action, dunned)

    def test_invoice_scenario_override_gets_its_own_action(self):
        customer = self._create_customer("Special Invoice")
        special = self._create_scenario(self.company, name="Special")
        normal = self._create_overdue_invoice(customer, days_overdue=10, amount=100)
        other = self._create_overdue_invoice(
            customer, days_overdue=40, amount=200, dunning_scenario_id=special.id
        )
        self._plan()
        actions = self._actions(customer)
        self.assertEqual(len(actions), 2)
        by_scenario = {action.scenario_id: action for action in actions}
        self.assertActionItems(by_scenario[self.scenario], normal)
        self.assertActionItems(by_scenario[special], other)
        self.assertEqual(by_scenario[special].step_id.name, "Third")

    def test_blocked_customer_is_not_dunned(self):
        customer = self._create_customer(
            "Disputes", dunning_block_reason="dispute", dunning_block_until=days(10)
        )
        self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        self._plan()
        self.assertFalse(self._actions(customer))
        self.assertEqual(customer.with_company(self.company).dunning_skip_reason, "Dunning blocked")

    def test_expired_block_is_lifted(self):
        expired = self._create_customer(
            "Block Over", dunning_block_reason="promise", dunning_block_until=days(-1)
        )
        running = self._create_customer(
            "Block Running", dunning_block_reason="promise", dunning_block_until=TODAY
        )
        lifted = self.planner._lift_expired_blocks()
        self.assertEqual(lifted, expired)
        self.assertFalse(expired.dunning_block_reason)
        self.assertFalse(expired.dunning_block_until)
        self.assertEqual(running.dunning_block_reason, "promise")
        self._create_overdue_invoice(expired, days_overdue=20, amount=100)
        self._plan()
        self.assertEqual(self._actions(expired).step_id, self.step_second)

    # ------------------------------------------------------------------
    # Exactly once
    # ------------------------------------------------------------------

    def test_two_runs_the_same_day_do_not_duplicate(self):
        customer = self._create_customer("Twice")
        self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        first = self._plan()
        second = self._plan()
        self.assertEqual(first["created"], 1)
        self.assertEqual(second["created"], 0)
        self.assertEqual(len(self._actions(customer)), 1)
        for _run in range(2):
            stats = self._plan(force=True)
            self.assertEqual(stats["created"], 0)
        self.assertEqual(len(self._actions(customer)), 1)
        self.assertEqual(self._actions(customer).state, "planned")

    def test_next_day_run_keeps_the_same_action(self):
        customer = self._create_customer("Every Day")
        self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        self._plan()
        action = self._actions(customer)
        with freeze_time("2025-07-01"):
            stats = self._plan()
        self.assertEqual(stats["created"], 0)
        self.assertEqual(self._actions(customer), action)
        self.assertEqual(action.state, "planned")

    def test_database_refuses_a_duplicate_action(self):
        customer = self._create_customer("Unique")
        self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        self._plan()
        action = self._actions(customer).sudo()
        action.state = "sent"
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            action.copy({"state": "planned", "date": action.date})
            self.env.flush_all()

    def test_database_refuses_two_pending_actions_per_scenario(self):
        customer = self._create_customer("One Pending")
        self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        self._plan()
        action = self._actions(customer)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            action.sudo().copy({"step_id": self.step_third.id})
            self.env.flush_all()

    def test_cron_plans_every_customer(self):
        customer = self._create_customer("Cron Customer")
        self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        cron = self.env.ref("dso_dunning.ir_cron_dso_dunning_plan")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        action = self._actions(customer)
        self.assertEqual(len(action), 1)
        self.assertEqual(action.step_id, self.step_second)
        self.assertEqual(customer.with_company(self.company).dunning_planned_on, TODAY)

    def test_failing_customer_does_not_stop_the_run(self):
        bad = self._create_customer("Broken")
        good = self._create_customer("Fine")
        for customer in (bad, good):
            self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        Planner = type(self.planner)
        original = Planner._plan_partner

        def _plan_partner(planner, batch, partner, *args):
            if partner == bad:
                raise ValueError("corrupt customer")
            return original(planner, batch, partner, *args)

        with (
            patch.object(Planner, "_plan_partner", _plan_partner),
            mute_logger("odoo.addons.dso_dunning.models.dso_dunning_planner"),
        ):
            stats = self._plan()
        self.assertEqual(stats["failed"], 1)
        self.assertEqual(stats["created"], 1)
        self.assertFalse(self._actions(bad))
        self.assertEqual(self._actions(good).step_id, self.step_second)
        self.assertFalse(
            bad.with_company(self.company).dunning_planned_on, "retried on the next run"
        )
        stats = self._plan()
        self.assertEqual(stats["created"], 1)
        self.assertEqual(self._actions(bad).step_id, self.step_second)

    # ------------------------------------------------------------------
    # Pending actions, escalation, next steps
    # ------------------------------------------------------------------

    def test_pending_action_is_not_escalated(self):
        customer = self._create_customer("Slow Collector")
        self._create_overdue_invoice(customer, days_overdue=8, amount=100)
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.step_id, self.step_first)
        with freeze_time("2025-07-20"):  # 28 days late: second step reached
            self._plan()
        self.assertEqual(self._actions(customer), action)
        self.assertEqual(action.state, "planned")
        self.assertEqual(action.step_id, self.step_first)

    def test_pending_action_escalated_when_scenario_says_so(self):
        self.scenario.escalate_pending = True
        customer = self._create_customer("Escalated")
        self._create_overdue_invoice(customer, days_overdue=8, amount=100)
        self._plan()
        action = self._actions(customer)
        with freeze_time("2025-07-20"):
            self._plan()
        self.assertEqual(action.state, "cancelled")
        self.assertEqual(action.cancel_reason, "superseded")
        escalated = self._live_actions(customer)
        self.assertEqual(escalated.step_id, self.step_second)
        self.assertEqual(escalated.date, datetime.date(2025, 7, 20))

    def test_next_step_after_execution_respects_min_interval(self):
        self.company.dunning_min_interval = 10
        customer = self._create_customer("Step By Step")
        self._create_overdue_invoice(customer, days_overdue=14, amount=100)
        self._plan()
        first = self._actions(customer)
        self.assertEqual(first.step_id, self.step_first)
        self._execute(first, fields.Datetime.now())
        with freeze_time("2025-07-01"):  # 15 days late: second reached, interval not over
            self._plan()
        second = self._live_actions(customer) - first
        self.assertEqual(second.step_id, self.step_second)
        self.assertEqual(second.date, days(10), "ten days after the first action")
        self.assertEqual(second.state, "planned")
        self.assertEqual(customer.with_company(self.company).dunning_next_date, days(10))
        self.assertEqual(customer.with_company(self.company).dunning_last_date, TODAY)

    def test_executed_last_step_is_not_repeated(self):
        customer = self._create_customer("Done With")
        self._create_overdue_invoice(customer, days_overdue=45, amount=100)
        self._plan()
        self._execute(self._actions(customer), fields.Datetime.now())
        with freeze_time("2025-08-30"):
            stats = self._plan()
        self.assertEqual(stats["created"], 0)
        self.assertEqual(len(self._actions(customer)), 1)

    def test_pre_due_step_planned_ahead_within_horizon(self):
        soon = self._create_customer("Due In Ten Days")
        invoice = self._create_overdue_invoice(soon, days_overdue=-10, amount=100)
        later = self._create_customer("Due In Thirty Days")
        self._create_overdue_invoice(later, days_overdue=-30, amount=100)
        self._plan()
        action = self._actions(soon)
        self.assertEqual(action.step_id, self.step_courtesy)
        self.assertEqual(action.date, days(5))
        self.assertActionItems(action, invoice)
        self.assertEqual(action.amount_overdue, 0)
        self.assertFalse(self._actions(later), "beyond the planning horizon")
        self.assertEqual(soon.with_company(self.company).dunning_next_date, days(5))

    def test_new_episode_after_everything_was_paid(self):
        customer = self._create_customer("Pays Then Late Again")
        old = self._create_overdue_invoice(customer, days_overdue=45, amount=100)
        self._plan()
        third = self._actions(customer)
        self._execute(third, fields.Datetime.now())
        self._pay(old)
        with freeze_time("2025-09-30"):
            self._create_overdue_invoice(customer, days_overdue=8, amount=100)
            self._plan()
        new = self._live_actions(customer) - third
        self.assertEqual(new.step_id, self.step_first, "a new episode starts at the first step")

    # ------------------------------------------------------------------
    # Companies and figures
    # ------------------------------------------------------------------

    def test_same_customer_in_two_companies_gets_two_actions(self):
        other = self.setup_other_company(name="Second Company")["company"]
        other_scenario = self._create_scenario(other, name="Second company scenario")
        other.dunning_default_scenario_id = other_scenario
        customer = self._create_customer("Shared Customer")
        here = self._create_overdue_invoice(customer, days_overdue=20, amount=100)
        there = self._create_overdue_invoice(customer, days_overdue=45, amount=700, company=other)
        stats = self._plan(companies=self.company | other)
        self.assertEqual(stats["created"], 2)
        action_here = self._actions(customer)
        action_there = self._actions(customer, company=other)
        self.assertEqual(action_here.step_id, self.step_second)
        self.assertEqual(action_there.step_id.scenario_id, other_scenario)
        self.assertEqual(action_there.step_id.name, "Third")
        self.assertActionItems(action_here, here)
        self.assertActionItems(action_there, there)
        self.assertEqual(customer.with_company(self.company).dunning_overdue_amount, 100)
        self.assertEqual(customer.with_company(other).dunning_overdue_amount, 700)

    def test_partner_figures_after_planning(self):
        customer = self._create_customer("Figures")
        contact = self.env["res.partner"].create({"name": "Accounts", "parent_id": customer.id})
        self._create_overdue_invoice(contact, days_overdue=12, amount=100)
        self._create_overdue_invoice(customer, days_overdue=3, amount=50)
        self._create_overdue_invoice(customer, days_overdue=-20, amount=400)
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.step_id, self.step_first, "items of contacts count")
        figures = customer.with_company(self.company)
        self.assertEqual(figures.dunning_total_due, 550)
        self.assertEqual(figures.dunning_overdue_amount, 150)
        self.assertEqual(figures.dunning_oldest_due_date, days(-12))
        self.assertEqual(figures.dunning_days_overdue, 12)
        self.assertEqual(figures.dunning_step_id, self.step_first)
        self.assertEqual(figures.dunning_next_date, TODAY)
        self.assertFalse(figures.dunning_last_date)
        self.assertFalse(figures.dunning_skip_reason)
