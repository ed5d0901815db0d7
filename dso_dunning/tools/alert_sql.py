"""SQL of the alert counters: the counts of many alerts in two queries.

Each alert arrives as the ORM's own ``Query`` for its domain (record rules,
multi-company and the join of the customers' figures already in it), so the
counts mean exactly what ``search_count`` would return one by one.

Alerts are counted in two groups:
- conditions evaluated row by row on customers (fields, and sub-selects that
  do not depend on the row, computed once): all in one scan, which
  PostgreSQL shares between parallel workers;
- conditions holding a correlated sub-select (``EXISTS`` on journal items,
  one lookup per customer): such a condition keeps a whole scan in one
  process. Each of these alerts gets its own count, as a semi-join that the
  workers share; the counts still come back in one statement.
"""

from odoo.tools import SQL

# PostgreSQL settings of the two counts. No JIT compilation: item lookups
# inflate the estimate past its threshold, and compiling then costs more
# than the query. For the item counts, customers are joined to their items
# by index lookups, which is what a correlated sub-select did, rather than
# by hashing every open item once per worker.
SCAN_SETTINGS = {"jit": "off"}
EACH_SETTINGS = {"jit": "off", "enable_hashjoin": "off", "enable_mergejoin": "off"}


def set_settings(settings, read_previous=False):
    """One row setting ``settings`` for the transaction, after each previous value if asked."""
    return SQL(
        "SELECT %s",
        SQL(", ").join(
            SQL("current_setting(%s), set_config(%s, %s, true)", name, name, value)
            if read_previous
            else SQL("set_config(%s, %s, true)", name, value)
            for name, value in settings.items()
        ),
    )


def row_condition(query, table, from_clause):
    """The condition a row of ``from_clause`` meets when its ``table`` row is in ``query``.

    ``from_clause``: ``table`` (aliased as the table), possibly with joins
    that give each of its rows at most one row (the customers' figures). A
    query over the same FROM, or over ``table`` alone, gives its WHERE
    clause, evaluated in the same scan; one with other joins (a many2one
    path of advanced conditions) is kept whole as a subquery on ids, so its
    joined rows cannot multiply the count.
    """
    same_rows = (SQL.identifier(table), from_clause)
    if query.limit or query.offset or query.from_clause not in same_rows:
        return SQL("%s IN %s", SQL.identifier(table, "id"), query.subselect())
    return query.where_clause or SQL("TRUE")


def is_correlated(condition):
    """Whether ``condition`` holds a sub-select evaluated row by row.

    The ORM writes conditions on one2many and many2many fields as
    ``EXISTS (… WHERE … = <the row's id>)``; a scan evaluating one cannot be
    shared between parallel workers.
    """
    return "EXISTS" in condition.code.upper()


def in_relation(alias, relation, column1, column2, ids, positive=True):
    """``alias``'s id is (not) linked to one of ``ids`` in a many2many table.

    The same rows as the ORM's correlated ``EXISTS``, written as a sub-select
    that does not depend on the row: PostgreSQL computes it once and hashes
    it. The relation's columns are NOT NULL, so ``NOT IN`` is exact.
    """
    return SQL(
        "%s %s (SELECT %s FROM %s WHERE %s IN %s)",
        SQL.identifier(alias, "id"),
        SQL("IN") if positive else SQL("NOT IN"),
        SQL.identifier(relation, column1),
        SQL.identifier(relation),
        SQL.identifier(relation, column2),
        tuple(ids),
    )


def count_filtered(from_clause, conditions):
    """One row: per condition, the number of rows of ``from_clause`` meeting it, in one scan."""
    return SQL(
        "SELECT %s FROM %s",
        SQL(", ").join(SQL("COUNT(*) FILTER (WHERE %s)", condition) for condition in conditions),
        from_clause,
    )


def count_each(from_clause, conditions):
    """One row: per condition, the number of rows of ``from_clause`` meeting it, one count each.

    Each count is a sub-query of its own, with the condition in its WHERE
    clause: an ``EXISTS`` there becomes a semi-join, which parallel workers
    share.
    """
    return SQL(
        "SELECT %s",
        SQL(", ").join(
            SQL("(SELECT COUNT(*) FROM %s WHERE %s)", from_clause, condition)
            for condition in conditions
        ),
    )
