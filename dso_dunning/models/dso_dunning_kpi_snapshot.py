import datetime
import json
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import alert_sql, kpi, kpi_sql
from .dso_dunning_kpi import DIMENSION_FIELDS

_logger = logging.getLogger(__name__)

# The session's temporary table holding the figures of one pass until each
# period is written, and the memory PostgreSQL may use per sort or hash while
# computing them (for this transaction only).
FIGURES_TABLE = "dso_dunning_kpi_figures"
WORK_MEM = "256MB"
# The kinds of period with one row per customer. Weeks have rows per company,
# collector, tag and country only: a customer's DSO week by week says little
# a month does not, and would write 26 rows per customer on each backfill
# (2.6 million on a ledger of 100,000 customers).
CUSTOMER_ROW_KINDS = ("month",)
AMOUNTS = ("opening", "receivable", *kpi.BUCKET_KEYS)
COLUMNS = {
    "dimension": "varchar",
    "value_id": "int4",
    "collector_id": "int4",
    "partner_id": "int4",
    "category_id": "int4",
    "country_id": "int4",
    **dict.fromkeys(AMOUNTS, "numeric"),
    "overdue": "numeric",
    "sales": "numeric",
    **dict.fromkeys(
        (
            "dso",
            "dso_current",
            "dso_overdue",
            "dso_simple",
            "dso_simple_current",
            "dso_simple_overdue",
            "cei",
        ),
        "float8",
    ),
}


class DsoDunningKpiSnapshot(models.AbstractModel):
    """The job writing ``dso.dunning.kpi``: the daily snapshot, and the 12-month backfill.

    A period's rows are computed from the journal alone (receivables as they
    stood on its last day), so the same job backfills history on a ledger
    the addon has never seen and refreshes the current period every day:
    the periods shown (``tools.kpi.SHOWN_PERIODS``) whose rows are missing
    or were computed before the period was over are computed again. The
    journal is read once for all of them (``tools.kpi_sql.period_rows``, into
    a temporary table), then the rows are written one (company, period) per
    batch; rerunning it replaces rows, never adds. Customers have rows for
    months only (``CUSTOMER_ROW_KINDS``); collectors, countries, tags and the
    company for months and weeks.
    """

    _name = "dso.dunning.kpi.snapshot"
    _description = "Collection KPI Snapshots"

    @api.model
    def _stale_periods(self, company, today):
        """The shown periods of ``company`` whose rows need computing, oldest first."""
        periods = [
            period
            for kind, count in kpi.SHOWN_PERIODS.items()
            for period in kpi.periods_until(kind, today, count)
        ]
        Kpi = self.env["dso.dunning.kpi"]
        Kpi.flush_model(["company_id", "period_kind", "date", "dimension", "computed_on"])
        computed = dict(
            self.env.execute_query(
                SQL(
                    """SELECT period_kind || date::text, computed_on FROM %s
                        WHERE company_id = %s AND dimension = 'company' AND date >= %s""",
                    SQL.identifier(Kpi._table),
                    company.id,
                    min(period.start for period in periods),
                )
            )
        )
        stale = []
        for period in periods:
            done = computed.get(period.kind + period.start.isoformat())
            if not done or done < min(today, period.end + datetime.timedelta(days=1)):
                stale.append(period)
        return sorted(stale, key=lambda period: (period.start, period.kind))

    @api.model
    def _read_figures(self, company, periods):
        """Compute the figures of ``periods`` in one pass into the session's ``FIGURES_TABLE``.

        The rows of ``kpi_sql.period_rows`` are kept in PostgreSQL, not in
        memory: each period's are read when it is written (``_figures_of``).
        The table lives as long as the database session: across the
        commits of the cron, dropped when done (``_drop_figures``); one left
        by a crash is replaced by the next run.
        """
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["res.partner"].flush_model()
        # No JIT: compiling took seconds where the query takes a tenth (S).
        # No nested loops: the rows of the CTEs are estimated by the unit, and
        # nested loops over them took 1.3 s of 1.5 (S, one period). Memory
        # for the sums per customer and date to stay in memory (L: 100,000
        # customers, a third of the time otherwise spent spilling to disk).
        # The previous values are put back after the query.
        settings = {"enable_nestloop": "off", "jit": "off", "work_mem": WORK_MEM}
        previous = self.env.execute_query(alert_sql.set_settings(settings, read_previous=True))[0]
        customer_periods = [
            idx for idx, period in enumerate(periods, start=1) if period.kind in CUSTOMER_ROW_KINDS
        ]
        table = SQL.identifier(FIGURES_TABLE)
        self.env.execute_query(SQL("DROP TABLE IF EXISTS %s", table))
        self.env.execute_query(
            SQL(
                "CREATE TEMPORARY TABLE %s AS %s",
                table,
                kpi_sql.period_rows(company.id, periods, customer_periods),
            )
        )
        self.env.execute_query(SQL("CREATE INDEX ON %s (period_idx)", table))
        self.env.execute_query(
            alert_sql.set_settings(dict(zip(settings, previous[::2], strict=True)))
        )

    @api.model
    def _figures_of(self, index):
        """The figures of the ``index``-th period (from 1) of the last ``_read_figures``."""
        rows = self.env.execute_query_dict(
            SQL("SELECT * FROM %s WHERE period_idx = %s", SQL.identifier(FIGURES_TABLE), index)
        )
        for row in rows:
            del row["period_idx"]
        return rows

    @api.model
    def _drop_figures(self):
        self.env.execute_query(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(FIGURES_TABLE)))

    @api.model
    def _period_figures(self, company, periods):
        """The figures of each of ``periods``, read in one pass over the journal."""
        self._read_figures(company, periods)
        figures = {period: self._figures_of(index) for index, period in enumerate(periods, 1)}
        self._drop_figures()
        return figures

    @api.model
    def _compute_period(self, company, period, today):
        """Write the rows of ``company`` for ``period``, replacing those already there.

        Its figures are those ``_snapshot`` read with other periods' (context
        ``dso_kpi_figures``), else read for this period alone.
        """
        slices = kpi.countback_slices(period)
        figures = (self.env.context.get("dso_kpi_figures") or {}).get((company.id, period))
        if figures is None:
            figures = self._period_figures(company, [period])[period]
        rows = [self._prepare_row(period, slices, figure) for figure in figures]
        # the company's row is written even without any figure: it marks the period as done
        if not any(row["dimension"] == "company" for row in rows):
            nothing = dict.fromkeys(AMOUNTS, 0) | {"dimension": "company", "value_id": 0}
            rows.append(self._prepare_row(period, slices, nothing))
        self._store(company, period, today, rows)
        return len(rows)

    @api.model
    def _prepare_row(self, period, slices, figure):
        """The row stored for one dimension value: its figures and ratios."""
        sales = [0.0] * len(slices)
        for index, amount in zip(
            figure.get("sales_idx") or (), figure.get("sales") or (), strict=True
        ):
            sales[index - 1] = float(amount)
        total = {name: float(figure[name]) for name in AMOUNTS}
        figures = kpi.dso_figures(
            total["receivable"],
            total["not_due"],
            [(piece.days, amount) for piece, amount in zip(slices, sales, strict=True)],
        )
        dimension, value = figure["dimension"], figure["value_id"]
        row = {
            "dimension": dimension,
            "value_id": value,
            **{name: round(total[name], 2) for name in AMOUNTS},
            "overdue": round(total["receivable"] - total["not_due"], 2),
            "sales": round(sales[0], 2),
            "dso": figures.countback,
            "dso_current": figures.current,
            "dso_overdue": figures.overdue,
            "dso_simple": figures.simple,
            "dso_simple_current": figures.simple_current,
            "dso_simple_overdue": figures.simple_overdue,
            "cei": kpi.cei(total["opening"], sales[0], total["receivable"], total["not_due"]),
        }
        if dimension in DIMENSION_FIELDS and value:
            row[DIMENSION_FIELDS[dimension]] = value
        if dimension == "customer":
            row["collector_id"] = figure.get("collector_id")
        return row

    @api.model
    def _store(self, company, period, today, rows):
        """Replace the rows of ``company`` and ``period`` by ``rows``, in two statements."""
        Kpi = self.env["dso.dunning.kpi"]
        Kpi.flush_model()
        where = SQL(
            "company_id = %s AND period_kind = %s AND date = %s",
            company.id,
            period.kind,
            period.start,
        )
        self.env.execute_query(SQL("DELETE FROM %s WHERE %s", SQL.identifier(Kpi._table), where))
        columns = SQL(", ").join(SQL.identifier(name) for name in COLUMNS)
        self.env.execute_query(
            SQL(
                """
                INSERT INTO %(table)s (company_id, currency_id, period_kind, date, date_end,
                                       days, computed_on, %(columns)s)
                SELECT %(company)s, %(currency)s, %(kind)s, %(start)s, %(end)s, %(days)s,
                       %(today)s, %(columns)s
                  FROM jsonb_to_recordset(%(rows)s::jsonb) AS kpi(%(types)s)
                """,
                table=SQL.identifier(Kpi._table),
                columns=columns,
                company=company.id,
                currency=company.currency_id.id,
                kind=period.kind,
                start=period.start,
                end=period.end,
                days=period.days,
                today=today,
                rows=json.dumps(rows),
                types=SQL(", ").join(
                    SQL("%s %s", SQL.identifier(name), SQL(kind)) for name, kind in COLUMNS.items()
                ),
            )
        )
        Kpi.invalidate_model()

    @api.model
    def _snapshot(self, companies=None, today=None):
        """Compute every stale period of ``companies``; returns the number of periods done.

        Commits after each period when run by the cron (``_commit_progress``),
        and stops when the cron's time is up: the next run takes the rest.
        """
        today = today or fields.Date.context_today(self)
        # every company with a sales journal, whether it duns or not: its DSO matters
        companies = (
            companies or self.env["account.journal"].search([("type", "=", "sale")]).company_id
        )
        todo = [(company, self._stale_periods(company, today)) for company in companies]
        remaining = sum(len(periods) for _company, periods in todo)
        done = 0
        # outside a cron run (tests, the backfill button) the caller commits
        in_cron = self.env.context.get("ir_cron_progress_id")
        for company, periods in todo:
            if not periods:
                continue
            self._read_figures(company, periods)
            for index, period in enumerate(periods, start=1):
                figures = {(company.id, period): self._figures_of(index)}
                count = self.with_context(dso_kpi_figures=figures)._compute_period(
                    company, period, today
                )
                done += 1
                _logger.info(
                    "KPI snapshot: %s %s %s, %d rows",
                    company.name,
                    period.kind,
                    period.start,
                    count,
                )
                if in_cron and not self.env["ir.cron"]._commit_progress(
                    1, remaining=remaining - done
                ):
                    self._drop_figures()
                    return done
            self._drop_figures()
        return done

    @api.model
    def _cron_snapshot(self):
        self._snapshot()
        self.env["dso.dunning.aged.customer"]._cron_write()
