from odoo import api, models
from odoo.tools import SQL

from .dso_dunning_commitment_engine import NO_REPLAN

# Customers whose ledger moved in this transaction: {(company id, customer id)}.
LEDGER_KEY = "dso_dunning.ledger_touched"
BATCH_SIZE = 500


class DsoDunningFigureRefresh(models.AbstractModel):
    """Keeps the customers' ledger figures fresh between two nightly planning runs.

    Posting an invoice or reconciling a payment marks its customer's figures
    stale (one upsert and one cron trigger per transaction, written at
    commit; nothing is computed while the accountant waits). A light job,
    woken by the trigger, plans the stale customers again within minutes:
    overdue and outstanding amounts, days late, and their actions (a paid
    customer's pending action is cancelled as paid, its executed ones
    settled); their running promises to pay are checked first (kept as soon
    as the payments cover them).
    """

    _name = "dso.dunning.figure.refresh"
    _description = "Dunning Figures Refresh"

    @api.model
    def _touch_ledger(self, pairs):
        """``pairs`` of (company id, customer id) whose receivable items just moved."""
        pairs = {(company_id, partner_id) for company_id, partner_id in pairs if partner_id}
        if not pairs:
            return
        data = self.env.cr.precommit.data
        touched = data.get(LEDGER_KEY)
        if touched is None:
            touched = data[LEDGER_KEY] = set()
            self.env.cr.precommit.add(self.sudo()._mark_stale)
        touched.update(pairs)

    @api.model
    def _mark_stale(self):
        touched = self.env.cr.precommit.data.pop(LEDGER_KEY, None)
        if not touched:
            return
        companies, partners = zip(*sorted(touched), strict=True)
        self.env.execute_query(
            SQL(
                """
                INSERT INTO dso_dunning_figure (company_id, partner_id, stale)
                SELECT company_id, partner_id, TRUE
                  FROM unnest(%(companies)s::int4[], %(partners)s::int4[])
                       AS touched(company_id, partner_id)
                ON CONFLICT (partner_id, company_id) DO UPDATE SET stale = TRUE
                """,
                companies=list(companies),
                partners=list(partners),
            )
        )
        self.env["dso.dunning.figure"].invalidate_model(["stale"])
        self.env.ref("dso_dunning.ir_cron_dso_dunning_refresh")._trigger()

    @api.model
    def _cron_refresh(self):
        """Plan again the customers whose ledger moved, a batch at a time."""
        Figure = self.env["dso.dunning.figure"]
        Planner = self.env["dso.dunning.planner"]
        Action = self.env["dso.dunning.action"]
        Engine = self.env["dso.dunning.commitment.engine"].with_context(**{NO_REPLAN: True})
        while True:
            Figure.flush_model(["stale"])
            rows = self.env.execute_query(
                SQL(
                    """
                    UPDATE dso_dunning_figure SET stale = FALSE
                     WHERE id IN (SELECT id FROM dso_dunning_figure WHERE stale
                                   ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
                    RETURNING company_id, partner_id
                    """,
                    BATCH_SIZE,
                )
            )
            if not rows:
                return
            Figure.invalidate_model(["stale"])
            by_company = {}
            for company_id, partner_id in rows:
                by_company.setdefault(company_id, []).append(partner_id)
            for company_id, partner_ids in by_company.items():
                # A payment may keep a promise, a credit note settle a dispute:
                # closed first, planned with the rest.
                customers = [("company_id", "=", company_id), ("partner_id", "in", partner_ids)]
                Engine._evaluate_promises(customers)
                Engine._close_settled_disputes(customers)
                # paid items no longer weigh on the customer's items status
                Engine._write_customer_statuses(self.env["res.partner"].browse(partner_ids))
                company = self.env["res.company"].browse(company_id)
                Planner._plan(
                    companies=company,
                    partners=self.env["res.partner"].browse(partner_ids),
                    force=True,
                )
                # a payment settles the actions executed before it, a payment removed
                # opens them again (which steps work)
                Action._write_settlement_where(
                    SQL("a.company_id = %s AND a.partner_id = ANY(%s)", company_id, partner_ids)
                )
                self.env["dso.dunning.aged.customer"]._refresh_customers(company, partner_ids)
            remaining = Figure.search_count([("stale", "=", True)])
            if not self.env["ir.cron"]._commit_progress(len(rows), remaining=remaining):
                return
