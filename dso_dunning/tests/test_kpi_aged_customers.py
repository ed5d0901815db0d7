from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.dso_dunning_company_currency_mixin import DsoDunningCompanyCurrencyMixin
from .test_kpi import TODAY, D, KpiLedgerCase

BUCKETS = ("not_due", "late_1_30", "late_31_60", "late_61_90", "late_over_90")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestAgedCustomers(KpiLedgerCase):
    """The aged balance's first page: one row per customer, its items a click away."""

    def _open(self, as_of=None, user=None):
        Aged = self.env["dso.dunning.aged.customer"]
        if user:
            Aged = Aged.with_user(user)
        action = Aged.action_open_aged(as_of)
        rows = Aged.with_context(**action["context"]).search(action["domain"])
        return action, {row.partner_id: row for row in rows if row.partner_id in self.customers}

    @property
    def customers(self):
        return self.amrine | self.boreal

    def _figures(self, row):
        return (
            *(row[name] for name in BUCKETS),
            row.overdue,
            row.residual,
            row.item_count,
        )

    def test_today_per_customer_by_hand(self):
        action, rows = self._open()
        self.assertEqual(action["name"], "Aged Balance")
        # Amrine: A2 600 due 22 Mar, A3 300 due 4 Apr; Boreal: B1 500 74 days late,
        # B2 200 less a 50 credit note, 5 days late
        self.assertEqual(self._figures(rows[self.amrine]), (900.0, 0, 0, 0, 0, 0, 900.0, 2))
        self.assertEqual(self._figures(rows[self.boreal]), (0, 150.0, 0, 500.0, 0, 650.0, 650.0, 2))
        self.assertEqual(rows[self.amrine].collector_id, self.user_collector)
        self.assertEqual(rows[self.boreal].country_id, self.env.ref("base.be"))

    def test_rows_add_up_their_items(self):
        """Each row is the sum of the items its button opens, today and as of a past date."""
        for as_of in (None, D(2026, 2, 28)):
            _action, rows = self._open(as_of)
            for customer, row in rows.items():
                items_action = row.action_open_items()
                Items = self.env["dso.dunning.aged.balance"].with_context(**items_action["context"])
                Items.invalidate_model()  # the rows of each date share their ids
                items = Items.search(items_action["domain"])
                self.assertEqual(items.partner_id, customer)
                self.assertEqual(len(items), row.item_count)
                for name in (*BUCKETS, "residual"):
                    self.assertAlmostEqual(
                        sum(items.mapped(name)), row[name], places=2, msg=f"{as_of} {name}"
                    )

    def test_as_of_a_past_date_ignores_later_payments(self):
        action, rows = self._open(D(2026, 2, 28))
        self.assertEqual(action["name"], "Aged Balance as of 02/28/2026")
        # A1's payment of 10 March is ignored; A3 and B2, posted in March, are left out
        self.assertEqual(
            self._figures(rows[self.amrine]), (600.0, 600.0, 0, 0, 0, 600.0, 1200.0, 2)
        )
        self.assertEqual(self._figures(rows[self.boreal]), (0, 0, 500.0, 0, 0, 500.0, 500.0, 1))
        # the wizard opens the same rows
        wizard = self.env["dso.dunning.aged.balance.open"].create({"as_of": D(2026, 2, 28)})
        self.assertEqual(wizard.action_open()["domain"], action["domain"])
        with self.assertRaises(UserError):
            self.env["dso.dunning.aged.customer"].action_open_aged(D(2026, 3, 16))

    def test_a_payment_moves_todays_row_after_the_ledger_refresh(self):
        _action, rows = self._open()
        self.assertEqual(rows[self.boreal].late_61_90, 500.0)
        self._pay_on(self.b1, TODAY, 500.0)
        self.env.cr.flush()  # what the commit runs: the stale marks and the trigger
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_refresh").method_direct_trigger()
        _action, rows = self._open()
        self.assertEqual(self._figures(rows[self.boreal]), (0, 150.0, 0, 0, 0, 150.0, 150.0, 1))
        # Amrine's row was not written again
        self.assertEqual(self._figures(rows[self.amrine]), (900.0, 0, 0, 0, 0, 0, 900.0, 2))

    def test_the_nightly_job_writes_today_and_forgets_past_dates(self):
        Aged = self.env["dso.dunning.aged.customer"]
        self._open(D(2026, 2, 28))
        with freeze_time("2026-03-16 02:00:00"):
            Aged._cron_write()
            self.assertEqual(set(Aged.search([]).mapped("as_of")), {D(2026, 3, 16)})
            row = Aged.search([("partner_id", "=", self.boreal.id)])
            # B1 is now 75 days late, B2 6 days
            self.assertEqual((row.late_1_30, row.late_61_90), (150.0, 500.0))

    def test_collector_lands_on_his_customers_auditor_reads(self):
        _action, rows = self._open(user=self.user_auditor)
        self.assertEqual(set(rows), {self.amrine, self.boreal})
        action = (
            self.env.ref("dso_dunning.dso_dunning_aged_balance_server_action")
            .with_user(self.user_collector)
            .run()
        )
        self.assertEqual(action["context"].get("search_default_my_portfolio"), 1)
        mine = (
            self.env["dso.dunning.aged.customer"]
            .with_user(self.user_collector)
            .search([*action["domain"], ("collector_id", "=", self.user_collector.id)])
        )
        self.assertEqual(mine.partner_id, self.amrine)
        with self.assertRaises(AccessError):
            mine.with_user(self.user_auditor).write({"residual": 0.0})


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCompanyCurrencySums(KpiLedgerCase):
    """The reports' amounts summed as the web client asks them, equal to Odoo's own sums."""

    def _client_sums(self, model, fname):
        """The total and per-group sums a graph or pivot reads, and the currencies met."""
        Model = self.env[model]
        return [
            (group[0], round(group[1], 6), group[2])
            for group in Model._read_group(
                [],
                ["company_id"],
                [f"{fname}:sum_currency", "currency_id:array_agg_distinct"],
            )
        ]

    def _assert_same_as_odoo(self, model, fname):
        ours = self._client_sums(model, fname)
        self.assertTrue(ours and ours[0][1], f"{model} has amounts to sum")
        # the class the reports inherit (not the mixin model's own registry class)
        with patch.object(
            DsoDunningCompanyCurrencyMixin, "_dunning_single_currency", return_value=None
        ):
            odoo = self._client_sums(model, fname)
        self.assertEqual(ours, odoo)

    def test_same_sums_as_odoo(self):
        self.env["dso.dunning.aged.customer"].action_open_aged()
        self.env["dso.dunning.forecast"]._compute_forecast(self.company)
        for model, fname in (
            ("dso.dunning.aged.customer", "residual"),
            ("dso.dunning.forecast", "amount"),
        ):
            self._assert_same_as_odoo(model, fname)
            # a rate on the company's own currency: both divide by it
            self.env["res.currency.rate"].create(
                {"currency_id": self.company.currency_id.id, "rate": 2.0, "name": TODAY}
            )
            self._assert_same_as_odoo(model, fname)
            self.env["res.currency.rate"].search(
                [("currency_id", "=", self.company.currency_id.id)]
            ).unlink()
