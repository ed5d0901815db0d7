from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.collection_kpi import payment_window_start


class ResPartner(models.Model):
    """The customer's payment behaviour: how late it pays, on average.

    Written set-based by the planning runs (the nightly one for every
    customer, the ledger refresh for those whose payments just moved), never
    by the reconciliation itself: matching a payment costs nothing more.
    """

    _inherit = "res.partner"

    dunning_avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Average payment delay: days between the due date of the invoices paid in the "
        "last 6 months and their payment, weighted by the amount paid. A payment before "
        "the due date counts 0 days. All companies; refreshed within minutes of a payment "
        "and every night.",
    )

    @api.model
    def _dunning_refresh_payment_behaviour(self, today, partner_ids=None):
        """Write the average days late of ``partner_ids`` (commercial ids; None: everyone).

        One statement: the payments of the window (partial reconciliations
        dated in the last 6 months, matching an invoice item with anything
        but a credit note), weighted by the amount matched; the customers
        whose value changes are updated, those left without a payment in
        the window go back to 0.
        """
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "credit_move_id", "amount", "max_date"]
        )
        self.env["account.move.line"].flush_model(
            ["partner_id", "date_maturity", "dunning_item_kind", "parent_state"]
        )
        self.flush_model(["commercial_partner_id", "dunning_avg_days_late"])
        if partner_ids is not None and not partner_ids:
            return self.browse()
        if partner_ids is None:
            paid_scope = SQL("TRUE")
            # everyone: only customers with payments, or a value to clear
            target_scope = SQL("paid.partner_id IS NOT NULL OR target.dunning_avg_days_late <> 0")
        else:
            ids = tuple(partner_ids)
            paid_scope = SQL("customer.commercial_partner_id IN %s", ids)
            target_scope = SQL("target.id IN %s", ids)
        rows = self.env.execute_query(
            SQL(
                """
                WITH paid AS (
                    SELECT customer.commercial_partner_id AS partner_id,
                           ROUND(SUM(GREATEST(pr.max_date - item.date_maturity, 0) * pr.amount)
                                 / NULLIF(SUM(pr.amount), 0), 1) AS days_late
                      FROM account_partial_reconcile pr
                      JOIN account_move_line item ON item.id = pr.debit_move_id
                      JOIN account_move_line payment ON payment.id = pr.credit_move_id
                      JOIN res_partner customer ON customer.id = item.partner_id
                     WHERE pr.max_date > %(start)s AND pr.max_date <= %(today)s
                       AND item.dunning_item_kind = 'invoice'
                       AND item.parent_state = 'posted'
                       AND item.date_maturity IS NOT NULL
                       AND payment.dunning_item_kind IS DISTINCT FROM 'refund'
                       AND %(paid_scope)s
                     GROUP BY customer.commercial_partner_id
                )
                UPDATE res_partner partner
                   SET dunning_avg_days_late = new.days_late
                  FROM (SELECT target.id, COALESCE(paid.days_late, 0) AS days_late
                          FROM res_partner target
                     LEFT JOIN paid ON paid.partner_id = target.id
                         WHERE %(target_scope)s) AS new
                 WHERE partner.id = new.id
                   AND COALESCE(partner.dunning_avg_days_late, 0) <> new.days_late
             RETURNING partner.id
                """,
                start=payment_window_start(today),
                today=today,
                paid_scope=paid_scope,
                target_scope=target_scope,
            )
        )
        changed = self.browse(row[0] for row in rows)
        changed.invalidate_recordset(["dunning_avg_days_late"])
        changed.modified(["dunning_avg_days_late"])
        return changed
