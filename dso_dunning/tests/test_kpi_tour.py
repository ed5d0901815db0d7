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
