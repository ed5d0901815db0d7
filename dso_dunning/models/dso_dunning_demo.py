import datetime
import random

from odoo import api, fields, models

# Generated customers: deterministic (fixed seed) names, places and ages.
FIRST_WORDS = ["Atelier", "Maison", "Société", "Comptoir", "Studio", "Groupe", "Bureau", "Ferme"]
SECOND_WORDS = ["Rivière", "Horizon", "Lavande", "Granit", "Écluse", "Mistral", "Acacia", "Orion"]
PLACES = [
    ("FR", "Lyon"), ("FR", "Toulouse"), ("FR", "Nantes"), ("FR", "Strasbourg"), ("FR", "Nice"),
    ("FR", "Grenoble"), ("BE", "Liège"), ("DE", "Köln"), ("ES", "Valencia"), ("IT", "Torino"),
    ("CH", "Genève"), ("US", "Boston"),
]  # fmt: skip
AGES = [-20, -8, -4, 2, 5, 8, 11, 16, 19, 24, 33, 38, 47, 52, 63, 75, 95, 130]
GENERATED_CUSTOMERS = 40

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

    def _make_company_french(self, company):
        """The demo company is French and keeps its books in euros, like the product.

        The currency only on a company without journal items: it cannot
        change after (``make run`` relabels Odoo's own demo entries in euros,
        ``scripts/demo_in_euros.sql``).
        """
        company.write(
            {
                "country_id": self.env.ref("base.fr").id,
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
            }
        )
        if self.env["account.move.line"].search_count([("company_id", "=", company.id)], limit=1):
            return
        euro = self.env.ref("base.EUR")
        euro.active = True
        company.currency_id = euro

    @api.model
    def _load_demo(self):
        company = self.env.company
        self._load_french_terms()
        self._make_company_french(company)
        self._ensure_chart(company)
        today = fields.Date.context_today(self)
        partners = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "city": city,
                    "email": email,
                    "country_id": self.env.ref(f"base.{country_code.lower()}").id,
                    "lang": self._demo_lang(country_code),
                }
                for name, country_code, city, email, _invoices in DEMO_CUSTOMERS
            ]
        )
        specs = [
            (partner, days_overdue, amount, paid)
            for partner, (*_customer, invoices) in zip(partners, DEMO_CUSTOMERS, strict=True)
            for days_overdue, amount, paid in invoices
        ]
        self._create_demo_invoices(specs, today)
        # an open credit note, listed in the statement of its customer
        self._create_demo_invoice(partners[0], today, 20, 180.0, 0.0, move_type="out_refund")
        named = partners
        partners |= self._create_generated_customers(today)
        self._assign_collectors_and_scenarios(company, partners)
        self._create_demo_commitments(company, named, today)
        self.env["dso.dunning.planner"]._plan(companies=company, partners=partners, force=True)
        self._play_the_agenda(company, partners, today)
        return partners

    @api.model
    def _load_french_terms(self):
        """The addon's French, before the demo writes texts for French-speaking users.

        Odoo loads a module's translations after its data and demo: without
        this, Chloé's to-dos (step names and help) would be written in English.
        """
        if self.env["res.lang"].search_count([("code", "=", "fr_FR")]):
            self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"])

    @api.model
    def _demo_lang(self, country_code):
        """French for French-speaking customers when French is loaded, else English."""
        french = country_code.upper() in ("FR", "BE", "CH", "LU")
        if french and self.env["res.lang"].search_count([("code", "=", "fr_FR")]):
            return "fr_FR"
        return "en_US"

    @api.model
    def _create_generated_customers(self, today):
        rng = random.Random(42)
        vals_list, invoices = [], []
        for n in range(GENERATED_CUSTOMERS):
            country, city = PLACES[n % len(PLACES)]
            name = f"{FIRST_WORDS[n % 8]} {SECOND_WORDS[(n // 8 + n) % 8]} {n + 1:02d}"
            vals_list.append(
                {
                    "name": name,
                    "is_company": True,
                    "city": city,
                    "street": f"{rng.randint(1, 120)} rue du Commerce",
                    "zip": f"{rng.randint(10000, 99999)}",
                    # One customer in eight has no email: its emails go to error.
                    "email": False if n % 8 == 7 else f"compta{n + 1:02d}@client.example",
                    "phone": f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                    "country_id": self.env.ref(f"base.{country.lower()}").id,
                    "lang": self._demo_lang(country),
                }
            )
            for _i in range(1 + n % 3):
                amount = round(rng.uniform(180, 9500), 2)
                paid = round(amount * 0.4, 2) if rng.random() < 0.15 else 0.0
                invoices.append((n, rng.choice(AGES), amount, paid))
        partners = self.env["res.partner"].create(vals_list)
        self._create_demo_invoices(
            [(partners[n], age, amount, paid) for n, age, amount, paid in invoices], today
        )
        return partners

    @api.model
    def _assign_collectors_and_scenarios(self, company, partners):
        """Two collectors share the customers; key accounts follow a gentler scenario."""
        collector_group = self.env.ref("dso_dunning.group_dso_dunning_collector")
        # Chloé works in French when French is loaded (``make run`` loads it),
        # the administrator and the other collector in English.
        second = self.env["res.users"].create(
            {
                "name": "Chloé Martin",
                "login": "chloe",
                "password": "chloe",
                "email": "chloe.martin@yourcompany.example",
                "group_ids": [fields.Command.link(collector_group.id)],
                "lang": self._demo_lang("FR"),
            }
        )
        demo_user = self.env.ref("base.user_demo", raise_if_not_found=False)
        if not demo_user:
            demo_user = self.env["res.users"].create(
                {
                    "name": "Hugo Lambert",
                    "login": "hugo",
                    "password": "hugo",
                    "group_ids": [fields.Command.link(collector_group.id)],
                }
            )
        (self.env.ref("base.user_admin") | demo_user).lang = "en_US"
        key_accounts = self.env["dso.dunning.scenario"].create(
            {
                "name": "Key accounts",
                "company_id": company.id,
                "step_ids": [
                    fields.Command.create(
                        {
                            "name": "Personal reminder",
                            "sequence": 10,
                            "offset_days": 10,
                            "channel_email": True,
                            "mode": "to_confirm",
                            "mail_template_id": self.env.ref(
                                "dso_dunning.mail_template_dunning_first"
                            ).id,
                        }
                    ),
                    fields.Command.create(
                        {
                            "name": "Call the account manager",
                            "sequence": 20,
                            "offset_days": 25,
                            "channel_call": True,
                            "mode": "manual",
                        }
                    ),
                    fields.Command.create(
                        {
                            "name": "Management review",
                            "sequence": 30,
                            "offset_days": 60,
                            "channel_task": True,
                            "mode": "manual",
                        }
                    ),
                ],
            }
        )
        self._translate_demo(
            key_accounts,
            "Grands comptes",
            ["Relance personnalisée", "Appel du responsable de compte", "Revue par la direction"],
        )
        never = self.env.ref("dso_dunning.dso_dunning_scenario_never", raise_if_not_found=False)
        for index, partner in enumerate(partners.with_company(company)):
            partner.dunning_collector_id = demo_user if index % 2 else second
            if index % 7 == 3:
                partner.dunning_scenario_id = key_accounts
            elif never and index % 19 == 18:
                partner.dunning_scenario_id = never

    def _translate_demo(self, scenario, name, step_names):
        """French names of a demo scenario and its steps, when French is loaded."""
        if not self.env["res.lang"]._lang_get("fr_FR"):
            return
        scenario.update_field_translations("name", {"fr_FR": name})
        steps = scenario.step_ids.sorted("sequence")
        for step, step_name in zip(steps, step_names, strict=True):
            step.update_field_translations("name", {"fr_FR": step_name})

    @api.model
    def _create_demo_invoice(
        self, partner, today, days_overdue, amount, paid, move_type="out_invoice"
    ):
        return self._create_demo_invoices([(partner, days_overdue, amount, paid)], today, move_type)

    @api.model
    def _create_demo_invoices(self, specs, today, move_type="out_invoice"):
        """Posted invoices, created and posted together, then their payments.

        ``specs``: ``(customer, days overdue, amount, amount paid)`` per invoice.
        """
        vals_list = []
        for partner, days_overdue, amount, _paid in specs:
            due = today - datetime.timedelta(days=days_overdue)
            vals_list.append(
                {
                    "move_type": move_type,
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
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        for move, (_partner, days_overdue, _amount, paid) in zip(moves, specs, strict=True):
            if paid:
                self.env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=move.ids
                ).create(
                    {
                        "amount": paid,
                        "payment_date": today - datetime.timedelta(days=max(days_overdue - 3, 0)),
                    }
                )._create_payments()
        return moves
