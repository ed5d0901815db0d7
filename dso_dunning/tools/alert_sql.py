"""SQL of the alert counters: the counts of many alerts in one scan of customers.

Each alert arrives as the ORM's own ``Query`` for its domain (record rules,
multi-company and company-dependent figures already in its WHERE clause), so
the counts mean exactly what ``search_count`` would return one by one.
"""

from odoo.tools import SQL


def row_condition(query, table):
    """The condition a row of ``table`` (aliased as the table) meets when it is in ``query``.

    A query over ``table`` alone gives its WHERE clause, evaluated in the same
    scan; one with joins (a many2one path of advanced conditions) is kept
    whole as a subquery on ids, so its joined rows cannot multiply the count.
    """
    if query.from_clause != SQL.identifier(table) or query.limit or query.offset:
        return SQL("%s IN %s", SQL.identifier(table, "id"), query.subselect())
    return query.where_clause or SQL("TRUE")


def has_subquery(condition):
    """Whether ``condition`` holds a sub-select (an EXISTS or an IN on ids).

    PostgreSQL evaluates such a condition row by row, and a scan evaluating
    one cannot be shared between parallel workers.
    """
    return "SELECT" in condition.code.upper()


def count_filtered(table, conditions):
    """One row: per condition, the number of rows of ``table`` meeting it."""
    return SQL(
        "SELECT %s FROM %s",
        SQL(", ").join(SQL("COUNT(*) FILTER (WHERE %s)", condition) for condition in conditions),
        SQL.identifier(table),
    )
