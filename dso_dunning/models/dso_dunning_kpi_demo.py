import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# Customers invoiced every month for a year (name, country code).
KPI_DEMO_CUSTOMERS = (
    ("Boulangeries Lemoine", "FR"),
    ("Clinique Saint-Roch", "FR"),
    ("Hôtel des Remparts", "FR"),
    ("Transports Garnier", "FR"),
    ("Brasserie Van Damme", "BE"),
    ("Imprimerie Rousseau", "FR"),
    ("Lagerhaus Becker", "DE"),
    ("Verger du Lac", "CH"),
)


class DsoDunningDemo(models.AbstractModel):
    """The demo's year of history: monthly invoices paid sooner and sooner, then the KPIs."""

    _inherit = "dso.dunning.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _load_kpi_demo(self, partners=None, today=None):
        """Twelve months of invoices and payments, then the KPI snapshot (and its backfill).

        Each customer is invoiced every month; a year ago invoices were paid
        about six weeks late, lately within days of their due date, with a
        bad spell in the summer: the DSO curves go down, not flat.
        """
        company = self.env.company
        today = today or fields.Date.context_today(self)
        if partners is None:
            partners = self._create_kpi_demo_customers(company)
        vals_list, delays = [], []
        for months_ago in range(12, 0, -1):
            month = today.replace(day=1) - relativedelta(months=months_ago)
            for index, partner in enumerate(partners):
                invoice_date = month + datetime.timedelta(days=2 + 3 * index)
                amount = 1200.0 + 350.0 * index + 40.0 * (12 - months_ago)
                vals_list.append(self._kpi_demo_invoice_vals(partner, invoice_date, amount))
                # days late at payment: 45 a year ago, down to 0; 25 more in July
                late = round(45 * (months_ago - 1) / 11) + (index % 3) * 4
                late += 25 if month.month == 7 else 0
                delays.append(late)
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        for move, late in zip(moves, delays, strict=True):
            paid_on = move.invoice_date_due + datetime.timedelta(days=late)
            if paid_on < today:
                self.env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=move.ids
                ).create({"payment_date": paid_on})._create_payments()
        self.env["dso.dunning.kpi.snapshot"]._snapshot(companies=company, today=today)
        return moves

    @api.model
    def _create_kpi_demo_customers(self, company):
        """Regular customers of their own, so that the demo's other customers keep their story."""
        partners = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "customer_rank": 1,
                    "country_id": self.env.ref(f"base.{code.lower()}").id,
                    "lang": self._demo_lang(code),
                }
                for name, code in KPI_DEMO_CUSTOMERS
            ]
        )
        # the demo's collectors (not the installing user: OdooBot collects nothing)
        collectors = self._demo_collectors()
        for index, partner in enumerate(partners):
            partner.with_company(company).dunning_collector_id = collectors[index % len(collectors)]
        return partners

    @api.model
    def _demo_collectors(self):
        """The demo's collectors, Chloé first; the current user when there is none."""
        collector_group = self.env.ref("dso_dunning.group_dso_dunning_collector")
        collectors = (
            self.env["res.users"]
            .search(
                [
                    ("all_group_ids", "in", collector_group.ids),
                    ("id", "!=", self.env.ref("base.user_root").id),
                    ("share", "=", False),
                ],
                order="id desc",
            )
            .filtered(lambda user: not user.has_group("dso_dunning.group_dso_dunning_manager"))
        )
        return collectors or self.env.user

    @api.model
    def _kpi_demo_invoice_vals(self, partner, invoice_date, amount):
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": invoice_date + datetime.timedelta(days=30),
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "name": "Monthly maintenance",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": False,
                    }
                )
            ],
        }
