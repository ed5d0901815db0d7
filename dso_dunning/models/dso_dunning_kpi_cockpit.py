from odoo import api, fields, models
from odoo.tools.misc import format_amount


class DsoDunningKpiTile(models.Model):
    """One tile of the credit manager's cockpit: a headline figure and the report behind it.

    A tile is data: its figure comes from the method ``_tile_<code>``
    (returning the figure and a comment line), its click opens the window
    action ``action_xmlid`` (collectors landing on their own portfolio). A
    new report adds a tile with a record and one method.
    """

    _name = "dso.dunning.kpi.tile"
    _description = "Cockpit Tile"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, help="Its figure is computed by the method _tile_<code>.")
    action_xmlid = fields.Char(string="Report", required=True)
    value = fields.Char(string="Figure", compute="_compute_value")
    comment = fields.Char(compute="_compute_value")

    _code_unique = models.Constraint("UNIQUE (code)", "A cockpit tile's code is unique.")

    @api.depends_context("company", "lang")
    def _compute_value(self):
        for tile in self:
            tile.value, tile.comment = getattr(tile, f"_tile_{tile.code}")()

    def action_open(self):
        """The report behind the tile; a report with its own opening (the
        forecast says when it was computed) names a server action."""
        self.ensure_one()
        action = self.env.ref(self.action_xmlid)
        if action._name == "ir.actions.server":
            return action.with_context(active_id=False, active_ids=[]).run()
        return self.env["dso.dunning.kpi"]._action_open_report(self.action_xmlid)

    # ------------------------------------------------------------------
    # The figures: (figure, comment) of the current company
    # ------------------------------------------------------------------

    def _company_rows(self, kind="month", limit=13):
        """The company's rows of the last ``limit`` periods of ``kind``, latest first."""
        return self.env["dso.dunning.kpi"].search(
            [
                ("dimension", "=", "company"),
                ("period_kind", "=", kind),
                ("company_id", "=", self.env.company.id),
            ],
            order="date desc",
            limit=limit,
        )

    def _days(self, days):
        return self.env._("%(days)s days", days=round(days or 0.0))

    def _no_figure(self):
        return "-", self.env._("No snapshot yet: the daily job writes the first tonight.")

    def _tile_dso(self):
        rows = self._company_rows()
        if not rows:
            return self._no_figure()
        now, year_ago = rows[0], rows[-1]
        return self._days(now.dso), self.env._(
            "Current %(current)s · overdue %(overdue)s · a year ago %(before)s",
            current=self._days(now.dso_current),
            overdue=self._days(now.dso_overdue),
            before=self._days(year_ago.dso),
        )

    def _tile_dso_simple(self):
        rows = self._company_rows()
        if not rows:
            return self._no_figure()
        last = rows[1:2] or rows[:1]
        return self._days(last.dso_simple), self.env._(
            "Last whole month: receivables ÷ sales × %(days)s days", days=last.days
        )

    def _tile_aged(self):
        rows = self._company_rows(limit=1)
        if not rows:
            return self._no_figure()
        currency = rows.currency_id
        share = rows.overdue / rows.receivable * 100 if rows.receivable else 0.0
        return format_amount(self.env, rows.overdue, currency), self.env._(
            "Overdue, %(share)s%% of %(total)s; over 90 days: %(old)s",
            share=round(share),
            total=format_amount(self.env, rows.receivable, currency),
            old=format_amount(self.env, rows.late_over_90, currency),
        )

    def _tile_forecast(self):
        """Cash expected in the next four weeks, from the forecast's last computation.

        Read as it is (written nightly, or by its job when the report is
        opened on an older one): the cockpit never computes it.
        """
        today = fields.Date.context_today(self)
        forecast = self.env["dso.dunning.forecast"]
        company = [("company_id", "=", self.env.company.id)]
        if not forecast.search_count(company, limit=1):
            return "-", self.env._("No forecast yet: open the report to compute it.")
        horizon = fields.Date.add(today, days=27)
        [[expected]] = forecast._read_group(
            [*company, ("off_forecast", "=", False), ("date", "<=", horizon)],
            aggregates=["amount:sum"],
        )
        [[off]] = forecast._read_group(
            [*company, ("off_forecast", "=", True)], aggregates=["amount:sum"]
        )
        currency = self.env.company.currency_id
        return format_amount(self.env, expected, currency), self.env._(
            "Expected in the next 4 weeks; off forecast (broken promises): %(off)s",
            off=format_amount(self.env, off, currency),
        )

    def _tile_promise_kept(self):
        """Share of the promises and payment plans closed in the last 90 days
        that were kept: the collector summary's own measure, over the company."""
        since = fields.Date.subtract(fields.Date.context_today(self), days=90)
        [[rate, closed]] = self.env["dso.dunning.collector.summary"]._read_group(
            [
                ("fact", "=", "promise"),
                ("company_id", "=", self.env.company.id),
                ("date", ">=", since),
            ],
            aggregates=["promise_kept:avg", "__count"],
        )
        if not closed:
            return "-", self.env._("No promise closed in the last 90 days.")
        return f"{round(rate or 0.0)} %", self.env._(
            "Promises and payment plans closed in the last 90 days: %(count)s", count=closed
        )

    def _tile_cei(self):
        rows = self._company_rows(limit=2)
        if len(rows) < 2:
            return self._no_figure()
        return f"{round(rows[1].cei or 0.0)} %", self.env._(
            "Last whole month; this month to date: %(cei)s %%", cei=round(rows[0].cei or 0.0)
        )
