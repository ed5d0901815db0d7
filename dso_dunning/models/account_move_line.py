import json

from odoo import api, fields, models
from odoo.tools import SQL, sql

from ..tools.alert_domain import ITEM_TYPES

ITEM_KIND_OF_MOVE_TYPE = {
    move_type: kind for kind, move_types in ITEM_TYPES.items() for move_type in move_types
}


class AccountMoveLine(models.Model):
    """Journal items get an index of the open ones per customer.

    Alerts with item criteria look, customer by customer, for one open item
    matching them. So that this lookup reads a few entries of one index and
    nothing else, the receivable items carry the two properties of their
    entry that the criteria test: its kind (invoice, credit note, other) and
    whether its payment is blocked. Both are stored on the item and kept in
    step with the entry by the ORM.
    """

    _inherit = "account.move.line"

    dunning_item_kind = fields.Selection(
        [("invoice", "Invoice"), ("refund", "Credit Note"), ("other", "Other Entry")],
        string="Dunning Item Type",
        compute="_compute_dunning_item_kind",
        store=True,
        help="Set on receivable items only: the kind of their journal entry.",
    )
    dunning_blocked = fields.Boolean(
        string="Payment Blocked",
        compute="_compute_dunning_blocked",
        store=True,
        help="Set on receivable items only: the journal entry's payment is blocked "
        "(disputed invoice).",
    )

    dunning_status_id = fields.Many2one(
        "dso.dunning.status",
        string="Item Status",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set by the commitment covering the item (promise to pay, dispute...); "
        "a status that pauses dunning keeps the item out of dunning actions.",
    )

    # The predicate is implied by ``tools.alert_domain.item_domain``.
    _dunning_open_item_idx = models.Index(
        "(partner_id, date_maturity) INCLUDE"
        " (amount_residual, company_id, dunning_item_kind, dunning_blocked, no_followup)"
        " WHERE reconciled IS NOT TRUE AND parent_state = 'posted' AND amount_residual <> 0"
        " AND dunning_item_kind IS NOT NULL"
    )

    @api.depends("account_id.account_type", "move_id.move_type")
    def _compute_dunning_item_kind(self):
        for line in self:
            if line.account_id.account_type != "asset_receivable":
                line.dunning_item_kind = False
            else:
                line.dunning_item_kind = ITEM_KIND_OF_MOVE_TYPE.get(line.move_id.move_type, "other")

    @api.depends("account_id.account_type", "move_id.payment_state")
    def _compute_dunning_blocked(self):
        for line in self:
            line.dunning_blocked = (
                line.account_id.account_type == "asset_receivable"
                and line.move_id.payment_state == "blocked"
            )


def add_dunning_item_columns(cr):
    """Create and fill both columns in SQL when they do not exist yet.

    Called before the module's models load, on install (``pre_init_hook``)
    and on the update that brings them (``migrations/19.0.1.2.0``): left to
    the ORM, a new stored computed column is computed record by record, hours
    on a database of millions of journal items. Receivable items get their
    values in one UPDATE; other items keep NULL in both, read as False: what
    the ORM computes.
    """
    if sql.column_exists(cr, "account_move_line", "dunning_item_kind"):
        return
    sql.create_column(cr, "account_move_line", "dunning_item_kind", "varchar")
    sql.create_column(cr, "account_move_line", "dunning_blocked", "boolean")
    cr.execute(
        SQL(
            """
            UPDATE account_move_line line
               SET dunning_item_kind = COALESCE(%(kinds)s::jsonb ->> move.move_type, 'other'),
                   dunning_blocked = move.payment_state = 'blocked'
              FROM account_move move, account_account account
             WHERE move.id = line.move_id
               AND account.id = line.account_id
               AND account.account_type = 'asset_receivable'
            """,
            kinds=json.dumps(ITEM_KIND_OF_MOVE_TYPE),
        )
    )
