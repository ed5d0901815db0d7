"""Benchmark rows of the collection KPIs (issue 22): the snapshot job and each KPI view.

The first page of a view is read as the web client reads it: the records of
a list (80, with its fields), the groups of a graph or a pivot. The KPI rows
the views read are written once by the snapshot job and committed (not
timed; only the periods missing or stale are computed, as the daily job does).
"""

import datetime

from odoo.fields import Date
from odoo.tools import SQL


def _commit_snapshot(registry):
    """The rows the views read: computed (what is missing or stale) and committed."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["dso.dunning.kpi.snapshot"]._snapshot(companies=env.company)


def _empty(env):
    """No KPI row yet: the database right after the install."""
    env.execute_query(SQL("DELETE FROM %s", SQL.identifier(env["dso.dunning.kpi"]._table)))


def backfill(env, _state):
    """Twelve months and 26 weeks from an empty table: the first run after the install."""
    return env["dso.dunning.kpi.snapshot"]._snapshot(companies=env.company)


def _daily_setup(env):
    """The rows of the current month and week made stale, as every morning."""
    from odoo.addons.dso_dunning.tools import kpi as rules

    today = Date.context_today(env["dso.dunning.kpi"])
    starts = [rules.period_start(kind, today) for kind in ("month", "week")]
    env["dso.dunning.kpi"].search(
        [("date", "in", starts), ("date_end", "=", today)]
    ).computed_on = today - datetime.timedelta(days=1)


def daily(env, _state):
    """What the daily run computes: the current month and week, to date, in one pass."""
    return env["dso.dunning.kpi.snapshot"]._snapshot(companies=env.company)


def _list_spec(env, model, xmlid):
    view = env.ref(xmlid)
    fields = env[model].get_views([(view.id, "list")])["models"][model]["fields"]
    return {
        name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
        for name, field in fields.items()
    }


def _today_domain(env):
    return [("date_end", "=", Date.context_today(env["dso.dunning.kpi"]))]


def dso_trend_graph(env, _state):
    groups = env["dso.dunning.kpi"].formatted_read_group(
        [("dimension", "=", "company"), ("period_kind", "=", "month")],
        ["date:month"],
        ["dso:avg"],
    )
    return len(groups)


def per_customer_list(env, _state):
    spec = _list_spec(env, "dso.dunning.kpi", "dso_dunning.dso_dunning_kpi_view_list")
    page = env["dso.dunning.kpi"].web_search_read(
        [("dimension", "=", "customer"), ("period_kind", "=", "month"), *_today_domain(env)],
        spec,
        limit=80,
        order="receivable desc",
        count_limit=10001,
    )
    return len(page["records"])


def aged_by_collector_pivot(env, _state):
    groups = env["dso.dunning.kpi"].formatted_read_group(
        [("dimension", "=", "collector"), ("period_kind", "=", "month"), *_today_domain(env)],
        ["collector_id"],
        ["not_due:sum", "late_1_30:sum", "late_31_60:sum", "late_61_90:sum", "late_over_90:sum"],
    )
    return len(groups)


AGED_SUMS = ["not_due:sum", "late_1_30:sum", "late_31_60:sum", "late_61_90:sum"]


def _aged_rows(env, as_of):
    """The aged balance per customer on ``as_of`` (None: today) written, as the menu does first."""
    Aged = env["dso.dunning.aged.customer"]
    as_of = Date.to_date(as_of) or Date.context_today(Aged)
    Aged._write_rows(env.company, as_of)
    return as_of


def aged_write(env, as_of):
    """The rows of every customer written: the nightly job (today) or the wizard (a past date)."""
    Aged = env["dso.dunning.aged.customer"]
    as_of = Date.to_date(as_of) or Date.context_today(Aged)
    Aged._write_rows(env.company, as_of)
    return Aged.search_count([("as_of", "=", as_of)])


def aged_customer_pivot(env, as_of):
    """The pivot by collector as the web client reads it: each amount also summed in the
    company currency, with the currencies met (``pivot_model.js``), then the total row."""
    measures = [*AGED_SUMS, "late_over_90:sum", "residual:sum"]
    client = ["currency_id:array_agg_distinct"] + [
        f"{spec.split(':')[0]}:sum_currency" for spec in measures
    ]
    Aged = env["dso.dunning.aged.customer"]
    domain = [("as_of", "=", as_of)]
    groups = Aged.formatted_read_group(domain, ["collector_id"], [*measures, *client])
    Aged.formatted_read_group(domain, [], [*measures, *client])
    return len(groups)


def aged_customer_list(env, as_of):
    Aged = env["dso.dunning.aged.customer"]
    spec = _list_spec(env, Aged._name, "dso_dunning.dso_dunning_aged_customer_view_list")
    page = Aged.web_search_read([("as_of", "=", as_of)], spec, limit=80, count_limit=10001)
    return len(page["records"])


def _customer_with_most_items(env, as_of):
    [[partner_id]] = env.execute_query(
        SQL(
            """SELECT partner_id FROM account_move_line
                WHERE NOT reconciled AND amount_residual > 0 AND partner_id IS NOT NULL
             GROUP BY partner_id ORDER BY COUNT(*) DESC LIMIT 1"""
        )
    )
    return as_of, partner_id


def aged_customer_items(env, state):
    """The drill-down: one customer's items list, first page, as of the row's date."""
    as_of, partner_id = state
    Items = env["dso.dunning.aged.balance"].with_context(dso_aged_as_of=as_of)
    spec = _list_spec(env, Items._name, "dso_dunning.dso_dunning_aged_balance_view_list")
    page = Items.web_search_read(
        [("partner_id", "child_of", partner_id), ("company_id", "=", env.company.id)],
        spec,
        limit=80,
        count_limit=10001,
    )
    return len(page["records"])


def _refresh_setup(env):
    """Today's rows written, and the 500 customers a ledger refresh batch plans again."""
    _aged_rows(env, None)
    return [
        row[0]
        for row in env.execute_query(
            SQL("SELECT DISTINCT partner_id FROM dso_dunning_aged_customer LIMIT 500")
        )
    ]


def aged_refresh(env, partner_ids):
    env["dso.dunning.aged.customer"]._refresh_customers(env.company, partner_ids)
    return len(partner_ids)


def cockpit(env, _state):
    tiles = env["dso.dunning.kpi.tile"].web_search_read(
        [], {"name": {}, "value": {}, "comment": {}}
    )
    return len(tiles["records"])


def measure(bench):
    """Add the KPI rows to ``bench`` (bench/run.py)."""
    if "dso.dunning.kpi" not in bench.registry:
        bench.missing("KPI: backfill", "not yet available (issue 22)")
        return
    bench.measure(
        "KPI: 12-month backfill (12 months + 26 weeks)", None, backfill, setup=_empty, unit=int
    )
    daily_name = "KPI: daily snapshot (current month and week)"
    views = (
        ("KPI view: DSO trend graph", dso_trend_graph),
        ("KPI view: per-customer list, first page", per_customer_list),
        ("KPI view: aged balance by collector pivot", aged_by_collector_pivot),
        ("KPI view: cockpit tiles", cockpit),
    )
    parts = bench.only.split(",") if bench.only else [""]
    if any(part in name for part in parts for name in (daily_name, *dict(views))):
        _commit_snapshot(bench.registry)
    bench.measure(daily_name, None, daily, setup=_daily_setup, unit=int)
    for name, fn in views:
        bench.measure(name, None, fn, unit=int)
    past = (datetime.date.today() - datetime.timedelta(days=90)).isoformat()
    for when, as_of in (("today", None), ("as of 90 days ago", past)):
        bench.measure(
            f"KPI: aged balance per customer written, {when}",
            None,
            aged_write,
            setup=lambda env, d=as_of: d,
            unit=int,
        )
        for name, fn in (
            ("KPI view: aged balance per customer, pivot by collector", aged_customer_pivot),
            ("KPI view: aged balance per customer, list first page", aged_customer_list),
        ):
            bench.measure(
                f"{name}, {when}", None, fn, setup=lambda env, d=as_of: _aged_rows(env, d), unit=int
            )
        bench.measure(
            f"KPI view: one customer's aged items (the drill-down), {when}",
            None,
            aged_customer_items,
            setup=lambda env, d=as_of: _customer_with_most_items(env, d),
            unit=int,
        )
    bench.measure(
        "KPI: aged balance per customer, a ledger refresh batch (500 customers)",
        None,
        aged_refresh,
        setup=_refresh_setup,
        unit=int,
    )
