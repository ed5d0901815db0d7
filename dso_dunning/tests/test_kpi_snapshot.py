from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from ..tools import kpi
from .test_kpi import TODAY, KpiLedgerCase

PERIODS = sum(kpi.SHOWN_PERIODS.values())  # 12 months + 26 weeks


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestKpiSnapshotJob(KpiLedgerCase):
    """The snapshot job: woken by the install, resumable, run by the cron."""

    def _company_rows(self):
        return self.env["dso.dunning.kpi"].search_count(
            [("company_id", "=", self.company.id), ("dimension", "=", "company")]
        )

    def test_install_wakes_the_job(self):
        cron = self.env.ref("dso_dunning.ir_cron_dso_dunning_kpi_snapshot")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.assertGreaterEqual(triggers, 1, "the backfill runs right after the install")

    def test_cut_short_then_resumed(self):
        Snapshot = type(self.snapshot)
        compute = Snapshot._compute_period
        calls = []

        def crash_on_fifth(model, company, period, today):
            calls.append(period)
            if len(calls) == 5:
                raise RuntimeError("worker killed")
            return compute(model, company, period, today)

        # Under the cron each period is committed on its own: what was done
        # before the crash stays (here, in the test's transaction).
        with patch.object(Snapshot, "_compute_period", crash_on_fifth):
            try:
                self.snapshot._snapshot(companies=self.company, today=TODAY)
            except RuntimeError as crash:
                self.assertEqual(str(crash), "worker killed")
        self.assertEqual(len(calls), 5)
        self.assertEqual(self._company_rows(), 4)
        # the next run takes the 34 periods left, and only them
        self.assertEqual(self.snapshot._snapshot(companies=self.company, today=TODAY), PERIODS - 4)
        self.assertEqual(self._company_rows(), PERIODS)
        march = self._row("month", kpi.period_start("month", TODAY))
        self.assertAlmostEqual(march.dso, 58.5, places=6)

    def test_cron_backfills_the_ledger(self):
        cron = self.env.ref("dso_dunning.ir_cron_dso_dunning_kpi_snapshot")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(self._company_rows(), PERIODS)
        self.assertAlmostEqual(self._row("month", kpi.period_start("month", TODAY)).dso, 58.5)
