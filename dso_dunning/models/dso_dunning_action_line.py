from odoo import fields, models


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
    date_maturity = fields.Date(string="Due Date")
    days_overdue = fields.Integer()
    amount_residual = fields.Monetary(string="Residual", currency_field="company_currency_id")
    currency_id = fields.Many2one("res.currency")
    amount_residual_currency = fields.Monetary(
        string="Residual in Currency", currency_field="currency_id"
    )
