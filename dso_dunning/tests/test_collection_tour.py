from odoo.tests import HttpCase, tagged

from .common import DunningTourMixin, DunningUsersMixin


@tagged("post_install", "-at_install")
class TestCollectionTour(DunningTourMixin, DunningUsersMixin, HttpCase):
    """A collector opens the cash forecast from Reporting: their own customers by
    default, as a weekly chart and a list; then which steps work."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        scenario = cls._create_tour_scenario("Collection tour scenario", "Call")
        cls._create_tour_customer(
            "Tour Forecast Mine", scenario, 700.0, collector=cls.user_collector
        )
        cls._create_tour_customer(
            "Tour Forecast Other", scenario, 300.0, collector=cls.user_manager
        )
        # written by the nightly run: the menu opens on it at once
        cls.env["dso.dunning.forecast"]._compute_forecast(cls.env.company)

    def test_collector_opens_the_forecast(self):
        self.start_tour("/odoo", "dso_dunning_collection", login="dso_collector")
