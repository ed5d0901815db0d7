from odoo.tests import HttpCase, tagged

from .common import DunningTourMixin, DunningUsersMixin


@tagged("post_install", "-at_install")
class TestAlertTour(DunningTourMixin, DunningUsersMixin, HttpCase):
    """A credit manager creates an alert and sees its square on the customer
    and on the customer's dunning action."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        scenario = cls._create_tour_scenario("Alert tour scenario", "Call")
        customer = cls._create_tour_customer(
            "Tour Alert Customer", scenario, 700.0, collector=cls.user_manager
        )
        small = cls._create_tour_customer("Tour Small Customer", scenario, 50.0)
        cls.env["dso.dunning.planner"]._plan(
            companies=cls.env.company, partners=customer | small, force=True
        )

    def test_manager_creates_an_alert_and_sees_its_squares(self):
        self.start_tour("/odoo", "dso_dunning_alert", login="dso_manager")
        alert = self.env["dso.dunning.alert"].search([("name", "=", "Tour big debt")])
        self.assertEqual(alert.overdue_min, 600)
        self.assertEqual(alert.partner_count, 1)
