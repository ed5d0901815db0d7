from odoo import api, fields, models

from ..tools.kpi import AGED_BUCKETS
from ..tools.report_actions import report_action

DIMENSIONS = [
    ("company", "Company"),
    ("collector", "Collector"),
    ("customer", "Customer"),
    ("tag", "Customer Tag"),
    ("country", "Country"),
]
# The many2one holding the value of each dimension (none for the company).
DIMENSION_FIELDS = {
    "collector": "collector_id",
    "customer": "partner_id",
    "tag": "category_id",
    "country": "country_id",
}
BUCKET_LABELS = {
    "not_due": "Not Due",
    "late_1_30": "1-30 Days Late",
    "late_31_60": "31-60 Days Late",
    "late_61_90": "61-90 Days Late",
    "late_over_90": "Over 90 Days Late",
}
assert set(BUCKET_LABELS) == {key for key, _low, _high in AGED_BUCKETS}


class DsoDunningKpi(models.Model):
    """The collection KPIs of one period for one value of one dimension.

    One row per company, period (calendar month or ISO week, the current one
    to date), dimension (the whole company, a collector, a customer, a
    customer tag, a country) and value of it. Countback DSO and CEI do not
    add up: a total is never the sum of its parts, so each dimension value
    has its own row, written by the snapshot job (``dso.dunning.kpi.snapshot``)
    and read as it is by lists, graphs and pivots: filter on one dimension
    and one kind of period, then group by period or by value.
    """

    _name = "dso.dunning.kpi"
    _description = "Collection KPIs"
    _order = "date desc, dimension, receivable desc"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    period_kind = fields.Selection(
        [("month", "Month"), ("week", "Week")], string="Period", required=True, readonly=True
    )
    date = fields.Date(string="Period Start", required=True, readonly=True)
    date_end = fields.Date(
        string="Period End", readonly=True, help="Today for the current period (to date)."
    )
    days = fields.Integer(string="Days in Period", readonly=True, aggregator="max")
    computed_on = fields.Date(readonly=True, aggregator="max")
    dimension = fields.Selection(DIMENSIONS, required=True, readonly=True)
    value_id = fields.Integer(
        readonly=True, aggregator=None, help="Id of the dimension's value (0: none)."
    )
    collector_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="The collector of the row, or of the customer of a customer row.",
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("res.partner.category", string="Customer Tag", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    opening = fields.Monetary(string="Opening Receivables", readonly=True)
    receivable = fields.Monetary(string="Receivables", readonly=True)
    overdue = fields.Monetary(readonly=True)
    sales = fields.Monetary(string="Credit Sales", readonly=True)
    not_due = fields.Monetary(string=BUCKET_LABELS["not_due"], readonly=True)
    late_1_30 = fields.Monetary(string=BUCKET_LABELS["late_1_30"], readonly=True)
    late_31_60 = fields.Monetary(string=BUCKET_LABELS["late_31_60"], readonly=True)
    late_61_90 = fields.Monetary(string=BUCKET_LABELS["late_61_90"], readonly=True)
    late_over_90 = fields.Monetary(string=BUCKET_LABELS["late_over_90"], readonly=True)
    dso = fields.Float(string="DSO (Countback)", digits=(16, 1), readonly=True, aggregator="avg")
    dso_current = fields.Float(
        string="Current DSO", digits=(16, 1), readonly=True, aggregator="avg"
    )
    dso_overdue = fields.Float(
        string="Overdue DSO", digits=(16, 1), readonly=True, aggregator="avg"
    )
    dso_simple = fields.Float(
        string="DSO (Simple)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    dso_simple_current = fields.Float(
        string="Current DSO (Simple)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    dso_simple_overdue = fields.Float(
        string="Overdue DSO (Simple)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    cei = fields.Float(string="CEI (%)", digits=(16, 1), readonly=True, aggregator="avg")

    _row_unique = models.Constraint(
        "UNIQUE (company_id, period_kind, date, dimension, value_id)",
        "A period has one row per dimension value.",
    )
    # The first page of every KPI view: one dimension, one kind of period, the latest first.
    _first_page_idx = models.Index("(dimension, period_kind, date DESC, company_id)")
    _collector_idx = models.Index("(collector_id, period_kind, date DESC)")

    @api.depends("dimension", "date", "period_kind")
    def _compute_display_name(self):
        labels = dict(DIMENSIONS)
        for row in self:
            value = row[DIMENSION_FIELDS[row.dimension]] if row.dimension != "company" else None
            name = value.display_name if value else row.company_id.name or labels[row.dimension]
            row.display_name = f"{name} · {row.date}"

    @api.model
    def _action_open_report(self, xmlid):
        """Window action of a KPI report: a collector lands on "My Portfolio"."""
        return report_action(self.env, xmlid, mine="my_portfolio", drop=("company_rows",))
