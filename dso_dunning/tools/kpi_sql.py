"""Set-based SQL of the collection KPIs: per customer, what a period's figures need.

Receivables are read from the journal as they stood at a date: an item's
residual at ``D`` is its balance less the reconciliations dated on or
before ``D`` (``account_partial_reconcile.max_date``, the later date of the
two matched items), so payments and credit notes dated later do not count.
"""

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


def collector(partner, company):
    """The collector of customer ``partner`` in ``company`` (aliases), as the planning takes it.

    Own collector, else the company's default, else the salesperson; an
    archived user is skipped (``res.partner._dunning_collector``).
    """
    return SQL(
        """COALESCE(
            (SELECT own.id FROM res_users own
              WHERE own.id = (%(partner)s.dunning_collector_id ->> %(company)s.id::text)::int
                AND own.active),
            (SELECT dflt.id FROM res_users dflt
              WHERE dflt.id = %(company)s.dunning_default_collector_id AND dflt.active),
            (SELECT sales.id FROM res_users sales
              WHERE sales.id = %(partner)s.user_id AND sales.active))""",
        partner=SQL.identifier(partner),
        company=SQL.identifier(company),
    )


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


def residual_at(line, as_of):
    """The residual of journal item ``line`` (alias) on date ``as_of``, company currency."""
    return SQL(
        """%(line)s.balance
           - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                        WHERE p.debit_move_id = %(line)s.id AND p.max_date <= %(as_of)s), 0)
           + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                        WHERE p.credit_move_id = %(line)s.id AND p.max_date <= %(as_of)s), 0)""",
        line=SQL.identifier(line),
        as_of=as_of,
    )


def open_on(line, as_of):
    """``line`` (alias) may have a residual on ``as_of``: not reconciled, or reconciled later."""
    return SQL(
        """(NOT %(line)s.reconciled
            OR EXISTS (SELECT FROM account_partial_reconcile p
                        WHERE p.debit_move_id = %(line)s.id AND p.max_date > %(as_of)s)
            OR EXISTS (SELECT FROM account_partial_reconcile p
                        WHERE p.credit_move_id = %(line)s.id AND p.max_date > %(as_of)s))""",
        line=SQL.identifier(line),
        as_of=as_of,
    )


def _pass_dates(periods):
    """The dates a pass over ``periods`` reads the journal at, and their countback slices.

    Returns ``(bounds, ends, slices)``: ``bounds`` the sorted distinct dates
    a balance is taken at (each period's end and the day before its start),
    ``ends`` the sorted distinct period ends (where items are aged),
    ``slices`` one ``(period index, slice index, start, end)`` per countback
    slice of each period, both indexes from 1.
    """
    bounds, ends, slices = set(), set(), []
    for pidx, period in enumerate(periods, start=1):
        bounds |= {period.end, period.start - datetime.timedelta(days=1)}
        ends.add(period.end)
        slices.extend(
            (pidx, sidx, piece.start, piece.end)
            for sidx, piece in enumerate(kpi.countback_slices(period), start=1)
        )
    return sorted(bounds), sorted(ends), slices


def customer_figures(company_id, periods):
    """One row per period of ``periods`` and customer with receivables or sales, in one pass.

    Columns: ``period_idx`` (the period's index in ``periods``, from 1),
    ``partner_id``, ``collector_id``, ``country_id``, ``tag_ids`` (array),
    ``opening`` (receivable the day before the period), ``receivable`` (at
    its end), one column per aged bucket at its end (they add up to
    ``receivable``), ``sales_idx`` and ``sales`` (arrays: net invoiced in
    each of the period's countback slices that has any, by slice index, the
    most recent first).

    The journal is read once for all the periods: balances are summed per
    partner and interval between two consecutive dates read, then added up
    to each date; each item is an interval, open from its date until its
    last reconciliation (``max_date``; for ever if not reconciled), joined
    to the period ends it covers, its residual there being its balance less
    the reconciliations dated on or before that end; sales are summed once
    per partner and distinct slice.
    """
    bounds, ends, slices = _pass_dates(periods)
    # width_bucket counts the thresholds <= date: with the day after each
    # bound, an item goes to the first bound on or after its date
    thresholds = [bound + datetime.timedelta(days=1) for bound in bounds]
    buckets = SQL(", ").join(
        SQL(
            "COALESCE(SUM(part.residual) FILTER (WHERE part.bucket = %s), 0) AS %s",
            key,
            SQL.identifier(key),
        )
        for key, _low, _high in AGED_BUCKETS
    )
    return SQL(
        """
        WITH period AS MATERIALIZED (
            SELECT period.idx, period.stop,
                   array_position(%(bounds)s::date[], period.stop) AS end_bound,
                   array_position(%(bounds)s::date[], (period.start - 1)::date) AS open_bound
              FROM unnest(%(starts)s::date[], %(stops)s::date[])
                   WITH ORDINALITY AS period(start, stop, idx)
        ), moves AS MATERIALIZED (
            SELECT line.partner_id,
                   width_bucket(line.date, %(thresholds)s::date[]) + 1 AS bound,
                   SUM(line.balance) AS amount
              FROM %(items)s
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND line.date <= %(last)s AND line.partner_id IS NOT NULL
             GROUP BY 1, 2
        ), cumul AS MATERIALIZED (
            SELECT partners.partner_id, bound.idx AS bound,
                   SUM(moves.amount) OVER (PARTITION BY partners.partner_id ORDER BY bound.idx)
                       AS balance
              FROM (SELECT DISTINCT partner_id FROM moves) partners
             CROSS JOIN generate_series(1, %(bound_count)s) AS bound(idx)
              LEFT JOIN moves ON moves.partner_id = partners.partner_id
                             AND moves.bound = bound.idx
        ), balances AS (
            SELECT period.idx, closing.partner_id,
                   opening.balance AS opening, closing.balance AS receivable
              FROM period
              JOIN cumul closing ON closing.bound = period.end_bound
              LEFT JOIN cumul opening ON opening.bound = period.open_bound
                                     AND opening.partner_id = closing.partner_id
        ), settlement AS NOT MATERIALIZED (
            SELECT p.debit_move_id AS line_id, p.max_date, -p.amount AS amount
              FROM account_partial_reconcile p
            UNION ALL
            SELECT p.credit_move_id, p.max_date, p.amount FROM account_partial_reconcile p
        ), candidate AS MATERIALIZED (
            SELECT line.id, line.partner_id, line.date, line.balance, line.reconciled,
                   COALESCE(line.date_maturity, line.date) AS due,
                   CASE WHEN line.reconciled
                        THEN (SELECT MAX(s.max_date) FROM settlement s WHERE s.line_id = line.id)
                   END AS settled
              FROM %(items)s
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND line.date <= %(last_end)s AND line.partner_id IS NOT NULL
               AND (NOT line.reconciled
                    OR line.id IN (SELECT s.line_id FROM settlement s
                                    WHERE s.max_date > %(first_end)s))
        ), open_item AS MATERIALIZED (
            SELECT candidate.id, candidate.partner_id, stop.day, candidate.balance,
                   %(bucket)s AS bucket
              FROM candidate
              JOIN unnest(%(ends)s::date[]) AS stop(day)
                ON stop.day >= candidate.date
               AND (NOT candidate.reconciled OR candidate.settled > stop.day)
        ), part AS (
            SELECT open_item.partner_id, open_item.day, open_item.bucket,
                   open_item.balance AS residual
              FROM open_item
            UNION ALL
            SELECT open_item.partner_id, open_item.day, open_item.bucket, s.amount
              FROM open_item
              JOIN settlement s ON s.line_id = open_item.id AND s.max_date <= open_item.day
        ), aged AS (
            SELECT part.partner_id, part.day, %(buckets)s
              FROM part GROUP BY part.partner_id, part.day
        ), slice AS MATERIALIZED (
            SELECT * FROM unnest(%(slice_periods)s::int[], %(slice_idx)s::int[],
                                 %(slice_starts)s::date[], %(slice_stops)s::date[])
                          AS slice(period_idx, idx, start, stop)
        ), range_sales AS (
            SELECT line.partner_id, piece.start, piece.stop, SUM(line.balance) AS amount
              FROM %(items)s
              JOIN account_move move ON move.id = line.move_id
              JOIN (SELECT DISTINCT start, stop FROM slice) piece
                ON line.date BETWEEN piece.start AND piece.stop
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND line.date BETWEEN %(first_sale)s AND %(last_end)s
               AND move.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
               AND line.partner_id IS NOT NULL
             GROUP BY 1, 2, 3
        ), sales AS (
            SELECT slice.period_idx AS idx, range_sales.partner_id,
                   array_agg(slice.idx ORDER BY slice.idx) AS sales_idx,
                   array_agg(range_sales.amount ORDER BY slice.idx) AS amount
              FROM slice
              JOIN range_sales ON range_sales.start = slice.start
                              AND range_sales.stop = slice.stop
             GROUP BY 1, 2
        ), figures AS MATERIALIZED (
            SELECT COALESCE(balances.idx, sales.idx) AS period_idx,
                   COALESCE(balances.partner_id, sales.partner_id) AS partner_id,
                   COALESCE(balances.opening, 0) AS opening,
                   COALESCE(balances.receivable, 0) AS receivable,
                   sales.sales_idx, sales.amount AS sales
              FROM balances
              FULL JOIN sales ON sales.idx = balances.idx
                             AND sales.partner_id = balances.partner_id
             WHERE COALESCE(balances.opening, 0) != 0 OR COALESCE(balances.receivable, 0) != 0
                OR sales.partner_id IS NOT NULL
        ), customer AS MATERIALIZED (
            SELECT partner.id, %(collector)s AS collector_id, partner.country_id,
                   ARRAY(SELECT rel.category_id FROM res_partner_res_partner_category_rel rel
                          WHERE rel.partner_id = partner.id) AS tag_ids
              FROM res_partner partner
              JOIN res_company company ON company.id = %(company)s
             WHERE partner.id IN (SELECT partner_id FROM figures)
        )
        SELECT figures.period_idx, figures.partner_id, customer.collector_id,
               customer.country_id, customer.tag_ids, figures.opening, figures.receivable,
               %(bucket_columns)s, figures.sales_idx, figures.sales
          FROM figures
          JOIN period ON period.idx = figures.period_idx
          JOIN customer ON customer.id = figures.partner_id
          LEFT JOIN aged ON aged.partner_id = figures.partner_id AND aged.day = period.stop
         ORDER BY figures.period_idx, figures.partner_id
        """,
        items=SQL(RECEIVABLE_ITEMS),
        company=company_id,
        bounds=bounds,
        bound_count=len(bounds),
        thresholds=thresholds,
        starts=[period.start for period in periods],
        stops=[period.end for period in periods],
        last=bounds[-1],
        last_end=ends[-1],
        first_end=ends[0],
        ends=ends,
        buckets=buckets,
        bucket=bucket_case(SQL("(stop.day - candidate.due)")),
        slice_periods=[row[0] for row in slices],
        slice_idx=[row[1] for row in slices],
        slice_starts=[row[2] for row in slices],
        slice_stops=[row[3] for row in slices],
        first_sale=min(row[2] for row in slices),
        collector=collector("partner", "company"),
        bucket_columns=SQL(", ").join(
            SQL("COALESCE(aged.%s, 0) AS %s", SQL.identifier(key), SQL.identifier(key))
            for key, _low, _high in AGED_BUCKETS
        ),
    )
