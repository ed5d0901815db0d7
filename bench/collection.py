"""Benchmark rows of the collection reports (issue 22 B): the first page of each view.

Each report is read as the web client opens it: the list's first page of 80
rows with its count, and the graph's or pivot's groups. The forecast and the
customers' average days late are also timed as the nightly run writes them.
"""

PAGE = 80


def _today(env):
    # odoo is importable once ``common`` ran (run.py imports it first)
    from odoo import fields

    return fields.Date.context_today(env.user)


def _list_spec(env, model):
    """The fields the list view reads, as the web client asks for them."""
    views = env[model].get_views([(False, "list")])
    return {
        name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
        for name, field in views["models"][model]["fields"].items()
    }


def _page_and_groups(env, model, groupby, aggregates, domain=()):
    Model = env[model]
    page = Model.web_search_read(
        list(domain), _list_spec(env, model), limit=PAGE, count_limit=10001
    )
    groups = Model._read_group(list(domain), groupby, aggregates)
    return len(page["records"]) + len(groups)


def forecast_compute(env, _state):
    env["dso.dunning.forecast"]._compute_forecast(env.company)
    return env["dso.dunning.forecast"].search_count([("company_id", "=", env.company.id)])


def forecast_page(env, _state):
    return _page_and_groups(env, "dso.dunning.forecast", ["week:day", "source"], ["amount:sum"])


# What the graph view asks for a monetary measure: the count, the currencies
# and the sum converted to the company's currency (web's graph_model.js).
GRAPH_MONETARY = ["__count", "currency_id:array_agg_distinct", "amount:sum_currency", "amount:sum"]


def forecast_graph_client(env, _state):
    """The weekly graph the menu opens on, as the web client reads it."""
    groups = (
        env["dso.dunning.forecast"]
        .with_context(fill_temporal=True)
        .formatted_read_group([], ["week:day", "source"], GRAPH_MONETARY)
    )
    return len(groups)


def _yesterdays_forecast(env):
    """A forecast written whole yesterday: the morning before the nightly run."""
    from odoo import fields
    from odoo.tools import SQL

    env["dso.dunning.forecast"]._compute_forecast(env.company)
    if "dunning_forecast_computed_at" in env.company._fields:
        env.company.dunning_forecast_computed_at = fields.Datetime.subtract(
            fields.Datetime.now(), days=1
        )
    else:  # before session 12 the rows' oldest stamp said it
        env.cr.execute(
            SQL("UPDATE dso_dunning_forecast SET computed_at = computed_at - interval '1 day'")
        )
    env.invalidate_all()


def forecast_menu(env, _state):
    return env["dso.dunning.forecast"].action_open_forecast()


def _executed_actions(env):
    """Plan, then record every planned action as executed 20 days ago (rolled back)."""
    from odoo.tools import SQL

    env["dso.dunning.planner"]._plan(companies=env.company, force=True)
    env.flush_all()
    env.cr.execute(
        SQL(
            """UPDATE dso_dunning_action SET state = 'sent',
                      executed_date = now() - interval '20 days'
                WHERE state IN ('planned', 'to_confirm', 'confirmed') AND company_id = %s""",
            env.company.id,
        )
    )
    env.invalidate_all()
    # as the nightly autovacuum would, after so many new actions (ANALYZE runs
    # in the transaction; the rows stay rolled back)
    env.cr.execute(SQL("ANALYZE dso_dunning_action, dso_dunning_action_line"))
    # what the engine writes when an action is executed: whether its customer paid since
    env["dso.dunning.action"]._write_settlement_where(SQL("a.company_id = %s", env.company.id))
    env.cr.execute(SQL("ANALYZE dso_dunning_action"))


def step_effect_page(env, _state):
    return _page_and_groups(
        env,
        "dso.dunning.step.effect",
        ["step_id", "channel"],
        ["paid_7:avg", "paid_15:avg", "paid_30:avg", "__count"],
    )


def collector_summary_page(env, _state):
    today = _today(env)
    return _page_and_groups(
        env,
        "dso.dunning.collector.summary",
        ["collector_id"],
        [
            "overdue_amount:sum",
            "action_count:sum",
            "cash_collected:sum",
            "dispute_count:sum",
            "dispute_amount:sum",
            "promise_kept:avg",
        ],
        domain=[("date", ">=", today.replace(day=1))],
    )


def average_days_late_all(env, _state):
    today = _today(env)
    return len(env["res.partner"]._dunning_refresh_payment_behaviour(today))


def refresh_batch(env, partners):
    """What one batch of the ledger refresh adds: 500 customers' average and forecast rows."""
    today = _today(env)
    env["res.partner"]._dunning_refresh_payment_behaviour(today, partners.ids)
    env["dso.dunning.forecast"]._compute_forecast(env.company, partner_ids=partners.ids)
    return len(partners)


def settlement_batch(env, partners):
    """What one batch of the ledger refresh writes for "which steps work"."""
    from odoo.tools import SQL

    env["dso.dunning.action"]._write_settlement_where(
        SQL("a.company_id = %s AND a.partner_id = ANY(%s)", env.company.id, partners.ids)
    )
    return len(partners)


def _settlement_setup(env):
    """500 customers whose executed actions all change (as if payments had moved them)."""
    from odoo.tools import SQL

    _executed_actions(env)
    partners = env["res.partner"].search([("customer_rank", ">", 0)], limit=500)
    env.cr.execute(
        SQL(
            "UPDATE dso_dunning_action SET covers_invoices = NULL WHERE partner_id = ANY(%s)",
            partners.ids,
        )
    )
    return partners


def _refresh_setup(env):
    env["dso.dunning.forecast"]._compute_forecast(env.company)
    return env["res.partner"].search([("customer_rank", ">", 0)], limit=500)


def measure_all(bench):
    """The collection rows, on the same harness as the other rows."""
    if "dso.dunning.forecast" not in bench.registry:
        bench.missing("Collection reports (issue 22 B)", "not available in this checkout")
        return
    bench.measure(
        "Collection: average days late of every customer (nightly)",
        None,
        average_days_late_all,
        unit=int,
    )
    bench.measure(
        "Collection: cash forecast written (one company)", None, forecast_compute, unit=int
    )
    bench.measure(
        "Collection: 500 customers' average days late and forecast rows (a refresh batch)",
        None,
        refresh_batch,
        setup=_refresh_setup,
        unit=int,
    )
    bench.measure(
        "Collection: 500 customers' executed actions settled (a refresh batch,"
        " every customer's action executed)",
        None,
        settlement_batch,
        setup=_settlement_setup,
        unit=int,
    )
    bench.measure(
        "Collection: cash forecast, first page + weekly graph",
        None,
        forecast_page,
        setup=lambda env: env["dso.dunning.forecast"]._compute_forecast(env.company),
        unit=int,
    )
    bench.measure(
        "Collection: cash forecast, weekly graph as the web client reads it (monetary sums)",
        None,
        forecast_graph_client,
        setup=lambda env: env["dso.dunning.forecast"]._compute_forecast(env.company),
        unit=int,
    )
    bench.measure(
        "Collection: cash forecast menu, opened before the nightly run (yesterday's rows)",
        None,
        forecast_menu,
        setup=_yesterdays_forecast,
    )
    bench.measure(
        "Collection: which steps work, first page + pivot (every customer's action executed)",
        None,
        step_effect_page,
        setup=_executed_actions,
        unit=int,
    )
    bench.measure(
        "Collection: collector summary (this month), first page + pivot",
        None,
        collector_summary_page,
        unit=int,
    )
