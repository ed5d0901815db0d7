import datetime

from odoo import api, fields, models

# The demo alerts' names for a collector working in French, in creation order.
FRENCH_ALERT_NAMES = (
    "Retard au-delà de 10 000 et pas relancé depuis 10 jours",
    "Encours au-delà de la garantie d'assurance-crédit",
    "Clients privés français hors litige",
    "Une facture en retard de plus de 60 jours",
)


class DsoDunningDemo(models.AbstractModel):
    _inherit = "dso.dunning.demo"

    @api.model
    def _load_demo_alerts(self):
        """Four shared alerts and the customer data that makes each one match.

        Runs after ``_load_demo`` (it finds the demo customers by name): a
        dispute, a public-sector group and credit-insurance guarantees.
        """
        company = self.env.company
        today = fields.Date.context_today(self)
        Partner = self.env["res.partner"].with_company(company)

        def customer(name):
            return Partner.search([("name", "=", name), ("parent_id", "=", False)], limit=1)

        public = self.env["res.partner.category"].search([("name", "=", "Public")], limit=1)
        public = public or self.env["res.partner.category"].create({"name": "Public"})
        customer("Garage Lefèvre SARL").dunning_status_id = self.env.ref(
            "dso_dunning.dso_dunning_status_dispute"
        )
        customer("Transports Girard").category_id = [fields.Command.link(public.id)]
        customer("Müller Maschinenbau GmbH").write(
            {"dunning_insurance_amount": 15000.0, "dunning_insurance_ref": "ALZ-2291"}
        )
        customer("Brasserie du Port").write(
            {
                "dunning_insurance_amount": 5000.0,
                "dunning_insurance_temp_amount": 2000.0,
                "dunning_insurance_temp_start": today - datetime.timedelta(days=10),
                "dunning_insurance_temp_end": today + datetime.timedelta(days=30),
            }
        )
        customer("Northwind Traders Inc.").dunning_insurance_amount = 20000.0
        statuses = self.env.ref("dso_dunning.dso_dunning_status_dispute") | self.env.ref(
            "dso_dunning.dso_dunning_status_dispute_resolved"
        )
        shared = {"visibility": "shared", "company_id": company.id}
        alerts = self.env["dso.dunning.alert"].create(
            [
                {
                    **shared,
                    "name": "Late above 10,000 and not chased for 10 days",
                    "color": 1,
                    "overdue_min": 10000.0,
                    "not_dunned_days": 10,
                },
                {
                    **shared,
                    "name": "Outstanding above the insurance guarantee",
                    "alert_type": "risk",
                    "color": 2,
                    "guarantee_min": 0.01,
                    "above_guarantee": True,
                },
                {
                    **shared,
                    "name": "French private customers not in dispute",
                    "alert_type": "none",
                    "color": 4,
                    "category_operator": "not in",
                    "category_ids": [fields.Command.set(public.ids)],
                    "country_ids": [fields.Command.set(self.env.ref("base.fr").ids)],
                    "status_operator": "not in",
                    "status_ids": [fields.Command.set(statuses.ids)],
                },
                {
                    **shared,
                    "name": "An invoice more than 60 days late",
                    "color": 10,
                    "item_days_late_min": 61,
                    "item_type_invoice": True,
                },
            ]
        )
        if self.env["res.lang"]._lang_get("fr_FR"):
            for alert, name in zip(alerts, FRENCH_ALERT_NAMES, strict=True):
                alert.update_field_translations("name", {"fr_FR": name})
        return alerts
