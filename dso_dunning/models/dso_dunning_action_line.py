from odoo import fields, models
from odoo.tools import sql

from ..tools import schema

# Log columns an earlier version created on items (see ``_drop_old_log_columns``).
OLD_LOG_COLUMNS = ("create_uid", "write_uid", "create_date", "write_date")


class DsoDunningActionLine(models.Model):
    """One open item covered by an action, as it stood when last planned."""

    _name = "dso.dunning.action.line"
    _description = "Dunning Action Item"
    _order = "date_maturity, id"
    # Snapshots rewritten whole by each planning run, never edited: no log
    # columns, whose two foreign keys to res_users would be checked for every
    # item the planner inserts (a fifth of the cost of planning a ledger).
    _log_access = False

    action_id = fields.Many2one("dso.dunning.action", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="action_id.company_id", store=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Journal Item", index=True, ondelete="set null"
    )
    move_id = fields.Many2one("account.move", string="Document", index=True, ondelete="set null")
    # What the letter and the statement print of the document: read as
    # superuser (related), so that a collector without accounting rights
    # prints letters without reading journal entries.
    move_name = fields.Char(related="move_id.name", string="Document Number")
    date_maturity = fields.Date(string="Due Date")
    days_overdue = fields.Integer()
    amount_residual = fields.Monetary(string="Residual", currency_field="company_currency_id")
    currency_id = fields.Many2one("res.currency")
    amount_residual_currency = fields.Monetary(
        string="Residual in Currency", currency_field="currency_id"
    )

    def _drop_old_log_columns(self):
        """Drop the log columns an earlier version created (update to 19.0.1.2.0).

        Odoo leaves the columns of removed fields in place; the foreign keys
        of ``create_uid`` and ``write_uid`` were then still checked for every
        item a planning run inserts: 0.9 s of a 12 s run on 20k customers.
        """
        cr = self.env.cr
        columns = [c for c in OLD_LOG_COLUMNS if sql.column_exists(cr, self._table, c)]
        schema.drop_columns(cr, self._table, columns)
