"""Set-based SQL of the collection KPIs: per customer, what a period's figures need.

Receivables are read from the journal as they stood at a date: an item's
residual at ``D`` is its balance less the reconciliations dated on or
before ``D`` (``account_partial_reconcile.max_date``, the later date of the
two matched items), so payments and credit notes dated later do not count.
"""

import bisect
import datetime

from odoo.tools import SQL

from . import kpi
from .kpi import AGED_BUCKETS

# Journal items of a company's receivables, posted.
RECEIVABLE_ITEMS = """
    account_move_line line
    JOIN account_account account ON account.id = line.account_id
                                AND account.account_type = 'asset_receivable'
"""


def collector_joins(partner, company):
    """The collector of customer ``partner`` in ``company`` (aliases), as the planning takes it.

    Own collector, else the company's default, else the salesperson; an
    archived user is skipped (``res.partner._dunning_collector``). Returns
    ``(joins, expression)``: the LEFT JOINs to add after ``partner`` and
    ``company``, and the collector's id over them (joins rather than a
    sub-select per row: 4.2 s to 1.x s over 866,840 items at L).
    """
    joins = SQL(
        """LEFT JOIN res_users own_collector
                  ON own_collector.id
                     = (%(partner)s.dunning_collector_id ->> %(company)s.id::text)::int
                 AND own_collector.active
           LEFT JOIN res_users default_collector
                  ON default_collector.id = %(company)s.dunning_default_collector_id
                 AND default_collector.active
           LEFT JOIN res_users salesperson
                  ON salesperson.id = %(partner)s.user_id AND salesperson.active""",
        partner=SQL.identifier(partner),
        company=SQL.identifier(company),
    )
    expression = SQL("COALESCE(own_collector.id, default_collector.id, salesperson.id)")
    return joins, expression


def bucket_case(days_late):
    """CASE giving the aged bucket key (``tools.kpi.AGED_BUCKETS``) of ``days_late``."""
    return SQL(
        "CASE %s ELSE %s END",
        SQL(" ").join(
            SQL("WHEN %s <= %s THEN %s", days_late, high, key)
            for key, _low, high in AGED_BUCKETS
            if high is not None
        ),
        AGED_BUCKETS[-1][0],
    )


def settlements_on(as_of):
    """Per journal item reconciled, what its reconciliations dated on or before ``as_of`` settled.

    Rows ``(line_id, settled, later)``: ``settled`` the sum of those
    reconciliations (signed: adding it to the item's balance gives its
    residual on ``as_of``), ``later`` whether any is dated after it (the
    item may be open on ``as_of`` though reconciled today). One pass over
    ``account_partial_reconcile``, joined to the items by hash rather than
    looked up item by item.
    """
    return SQL(
        """(SELECT part.line_id,
                   COALESCE(SUM(part.amount) FILTER (WHERE part.max_date <= %(as_of)s), 0)
                       AS settled,
                   bool_or(part.max_date > %(as_of)s) AS later
              FROM (SELECT p.debit_move_id AS line_id, p.max_date, -p.amount AS amount
                      FROM account_partial_reconcile p
                    UNION ALL
                    SELECT p.credit_move_id, p.max_date, p.amount
                      FROM account_partial_reconcile p) part
             GROUP BY part.line_id)""",
        as_of=as_of,
    )


def open_items_on(as_of, today, partner_ids=None, per_item=False):
    """The receivable items open on ``as_of`` (aliased ``item``-ready rows), with their residual.

    Rows ``(id, move_id, partner_id, company_id, date, due, days_late,
    residual)``. On ``today``, the journal's own residuals of the open items;
    on a past date, the balance less what was settled by then, on the items
    posted by then and not reconciled, or reconciled later. ``partner_ids``:
    only the items of these customers (commercial partners). The one rule of
    the aged balance, of the items and of the customers alike.

    ``per_item``: each item's reconciliations looked up by index, for a
    reader filtering on a customer (the items' drill-down: 0.02 s rather
    than the 1.3 s of summing every reconciliation of the ledger first);
    otherwise summed once over the ledger and joined by hash, for the whole
    ledger (item by item it would take minutes).
    """
    if as_of == today:
        residual = SQL("line.amount_residual")
        open_items = SQL("NOT line.reconciled AND line.amount_residual != 0")
        settlements = SQL("")
    else:
        residual = SQL("line.balance + COALESCE(settlement.settled, 0)")
        open_items = SQL("line.date <= %s AND (NOT line.reconciled OR settlement.later)", as_of)
        settlements = SQL(
            "LEFT JOIN %s AS settlement ON settlement.line_id = line.id", settlements_on(as_of)
        )
        if per_item:
            settlements = SQL(
                "LEFT JOIN LATERAL %s AS settlement ON TRUE", settlements_of_line(as_of)
            )
    scope = SQL("TRUE")
    if partner_ids is not None:
        scope = SQL(
            "line.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id IN %s)",
            tuple(partner_ids) or (0,),
        )
    return SQL(
        """
        SELECT line.id, line.move_id, line.partner_id, line.company_id, line.date,
               COALESCE(line.date_maturity, line.date) AS due,
               %(as_of)s::date - COALESCE(line.date_maturity, line.date) AS days_late,
               %(residual)s AS residual
          FROM %(items)s
          %(settlements)s
         WHERE line.parent_state = 'posted' AND line.partner_id IS NOT NULL
           AND %(open_items)s AND %(scope)s
        """,
        as_of=as_of,
        residual=residual,
        items=SQL(RECEIVABLE_ITEMS),
        settlements=settlements,
        open_items=open_items,
        scope=scope,
    )


def bucket_amounts(item):
    """``<the item's residual in bucket key> AS key`` for each aged bucket, over alias ``item``."""
    bucket = bucket_case(SQL("%s.days_late", SQL.identifier(item)))
    return [
        (
            key,
            SQL(
                "CASE WHEN %s = %s THEN %s.residual ELSE 0 END",
                bucket,
                key,
                SQL.identifier(item),
            ),
        )
        for key, _low, _high in AGED_BUCKETS
    ]


def settlements_of_line(as_of):
    """``settlements_on`` of the one item ``line`` (a LATERAL sub-select over its indexes)."""
    return SQL(
        """(SELECT COALESCE(SUM(CASE WHEN p.debit_move_id = line.id THEN -p.amount
                                     ELSE p.amount END)
                                FILTER (WHERE p.max_date <= %(as_of)s), 0) AS settled,
                   bool_or(p.max_date > %(as_of)s) AS later
              FROM account_partial_reconcile p
             WHERE p.debit_move_id = line.id OR p.credit_move_id = line.id)""",
        as_of=as_of,
    )


def _pass_dates(periods):
    """The dates a pass over ``periods`` reads the journal at, and their countback slices.

    Returns ``(bounds, slices)``: ``bounds`` the sorted distinct dates a
    balance is taken at (each period's end and the day before its start),
    ``slices`` one ``(period index, slice index, kind, start)`` per
    countback slice of each period, both indexes from 1.
    """
    bounds, slices = set(), []
    for pidx, period in enumerate(periods, start=1):
        bounds |= {period.end, period.start - datetime.timedelta(days=1)}
        slices.extend(
            (pidx, sidx, period.kind, piece.start)
            for sidx, piece in enumerate(kpi.countback_slices(period), start=1)
        )
    return sorted(bounds), slices


def _running_sums(source, key, count, flows):
    """The running sums of ``flows`` in CTE ``source`` per ``key``: a row per key and bound.

    ``source`` holds the sums of each key between two consecutive bounds
    (column ``bound``, from 1 to ``count``, some missing); the result has
    every bound, each with the sums up to it.
    """
    return SQL(
        """SELECT keys.%(key)s, bound.idx AS bound, %(sums)s
             FROM (SELECT DISTINCT %(key)s FROM %(source)s) keys
            CROSS JOIN generate_series(1, %(count)s) AS bound(idx)
             LEFT JOIN %(source)s delta ON delta.%(key)s = keys.%(key)s
                                       AND delta.bound = bound.idx
           WINDOW running AS (PARTITION BY keys.%(key)s ORDER BY bound.idx)""",
        key=SQL.identifier(key),
        source=SQL.identifier(source),
        count=count,
        sums=SQL(", ").join(
            SQL("SUM(delta.%s) OVER running AS %s", SQL.identifier(flow), SQL.identifier(flow))
            for flow in flows
        ),
    )


def _bucket_at(alias, low, high):
    """The amount of the aged bucket from ``low`` to ``high`` days late in running sums ``alias``.

    ``open``: the residual of the open items; ``past_N``: its part more than N
    days past due (``period_rows``); a bucket is the difference of two.
    """

    def past(days):
        if days is None:
            return SQL("COALESCE(%s, 0)", SQL.identifier(alias, "open"))
        return SQL("COALESCE(%s, 0)", SQL.identifier(alias, f"past_{days}"))

    over = past(low - 1) if low is not None else past(None)
    return over if high is None else SQL("%s - %s", over, past(high))


def period_rows(company_id, periods, customer_periods):
    """The rows of ``periods`` (their figures before any ratio), read in one pass.

    One row per period and value of each dimension: the company, each
    collector, country and customer tag of the customers with receivables or
    sales (their totals, value 0 for "none"), and each such customer for the
    periods whose index is in ``customer_periods``. Columns: ``period_idx``
    (the period's index in ``periods``, from 1), ``dimension``, ``value_id``,
    ``collector_id`` (a customer's own collector on its row), ``opening``
    (receivable the day before the period), ``receivable`` (at its end), one
    column per aged bucket at its end (they add up to ``receivable``),
    ``sales_idx`` and ``sales`` (arrays: net invoiced in each of the period's
    countback slices that has any, by slice index, the most recent first).
    The company's row is there only when the period has any figure.

    The journal is read once for all the periods, and what is read does not
    grow with them: every amount is a flow, dated, into a customer's balance
    and into one aged bucket; the flows are summed per customer between two
    consecutive dates read, then added up to each date. An open item is its
    balance, flowing in on its date, and each of its reconciliations (their
    ``max_date``, the later date of the two matched items), flowing out on
    that date; each of these pieces moves from bucket to bucket as the item
    ages (out of "not due" the day after its due date, and so on), so its
    residual on a date lies in the bucket of that date. Sales are summed
    once per customer and month (ISO week). Totals are added up per period
    and customer profile (collector, country, tags) first, then per value.
    """
    bounds, slices = _pass_dates(periods)
    collector_joins_sql, collector_expression = collector_joins("partner", "company")
    # width_bucket counts the thresholds <= day: with the day after each
    # bound, a flow goes to the first bound on or after its day
    thresholds = [bound + datetime.timedelta(days=1) for bound in bounds]
    ends = [period.end for period in periods]
    keys = [key for key, _low, _high in AGED_BUCKETS]
    kinds = sorted({period.kind for period in periods})
    # the bounds of the periods with customer rows
    coarse = sorted(
        {
            day
            for idx, period in enumerate(periods, start=1)
            if idx in customer_periods
            for day in (period.end, period.start - datetime.timedelta(days=1))
        }
    )
    flows = ["balance", "open", *(f"past_{h}" for _k, _l, h in AGED_BUCKETS if h is not None)]

    def columns(template, names=("opening", "receivable", *keys)):
        return SQL(", ").join(SQL(template, name=SQL.identifier(name)) for name in names)

    return SQL(
        """
        WITH period AS MATERIALIZED (
            SELECT period.idx, period.stop,
                   array_position(%(bounds)s::date[], period.stop) AS end_bound,
                   array_position(%(bounds)s::date[], (period.start - 1)::date) AS open_bound
              FROM unnest(%(starts)s::date[], %(stops)s::date[])
                   WITH ORDINALITY AS period(start, stop, idx)
        ), settlement AS NOT MATERIALIZED (
            SELECT p.debit_move_id AS line_id, p.max_date, -p.amount AS amount
              FROM account_partial_reconcile p
            UNION ALL
            SELECT p.credit_move_id, p.max_date, p.amount FROM account_partial_reconcile p
        ), late AS MATERIALIZED (
            SELECT s.line_id, MAX(s.max_date) AS settled
              FROM settlement s WHERE s.max_date > %(first_end)s GROUP BY 1
        ), candidate AS MATERIALIZED (
            -- the items that may be open at a period end: not reconciled, or settled later
            SELECT line.id, line.partner_id, line.date, line.balance, line.reconciled,
                   late.settled, COALESCE(line.date_maturity, line.date) AS due
              FROM %(items)s
              LEFT JOIN late ON late.line_id = line.id
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND line.date <= %(last)s AND line.partner_id IS NOT NULL
               AND (NOT line.reconciled OR late.line_id IS NOT NULL)
        ), piece AS MATERIALIZED (
            SELECT candidate.partner_id, candidate.due, candidate.reconciled,
                   candidate.settled, candidate.date AS day, candidate.balance AS amount
              FROM candidate
            UNION ALL
            SELECT candidate.partner_id, candidate.due, candidate.reconciled,
                   candidate.settled, s.max_date, s.amount
              FROM candidate JOIN settlement s ON s.line_id = candidate.id
             WHERE s.max_date <= %(last)s
        ), flow AS (
            SELECT line.partner_id, line.date AS day, 'balance' AS key, line.balance AS amount
              FROM %(items)s
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND line.date <= %(last)s AND line.partner_id IS NOT NULL
            UNION ALL
            SELECT piece.partner_id, piece.day, 'open', piece.amount FROM piece
            UNION ALL
            -- what is more than N days past due on a day D is the pieces dated on or
            -- before D of the items due before D - N: the pieces whose later date of
            -- the two (their own, the due date + N + 1) is on or before D; none for an
            -- item settled by then (its pieces add up to nothing)
            SELECT piece.partner_id, GREATEST(piece.day, piece.due + past.days + 1),
                   past.key, piece.amount
              FROM piece CROSS JOIN unnest(%(past_keys)s::varchar[], %(past_days)s::int[])
                                    AS past(key, days)
             WHERE piece.due + past.days + 1 <= %(last)s
               AND NOT (piece.reconciled AND piece.settled <= piece.due + past.days + 1)
        ), delta AS MATERIALIZED (
            SELECT flow.partner_id, width_bucket(flow.day, %(thresholds)s::date[]) + 1 AS bound,
                   %(delta_sums)s
              FROM flow GROUP BY 1, 2
        ), slice AS MATERIALIZED (
            SELECT * FROM unnest(%(slice_periods)s::int[], %(slice_idx)s::int[],
                                 %(slice_kinds)s::varchar[], %(slice_starts)s::date[])
                          AS slice(period_idx, idx, kind, start)
        ), range_sales AS MATERIALIZED (
            -- sales per customer and month (ISO week): the slices are whole months
            -- (weeks) but the current one, which ends on the last day read
            SELECT line.partner_id, kind.kind,
                   date_trunc(kind.kind, line.date::timestamp)::date AS start,
                   SUM(line.balance) AS amount
              FROM %(items)s
              JOIN account_move move ON move.id = line.move_id
             CROSS JOIN unnest(%(kinds)s::varchar[], %(kind_starts)s::date[]) AS kind(kind, first)
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND line.date BETWEEN kind.first AND %(last_end)s
               AND move.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
               AND line.partner_id IS NOT NULL
             GROUP BY 1, 2, 3
        ), customer AS MATERIALIZED (
            SELECT customer.*,
                   -- running sums add up: the totals run over the customers' profiles
                   -- (collector, country, tags), few, rather than over the customers
                   DENSE_RANK() OVER (ORDER BY COALESCE(customer.collector_id, 0),
                                               COALESCE(customer.country_id, 0),
                                               customer.tag_ids) AS profile_id
              FROM (SELECT partner.id, %(collector)s AS collector_id, partner.country_id,
                           ARRAY(SELECT tag.category_id
                                   FROM res_partner_res_partner_category_rel tag
                                  WHERE tag.partner_id = partner.id ORDER BY 1) AS tag_ids
                      FROM res_partner partner
                      JOIN res_company company ON company.id = %(company)s
                      %(collector_joins)s
                     WHERE partner.id IN (SELECT partner_id FROM delta
                                          UNION SELECT partner_id FROM range_sales)) customer
        ), profile_delta AS MATERIALIZED (
            SELECT customer.profile_id, delta.bound, %(resums)s
              FROM delta JOIN customer ON customer.id = delta.partner_id
             GROUP BY 1, 2
        ), profile_cumul AS MATERIALIZED (
            %(profile_cumul)s
        ), profile AS (
            SELECT period.idx AS period_idx, owner.collector_id, owner.country_id,
                   owner.tag_ids, COALESCE(opening.balance, 0) AS opening,
                   COALESCE(closing.balance, 0) AS receivable, %(closing_buckets)s
              FROM period
              JOIN profile_cumul closing ON closing.bound = period.end_bound
              JOIN profile_cumul opening ON opening.bound = period.open_bound
                                        AND opening.profile_id = closing.profile_id
              JOIN (SELECT DISTINCT profile_id, collector_id, country_id, tag_ids
                      FROM customer) owner ON owner.profile_id = closing.profile_id
             WHERE COALESCE(opening.balance, 0) != 0 OR COALESCE(closing.balance, 0) != 0
        ), customer_delta AS (
            -- the customers' own running sums: only at the bounds of the periods with
            -- customer rows (each bound read moved to the first of those on or after it)
            SELECT delta.partner_id, (%(coarse)s::int[])[delta.bound] AS bound, %(resums)s
              FROM delta GROUP BY 1, 2
        ), customer_cumul AS MATERIALIZED (
            %(customer_cumul)s
        ), figures AS MATERIALIZED (
            SELECT period.idx AS period_idx, closing.partner_id,
                   COALESCE(opening.balance, 0) AS opening,
                   COALESCE(closing.balance, 0) AS receivable, %(closing_buckets)s
              FROM unnest(%(coarse_ends)s::int[], %(coarse_opens)s::int[])
                   WITH ORDINALITY AS period(end_bound, open_bound, idx)
              JOIN customer_cumul closing ON closing.bound = period.end_bound
              JOIN customer_cumul opening ON opening.bound = period.open_bound
                                         AND opening.partner_id = closing.partner_id
             WHERE COALESCE(opening.balance, 0) != 0 OR COALESCE(closing.balance, 0) != 0
        ), profile_sales AS (
            SELECT slice.period_idx, slice.idx, owner.collector_id, owner.country_id,
                   owner.tag_ids, profile.amount
              FROM (SELECT range_sales.kind, range_sales.start, customer.profile_id,
                           SUM(range_sales.amount) AS amount
                      FROM range_sales JOIN customer ON customer.id = range_sales.partner_id
                     GROUP BY 1, 2, 3) profile
              JOIN slice ON slice.kind = profile.kind AND slice.start = profile.start
              JOIN (SELECT DISTINCT profile_id, collector_id, country_id, tag_ids
                      FROM customer) owner ON owner.profile_id = profile.profile_id
        ), keyed AS (
            SELECT profile.*, 'company' AS dimension, 0 AS value_id FROM profile
            UNION ALL
            SELECT profile.*, 'collector', COALESCE(profile.collector_id, 0) FROM profile
            UNION ALL
            SELECT profile.*, 'country', COALESCE(profile.country_id, 0) FROM profile
            UNION ALL
            SELECT profile.*, 'tag', tag FROM profile, unnest(profile.tag_ids) AS tag
        ), keyed_sales AS (
            SELECT sales.*, 'company' AS dimension, 0 AS value_id FROM profile_sales sales
            UNION ALL
            SELECT sales.*, 'collector', COALESCE(sales.collector_id, 0)
              FROM profile_sales sales
            UNION ALL
            SELECT sales.*, 'country', COALESCE(sales.country_id, 0) FROM profile_sales sales
            UNION ALL
            SELECT sales.*, 'tag', tag FROM profile_sales sales, unnest(sales.tag_ids) AS tag
        ), total AS (
            SELECT period_idx, dimension, value_id, %(sums)s
              FROM keyed GROUP BY 1, 2, 3
        ), total_sales AS (
            SELECT period_idx, dimension, value_id,
                   array_agg(idx ORDER BY idx) AS sales_idx,
                   array_agg(amount ORDER BY idx) AS sales
              FROM (SELECT period_idx, dimension, value_id, idx, SUM(amount) AS amount
                      FROM keyed_sales GROUP BY 1, 2, 3, 4) summed
             GROUP BY 1, 2, 3
        ), customer_sales AS (
            SELECT slice.period_idx, range_sales.partner_id,
                   array_agg(slice.idx ORDER BY slice.idx) AS sales_idx,
                   array_agg(range_sales.amount ORDER BY slice.idx) AS sales
              FROM slice
              JOIN range_sales ON range_sales.kind = slice.kind
                              AND range_sales.start = slice.start
             WHERE slice.period_idx = ANY(%(customer_periods)s::int[])
             GROUP BY 1, 2
        )
        SELECT COALESCE(total.period_idx, total_sales.period_idx) AS period_idx,
               COALESCE(total.dimension, total_sales.dimension) AS dimension,
               COALESCE(total.value_id, total_sales.value_id) AS value_id,
               NULL::int AS collector_id, %(total_columns)s,
               total_sales.sales_idx, total_sales.sales
          FROM total
          FULL JOIN total_sales ON total_sales.period_idx = total.period_idx
                               AND total_sales.dimension = total.dimension
                               AND total_sales.value_id = total.value_id
        UNION ALL
        SELECT COALESCE(figures.period_idx, customer_sales.period_idx),
               'customer',
               COALESCE(figures.partner_id, customer_sales.partner_id),
               customer.collector_id, %(customer_columns)s,
               customer_sales.sales_idx, customer_sales.sales
          FROM (SELECT * FROM figures
                 WHERE figures.period_idx = ANY(%(customer_periods)s::int[])) figures
          FULL JOIN customer_sales ON customer_sales.period_idx = figures.period_idx
                                  AND customer_sales.partner_id = figures.partner_id
          JOIN customer ON customer.id = COALESCE(figures.partner_id, customer_sales.partner_id)
         ORDER BY 1
        """,
        items=SQL(RECEIVABLE_ITEMS),
        company=company_id,
        bounds=bounds,
        bound_count=len(bounds),
        thresholds=thresholds,
        starts=[period.start for period in periods],
        stops=ends,
        last=bounds[-1],
        last_end=max(ends),
        first_end=min(ends),
        past_keys=[f"past_{high}" for _key, _low, high in AGED_BUCKETS if high is not None],
        past_days=[high for _key, _low, high in AGED_BUCKETS if high is not None],
        delta_sums=SQL(", ").join(
            SQL("SUM(flow.amount) FILTER (WHERE flow.key = %s) AS %s", key, SQL.identifier(key))
            for key in flows
        ),
        profile_cumul=_running_sums("profile_delta", "profile_id", len(bounds), flows),
        customer_cumul=_running_sums("customer_delta", "partner_id", len(coarse), flows),
        resums=SQL(", ").join(
            SQL("SUM(delta.%s) AS %s", SQL.identifier(key), SQL.identifier(key)) for key in flows
        ),
        coarse=[bisect.bisect_left(coarse, bound) + 1 for bound in bounds],
        coarse_count=len(coarse),
        coarse_ends=[
            coarse.index(period.end) + 1 if idx in customer_periods else None
            for idx, period in enumerate(periods, start=1)
        ],
        coarse_opens=[
            coarse.index(period.start - datetime.timedelta(days=1)) + 1
            if idx in customer_periods
            else None
            for idx, period in enumerate(periods, start=1)
        ],
        closing_buckets=SQL(", ").join(
            SQL("%s AS %s", _bucket_at("closing", low, high), SQL.identifier(key))
            for key, low, high in AGED_BUCKETS
        ),
        sums=columns("SUM(%(name)s) AS %(name)s"),
        total_columns=columns("COALESCE(total.%(name)s, 0) AS %(name)s"),
        customer_columns=columns("COALESCE(figures.%(name)s, 0)"),
        slice_periods=[row[0] for row in slices],
        slice_idx=[row[1] for row in slices],
        slice_kinds=[row[2] for row in slices],
        slice_starts=[row[3] for row in slices],
        kinds=kinds,
        kind_starts=[min(row[3] for row in slices if row[2] == kind) for kind in kinds],
        customer_periods=sorted(customer_periods),
        collector=collector_expression,
        collector_joins=collector_joins_sql,
    )
