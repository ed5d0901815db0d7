import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import BaseCase, tagged

from ..tools import collection_kpi
from .test_sending import NOW, DunningSendingCase

D = fields.Date.to_date


class TestCollectionKpiRules(BaseCase):
    """The rules of the collection reports, without records."""

    def test_average_days_late_weighted_by_amount_early_counts_zero(self):
        payments = [
            (D("2026-10-01"), D("2026-10-11"), 1000),  # 10 days late
            (D("2026-10-20"), D("2026-10-18"), 3000),  # 2 days early: 0, not -2
            (D("2026-11-01"), D("2026-11-21"), 1000),  # 20 days late
        ]
        self.assertEqual(collection_kpi.average_days_late(payments), 6.0)
        self.assertIsNone(collection_kpi.average_days_late([]))

    def test_expected_dates_and_weeks(self):
        today = D("2026-11-24")  # a Tuesday
        self.assertEqual(collection_kpi.week_start(today), D("2026-11-23"))
        self.assertEqual(collection_kpi.expected_date(D("2026-11-30"), 6.0, today), D("2026-12-06"))
        self.assertEqual(collection_kpi.expected_date(D("2026-11-01"), 6.0, today), today)

    def test_window_outcome(self):
        outcome = collection_kpi.window_outcome
        today = D("2026-11-24")
        executed = D("2026-11-04")
        self.assertEqual(outcome(executed, D("2026-11-09"), 7, today), 100)
        self.assertEqual(outcome(executed, D("2026-11-14"), 7, today), 0)
        self.assertEqual(outcome(executed, None, 15, today), 0)
        self.assertIsNone(outcome(executed, None, 30, today), "the window is still open")
        self.assertEqual(collection_kpi.kept_rate(1, 2), 50.0)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestPaymentBehaviour(DunningSendingCase):
    """A customer's average days late follows its payments, within minutes and every night."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.refresh_cron = cls.env.ref("dso_dunning.ir_cron_dso_dunning_refresh")
        cls.plan_cron = cls.env.ref("dso_dunning.ir_cron_dso_dunning_plan")

    def _invoice_due(self, partner, due, amount):
        today = fields.Date.context_today(partner)
        return self._create_overdue_invoice(
            partner, days_overdue=(today - D(due)).days, amount=amount
        )

    def _pay_on(self, invoice, day, amount=None):
        with freeze_time(f"{day} 10:00:00"):
            self._pay(invoice, amount=amount)

    def _run(self, cron):
        self.env.cr.flush()  # what the commit runs: the stale marks and the trigger
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()

    def test_weighted_average_of_the_last_six_months(self):
        partner = self._customer("Retard Moyen SA")
        on_time = self._customer("Ponctuel SA")
        self._pay_on(self._invoice_due(partner, "2026-10-01", 1000), "2026-10-11")  # 10 late
        self._pay_on(self._invoice_due(partner, "2026-10-20", 3000), "2026-10-18")  # early: 0
        self._pay_on(self._invoice_due(partner, "2026-11-01", 1000), "2026-11-21")  # 20 late
        # half of an invoice paid 10 days late: weighs the 1000 paid
        self._pay_on(self._invoice_due(partner, "2026-11-10", 2000), "2026-11-20", amount=1000)
        # paid before the 6 months (from 2026-05-24): not counted
        self._pay_on(self._invoice_due(partner, "2026-04-01", 5000), "2026-05-01")
        self._pay_on(self._invoice_due(on_time, "2026-11-01", 800), "2026-11-03")  # 2 late
        self._run(self.refresh_cron)
        # (10×1000 + 0×3000 + 20×1000 + 10×1000) / 6000 = 6.67
        self.assertEqual(partner.dunning_avg_days_late, 6.7)
        self.assertEqual(on_time.dunning_avg_days_late, 2.0)
        Partner = self.env["res.partner"]
        late = Partner.search(
            [("dunning_avg_days_late", ">=", 5), ("id", "in", (partner | on_time).ids)]
        )
        self.assertEqual(late, partner, "a native filter on the stored field")
        exported = partner._export_rows([["dunning_avg_days_late"]])
        self.assertEqual(exported, [[6.7]])

        # months later, the October payments and the one of 2026-11-03 left the window
        # (from 2026-11-10): the nightly run forgets them
        with freeze_time("2027-05-10 03:00:00"):
            self._run(self.plan_cron)
            # left: 20 days × 1000 (paid 2026-11-21) and 10 × 1000 (2026-11-20)
            self.assertEqual(partner.dunning_avg_days_late, 15.0)
            self.assertEqual(on_time.dunning_avg_days_late, 0.0)

    def test_alert_on_average_days_late(self):
        late = self._customer("Toujours En Retard")
        prompt = self._customer("Presque A L Heure")
        self._pay_on(self._invoice_due(late, "2026-10-01", 600), "2026-10-31")  # 30 late
        self._pay_on(self._invoice_due(prompt, "2026-10-01", 600), "2026-10-04")  # 3 late
        for partner in late | prompt:
            self._create_overdue_invoice(partner, days_overdue=5, amount=100)
        self._run(self.refresh_cron)
        alert = self.env["dso.dunning.alert"].create(
            {"name": "Late payers", "visibility": "shared", "avg_days_late_min": 15}
        )
        matching = self.env["res.partner"].search(alert._get_partner_domain()) & (late | prompt)
        self.assertEqual(matching, late)
        self.assertIn(alert, late.dunning_alert_ids)
        self.assertNotIn(alert, prompt.dunning_alert_ids)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestStepEffect(DunningSendingCase):
    """Which steps work: the share of customers who paid within 7/15/30 days of an action."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.refresh_cron = cls.env.ref("dso_dunning.ir_cron_dso_dunning_refresh")

    def _refresh(self):
        """The ledger refresh, as it runs within minutes of the payments' commit."""
        self.env.cr.flush()  # what the commit runs: the stale marks and the trigger
        with self.enter_registry_test_mode():
            self.refresh_cron.method_direct_trigger()

    def _shown(self, action):
        """What the report shows of ``action``: its row and its shares in the pivot."""
        Effect = self.env["dso.dunning.step.effect"]
        Effect.invalidate_model()
        domain = [("action_id", "=", action.id)]
        [row] = Effect.search_read(domain, ["settled_on", "days_to_pay"])
        [shares] = Effect._read_group(domain, [], ["paid_7:avg", "paid_15:avg", "paid_30:avg"])
        return row["settled_on"], row["days_to_pay"], shares

    def test_shares_per_step(self):
        executed = datetime.datetime(2026, 11, 4, 9, 0)  # 20 days before NOW
        customers = [self._customer(f"Effet {index}") for index in range(3)]
        invoices = [
            self._create_overdue_invoice(partner, days_overdue=40, amount=400)
            for partner in customers
        ]
        self._plan(partners=self.env["res.partner"].union(*customers), force=True)
        actions = [self._live_actions(partner) for partner in customers]
        for action in actions:
            self.assertEqual(len(action), 1)
            self._execute(action, executed)
        with freeze_time("2026-11-09 10:00:00"):
            self._pay(invoices[0])  # 5 days after the action
        with freeze_time("2026-11-14 10:00:00"):
            self._pay(invoices[1])  # 10 days after
        self._refresh()
        # the third customer has not paid: 20 days on, the 30-day share is not known yet
        Effect = self.env["dso.dunning.step.effect"]
        effects = Effect.search([("action_id", "in", [a.id for a in actions])], order="partner_id")
        self.assertRecordValues(
            effects.sorted(lambda e: customers.index(e.partner_id)),
            [
                {"settled_on": D("2026-11-09"), "days_to_pay": 5, "paid_7": 100, "paid_15": 100},
                {"settled_on": D("2026-11-14"), "days_to_pay": 10, "paid_7": 0, "paid_15": 100},
                {"settled_on": False, "days_to_pay": 0, "paid_7": 0, "paid_15": 0},
            ],
        )
        [group] = Effect._read_group(
            [("id", "in", effects.ids)],
            ["step_id", "channel"],
            ["paid_7:avg", "paid_15:avg", "paid_30:avg", "__count"],
        )
        step, channel, paid_7, paid_15, paid_30, count = group
        # 40 days late, the catch-up rules plan the call of the sending scenario
        self.assertEqual((step.scenario_id, step.name), (self.send_scenario, "Call"))
        self.assertEqual(channel, "call")
        self.assertEqual(count, 3)
        self.assertAlmostEqual(paid_7, 100 / 3, places=1)  # 1 of 3
        self.assertAlmostEqual(paid_15, 200 / 3, places=1)  # 2 of 3
        self.assertEqual(paid_30, 100, "the third customer's 30 days are not over: left out")
        self.assertFalse(effects[2].paid_30)

    def test_payment_after_the_action_shows_once_refreshed_and_leaves_when_removed(self):
        partner = self._customer("Effet Retire")
        invoices = [
            self._create_overdue_invoice(partner, days_overdue=40, amount=amount)
            for amount in (300, 500)
        ]
        self._plan(partners=partner, force=True)
        action = self._live_actions(partner)
        self.assertEqual(len(action.line_ids), 2, "one action covers both invoices")
        self._execute(action, datetime.datetime(2026, 11, 4, 9, 0))  # 20 days before NOW
        # 20 days on, unpaid: not paid within 7 nor 15 days, the 30 days are not over
        unpaid = (False, 0, (0.0, 0.0, False))
        self.assertEqual(self._shown(action), unpaid)

        with freeze_time("2026-11-06 10:00:00"):
            self._pay(invoices[0])
        self._refresh()
        self.assertEqual(self._shown(action), unpaid, "one invoice of two paid: not settled")

        with freeze_time("2026-11-14 10:00:00"):
            self._pay(invoices[1])
        self._refresh()
        self.assertEqual(
            self._shown(action),
            (D("2026-11-14"), 10, (0.0, 100.0, 100.0)),
            "settled when the last invoice was paid, 10 days after the action",
        )

        # the second payment was a mistake: removed, the action is open again
        receivable = invoices[1].line_ids.filtered(lambda line: line.dunning_item_kind)
        receivable.remove_move_reconcile()
        self._refresh()
        self.assertEqual(self._shown(action), unpaid)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCollectorSummary(DunningSendingCase):
    """Per collector: overdue, actions done, cash collected, open disputes, promises kept."""

    def test_summary_of_one_collector(self):
        collector = self.env["res.users"].create(
            {
                "name": "Carla Collector",
                "login": "carla",
                "group_ids": [
                    Command.link(self.env.ref("dso_dunning.group_dso_dunning_collector").id)
                ],
            }
        )
        other = self._customer("Autre Portefeuille")
        partner = self._customer("Portefeuille Carla")
        partner.dunning_collector_id = collector
        paid = self._create_overdue_invoice(partner, days_overdue=40, amount=600)
        disputed = self._create_overdue_invoice(partner, days_overdue=20, amount=400)
        promised = self._create_overdue_invoice(partner, days_overdue=30, amount=300)
        broken = self._create_overdue_invoice(partner, days_overdue=30, amount=200)
        self._create_overdue_invoice(other, days_overdue=30, amount=999)
        self._plan(partners=partner | other, force=True)
        action = self._live_actions(partner)
        self.assertEqual(action.collector_id, collector)
        self._execute(action, datetime.datetime(2026, 11, 20, 9, 0))
        self._pay(paid)
        Commitment = self.env["dso.dunning.commitment"]

        def items(invoice):
            return invoice.line_ids.filtered(
                lambda l: l.account_id.account_type == "asset_receivable"
            )

        Commitment.create(
            {
                "kind": "dispute",
                "partner_id": partner.id,
                "move_line_ids": [Command.set(items(disputed).ids)],
                "date": D("2026-12-01"),
            }
        )
        for invoice, state in ((promised, "kept"), (broken, "broken")):
            promise = Commitment.create(
                {
                    "kind": "promise",
                    "partner_id": partner.id,
                    "date": D("2026-11-20"),
                    "move_line_ids": [Command.set(items(invoice).ids)],
                }
            )
            promise.sudo().write({"state": state, "date_closed": D("2026-11-22")})
        self._plan(partners=partner | other, force=True)  # overdue figures after the payment
        [row] = self.env["dso.dunning.collector.summary"]._read_group(
            [("collector_id", "=", collector.id), ("date", ">=", "2026-11-01")],
            ["collector_id"],
            [
                "overdue_amount:sum",
                "action_count:sum",
                "email_count:sum",
                "cash_collected:sum",
                "dispute_count:sum",
                "dispute_amount:sum",
                "promise_kept:avg",
            ],
        )
        self.assertEqual(row[0], collector)
        # overdue 300 + 200 (the 600 is paid, the disputed 400 is out of dunning, as
        # on the card); one action; 600 collected; one open dispute of 400; one
        # promise kept of two closed
        self.assertEqual(partner.dunning_overdue_amount, 500)
        emails = int(action.channel_email)
        self.assertEqual(list(row[1:]), [500, 1, emails, 600, 1, 400, 50])
