from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import DunningUsersMixin


@tagged("post_install", "-at_install")
class TestAppTour(DunningUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        company = cls.env.company
        cls.env["dso.dunning.demo"]._ensure_chart(company)
        scenario = cls.env["dso.dunning.scenario"].create(
            {
                "name": "Tour scenario",
                "company_id": company.id,
                "step_ids": [
                    fields.Command.create(
                        {
                            "name": "Tour call",
                            "offset_days": 3,
                            "channel_call": True,
                            "mode": "manual",
                        }
                    )
                ],
            }
        )
        customer = cls.env["res.partner"].create(
            {"name": "Tour Customer SA", "is_company": True, "customer_rank": 1}
        )
        customer.with_company(company).write(
            {"dunning_scenario_id": scenario.id, "dunning_collector_id": cls.user_collector.id}
        )
        today = fields.Date.context_today(customer)
        cls.env["dso.dunning.demo"]._create_demo_invoice(customer, today, 10, 700.0, 0.0)
        cls.env["dso.dunning.planner"]._plan(companies=company, partners=customer, force=True)

    def test_collector_opens_dunning_app(self):
        self.start_tour("/odoo", "dso_dunning_open_app", login="dso_collector")
