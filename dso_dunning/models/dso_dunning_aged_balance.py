from odoo import fields, models
from odoo.tools import SQL

from ..tools import alert_sql, kpi_sql
from .dso_dunning_kpi import BUCKET_LABELS

# The context key holding the date the aged balance is taken at (default: today).
AS_OF_KEY = "dso_aged_as_of"


class DsoDunningAgedBalance(models.Model):
    """One open receivable item in the aged balance, as it stood on a date.

    A SQL view read at query time: today, the journal's residuals; "as of" a
    past date (``dso_aged_as_of`` in the context, set by the wizard), the
    residual on that date: reconciliations dated later (payments, credit
    notes, write-offs) are ignored and items posted later are left out.
    """

    _name = "dso.dunning.aged.balance"
    _description = "Aged Balance"
    _auto = False
    _order = "date_maturity, id"
    _depends = {
        "account.move.line": [
            "balance",
            "amount_residual",
            "reconciled",
            "date",
            "date_maturity",
            "partner_id",
            "company_id",
            "parent_state",
            "account_id",
        ],
        "account.partial.reconcile": ["amount", "max_date", "debit_move_id", "credit_move_id"],
        "res.partner": ["country_id", "user_id", "dunning_collector_id"],
    }

    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    as_of = fields.Date(readonly=True, aggregator=None)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_late = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(list(BUCKET_LABELS.items()), string="Age", readonly=True)
    residual = fields.Monetary(string="Balance", readonly=True)
    not_due = fields.Monetary(string=BUCKET_LABELS["not_due"], readonly=True)
    late_1_30 = fields.Monetary(string=BUCKET_LABELS["late_1_30"], readonly=True)
    late_31_60 = fields.Monetary(string=BUCKET_LABELS["late_31_60"], readonly=True)
    late_61_90 = fields.Monetary(string=BUCKET_LABELS["late_61_90"], readonly=True)
    late_over_90 = fields.Monetary(string=BUCKET_LABELS["late_over_90"], readonly=True)

    def _as_of(self):
        today = fields.Date.context_today(self)
        as_of = fields.Date.to_date(self.env.context.get(AS_OF_KEY)) or today
        return min(as_of, today)

    @property
    def _table_query(self):
        as_of = self._as_of()
        # No JIT for this transaction: the estimates of the journal's rows pass
        # its threshold, and compiling costs seconds where the query takes less.
        self.env.execute_query(alert_sql.set_settings({"jit": "off"}))
        joins, collector = kpi_sql.collector_joins("partner", "company")
        return SQL(
            """
            SELECT item.id, item.id AS move_line_id, item.move_id, item.partner_id,
                   item.company_id, company.currency_id, partner.country_id,
                   %(collector)s AS collector_id, %(as_of)s::date AS as_of,
                   item.date, item.due AS date_maturity, item.days_late,
                   %(bucket)s AS bucket, item.residual, %(bucket_amounts)s
              FROM (%(items)s) item
              JOIN res_partner partner ON partner.id = item.partner_id
              JOIN res_company company ON company.id = item.company_id
              %(collector_joins)s
             WHERE item.residual != 0
            """,
            collector=collector,
            collector_joins=joins,
            as_of=as_of,
            bucket=kpi_sql.bucket_case(SQL("item.days_late")),
            bucket_amounts=SQL(", ").join(
                SQL("%s AS %s", amount, SQL.identifier(key))
                for key, amount in kpi_sql.bucket_amounts("item")
            ),
            # read per customer (the drill-down of the aged balance per customer)
            items=kpi_sql.open_items_on(as_of, fields.Date.context_today(self), per_item=True),
        )
