"""Schema changes of updates, in SQL (what Odoo leaves to the module)."""

from odoo.tools import SQL


def drop_columns(cr, table, columns):
    """Drop ``columns`` of ``table`` in one statement (none: nothing is done).

    Odoo keeps the columns of fields a module no longer has; an update drops
    those it moved elsewhere or whose foreign keys still cost.
    """
    if not columns:
        return
    cr.execute(
        SQL(
            "ALTER TABLE %s %s",
            SQL.identifier(table),
            SQL(", ").join(SQL("DROP COLUMN %s", SQL.identifier(column)) for column in columns),
        )
    )
