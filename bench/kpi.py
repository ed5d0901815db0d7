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


def aged_items_pivot(env, as_of):
    Aged = env["dso.dunning.aged.balance"].with_context(dso_aged_as_of=as_of)
    groups = Aged.formatted_read_group(
        [],
        ["collector_id"],
        ["not_due:sum", "late_1_30:sum", "late_31_60:sum", "late_61_90:sum", "late_over_90:sum"],
    )
    return len(groups)


def aged_items_list(env, as_of):
    Aged = env["dso.dunning.aged.balance"].with_context(dso_aged_as_of=as_of)
    spec = _list_spec(env, Aged._name, "dso_dunning.dso_dunning_aged_balance_view_list")
    page = Aged.web_search_read([], spec, limit=80, count_limit=10001)
    return len(page["records"])


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
    for name, fn in (
        ("KPI view: aged balance pivot (items)", aged_items_pivot),
        ("KPI view: aged balance list, first page", aged_items_list),
    ):
        bench.measure(f"{name}, today", None, fn, setup=lambda env: None, unit=int)
        bench.measure(f"{name}, as of 90 days ago", None, fn, setup=lambda env, d=past: d, unit=int)
