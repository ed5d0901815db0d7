"""19.0.1.2.0: what earlier versions did in ``_auto_init``, once, on update.

- Figures kept on res.partner as JSON by company move into
  ``dso_dunning_figure`` (the JSON columns are dropped).
- Log columns left on action items are dropped (their foreign keys were
  checked for every item a planning run inserts).
- Customers with a text message stopped on their number get the flag that
  lets the customer card retry it when the number changes
  (``res.partner.dunning_sms_stopped``, new).

Each step finds nothing to do on a database that no longer needs it.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["dso.dunning.figure"]._move_company_dependent_figures()
    env["dso.dunning.action.line"]._drop_old_log_columns()
    cr.execute(
        SQL(
            """
            UPDATE res_partner
               SET dunning_sms_stopped = TRUE
             WHERE id IN (SELECT partner_id
                            FROM dso_dunning_action
                           WHERE state = 'error'
                             AND channel_sms
                             AND sms_done IS NOT TRUE
                             AND error_retryable IS NOT TRUE
                             AND mode != 'manual')
            """
        )
    )
