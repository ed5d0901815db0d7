import datetime

from odoo import Command, api, models

from .dso_dunning_commitment_engine import NO_REPLAN

# Invoices made for the demo commitments: (customer, days overdue, amount).
# Named customers of DEMO_CUSTOMERS, all French-speaking; their other items keep being dunned.
COMMITMENT_INVOICES = {
    "kept": ("Pâtisserie Moreau", 15, 980.0),
    "credit_note": ("Pâtisserie Moreau", 30, 310.0),
    "quality": ("Brasserie du Port", 25, 1750.0),
    "rejected": ("Café Lumière", 40, 2600.0),
    "plan": ("Pâtisserie Moreau", 50, 2400.0),
}


class DsoDunningDemo(models.AbstractModel):
    """The demo commitments: promises kept, pending and broken; disputes of every type;
    a payment plan whose first instalment is paid.

    Made before the demo is planned (with replanning off), so that planning
    already leaves out the items they pause, as it would the day after.
    """

    _inherit = "dso.dunning.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _create_demo_commitments(self, company, partners, today):
        """Returns the demo commitments."""
        by_name = {partner.name: partner for partner in partners}
        invoices = {
            key: self._create_demo_invoice(by_name[name], today, days, amount, 0.0)
            for key, (name, days, amount) in COMMITMENT_INVOICES.items()
        }

        def items(partner_name, amount=None, move=None):
            """Open receivable item of a customer: of ``move``, or of the amount given."""
            moves = move or self.env["account.move"].search(
                [
                    ("partner_id", "=", by_name[partner_name].id),
                    ("move_type", "=", "out_invoice"),
                    ("amount_total", "=", amount),
                ],
                limit=1,
            )
            return moves.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )

        Commitment = (
            self.env["dso.dunning.commitment"]
            .with_company(company)
            .with_context(**{NO_REPLAN: True})
        )
        resolver = self._demo_resolver()
        day = datetime.timedelta(days=1)

        def commitment(kind, partner_name, lines, **vals):
            return Commitment.create(
                {
                    "kind": kind,
                    "partner_id": by_name[partner_name].id,
                    "company_id": company.id,
                    "move_line_ids": [Command.set(lines.ids)],
                    **vals,
                }
            )

        pending = commitment(
            "promise",
            "Boulangerie Martin",
            items("Boulangerie Martin", amount=850.0),
            date=today + 7 * day,
            comment="Virement promis par Mme Martin au téléphone.",
        )
        kept = commitment(
            "promise",
            "Pâtisserie Moreau",
            items("Pâtisserie Moreau", move=invoices["kept"]),
            date=today - 2 * day,
            comment="Paiement par chèque annoncé.",
        )
        broken = commitment(
            "promise",
            "Transports Girard",
            items("Transports Girard", amount=5150.0),
            date=today - 8 * day,
            comment="Le comptable promettait un virement en fin de semaine.",
        )
        self._pay_demo_invoice(invoices["kept"], today - 3 * day)
        self.env["dso.dunning.commitment.engine"].with_context(
            **{NO_REPLAN: True}
        )._evaluate_promises([("id", "in", (kept | broken).ids)], today)
        disputes = self._create_demo_disputes(commitment, items, invoices, resolver, today)
        plan = commitment(
            "plan",
            "Pâtisserie Moreau",
            items("Pâtisserie Moreau", move=invoices["plan"]),
            amount=2400.0,
            date=today + 40 * day,
            comment="Échéancier accordé : trois mensualités de 800 €.",
            instalment_ids=[
                Command.create({"date": today + days * day, "amount": 800.0})
                for days in (-20, 10, 40)
            ],
        )
        self._pay_demo_invoice(invoices["plan"], today - 21 * day, amount=800.0)
        self.env["dso.dunning.commitment.engine"].with_context(
            **{NO_REPLAN: True}
        )._evaluate_promises([("id", "=", plan.id)], today)
        return pending | kept | broken | disputes | plan

    @api.model
    def _create_demo_disputes(self, commitment, items, invoices, resolver, today):
        day = datetime.timedelta(days=1)

        def dispute_type(name):
            return self.env.ref(f"dso_dunning.dso_dunning_dispute_type_{name}")

        in_progress = commitment(
            "dispute",
            "Garage Lefèvre SARL",
            items("Garage Lefèvre SARL", amount=560.0),
            dispute_type_id=dispute_type("price").id,
            resolver_id=resolver.id,
            date=today + 5 * day,
            comment="Le client conteste le prix unitaire : le devis indiquait 480 €.",
        )
        in_progress.action_start()
        open_dispute = commitment(
            "dispute",
            "Brasserie du Port",
            items("Brasserie du Port", move=invoices["quality"]),
            dispute_type_id=dispute_type("quality").id,
            resolver_id=resolver.id,
            date=today + 10 * day,
            comment="Fûts livrés abîmés, photos reçues par courriel.",
        )
        rejected = commitment(
            "dispute",
            "Café Lumière",
            items("Café Lumière", move=invoices["rejected"]),
            dispute_type_id=dispute_type("missing_goods").id,
            comment="Colis déclaré manquant ; le bon de livraison signé a été retrouvé.",
        )
        rejected.action_resolve_rejected()
        credited = commitment(
            "dispute",
            "Pâtisserie Moreau",
            items("Pâtisserie Moreau", move=invoices["credit_note"]),
            dispute_type_id=dispute_type("administrative").id,
            comment="Facture adressée à l'ancienne raison sociale : avoir émis.",
        )
        invoices["credit_note"]._reverse_moves(
            [{"date": today, "ref": "Avoir : litige administratif"}], cancel=True
        )
        credited.action_resolve_credit_note()
        return in_progress | open_dispute | rejected | credited

    @api.model
    def _demo_resolver(self):
        """A salesman without a dunning role, who works the disputes assigned to him."""
        return self.env["res.users"].create(
            {
                "name": "Paul Mercier",
                "login": "paul",
                "password": "paul",
                "email": "paul.mercier@yourcompany.example",
                "lang": self._demo_lang("FR"),
            }
        )

    @api.model
    def _pay_demo_invoice(self, move, date, amount=None):
        vals = {"payment_date": date}
        if amount:
            vals["amount"] = amount
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(vals)._create_payments()
