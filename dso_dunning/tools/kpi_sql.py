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

    The journal is read once for all the periods: balances are summed per
    partner and interval between two consecutive dates read, then added up
    to each date; each item is an interval, open from its date until its
    last reconciliation (``max_date``; for ever if not reconciled), joined
    to the period ends it covers, its residual there being its balance less
    the reconciliations dated on or before that end; sales are summed once
    per partner and distinct slice. Totals are added up per period and
    customer profile (collector, country, tags) first, then per dimension
    value, so that their cost does not grow with the customers.
    """
    bounds, ends, slices = _pass_dates(periods)
    # width_bucket counts the thresholds <= date: with the day after each
    # bound, an item goes to the first bound on or after its date
    thresholds = [bound + datetime.timedelta(days=1) for bound in bounds]
    keys = [key for key, _low, _high in AGED_BUCKETS]

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
        ), range_sales AS MATERIALIZED (
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
        ), figures AS MATERIALIZED (
            SELECT balances.idx AS period_idx, balances.partner_id,
                   COALESCE(balances.opening, 0) AS opening,
                   COALESCE(balances.receivable, 0) AS receivable, %(aged_columns)s
              FROM balances
              JOIN period ON period.idx = balances.idx
              LEFT JOIN aged ON aged.partner_id = balances.partner_id AND aged.day = period.stop
             WHERE COALESCE(balances.opening, 0) != 0 OR COALESCE(balances.receivable, 0) != 0
        ), customer AS MATERIALIZED (
            SELECT partner.id, %(collector)s AS collector_id, partner.country_id,
                   ARRAY(SELECT rel.category_id FROM res_partner_res_partner_category_rel rel
                          WHERE rel.partner_id = partner.id ORDER BY 1) AS tag_ids
              FROM res_partner partner
              JOIN res_company company ON company.id = %(company)s
             WHERE partner.id IN (SELECT partner_id FROM figures
                                  UNION SELECT partner_id FROM range_sales)
        ), profile AS (
            -- the figures of each period added up per customer profile: few rows
            SELECT figures.period_idx, customer.collector_id, customer.country_id,
                   customer.tag_ids, %(sums)s
              FROM figures JOIN customer ON customer.id = figures.partner_id
             GROUP BY 1, 2, 3, 4
        ), profile_sales AS (
            SELECT slice.period_idx, slice.idx, profile.collector_id, profile.country_id,
                   profile.tag_ids, profile.amount
              FROM (SELECT range_sales.start, range_sales.stop, customer.collector_id,
                           customer.country_id, customer.tag_ids,
                           SUM(range_sales.amount) AS amount
                      FROM range_sales JOIN customer ON customer.id = range_sales.partner_id
                     GROUP BY 1, 2, 3, 4, 5) profile
              JOIN slice ON slice.start = profile.start AND slice.stop = profile.stop
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
              JOIN range_sales ON range_sales.start = slice.start
                              AND range_sales.stop = slice.stop
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
        stops=[period.end for period in periods],
        last=bounds[-1],
        last_end=ends[-1],
        first_end=ends[0],
        ends=ends,
        buckets=SQL(", ").join(
            SQL(
                "COALESCE(SUM(part.residual) FILTER (WHERE part.bucket = %s), 0) AS %s",
                key,
                SQL.identifier(key),
            )
            for key in keys
        ),
        bucket=bucket_case(SQL("(stop.day - candidate.due)")),
        aged_columns=columns("COALESCE(aged.%(name)s, 0) AS %(name)s", keys),
        sums=columns("SUM(%(name)s) AS %(name)s"),
        total_columns=columns("COALESCE(total.%(name)s, 0) AS %(name)s"),
        customer_columns=columns("COALESCE(figures.%(name)s, 0)"),
        slice_periods=[row[0] for row in slices],
        slice_idx=[row[1] for row in slices],
        slice_starts=[row[2] for row in slices],
        slice_stops=[row[3] for row in slices],
        first_sale=min(row[2] for row in slices),
        customer_periods=sorted(customer_periods),
        collector=collector("partner", "company"),
    )
