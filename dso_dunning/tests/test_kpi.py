import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ..tools import kpi
from .common import DunningPlanningCase, DunningUsersMixin

TODAY = datetime.date(2026, 3, 15)  # a Sunday: the ISO week 9-15 March is whole
D = datetime.date


class KpiLedgerCase(DunningUsersMixin, DunningPlanningCase):
    """A small ledger whose KPIs are computed by hand (README, "Collection KPIs").

    Amrine (collector Colette, tag "Key account", France):
      A1 10 Jan 1000.00 due 9 Feb: paid 400.00 on 25 Feb, 600.00 on 10 Mar;
      A2 20 Feb 600.00 due 22 Mar; A3 5 Mar 300.00 due 4 Apr.
    Boreal (no collector, Belgium):
      B1 1 Dec 500.00 due 31 Dec, unpaid;
      B2 1 Mar 200.00 due 10 Mar, a 50.00 credit note of 12 Mar matched on it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.tag = cls.env["res.partner.category"].create({"name": "Key account"})
        cls.amrine = cls._create_customer(
            "Amrine",
            country_id=cls.env.ref("base.fr").id,
            category_id=[Command.set(cls.tag.ids)],
        )
        cls.amrine.with_company(cls.company).dunning_collector_id = cls.user_collector
        cls.boreal = cls._create_customer("Boreal", country_id=cls.env.ref("base.be").id)
        cls.a1 = cls._invoice(cls.amrine, D(2026, 1, 10), D(2026, 2, 9), 1000.0)
        cls.a2 = cls._invoice(cls.amrine, D(2026, 2, 20), D(2026, 3, 22), 600.0)
        cls.a3 = cls._invoice(cls.amrine, D(2026, 3, 5), D(2026, 4, 4), 300.0)
        cls.b1 = cls._invoice(cls.boreal, D(2025, 12, 1), D(2025, 12, 31), 500.0)
        cls.b2 = cls._invoice(cls.boreal, D(2026, 3, 1), D(2026, 3, 10), 200.0)
        cls._pay_on(cls.a1, D(2026, 2, 25), 400.0)
        cls._pay_on(cls.a1, D(2026, 3, 10), 600.0)
        refund = cls._invoice(cls.boreal, D(2026, 3, 12), D(2026, 3, 12), 50.0, "out_refund")
        (cls.b2 | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()
        cls.snapshot = cls.env["dso.dunning.kpi.snapshot"]

    @classmethod
    def _invoice(cls, partner, date, due, amount, move_type="out_invoice"):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "company_id": cls.company.id,
                "partner_id": partner.id,
                "invoice_date": date,
                "date": date,
                "invoice_payment_term_id": False,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _pay_on(cls, invoice, date, amount):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": date})
            ._create_payments()
        )

    def _row(self, kind, start, dimension="company", **values):
        domain = [
            ("company_id", "=", self.company.id),
            ("period_kind", "=", kind),
            ("date", "=", start),
            ("dimension", "=", dimension),
            *[(name, "=", value.id) for name, value in values.items()],
        ]
        row = self.env["dso.dunning.kpi"].search(domain)
        self.assertEqual(len(row), 1, f"one {dimension} row for {kind} {start}")
        return row


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestKpiLedger(KpiLedgerCase):
    def test_current_month_dso_both_methods(self):
        self.snapshot._snapshot(companies=self.company, today=TODAY)
        row = self._row("month", D(2026, 3, 1))
        self.assertEqual((row.date_end, row.days), (TODAY, 15))
        self.assertAlmostEqual(row.receivable, 1550.0, places=2)
        self.assertAlmostEqual(row.overdue, 650.0, places=2)
        self.assertAlmostEqual(row.sales, 450.0, places=2)  # 300 + 200 - 50
        # countback: 1550 - 450 (15 days of March) - 600 (28 days of February)
        # leaves 500 of January's 1000: 15 + 28 + 31 × 0.5
        self.assertAlmostEqual(row.dso, 58.5, places=6)
        # the 900 not due: 450 in March, 450 of February's 600: 15 + 28 × 0.75
        self.assertAlmostEqual(row.dso_current, 36.0, places=6)
        self.assertAlmostEqual(row.dso_overdue, 22.5, places=6)
        self.assertAlmostEqual(row.dso_simple, 1550 / 450 * 15, places=6)
        self.assertAlmostEqual(row.dso_simple_current, 30.0, places=6)
        # CEI: opening 1700 (1000 - 400 + 600 + 500), closing 1550 of which 900 not due
        self.assertAlmostEqual(row.opening, 1700.0, places=2)
        self.assertAlmostEqual(row.cei, 600 / 1250 * 100, places=6)

    def test_closed_month_ignores_later_payments(self):
        self.snapshot._snapshot(companies=self.company, today=TODAY)
        row = self._row("month", D(2026, 2, 1))
        self.assertEqual((row.date_end, row.days), (D(2026, 2, 28), 28))
        # the 600 paid on 10 March still counts on 28 February
        self.assertAlmostEqual(row.receivable, 1700.0, places=2)
        self.assertAlmostEqual(row.not_due, 600.0, places=2)
        self.assertAlmostEqual(row.late_1_30, 600.0, places=2)  # A1, 19 days late
        self.assertAlmostEqual(row.late_31_60, 500.0, places=2)  # B1, 59 days late
        # 1700 - 600 (February) - 1000 (January) leaves 100 of December's 500
        self.assertAlmostEqual(row.dso, 28 + 31 + 31 * 0.2, places=6)
        self.assertAlmostEqual(row.cei, (1500 + 600 - 1700) / (1500 + 600 - 600) * 100, places=6)

    def test_aged_buckets_and_dimensions(self):
        self.snapshot._snapshot(companies=self.company, today=TODAY)
        row = self._row("month", D(2026, 3, 1))
        buckets = [row[key] for key in kpi.BUCKET_KEYS]
        self.assertEqual(buckets, [900.0, 150.0, 0.0, 500.0, 0.0])
        customer = self._row("month", D(2026, 3, 1), "customer", partner_id=self.amrine)
        self.assertEqual(customer.collector_id, self.user_collector)
        self.assertAlmostEqual(customer.receivable, 900.0, places=2)
        # 900 - 300 (March, 15 days) = 600: all of February's 28 days
        self.assertAlmostEqual(customer.dso, 43.0, places=6)
        self.assertAlmostEqual(customer.dso_overdue, 0.0, places=6)
        self.assertAlmostEqual(customer.dso_simple, 45.0, places=6)
        tag = self._row("month", D(2026, 3, 1), "tag", category_id=self.tag)
        collector = self._row("month", D(2026, 3, 1), "collector", collector_id=self.user_collector)
        country = self._row("month", D(2026, 3, 1), "country", country_id=self.env.ref("base.be"))
        self.assertEqual((tag.dso, collector.dso), (customer.dso, customer.dso))
        self.assertAlmostEqual(country.receivable, 650.0, places=2)
        self.assertAlmostEqual(country.late_61_90, 500.0, places=2)  # B1, 74 days late

    def test_weeks(self):
        self.snapshot._snapshot(companies=self.company, today=TODAY)
        week = self._row("week", D(2026, 3, 9))
        self.assertEqual(week.days, 7)
        self.assertAlmostEqual(week.sales, -50.0, places=2)  # the credit note of 12 March
        # weeks back from 15 March: -50 (nothing to match), 300 (A3), 200 (B2), 600 (A2)
        # leave 450; five weeks without sales; then 450 of A1's 1000 (week of 5 January)
        self.assertAlmostEqual(week.dso, 9 * 7 + 7 * 0.45, places=6)
        weeks = self.env["dso.dunning.kpi"].search_count(
            [("period_kind", "=", "week"), ("dimension", "=", "company")]
        )
        self.assertEqual(weeks, kpi.SHOWN_PERIODS["week"])
        # Amrine's 900 (Colette's portfolio) week by week: nothing the week of 9 March,
        # 300 (A3) the week of 2 March, nothing, then all of A2's 600: four whole weeks
        collector = self._row("week", D(2026, 3, 9), "collector", collector_id=self.user_collector)
        self.assertAlmostEqual(collector.receivable, 900.0, places=2)
        self.assertAlmostEqual(collector.dso, 28.0, places=6)
        tag = self._row("week", D(2026, 3, 9), "tag", category_id=self.tag)
        self.assertAlmostEqual(tag.dso, 28.0, places=6)
        # a customer's DSO is kept month by month only (snapshot's CUSTOMER_ROW_KINDS)
        Kpi = self.env["dso.dunning.kpi"]
        self.assertFalse(
            Kpi.search_count([("period_kind", "=", "week"), ("dimension", "=", "customer")])
        )
        self.assertEqual(
            Kpi.search_count([("period_kind", "=", "month"), ("dimension", "=", "customer")]),
            # Amrine from January, Boreal from December
            3 + 4,
        )

    def test_totals_add_up_the_customers(self):
        """Every month, each total row holds the sum of its customers' rows."""
        self.snapshot._snapshot(companies=self.company, today=TODAY)
        Kpi = self.env["dso.dunning.kpi"]
        amounts = ["opening", "receivable", "overdue", "sales", *kpi.BUCKET_KEYS]
        for row in Kpi.search([("period_kind", "=", "month"), ("dimension", "!=", "customer")]):
            customers = Kpi.search(
                [
                    ("period_kind", "=", "month"),
                    ("date", "=", row.date),
                    ("dimension", "=", "customer"),
                    *(
                        [("partner_id.category_id", "in", row.category_id.ids)]
                        if row.dimension == "tag"
                        else [("collector_id", "=", row.collector_id.id)]
                        if row.dimension == "collector"
                        else [("partner_id.country_id", "=", row.country_id.id)]
                        if row.dimension == "country"
                        else []
                    ),
                ]
            )
            for name in amounts:
                self.assertAlmostEqual(
                    row[name],
                    sum(customers.mapped(name)),
                    places=2,
                    msg=f"{row.display_name} {name}",
                )

    def test_snapshot_twice_adds_nothing(self):
        Kpi = self.env["dso.dunning.kpi"]
        done = self.snapshot._snapshot(companies=self.company, today=TODAY)
        self.assertEqual(done, sum(kpi.SHOWN_PERIODS.values()))
        count = Kpi.search_count([])
        months = Kpi.search_count([("period_kind", "=", "month")])
        self.assertEqual(self.snapshot._snapshot(companies=self.company, today=TODAY), 0)
        self.assertEqual(Kpi.search_count([]), count)
        # the next day: the current periods are computed again, in place
        tomorrow = TODAY + datetime.timedelta(days=1)
        with freeze_time(tomorrow):
            self._pay_on(self.b1, tomorrow, 500.0)
            # a new week starts on Monday 16 March: its rows come in addition
            self.assertEqual(self.snapshot._snapshot(companies=self.company, today=tomorrow), 3)
        march = self._row("month", D(2026, 3, 1))
        self.assertEqual((march.date_end, march.computed_on), (tomorrow, tomorrow))
        self.assertAlmostEqual(march.receivable, 1050.0, places=2)
        self.assertEqual(Kpi.search_count([("period_kind", "=", "month")]), months)

    def test_aged_balance_as_of_a_past_date(self):
        Aged = self.env["dso.dunning.aged.balance"]
        today = Aged.search([("partner_id", "in", (self.amrine | self.boreal).ids)])
        self.assertEqual(
            sorted((item.move_id.name, item.bucket, item.residual) for item in today),
            sorted(
                [
                    (self.a2.name, "not_due", 600.0),
                    (self.a3.name, "not_due", 300.0),
                    (self.b1.name, "late_61_90", 500.0),
                    (self.b2.name, "late_1_30", 150.0),
                ]
            ),
        )
        # the rows of each date share their ids (the journal items'): forget today's
        Aged.invalidate_model()
        wizard = self.env["dso.dunning.aged.balance.open"].create({"as_of": D(2026, 2, 28)})
        action = wizard.action_open()
        past = Aged.with_context(**action["context"]).search(
            [("partner_id", "in", (self.amrine | self.boreal).ids)]
        )
        # A1's payment of 10 March is ignored; B2 and A3, posted in March, are left out
        self.assertEqual(
            sorted((i.move_id.name, i.bucket, i.days_late, i.residual) for i in past),
            sorted(
                [
                    (self.a1.name, "late_1_30", 19, 600.0),
                    (self.a2.name, "not_due", -22, 600.0),
                    (self.b1.name, "late_31_60", 59, 500.0),
                ]
            ),
        )
        groups = Aged.with_context(**action["context"])._read_group(
            [("partner_id", "=", self.amrine.id)], [], ["late_1_30:sum", "not_due:sum"]
        )
        self.assertEqual(groups, [(600.0, 600.0)])


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestKpiDemo(KpiLedgerCase):
    """The demo's year of invoices and payments gives curves that move."""

    def test_demo_year_gives_a_falling_dso(self):
        self.env["dso.dunning.demo"]._load_kpi_demo(self.amrine | self.boreal, today=TODAY)
        rows = self.env["dso.dunning.kpi"].search(
            [("dimension", "=", "company"), ("period_kind", "=", "month")], order="date"
        )
        self.assertEqual(len(rows), 12)
        dso = rows.mapped("dso")
        self.assertGreaterEqual(len({round(value) for value in dso}), 6, dso)
        # invoices paid about six weeks late a year ago, within days lately
        self.assertGreater(max(dso[1:4]), dso[-2] + 20, dso)
        self.assertTrue(all(0 < row.cei <= 100 for row in rows[1:-1]), rows.mapped("cei"))
