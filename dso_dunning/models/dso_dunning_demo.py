import datetime

from odoo import api, fields, models

# (name, country code, city, email, [(days overdue, amount, paid part)...])
# Negative "days overdue" means not yet due.
DEMO_CUSTOMERS = [
    (
        "Boulangerie Martin",
        "FR",
        "Lyon",
        "compta@boulangerie-martin.example",
        [(-10, 1200.0, 0.0), (5, 850.0, 0.0)],
    ),
    (
        "Garage Lefèvre SARL",
        "FR",
        "Nantes",
        "factures@garage-lefevre.example",
        [(20, 3400.0, 1000.0), (47, 560.0, 0.0)],
    ),
    ("Atelier Dubois", "FR", "Lille", "contact@atelier-dubois.example", [(75, 12800.0, 0.0)]),
    (
        "Brasserie du Port",
        "BE",
        "Antwerpen",
        "boekhouding@brasserie-port.example",
        [(12, 2300.0, 0.0), (130, 990.0, 0.0)],
    ),
    (
        "Müller Maschinenbau GmbH",
        "DE",
        "Stuttgart",
        "buchhaltung@mueller-mb.example",
        [(33, 25400.0, 5400.0)],
    ),
    (
        "Northwind Traders Inc.",
        "US",
        "Seattle",
        "ap@northwind.example",
        [(-25, 7800.0, 0.0), (62, 4100.0, 0.0)],
    ),
    ("Pâtisserie Moreau", "FR", "Bordeaux", "moreau@patisserie.example", [(9, 640.0, 0.0)]),
    (
        "Transports Girard",
        "FR",
        "Rennes",
        "compta@transports-girard.example",
        [(18, 5150.0, 0.0), (-3, 900.0, 0.0)],
    ),
    ("Café Lumière", "FR", "Paris", "bonjour@cafe-lumiere.example", [(-3, 420.0, 0.0)]),
]


class DsoDunningDemo(models.AbstractModel):
    """Builds the demo ledger: customers with overdue invoices of every age.

    Dates are relative to the day the demo is loaded, so the agenda of a demo
    database always has something late, something due today and something to
    come. Called from demo data only.
    """

    _name = "dso.dunning.demo"
    _description = "Dunning demo data"

    @api.model
    def _ensure_chart(self, company):
        if not company.chart_template:
            self.env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )

    @api.model
    def _load_demo(self):
        company = self.env.company
        self._ensure_chart(company)
        today = fields.Date.context_today(self)
        partners = self.env["res.partner"]
        for name, country_code, city, email, invoices in DEMO_CUSTOMERS:
            partner = self.env["res.partner"].create(
                {
                    "name": name,
                    "is_company": True,
                    "city": city,
                    "email": email,
                    "country_id": self.env.ref(f"base.{country_code.lower()}").id,
                }
            )
            partners |= partner
            for days_overdue, amount, paid in invoices:
                self._create_demo_invoice(partner, today, days_overdue, amount, paid)
        demo_user = self.env.ref("base.user_demo", raise_if_not_found=False)
        if demo_user:
            partners[:4].with_company(company).dunning_collector_id = demo_user
        self.env["dso.dunning.planner"]._plan(companies=company, partners=partners, force=True)
        return partners

    @api.model
    def _create_demo_invoice(self, partner, today, days_overdue, amount, paid):
        due = today - datetime.timedelta(days=days_overdue)
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due - datetime.timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "name": "Consulting services",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": False,
                        }
                    )
                ],
            }
        )
        move.action_post()
        if paid:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create(
                {
                    "amount": paid,
                    "payment_date": today - datetime.timedelta(days=max(days_overdue - 3, 0)),
                }
            )._create_payments()
        return move
