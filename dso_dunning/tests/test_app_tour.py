from odoo.tests import HttpCase, tagged

from .common import DunningUsersMixin


@tagged("post_install", "-at_install")
class TestAppTour(DunningUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.env["res.partner"].create(
            {"name": "Tour Customer SA", "is_company": True, "customer_rank": 1}
        )

    def test_collector_opens_dunning_app(self):
        self.start_tour("/odoo", "dso_dunning_open_app", login="dso_collector")
