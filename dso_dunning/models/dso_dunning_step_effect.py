from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.action_states import EXECUTED_STATES
from ..tools.collection_kpi import CHANNELS, EFFECT_WINDOWS, main_channel_sql
from ..tools.report_actions import report_action


def _window_field(days):
    return fields.Float(
        string=f"Paid Within {days} Days (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help=f"Share of the customers whose items of the action were all settled within "
        f"{days} days of it. Actions executed less than {days} days ago and not settled "
        f"yet are left out of the share.",
    )


class DsoDunningStepEffect(models.Model):
    """One executed dunning action and whether its customer paid after it.

    The customer paid when every invoice item the action covered was
    settled (actions without invoice items are left out); the date of the
    last settlement tells within how many days of the action. Both are
    stored on the action (``covers_invoices``, ``settled_on``: the ledger
    refresh follows the payments within minutes); the view adds what
    depends on today, whether each window is over. Grouped by step and
    channel, the averages of the "paid within" columns are the shares of
    customers who paid (which steps work).
    """

    _name = "dso.dunning.step.effect"
    _description = "Dunning Step Effectiveness"
    _auto = False
    _order = "executed_on desc, id desc"
    _depends = {
        "dso.dunning.action": [
            "state",
            "executed_date",
            "partner_id",
            "collector_id",
            "scenario_id",
            "step_id",
            "company_id",
            "amount_due",
            "channel_call",
            "channel_letter",
            "channel_email",
            "channel_sms",
            "covers_invoices",
            "settled_on",
        ],
    }

    action_id = fields.Many2one("dso.dunning.action", string="Dunning Action", readonly=True)
    executed_on = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    scenario_id = fields.Many2one("dso.dunning.scenario", readonly=True)
    step_id = fields.Many2one("dso.dunning.step", readonly=True)
    channel = fields.Selection(CHANNELS, string="Main Channel", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_due = fields.Monetary(string="Amount Dunned", readonly=True)
    settled_on = fields.Date(
        string="Paid On", readonly=True, help="When the last of the action's items was settled."
    )
    days_to_pay = fields.Integer(
        readonly=True,
        aggregator="avg",
        help="Days from the action to the settlement of its items.",
    )
    paid_7 = _window_field(7)
    paid_15 = _window_field(15)
    paid_30 = _window_field(30)

    @api.model
    def action_open_step_effect(self):
        return report_action(self.env, "dso_dunning.dso_dunning_step_effect_action")

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        windows = SQL(", ").join(
            SQL(
                """CASE
                       WHEN a.settled_on <= a.executed_date::date + %(days)s THEN 100.0
                       WHEN a.executed_date::date + %(days)s < %(today)s THEN 0.0
                   END AS %(name)s""",
                days=days,
                today=today,
                name=SQL.identifier(f"paid_{days}"),
            )
            for days in EFFECT_WINDOWS
        )
        return SQL(
            """
            SELECT a.id, a.id AS action_id, a.executed_date::date AS executed_on,
                   a.partner_id, a.collector_id, a.scenario_id, a.step_id, a.company_id,
                   company.currency_id, a.amount_due, %(channel)s AS channel,
                   a.settled_on,
                   a.settled_on - a.executed_date::date AS days_to_pay,
                   %(windows)s
              FROM dso_dunning_action a
              JOIN res_company company ON company.id = a.company_id
             WHERE a.state IN %(executed)s AND a.executed_date IS NOT NULL
               -- an action without invoice items (a bare task) tells nothing of payments
               AND a.covers_invoices
            """,
            channel=main_channel_sql("a"),
            windows=windows,
            executed=EXECUTED_STATES,
        )
