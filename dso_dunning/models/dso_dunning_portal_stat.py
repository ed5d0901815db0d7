from odoo import fields, models
from odoo.tools import SQL

from ..tools.action_states import EXECUTED_STATES


class DsoDunningPortalStat(models.Model):
    """One reminder sent (email, SMS or letter) and when a payment followed it.

    Compares reminders whose customer opened its page from the link with the
    others: "Paid within 7 / 30 days" are 100 or 0 per reminder, so their
    average in the pivot is the share of reminders followed by a payment.
    A payment is a reconciliation of one of the reminder's items dated on or
    after the send. A SQL view, read at query time.
    """

    _name = "dso.dunning.portal.stat"
    _description = "Reminders Followed by a Payment"
    _auto = False
    _order = "executed_date desc"
    _depends = {
        "dso.dunning.action": [
            "executed_date",
            "state",
            "partner_id",
            "collector_id",
            "company_id",
            "portal_opened",
            "channel_email",
            "channel_sms",
            "channel_letter",
        ],
        "dso.dunning.action.line": ["action_id", "move_line_id"],
        "account.partial.reconcile": ["debit_move_id", "max_date"],
    }

    action_id = fields.Many2one("dso.dunning.action", string="Reminder", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    executed_date = fields.Datetime(string="Sent On", readonly=True)
    portal_opened = fields.Boolean(string="Customer Page Opened", readonly=True)
    payment_date = fields.Date(string="First Payment", readonly=True)
    payment_days = fields.Integer(string="Days to Payment", readonly=True, aggregator="avg")
    paid_7 = fields.Float(string="Paid within 7 Days (%)", readonly=True, aggregator="avg")
    paid_30 = fields.Float(string="Paid within 30 Days (%)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT s.*,
                   s.payment_date - s.executed_date::date AS payment_days,
                   CASE WHEN s.payment_date - s.executed_date::date <= 7 THEN 100 ELSE 0 END
                       AS paid_7,
                   CASE WHEN s.payment_date - s.executed_date::date <= 30 THEN 100 ELSE 0 END
                       AS paid_30
              FROM (
                SELECT a.id, a.id AS action_id, a.partner_id, a.collector_id, a.company_id,
                       a.executed_date, COALESCE(a.portal_opened, FALSE) AS portal_opened,
                       (SELECT MIN(p.max_date)
                          FROM dso_dunning_action_line l
                          JOIN account_partial_reconcile p ON p.debit_move_id = l.move_line_id
                         WHERE l.action_id = a.id AND p.max_date >= a.executed_date::date
                       ) AS payment_date
                  FROM dso_dunning_action a
                 WHERE a.state IN %(executed)s
                   AND a.executed_date IS NOT NULL
                   AND (a.channel_email OR a.channel_sms OR a.channel_letter)
              ) s
            """,
            executed=EXECUTED_STATES,
        )
