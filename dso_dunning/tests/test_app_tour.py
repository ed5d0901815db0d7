from odoo.tests import HttpCase, tagged

from .common import DunningTourMixin, DunningUsersMixin


@tagged("post_install", "-at_install")
class TestAppTour(DunningTourMixin, DunningUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        scenario = cls._create_tour_scenario("Tour scenario", "Tour call")
        customer = cls._create_tour_customer(
            "Tour Customer SA", scenario, 700.0, collector=cls.user_collector
        )
        cls.env["dso.dunning.planner"]._plan(
            companies=cls.env.company, partners=customer, force=True
        )

    def test_collector_opens_dunning_app(self):
        self.start_tour("/odoo", "dso_dunning_open_app", login="dso_collector")
