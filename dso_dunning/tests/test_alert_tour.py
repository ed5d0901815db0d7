from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import DunningUsersMixin


@tagged("post_install", "-at_install")
class TestAlertTour(DunningUsersMixin, HttpCase):
    """A credit manager creates an alert and sees its square on the customer
    and on the customer's dunning action."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        company = cls.env.company
        cls.env["dso.dunning.demo"]._ensure_chart(company)
        scenario = cls.env["dso.dunning.scenario"].create(
            {
                "name": "Alert tour scenario",
                "company_id": company.id,
                "step_ids": [
                    fields.Command.create(
                        {"name": "Call", "offset_days": 3, "channel_call": True, "mode": "manual"}
                    )
                ],
            }
        )
        customer = cls.env["res.partner"].create(
            {"name": "Tour Alert Customer", "is_company": True, "customer_rank": 1}
        )
        customer.with_company(company).write(
            {"dunning_scenario_id": scenario.id, "dunning_collector_id": cls.user_manager.id}
        )
        small = cls.env["res.partner"].create(
            {"name": "Tour Small Customer", "is_company": True, "customer_rank": 1}
        )
        small.with_company(company).dunning_scenario_id = scenario
        today = fields.Date.context_today(customer)
        demo = cls.env["dso.dunning.demo"]
        demo._create_demo_invoice(customer, today, 10, 700.0, 0.0)
        demo._create_demo_invoice(small, today, 10, 50.0, 0.0)
        cls.env["dso.dunning.planner"]._plan(
            companies=company, partners=customer | small, force=True
        )

    def test_manager_creates_an_alert_and_sees_its_squares(self):
        self.start_tour("/odoo", "dso_dunning_alert", login="dso_manager")
        alert = self.env["dso.dunning.alert"].search([("name", "=", "Tour big debt")])
        self.assertEqual(alert.overdue_min, 600)
        self.assertEqual(alert.partner_count, 1)
