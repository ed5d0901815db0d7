from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.action_states import EXECUTED_STATES
from ..tools.collection_kpi import collector_sql
from ..tools.commitments import BROKEN_STATES, PAYMENT_KINDS, RUNNING_STATES
from ..tools.report_actions import report_action

# Measure columns and their SQL types; each fact fills a few, the others are NULL.
MEASURES = {
    "overdue_amount": "numeric",
    "action_count": "int4",
    "email_count": "int4",
    "sms_count": "int4",
    "letter_count": "int4",
    "call_count": "int4",
    "cash_collected": "numeric",
    "dispute_count": "int4",
    "dispute_amount": "numeric",
    "promise_kept": "numeric",
}
FACTS = [
    ("overdue", "Overdue Today"),
    ("action", "Action Done"),
    ("cash", "Cash Collected"),
    ("dispute", "Open Dispute"),
    ("promise", "Promise Closed"),
]


class DsoDunningCollectorSummary(models.Model):
    """One fact of a collector's work, dated: what the per-collector summary adds up.

    Facts: a customer's overdue amount today, an action executed, a payment
    matched to a customer's item, a dispute still open, a promise to pay (or
    a payment plan) closed kept or not. Grouped by collector over a period
    (the date), the sums and the average give overdue, actions done by
    channel, cash collected, open disputes and the promise-kept rate. The
    collector of an action is the action's; of every other fact, the
    customer's collector today. A SQL view read at query time.
    """

    _name = "dso.dunning.collector.summary"
    _description = "Dunning Collector Summary"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        "dso.dunning.figure": ["dunning_overdue_amount", "partner_id", "company_id"],
        "dso.dunning.action": ["state", "executed_date", "collector_id", "partner_id"],
        "dso.dunning.commitment": ["state", "kind", "amount", "date_closed", "partner_id"],
        "account.partial.reconcile": ["amount", "max_date", "debit_move_id", "credit_move_id"],
        "res.partner": ["dunning_collector_id", "user_id"],
        "res.company": ["dunning_default_collector_id", "currency_id"],
    }

    date = fields.Date(readonly=True)
    fact = fields.Selection(FACTS, readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    action_count = fields.Integer(string="Actions Done", readonly=True)
    email_count = fields.Integer(string="Emails", readonly=True)
    sms_count = fields.Integer(string="Text Messages", readonly=True)
    letter_count = fields.Integer(string="Letters", readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    cash_collected = fields.Monetary(readonly=True)
    dispute_count = fields.Integer(string="Open Disputes", readonly=True)
    dispute_amount = fields.Monetary(string="Amount in Dispute", readonly=True)
    promise_kept = fields.Float(
        string="Promises Kept (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Share of the promises to pay and payment plans closed in the period that were "
        "kept (partially kept and broken ones count as not kept).",
    )

    @api.model
    def action_open_summary(self):
        return report_action(self.env, "dso_dunning.dso_dunning_collector_summary_action")

    @api.model
    def action_open_promise_rate(self):
        return report_action(self.env, "dso_dunning.dso_dunning_promise_rate_action")

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT facts.*, company.currency_id
              FROM (%(overdue)s UNION ALL %(actions)s UNION ALL %(cash)s
                    UNION ALL %(disputes)s UNION ALL %(promises)s) facts
              JOIN res_company company ON company.id = facts.company_id
            """,
            overdue=self._facts(
                "overdue",
                date=SQL("%s::date", today),
                collector=collector_sql("partner", "company"),
                values={
                    "id": SQL("figure.id"),
                    "overdue_amount": SQL("figure.dunning_overdue_amount"),
                },
                source=SQL(
                    """dso_dunning_figure figure
                       JOIN res_partner partner ON partner.id = figure.partner_id
                       JOIN res_company company ON company.id = figure.company_id
                      WHERE figure.dunning_overdue_amount > 0"""
                ),
                partner=SQL("figure.partner_id"),
                company=SQL("figure.company_id"),
            ),
            actions=self._facts(
                "action",
                date=SQL("a.executed_date::date"),
                collector=SQL("a.collector_id"),
                values={
                    "id": SQL("a.id"),
                    "action_count": SQL("1"),
                    "email_count": SQL("a.channel_email::int"),
                    "sms_count": SQL("a.channel_sms::int"),
                    "letter_count": SQL("a.channel_letter::int"),
                    "call_count": SQL("a.channel_call::int"),
                },
                source=SQL(
                    "dso_dunning_action a WHERE a.state IN %s AND a.executed_date IS NOT NULL",
                    EXECUTED_STATES,
                ),
                partner=SQL("a.partner_id"),
                company=SQL("a.company_id"),
            ),
            cash=self._facts(
                "cash",
                date=SQL("pr.max_date"),
                collector=collector_sql("partner", "company"),
                values={"id": SQL("pr.id"), "cash_collected": SQL("pr.amount")},
                source=SQL(
                    """account_partial_reconcile pr
                       JOIN account_move_line item ON item.id = pr.debit_move_id
                       JOIN account_move_line payment ON payment.id = pr.credit_move_id
                       JOIN res_partner customer ON customer.id = item.partner_id
                       JOIN res_partner partner ON partner.id = customer.commercial_partner_id
                       JOIN res_company company ON company.id = item.company_id
                      WHERE item.dunning_item_kind IS NOT NULL
                        AND payment.dunning_item_kind IS DISTINCT FROM 'refund'"""
                ),
                partner=SQL("partner.id"),
                company=SQL("item.company_id"),
            ),
            disputes=self._facts(
                "dispute",
                date=SQL("c.date"),
                collector=collector_sql("partner", "company"),
                values={
                    "id": SQL("c.id"),
                    "dispute_count": SQL("1"),
                    "dispute_amount": SQL("c.amount"),
                },
                source=SQL(
                    """dso_dunning_commitment c
                       JOIN res_partner partner ON partner.id = c.partner_id
                       JOIN res_company company ON company.id = c.company_id
                      WHERE c.kind = 'dispute' AND c.state IN %s""",
                    RUNNING_STATES,
                ),
                partner=SQL("c.partner_id"),
                company=SQL("c.company_id"),
            ),
            promises=self._facts(
                "promise",
                date=SQL("c.date_closed"),
                collector=collector_sql("partner", "company"),
                values={
                    "id": SQL("c.id"),
                    "promise_kept": SQL("CASE WHEN c.state = 'kept' THEN 100.0 ELSE 0.0 END"),
                },
                source=SQL(
                    """dso_dunning_commitment c
                       JOIN res_partner partner ON partner.id = c.partner_id
                       JOIN res_company company ON company.id = c.company_id
                      WHERE c.kind IN %s AND c.state IN %s""",
                    PAYMENT_KINDS,
                    ("kept", *BROKEN_STATES),
                ),
                partner=SQL("c.partner_id"),
                company=SQL("c.company_id"),
            ),
        )

    def _facts(self, fact, date, collector, values, source, partner, company):
        """SELECT of one kind of fact: every measure column, NULL where it does not apply.

        Its id is the id of the row it comes from, made unique across facts.
        """
        index = [key for key, _label in FACTS].index(fact)
        return SQL(
            "(SELECT %s::int8 * %s + %s AS id, %s::date AS date, %s::varchar AS fact, "
            "%s::int4 AS collector_id, %s::int4 AS partner_id, %s::int4 AS company_id, %s "
            "FROM %s)",
            values.pop("id"),
            len(FACTS),
            index,
            date,
            fact,
            collector,
            partner,
            company,
            SQL(", ").join(
                SQL(
                    "(%s)::%s AS %s",
                    values.get(name, SQL("NULL")),
                    SQL(sql_type),
                    SQL.identifier(name),
                )
                for name, sql_type in MEASURES.items()
            ),
            source,
        )
