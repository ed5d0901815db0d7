"""19.0.1.2.0: schema changes leave ``_auto_init`` for this script.

The two columns the alerts' index of open items reads on journal items are
created and filled in SQL if an earlier version did not (a new install
does it in ``pre_init_hook``), before the ORM would compute them record by
record.
"""

from odoo.addons.dso_dunning.models.account_move_line import add_dunning_item_columns


def migrate(cr, version):
    add_dunning_item_columns(cr)
