"""19.0.1.1.0: cancelled actions are history and no longer reopened.

The unique (customer, step, date) constraint becomes a unique index over the
actions that are not cancelled, so that the planner inserts a new action
beside a cancelled one instead of rewriting it. The old constraint is
dropped here; the new index is created by the update.
"""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        SQL(
            "ALTER TABLE dso_dunning_action DROP CONSTRAINT IF EXISTS %s",
            SQL.identifier("dso_dunning_action_unique_step_date"),
        )
    )
    cr.execute(
        SQL(
            "DELETE FROM ir_model_constraint WHERE name = %s",
            "dso_dunning_action_unique_step_date",
        )
    )
