from odoo.tests import HttpCase, tagged

from .test_kpi import TODAY, KpiLedgerCase


@tagged("post_install", "-at_install")
class TestKpiCockpitTour(KpiLedgerCase, HttpCase):
    """The credit manager opens the app on the cockpit, reads the figures of the
    hand-computed ledger, opens the DSO trend and drills the aged balance down.

    Not under freezegun (the browser runs in real time): the snapshot is taken
    on ``TODAY``, the latest period the tiles read.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dso.dunning.kpi.snapshot"]._snapshot(companies=cls.company, today=TODAY)
        cls.user_manager.tour_enabled = False

    def test_cockpit_tour(self):
        self.start_tour("/odoo", "dso_dunning_kpi_cockpit", login="dso_manager", timeout=120)


@tagged("post_install", "-at_install")
class TestAgedFrenchTour(KpiLedgerCase, HttpCase):
    """Chloé's day, in French: the aged balance of her portfolio, a customer's
    items, her customers (menus, titles, buckets and the drill-down in French)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        cls.user_collector.write({"lang": "fr_FR", "tour_enabled": False})
        # the customers' figures (overdue, the Customers menu's default filter), as every night
        cls.env["dso.dunning.planner"]._plan(companies=cls.company, force=True)

    def test_aged_balance_in_french(self):
        self.start_tour("/odoo", "dso_dunning_aged_french", login="dso_collector", timeout=120)
