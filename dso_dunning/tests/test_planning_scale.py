import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import sql

from .common import DunningPlanningCase, run_migration

TODAY = datetime.date(2025, 6, 30)
# Days past due, one per step of the test scenario: courtesy (not yet due),
# first (email), second (call, an activity), third (task, an activity).
AGES = (-3, 10, 20, 40)


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30 09:00:00")
class TestPlanningScale(DunningPlanningCase):
    """Planning costs a number of queries per batch of customers, not per customer.

    A run over 500 customers issues about as many queries as a run over 50:
    both fit in one batch. If a change makes the count grow with customers or
    items, the cron no longer scales to tens of thousands of customers.
    """

    @classmethod
    def _create_ledger(cls, prefix, count):
        """``count`` customers at the four steps; every third one with three items.

        The items are the receivable lines of one posted entry of the sales
        journal, one line per item, 100 each, the income account as
        counterpart — as open items brought over from a previous system are.
        The planner reads open receivable items whatever document they come
        from, and one entry of a thousand lines is built in a fraction of the
        time hundreds of invoices take. (An entry of a miscellaneous journal
        would be excluded from follow-up, as in Odoo.)
        """
        customers = cls.env["res.partner"].create(
            [
                {"name": f"{prefix} {i}", "is_company": True, "email": f"{prefix}{i}@example.com"}
                for i in range(count)
            ]
        )
        receivable = cls.company_data["default_account_receivable"]
        lines = []
        for i, customer in enumerate(customers):
            for extra in range(3 if i % 3 == 0 else 1):
                due = TODAY - datetime.timedelta(days=AGES[i % len(AGES)] + extra)
                lines.append(
                    Command.create(
                        {
                            "name": f"{prefix} {i} item {extra}",
                            "account_id": receivable.id,
                            "partner_id": customer.id,
                            "debit": 100.0,
                            "date_maturity": due,
                        }
                    )
                )
        lines.append(
            Command.create(
                {
                    "name": f"{prefix} revenue",
                    "account_id": cls.company_data["default_account_revenue"].id,
                    "credit": 100.0 * len(lines),
                }
            )
        )
        entry = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": TODAY,
                "journal_id": cls.company_data["default_journal_sale"].id,
                "line_ids": lines,
            }
        )
        entry.action_post()
        return customers

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warm_up = cls._create_ledger("Warm", 4)
        cls.small = cls._create_ledger("Small", 50)
        cls.large = cls._create_ledger("Large", 500)

    def _plan_counting_queries(self, customers, force=False):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        stats = self._plan(partners=customers, force=force)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before, stats

    def test_query_count_does_not_grow_with_customers(self):
        self._plan_counting_queries(self.warm_up)  # caches of the registry
        small, small_stats = self._plan_counting_queries(self.small)
        large, large_stats = self._plan_counting_queries(self.large)
        self.assertEqual(small_stats["created"], 50)
        self.assertEqual(large_stats["created"], 500)
        # One batch each: actions, items and activities are inserted in one
        # query each, whatever their number.
        self.assertLessEqual(
            large, small + 5, f"50 customers: {small} queries, 500 customers: {large} queries"
        )
        actions = self.env["dso.dunning.action"].search([("partner_id", "in", self.large.ids)])
        self.assertEqual(
            set(actions.step_id.ids),
            set((self.step_courtesy | self.step_first | self.step_second | self.step_third).ids),
        )
        manual = actions.filtered(lambda a: a.mode == "manual")
        self.assertEqual(len(manual.activity_ids), len(manual), "one activity per manual action")
        figures = self.large[3].with_company(self.company)
        self.assertEqual(figures.dunning_overdue_amount, 300)
        self.assertEqual(figures.dunning_step_id, self.step_third)
        self.assertEqual(figures.dunning_planned_on, TODAY)

    def test_second_run_refreshes_in_place(self):
        self._plan(partners=self.small)
        second, stats = self._plan_counting_queries(self.small, force=True)
        self.assertEqual(stats["created"], 0)
        self.assertEqual(stats["updated"], 50)
        self.assertEqual(
            self.env["dso.dunning.action"].search_count(
                [("partner_id", "in", self.small.ids), ("state", "!=", "cancelled")]
            ),
            50,
        )
        self.assertLess(second, 100, "a run with nothing new costs a few queries per batch")

    def test_actions_inserted_as_create_would(self):
        """The planner inserts actions in SQL: they carry what ``create()`` would set."""
        self._plan(partners=self.small)
        actions = self.env["dso.dunning.action"].search([("partner_id", "in", self.small.ids)])
        self.assertEqual(len(actions), 50)
        for action in actions:
            step = action.step_id
            self.assertEqual(action.name, f"{step.name} — {action.partner_id.name}")
            self.assertEqual(
                [action.mode, action.channel_email, action.channel_call, action.channel_task],
                [step.mode, step.channel_email, step.channel_call, step.channel_task],
            )
            self.assertEqual(action.create_uid, self.env.user)
            self.assertTrue(action.create_date)
            self.assertEqual(action.amount_due, sum(action.line_ids.mapped("amount_residual")))
            self.assertEqual(action.line_ids.company_id, self.company)
            self.assertFalse(action.message_ids, "the planner logs no message")
        self.assertEqual(
            self.env["dso.dunning.action"].search_count(
                [("partner_id", "in", self.small.ids), ("name", "ilike", "Third")]
            ),
            len(actions.filtered(lambda a: a.step_id == self.step_third)),
            "the stored name is searchable",
        )
        # Field-by-field parity with create(): test_parity.TestParityPlannerStore.

    def test_update_drops_log_columns_left_on_items(self):
        """Items of an earlier version had log columns: the update drops them,
        and planning still stores the items."""
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE dso_dunning_action_line"
            " ADD COLUMN create_uid int4 REFERENCES res_users(id) ON DELETE SET NULL,"
            " ADD COLUMN write_date timestamp"
        )
        run_migration(cr, "19.0.1.2.0", "post")
        for column in ("create_uid", "write_date"):
            self.assertFalse(sql.column_exists(cr, "dso_dunning_action_line", column), column)
        self._plan(partners=self.small)
        actions = self.env["dso.dunning.action"].search([("partner_id", "in", self.small.ids)])
        self.assertEqual(len(actions), 50)
        self.assertTrue(all(action.line_ids for action in actions))
