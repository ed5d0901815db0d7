import datetime
import random

from odoo import api, fields, models

# Paid history per generated customer: how many invoices, in the last 8 months.
HISTORY_CUSTOMERS = 24
INVOICES_PER_CUSTOMER = (2, 4)
# Days from the action to the payment, by position of the step in the
# scenario: the call (third step) works fastest, the courtesy email slowest.
DAYS_TO_PAY_BY_STEP = (14, 9, 4, 12)


class DsoDunningDemo(models.AbstractModel):
    """Demo payments: invoices dunned, then paid more or less late.

    Each generated customer has a habit (paying on time, a week late, a
    month late), so the customers' average days late, the steps' shares of
    customers paying within 7/15/30 days, the cash collected per collector
    and the cash forecast all show something on a fresh demo database.
    """

    _inherit = "dso.dunning.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _load_demo(self):
        partners = super()._load_demo()
        company = self.env.company
        today = fields.Date.context_today(self)
        self._create_payment_history(company, partners, today)
        self.env["res.partner"]._dunning_refresh_payment_behaviour(today, partners.ids)
        self.env["dso.dunning.forecast"]._compute_forecast(company)
        return partners

    @api.model
    def _create_payment_history(self, company, partners, today):
        """Paid invoices with the executed action that chased each one."""
        rng = random.Random(22)
        steps = company.dunning_default_scenario_id.step_ids.sorted("sequence")
        if not steps:
            return self.env["account.move"]
        specs, plans = [], []
        for partner in partners[-HISTORY_CUSTOMERS:]:
            habit = rng.choice((0, 3, 8, 15, 30))
            for _index in range(rng.randint(*INVOICES_PER_CUSTOMER)):
                rank = rng.randrange(len(steps))
                due = today - datetime.timedelta(days=rng.randint(25, 240))
                executed = due + datetime.timedelta(days=max(steps[rank].offset_days, 1))
                days_to_pay = DAYS_TO_PAY_BY_STEP[rank % len(DAYS_TO_PAY_BY_STEP)]
                paid = executed + datetime.timedelta(days=days_to_pay + rng.randint(0, habit))
                if paid >= today:
                    continue
                specs.append((partner, (today - due).days, round(rng.uniform(300, 5000), 2), 0))
                plans.append((steps[rank], executed, paid))
        invoices = self._create_demo_invoices(specs, today)
        actions = self.env["dso.dunning.action"].create(
            [
                self._history_action_vals(company, invoice, step, executed)
                for invoice, (step, executed, _paid) in zip(invoices, plans, strict=True)
            ]
        )
        for invoice, (_step, _executed, paid) in zip(invoices, plans, strict=True):
            self._pay_demo_invoice(invoice, paid)
        # what the ledger refresh writes after these payments
        actions._write_settlement()
        return actions

    def _history_action_vals(self, company, invoice, step, executed):
        partner = invoice.partner_id
        item = invoice.line_ids.filtered(lambda line: line.dunning_item_kind)
        when = datetime.datetime.combine(executed, datetime.time(9, 30))
        return {
            "company_id": company.id,
            "partner_id": partner.id,
            "scenario_id": step.scenario_id.id,
            "step_id": step.id,
            "date": executed,
            "state": "done" if step.mode == "manual" else "sent",
            "outcome": "reached" if step.mode == "manual" else False,
            "collector_id": partner._dunning_collector(company).id,
            "executed_date": when,
            "executed_by_id": self.env.ref("base.user_admin").id,
            "amount_due": invoice.amount_total,
            "sent_to": partner.email or False,
            "delivery_state": "sent" if step.channel_email else False,
            "delivery_date": step.channel_email and when,
            "line_ids": [
                fields.Command.create(
                    {
                        "move_line_id": item.id,
                        "move_id": invoice.id,
                        "date_maturity": item.date_maturity,
                        "days_overdue": (executed - item.date_maturity).days,
                        "amount_residual": item.amount_residual,
                        "currency_id": item.currency_id.id,
                        "amount_residual_currency": item.amount_residual_currency,
                    }
                )
            ],
        }
