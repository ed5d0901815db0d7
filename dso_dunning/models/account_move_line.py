from odoo import models


class AccountMoveLine(models.Model):
    """Journal items get an index of the open ones per customer."""

    _inherit = "account.move.line"

    # Alerts with item criteria look, customer by customer, for one open item
    # matching them: this index holds only open items (about a third of all
    # journal items), with the columns the criteria test, so that lookup
    # reads a few index entries instead of every line of the customer.
    # The predicate is implied by ``tools.alert_domain.item_domain``.
    _dunning_open_item_idx = models.Index(
        "(partner_id, date_maturity) INCLUDE (amount_residual, account_id, company_id, move_id)"
        " WHERE reconciled IS NOT TRUE AND parent_state = 'posted' AND amount_residual <> 0"
    )
