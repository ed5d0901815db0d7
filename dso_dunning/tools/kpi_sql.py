"""Set-based SQL of the collection KPIs: per customer, what a period's figures need.

Receivables are read from the journal as they stood at a date: an item's
residual at ``D`` is its balance less the reconciliations dated on or
before ``D`` (``account_partial_reconcile.max_date``, the later date of the
two matched items), so payments and credit notes dated later do not count.
"""

from odoo.tools import SQL

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


def customer_figures(company_id, period, slices):
    """One row per customer with receivables or sales: what a period's KPIs need.

    Columns: ``partner_id``, ``collector_id``, ``country_id``, ``tag_ids``
    (array), ``opening`` (receivable the day before the period),
    ``receivable`` (at its end), one column per aged bucket at its end (they
    add up to ``receivable``), ``sales`` (array: net invoiced in each of
    ``slices``, the most recent first).
    """
    end = period.end
    days_late = SQL("(%s - COALESCE(line.date_maturity, line.date))", end)
    buckets = SQL(", ").join(
        SQL(
            "SUM(CASE WHEN %s = %s THEN open.residual ELSE 0 END) AS %s",
            bucket_case(SQL("open.days_late")),
            key,
            SQL.identifier(key),
        )
        for key, _low, _high in AGED_BUCKETS
    )
    return SQL(
        """
        WITH balances AS (
            SELECT line.partner_id,
                   SUM(line.balance) FILTER (WHERE line.date < %(start)s) AS opening,
                   SUM(line.balance) AS receivable
              FROM %(items)s
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND line.date <= %(end)s AND line.partner_id IS NOT NULL
             GROUP BY line.partner_id
        ), open AS (
            SELECT line.partner_id, %(residual)s AS residual, %(days_late)s AS days_late
              FROM %(items)s
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND line.date <= %(end)s AND line.partner_id IS NOT NULL
               AND %(open_on)s
        ), aged AS (
            SELECT open.partner_id, %(buckets)s FROM open GROUP BY open.partner_id
        ), sales AS (
            SELECT per_slice.partner_id,
                   array_agg(per_slice.idx ORDER BY per_slice.idx) AS idx,
                   array_agg(per_slice.amount ORDER BY per_slice.idx) AS amount
              FROM (
                  SELECT line.partner_id, slice.idx, SUM(line.balance) AS amount
                    FROM %(items)s
                    JOIN account_move move ON move.id = line.move_id
                    JOIN unnest(%(starts)s::date[], %(ends)s::date[])
                         WITH ORDINALITY AS slice(start, stop, idx)
                      ON line.date BETWEEN slice.start AND slice.stop
                   WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
                     AND line.date BETWEEN %(first)s AND %(end)s
                     AND move.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                     AND line.partner_id IS NOT NULL
                   GROUP BY line.partner_id, slice.idx
              ) per_slice
             GROUP BY per_slice.partner_id
        )
        SELECT partner.id AS partner_id, %(collector)s AS collector_id,
               partner.country_id,
               ARRAY(SELECT rel.category_id FROM res_partner_res_partner_category_rel rel
                      WHERE rel.partner_id = partner.id) AS tag_ids,
               COALESCE(balances.opening, 0) AS opening,
               COALESCE(balances.receivable, 0) AS receivable,
               %(bucket_columns)s,
               sales.idx AS sales_idx, sales.amount AS sales
          FROM balances
          FULL JOIN sales ON sales.partner_id = balances.partner_id
          LEFT JOIN aged ON aged.partner_id = COALESCE(balances.partner_id, sales.partner_id)
          JOIN res_partner partner ON partner.id = COALESCE(balances.partner_id, sales.partner_id)
          JOIN res_company company ON company.id = %(company)s
         WHERE COALESCE(balances.opening, 0) != 0 OR COALESCE(balances.receivable, 0) != 0
            OR sales.partner_id IS NOT NULL
        """,
        items=SQL(RECEIVABLE_ITEMS),
        company=company_id,
        start=period.start,
        end=end,
        first=slices[-1].start,
        residual=residual_at("line", end),
        days_late=days_late,
        open_on=open_on("line", end),
        buckets=buckets,
        starts=[s.start for s in slices],
        ends=[s.end for s in slices],
        collector=collector("partner", "company"),
        bucket_columns=SQL(", ").join(
            SQL("COALESCE(aged.%s, 0) AS %s", SQL.identifier(key), SQL.identifier(key))
            for key, _low, _high in AGED_BUCKETS
        ),
    )
