import datetime

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, sql

from .common import run_migration


@tagged("post_install", "-at_install")
class TestFigures(TransactionCase):
    """Customers' dunning figures: one set per company, filtered and sorted like columns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other = cls.env["res.company"].create({"name": "Other Figures Co"})
        Partner = cls.env["res.partner"]
        cls.small, cls.large, cls.none = Partner.create(
            [{"name": f"Figures {name}", "is_company": True} for name in ("S", "L", "N")]
        )
        cls.small.with_company(cls.company).write(
            {"dunning_overdue_amount": 100.0, "dunning_last_date": "2026-01-10"}
        )
        cls.large.with_company(cls.company).write({"dunning_overdue_amount": 9000.0})
        cls.small.with_company(cls.other).write({"dunning_overdue_amount": 50000.0})
        cls.ids = (cls.small | cls.large | cls.none).ids

    def _search(self, company, domain, order=None):
        Partner = self.env["res.partner"].with_company(company)
        return Partner.search([("id", "in", self.ids), *domain], order=order)

    def test_each_company_has_its_figures(self):
        self.assertEqual(self.small.with_company(self.company).dunning_overdue_amount, 100.0)
        self.assertEqual(self.small.with_company(self.other).dunning_overdue_amount, 50000.0)
        self.assertEqual(self.large.with_company(self.other).dunning_overdue_amount, 0.0)
        self.assertEqual(
            self.small.with_company(self.company).dunning_last_date, datetime.date(2026, 1, 10)
        )
        self.assertFalse(self.small.with_company(self.other).dunning_last_date)
        self.assertEqual(
            self._search(self.company, [("dunning_overdue_amount", ">", 1000)]), self.large
        )
        self.assertEqual(
            self._search(self.other, [("dunning_overdue_amount", ">", 1000)]), self.small
        )

    def test_customers_without_figures_read_zero_and_nothing(self):
        """As the fields show: no figures in a company is 0 and no date."""
        self.assertEqual(
            self._search(self.company, [("dunning_overdue_amount", "=", 0)]), self.none
        )
        self.assertEqual(
            self._search(self.company, [("dunning_overdue_amount", "<", 500)]),
            self.small | self.none,
        )
        self.assertEqual(
            self._search(self.company, [("dunning_last_date", "=", False)]), self.large | self.none
        )
        self.assertEqual(
            self._search(self.company, [("dunning_last_date", "<=", "2026-02-01")]), self.small
        )

    def test_sorted_and_grouped_by_figures(self):
        self.assertEqual(
            self._search(self.company, [], order="dunning_overdue_amount desc, id").ids,
            [self.large.id, self.small.id, self.none.id],
        )
        self.assertEqual(
            self._search(self.other, [], order="dunning_overdue_amount desc, id").ids,
            [self.small.id, self.large.id, self.none.id],
        )
        Partner = self.env["res.partner"].with_company(self.company)
        groups = Partner._read_group(
            [("id", "in", self.ids)], ["dunning_overdue_amount"], ["__count"]
        )
        self.assertEqual(sorted(groups), [(0.0, 1), (100.0, 1), (9000.0, 1)])

    def test_update_moves_company_dependent_figures(self):
        """An earlier version kept figures on res.partner as JSON by company:
        the update moves them into the figures table and drops the JSON."""
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE res_partner ADD COLUMN dunning_total_due jsonb,"
            " ADD COLUMN dunning_next_date jsonb"
        )
        cr.execute(SQL("DELETE FROM dso_dunning_figure WHERE partner_id IN %s", tuple(self.ids)))
        cr.execute(
            SQL(
                "UPDATE res_partner SET dunning_total_due = %s::jsonb,"
                " dunning_next_date = %s::jsonb WHERE id = %s",
                f'{{"{self.company.id}": 120.5, "{self.other.id}": 7}}',
                f'{{"{self.company.id}": "2026-03-01"}}',
                self.large.id,
            )
        )
        run_migration(cr, "19.0.1.2.0", "post")
        self.assertFalse(sql.column_exists(cr, "res_partner", "dunning_total_due"))
        self.env.invalidate_all()
        large = self.large.with_company(self.company)
        self.assertEqual(large.dunning_total_due, 120.5)
        self.assertEqual(large.dunning_next_date, datetime.date(2026, 3, 1))
        self.assertEqual(self.large.with_company(self.other).dunning_total_due, 7.0)
        self.assertFalse(self.large.with_company(self.other).dunning_next_date)
        self.assertFalse(self.small.with_company(self.company).dunning_total_due)
