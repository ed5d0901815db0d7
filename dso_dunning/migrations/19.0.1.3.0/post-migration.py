"""19.0.1.3.0: commitments' follow-ups and the customer's items status.

- Customers with items under a commitment get their items status
  (``res.partner.dunning_item_status_id``, new): "in dispute" from the
  first day, not from the next change of their commitments.
- The Dispute item status is followed up by a task, as on a new database
  (its data is not updated: noupdate; the channel is new, so nobody chose
  it yet).

Each step finds nothing to do on a database that no longer needs it.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    dispute = env.ref("dso_dunning.dso_dunning_item_status_dispute", raise_if_not_found=False)
    if dispute:
        dispute.followup_channel = "task"
    lines = env["account.move.line"].search(
        [("dunning_status_id", "!=", False), ("reconciled", "=", False)]
    )
    env["dso.dunning.commitment.engine"]._write_customer_statuses(lines.partner_id)
