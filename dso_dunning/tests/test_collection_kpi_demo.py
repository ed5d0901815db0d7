from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCollectionDemo(TransactionCase):
    """The demo database shows meaningful collection reports, not empty pages."""

    test_sequence = 100  # the demo is large: after the other classes, as TestDemo

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["dso.dunning.demo"]._load_demo()
        cls.company = cls.env.company

    def test_reports_have_something_to_show(self):
        late = self.partners.filtered(lambda p: p.dunning_avg_days_late > 0)
        self.assertGreaterEqual(len(late), 10, "customers with a payment behaviour")
        self.assertGreaterEqual(len(set(late.mapped("dunning_avg_days_late"))), 5)

        shares = self.env["dso.dunning.step.effect"]._read_group(
            [("company_id", "=", self.company.id)], ["step_id"], ["paid_15:avg", "__count"]
        )
        self.assertGreaterEqual(len(shares), 3, "several steps executed and paid after")
        self.assertGreater(len({round(share) for _step, share, _count in shares}), 1)

        today = fields.Date.context_today(self.env.user)
        forecast = self.env["dso.dunning.forecast"]._read_group(
            [("company_id", "=", self.company.id)], ["source"], ["amount:sum"]
        )
        self.assertLessEqual({"due", "promise", "dispute"}, {source for source, _ in forecast})
        weeks = self.env["dso.dunning.forecast"]._read_group(
            [("company_id", "=", self.company.id), ("date", ">=", today)], ["week:day"]
        )
        self.assertGreaterEqual(len(weeks), 4)

        collected = self.env["dso.dunning.collector.summary"]._read_group(
            [("company_id", "=", self.company.id), ("fact", "=", "cash")],
            ["collector_id"],
            ["cash_collected:sum"],
        )
        self.assertGreaterEqual(len([c for c, amount in collected if c and amount > 0]), 2)
