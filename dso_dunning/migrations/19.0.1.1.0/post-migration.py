"""19.0.1.1.0: the statuses Dispute and Litigation pause dunning, as on a new database.

Their data is not updated (noupdate): the new flag is set here, once.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in (
        "dso_dunning.dso_dunning_status_dispute",
        "dso_dunning.dso_dunning_status_litigation",
    ):
        status = env.ref(xmlid, raise_if_not_found=False)
        if status:
            status.pause_dunning = True
