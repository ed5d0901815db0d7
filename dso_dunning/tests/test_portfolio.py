from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import DunningPlanningCase, DunningUsersMixin


@tagged("post_install", "-at_install")
class TestCollectorPortfolio(DunningUsersMixin, DunningPlanningCase):
    """A collector opens the Customers menu on his own customers, by the planning's rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.own = cls._create_customer("Own Collector SA")
        cls.own.with_company(cls.company).dunning_collector_id = cls.user_collector
        cls.sold = cls._create_customer("Salesperson SA", user_id=cls.user_collector.id)
        cls.taken = cls._create_customer(
            "Someone Else SA", user_id=cls.user_collector.id
        )  # his salesperson, but another collector of its own
        cls.taken.with_company(cls.company).dunning_collector_id = cls.user_manager
        cls.other = cls._create_customer("Other SA")
        cls.customers = cls.own | cls.sold | cls.taken | cls.other
        for customer in cls.customers:
            cls._create_overdue_invoice(customer)

    def _landing(self, user):
        action = self.env.ref("dso_dunning.dso_dunning_partner_server_action").with_user(user).run()
        Partner = self.env["res.partner"].with_user(user).with_context(**action["context"])
        domain = safe_eval(action["domain"] or "[]")
        if action["context"].get("search_default_dunning_mine"):
            domain.append(("dunning_my_customer", "=", True))
        return Partner.search([*domain, ("id", "in", self.customers.ids)])

    def test_collector_lands_on_his_customers(self):
        self.assertEqual(self._landing(self.user_collector), self.own | self.sold)
        # the field on the card says the same, customer by customer
        mine = self.customers.with_user(self.user_collector).filtered("dunning_my_customer")
        self.assertEqual(mine, self.own | self.sold)
        # the credit manager lands on every customer
        self.assertEqual(self._landing(self.user_manager), self.customers)

    def test_company_default_and_archived_collector(self):
        self.company.dunning_default_collector_id = self.user_collector
        Partner = self.env["res.partner"].with_user(self.user_collector)
        found = Partner.search(
            [("dunning_my_customer", "=", True), ("id", "in", self.customers.ids)]
        )
        self.assertEqual(found, self.own | self.sold | self.other)
        # an archived own collector is skipped: the company's default takes over
        self.user_manager.active = False
        found = Partner.search(
            [("dunning_my_customer", "=", True), ("id", "in", self.customers.ids)]
        )
        self.assertEqual(found, self.customers)
        others = Partner.search(
            [("dunning_my_customer", "!=", True), ("id", "in", self.customers.ids)]
        )
        self.assertFalse(others)
