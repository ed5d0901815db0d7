from datetime import datetime, time

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

from ..tools import stored_rows
from ..tools.collection_kpi import FORECAST_SOURCES, collector_sql
from ..tools.commitments import BROKEN_STATES, PAYMENT_KINDS, RUNNING_STATES
from ..tools.report_actions import report_action


class DsoDunningForecast(models.Model):
    """One expected collection: an amount of one customer expected on a date.

    Each open invoice item is expected once, by what governs it: a running
    promise (on its date), a running payment plan (its pending instalments,
    on their dates, in place of its items), a running dispute (its due date
    plus the average resolution time of its type), else its due date
    shifted by the customer's average days late. Nothing is expected
    before today. An item of a broken promise has no date: it is shown off
    forecast. Rows are written set-based: a company's whole forecast every
    night (or by the forecast job, woken when the report is opened on a
    forecast not yet written today), a customer's rows whenever it is
    planned again (a payment, through the ledger refresh; a promise, a
    dispute).
    """

    _name = "dso.dunning.forecast"
    _inherit = ["dso.dunning.company.currency.mixin"]
    _description = "Dunning Cash Forecast"
    # The customer's id, not its name: every overdue item is expected today
    # (95 % of the rows of a large ledger), so ordering by name would sort
    # them all before showing the first page; the index below serves this one.
    _order = "date, partner_id.id, id"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Expected On", readonly=True)
    week = fields.Date(readonly=True, help="Monday of the week the amount is expected (ISO weeks).")
    source = fields.Selection(FORECAST_SOURCES, required=True, readonly=True)
    off_forecast = fields.Boolean(
        readonly=True, help="A broken promise: no date can be expected for its items."
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    collector_id = fields.Many2one("res.users", readonly=True, index=True)
    move_line_id = fields.Many2one("account.move.line", string="Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    commitment_id = fields.Many2one("dso.dunning.commitment", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    delay_days = fields.Float(
        string="Days Added",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Days added to the due date: the customer's average days late, or the "
        "average resolution time of the dispute's type.",
    )
    amount = fields.Monetary(string="Expected Amount", readonly=True)
    computed_at = fields.Datetime(readonly=True)

    _date_partner_idx = models.Index("(date, partner_id, id)")

    @api.model
    def action_open_forecast(self):
        """The forecast of the user's companies as last written, at once.

        A forecast not yet written today is left to the forecast job, woken
        here: the menu never waits on a whole writing (a minute for 100,000
        customers); the title says when the rows shown were computed.
        """
        action = report_action(self.env, "dso_dunning.dso_dunning_forecast_action")
        today = fields.Date.context_today(self)
        companies = self.env.companies.sudo()
        stale = any(self._is_stale(company, today) for company in companies)
        if stale:
            self.env.ref("dso_dunning.ir_cron_dso_dunning_forecast").sudo()._trigger()
        stamps = companies.mapped("dunning_forecast_computed_at")
        if not all(stamps):
            action["name"] = self.env._("Cash Forecast (being computed)")
            action["help"] = Markup('<p class="o_view_nocontent_smiling_face">%s</p>') % (
                self.env._("The forecast is being computed: reload this page in a few minutes.")
            )
            return action
        when = format_datetime(self.env, min(stamps), dt_format="short")
        if stale:
            action["name"] = self.env._(
                "Cash Forecast (computed %(when)s, being updated)", when=when
            )
        else:
            action["name"] = self.env._("Cash Forecast (computed %(when)s)", when=when)
        return action

    @api.model
    def _compute_forecast(self, companies, partner_ids=None, only_stale=False):
        """Write the forecast of ``companies`` again: one delete and one insert each.

        ``partner_ids``: only these customers' rows (the planning of a few
        customers, by the ledger refresh); ``None``: every customer.
        ``only_stale``: only the companies whose forecast was not written
        whole today. A transaction-level advisory lock per company keeps two
        writers from writing rows twice; a whole forecast asked for while
        another one is being written is left to that one.
        """
        if partner_ids is not None and not partner_ids:
            return
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        self.env.flush_all()
        for company in companies.sudo():
            if only_stale and not self._is_stale(company, today):
                continue
            # a whole forecast asked for while another one is being written is left to it
            if not stored_rows.lock_company(
                self.env, self._table, company.id, wait=partner_ids is not None
            ):
                continue
            stored_rows.delete_company_rows(self.env, self._table, company.id, partner_ids)
            self.env.execute_query(self._forecast_query(company, today, now, partner_ids))
            if partner_ids is None:
                company.dunning_forecast_computed_at = now
        self.invalidate_model()

    def _is_stale(self, company, today):
        """Whether the forecast of ``company`` was last written whole before today.

        Read from the company (stamped by each whole writing), not from the
        rows: the menu asks it, and the oldest of 800,000 rows costs a scan.
        """
        computed_at = company.sudo().dunning_forecast_computed_at
        return not computed_at or computed_at.date() < today

    def _forecast_query(self, company, today, now, partner_ids=None):
        """INSERT of the forecast rows of ``company`` as of ``today`` (of ``partner_ids``)."""
        items_scope = plans_scope = SQL("TRUE")
        if partner_ids is not None:
            items_scope = SQL("customer.commercial_partner_id IN %s", tuple(partner_ids))
            plans_scope = SQL("plan.partner_id IN %s", tuple(partner_ids))
        return SQL(
            """
            WITH items AS (
                SELECT ml.id, ml.move_id, ml.date_maturity, ml.amount_residual,
                       customer.commercial_partner_id AS partner_id
                  FROM account_move_line ml
                  JOIN res_partner customer ON customer.id = ml.partner_id
                 WHERE ml.company_id = %(company)s
                   AND ml.parent_state = 'posted'
                   AND ml.dunning_item_kind IS NOT NULL
                   AND ml.reconciled IS NOT TRUE
                   AND ml.amount_residual <> 0 AND ml.amount_residual > 0
                   AND %(items_scope)s
            ),
            cover AS (
                -- the commitment governing each item: a running one, else a broken promise
                SELECT DISTINCT ON (rel.move_line_id) rel.move_line_id, c.id, c.kind,
                       c.date, c.dispute_type_id, c.state IN %(running)s AS running
                  FROM dso_dunning_commitment_move_line_rel rel
                  JOIN dso_dunning_commitment c ON c.id = rel.commitment_id
                 WHERE c.company_id = %(company)s
                   AND (c.state IN %(running)s
                        OR (c.kind IN %(payment_kinds)s AND c.state IN %(broken)s))
                 ORDER BY rel.move_line_id, c.state IN %(running)s DESC, c.id DESC
            ),
            resolved AS (
                SELECT dispute_type_id, resolution_days
                  FROM dso_dunning_commitment
                 WHERE company_id = %(company)s AND kind = 'dispute' AND state = 'resolved'
            ),
            by_type AS (
                SELECT dispute_type_id, AVG(resolution_days) AS days
                  FROM resolved GROUP BY dispute_type_id
            ),
            expected AS (
                SELECT items.id AS move_line_id, items.move_id, items.partner_id,
                       items.date_maturity, items.amount_residual AS amount,
                       cover.id AS commitment_id,
                       CASE
                           WHEN cover.id IS NULL THEN 'due'
                           WHEN NOT cover.running THEN 'broken'
                           ELSE cover.kind
                       END AS source,
                       CASE
                           WHEN cover.id IS NULL THEN COALESCE(partner.dunning_avg_days_late, 0)
                           WHEN cover.kind = 'dispute' THEN
                               COALESCE(
                                   by_type.days,
                                   (SELECT AVG(resolution_days) FROM resolved),
                                   0
                               )
                       END AS delay_days,
                       cover.date AS promised_on
                  FROM items
                  JOIN res_partner partner ON partner.id = items.partner_id
             LEFT JOIN cover ON cover.move_line_id = items.id
             LEFT JOIN by_type ON by_type.dispute_type_id = cover.dispute_type_id
                 WHERE cover.kind IS DISTINCT FROM 'plan' OR NOT cover.running
            )
            INSERT INTO dso_dunning_forecast (
                company_id, date, week, source, off_forecast, partner_id, collector_id,
                move_line_id, move_id, commitment_id, date_maturity, delay_days, amount,
                computed_at)
            SELECT %(company)s, dated.date, date_trunc('week', dated.date)::date,
                   expected.source, expected.source = 'broken', expected.partner_id,
                   %(collector)s, expected.move_line_id, expected.move_id,
                   expected.commitment_id, expected.date_maturity, expected.delay_days,
                   expected.amount, %(now)s
              FROM expected
              JOIN LATERAL (
                   SELECT CASE
                              WHEN expected.source = 'broken' THEN NULL
                              WHEN expected.source = 'promise' THEN GREATEST(
                                  COALESCE(expected.promised_on, expected.date_maturity),
                                  %(today)s
                              )
                              ELSE GREATEST(
                                  expected.date_maturity + ROUND(expected.delay_days)::int4,
                                  %(today)s
                              )
                          END AS date
                   ) dated ON TRUE
              JOIN res_partner partner ON partner.id = expected.partner_id
              JOIN res_company company ON company.id = %(company)s
            UNION ALL
            -- running payment plans: their pending instalments, on their dates
            SELECT %(company)s, GREATEST(instalment.date, %(today)s),
                   date_trunc('week', GREATEST(instalment.date, %(today)s))::date, 'plan',
                   FALSE, plan.partner_id, %(collector)s, NULL, NULL, plan.id, NULL,
                   NULL, instalment.amount, %(now)s
              FROM dso_dunning_commitment_instalment instalment
              JOIN dso_dunning_commitment plan ON plan.id = instalment.commitment_id
              JOIN res_partner partner ON partner.id = plan.partner_id
              JOIN res_company company ON company.id = %(company)s
             WHERE plan.company_id = %(company)s AND plan.kind = 'plan'
               AND plan.state IN %(running)s AND instalment.state = 'pending'
               AND %(plans_scope)s
            """,
            company=company.id,
            today=today,
            now=now,
            running=RUNNING_STATES,
            broken=BROKEN_STATES,
            payment_kinds=PAYMENT_KINDS,
            collector=collector_sql("partner", "company"),
            items_scope=items_scope,
            plans_scope=plans_scope,
        )

    @api.model
    def _cron_compute_forecast(self):
        """Write the forecast of every company not yet written today.

        Woken when the report is opened before the nightly planning wrote
        it; its own daily run keeps the companies without daily planning.
        """
        today = fields.Date.context_today(self)
        stale = self.env["res.company"].search(
            [
                "|",
                ("dunning_forecast_computed_at", "=", False),
                ("dunning_forecast_computed_at", "<", datetime.combine(today, time.min)),
            ]
        )
        self._compute_forecast(stale, only_stale=True)
