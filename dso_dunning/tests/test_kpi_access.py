import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_kpi import TODAY, D, KpiLedgerCase

REPORTS = (
    "dso_dunning.dso_dunning_kpi_server_action",
    "dso_dunning.dso_dunning_kpi_detail_server_action",
    "dso_dunning.dso_dunning_aged_balance_server_action",
)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestKpiAccess(KpiLedgerCase):
    """Auditors read every figure; a collector lands on his own portfolio; companies apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dso.dunning.kpi.snapshot"]._snapshot(companies=cls.company, today=TODAY)

    def _open(self, user, xmlid):
        """The window action a menu of ``xmlid`` opens for ``user``, and its default domain."""
        action = self.env.ref(xmlid).with_user(user).run()
        arch = etree.fromstring(self.env["ir.ui.view"].browse(action["search_view_id"][0]).arch)
        values = {"uid": user.id, "context_today": lambda: datetime.date(2026, 3, 15)}
        domain = Domain.TRUE
        for name, value in action["context"].items():
            if name.startswith("search_default_") and value:
                [node] = arch.xpath(f"//filter[@name='{name.removeprefix('search_default_')}']")
                domain &= Domain(safe_eval(node.get("domain"), values))
        return action, domain

    def test_auditor_reads_everything_and_changes_nothing(self):
        Kpi = self.env["dso.dunning.kpi"].with_user(self.user_auditor)
        rows = Kpi.search([("period_kind", "=", "month"), ("date", "=", D(2026, 3, 1))])
        self.assertEqual(
            set(rows.mapped("dimension")), {"company", "collector", "customer", "tag", "country"}
        )
        self.assertIn(self.boreal, rows.partner_id)  # not only one collector's customers
        with self.assertRaises(AccessError):
            rows[:1].write({"receivable": 0.0})
        with self.assertRaises(AccessError):
            rows[:1].unlink()
        aged = self.env["dso.dunning.aged.balance"].with_user(self.user_auditor)
        self.assertEqual(len(aged.search([("partner_id", "=", self.boreal.id)])), 2)
        tiles = self.env["dso.dunning.kpi.tile"].with_user(self.user_auditor).search([])
        self.assertEqual(tiles.filtered(lambda tile: tile.code == "dso").value, "58 days")

    def test_collector_lands_on_his_portfolio(self):
        _action, domain = self._open(self.user_collector, REPORTS[0])
        rows = self.env["dso.dunning.kpi"].with_user(self.user_collector).search(domain)
        self.assertTrue(rows)
        self.assertEqual(set(rows.mapped("dimension")), {"collector"})
        self.assertEqual(rows.collector_id, self.user_collector)
        march = rows.filtered(lambda row: row.date == D(2026, 3, 1))
        self.assertAlmostEqual(march.receivable, 900.0, places=2)  # Amrine's, not Boreal's
        action, domain = self._open(self.user_collector, REPORTS[2])
        rows = (
            self.env["dso.dunning.aged.customer"]
            .with_user(self.user_collector)
            .search(Domain(action["domain"]) & domain)
        )
        self.assertEqual(rows.partner_id, self.amrine)
        # the credit manager lands on the whole company
        _action, domain = self._open(self.user_manager, REPORTS[0])
        rows = self.env["dso.dunning.kpi"].with_user(self.user_manager).search(domain)
        self.assertEqual(set(rows.mapped("dimension")), {"company"})
        self.assertEqual(len(rows), 12)

    def test_cockpit_is_the_credit_managers_landing_page(self):
        """The app opens on its first visible entry: the cockpit for managers only."""
        root = self.env.ref("dso_dunning.dso_dunning_menu_root")
        Menu = self.env["ir.ui.menu"]
        landing = {}
        for user in (self.user_manager, self.user_collector):
            visible = set(Menu.with_user(user)._visible_menu_ids())
            entries = root.child_id.filtered(lambda menu, ids=visible: menu.id in ids)
            landing[user] = entries.sorted("sequence")[:1]
        cockpit = self.env.ref("dso_dunning.dso_dunning_menu_cockpit")
        self.assertEqual(landing[self.user_manager], cockpit)
        self.assertEqual(
            landing[self.user_collector], self.env.ref("dso_dunning.dso_dunning_menu_agenda")
        )

    def test_other_company_figures_are_apart(self):
        other = self.setup_other_company(name="KPI Other Co")["company"]
        self.env["dso.dunning.kpi.snapshot"]._snapshot(companies=other, today=TODAY)
        Kpi = self.env["dso.dunning.kpi"]
        other_rows = [("company_id", "=", other.id), ("dimension", "=", "company")]
        self.assertEqual(Kpi.search_count(other_rows), 12 + 26)
        self.assertFalse(Kpi.with_user(self.user_auditor).search(other_rows))
        self.assertTrue(Kpi.with_user(self.user_auditor).search([("dimension", "=", "company")]))
