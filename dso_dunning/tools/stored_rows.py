"""Report rows written set-based per company: one writer at a time, the old rows out first."""

from odoo.tools import SQL


def lock_company(env, table, company_id, wait=True):
    """Lock ``table``'s rows of a company until the transaction ends.

    A transaction-level advisory lock keyed on the table and the company:
    two writers wait for each other rather than write rows twice. With
    ``wait=False``, returns False at once when another writer holds it.
    """
    function = SQL("pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock")
    [[locked]] = env.execute_query(
        SQL("SELECT %s(%s::regclass::oid::int4, %s)", function, table, company_id)
    )
    return locked is not False


def delete_company_rows(env, table, company_id, partner_ids=None, where=None):
    """Delete ``table``'s rows of a company (of ``partner_ids`` only, if given; ``where`` too)."""
    conditions = [SQL("company_id = %s", company_id), where or SQL("TRUE")]
    if partner_ids is not None:
        conditions.append(SQL("partner_id IN %s", tuple(partner_ids) or (0,)))
    env.execute_query(
        SQL("DELETE FROM %s WHERE %s", SQL.identifier(table), SQL(" AND ").join(conditions))
    )
