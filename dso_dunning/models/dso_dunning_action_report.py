from odoo import fields, models
from odoo.tools import SQL

from ..tools.action_states import EXECUTED_STATES, PENDING_STATES


class DsoDunningActionReport(models.Model):
    """One dunning action as the charts see it: to do, done or future, today.

    A SQL view read at query time, so the to do / future split follows the
    calendar without any stored field going stale.
    """

    _name = "dso.dunning.action.report"
    _description = "Dunning Actions Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "dso.dunning.action": [
            "date",
            "executed_date",
            "state",
            "mode",
            "partner_id",
            "collector_id",
            "step_id",
            "scenario_id",
            "company_id",
            "amount_due",
            "channel_call",
            "channel_letter",
            "channel_email",
            "channel_sms",
        ],
        "res.company": ["currency_id"],
    }

    action_id = fields.Many2one("dso.dunning.action", string="Dunning Action", readonly=True)
    date = fields.Date(readonly=True)
    executed_date = fields.Datetime(readonly=True)
    progress = fields.Selection(
        [
            ("to_do", "To do"),
            ("future", "Future"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        readonly=True,
    )
    state = fields.Selection(
        lambda self: self.env["dso.dunning.action"]._fields["state"].selection, readonly=True
    )
    mode = fields.Selection(
        lambda self: self.env["dso.dunning.step"]._fields["mode"].selection, readonly=True
    )
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("sms", "SMS"),
            ("letter", "Letter"),
            ("call", "Phone Call"),
            ("task", "Other Task"),
        ],
        string="Main Channel",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    step_id = fields.Many2one("dso.dunning.step", readonly=True)
    scenario_id = fields.Many2one("dso.dunning.scenario", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_due = fields.Monetary(string="Amount Dunned", readonly=True)

    @property
    def _table_query(self):
        return SQL("%s %s", self._select(), self._from())

    def _select(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT a.id, a.id AS action_id, a.date, a.executed_date, a.state, a.mode,
                   a.partner_id, a.collector_id, a.step_id, a.scenario_id, a.company_id,
                   c.currency_id, a.amount_due,
                   CASE
                       WHEN a.state IN %(executed)s THEN 'done'
                       WHEN a.state IN %(pending)s AND a.date <= %(today)s THEN 'to_do'
                       WHEN a.state IN %(pending)s THEN 'future'
                       ELSE 'cancelled'
                   END AS progress,
                   CASE
                       WHEN a.channel_call THEN 'call'
                       WHEN a.channel_letter THEN 'letter'
                       WHEN a.channel_email THEN 'email'
                       WHEN a.channel_sms THEN 'sms'
                       ELSE 'task'
                   END AS channel
            """,
            executed=EXECUTED_STATES,
            pending=PENDING_STATES,
            today=today,
        )

    def _from(self):
        return SQL(
            "FROM dso_dunning_action a JOIN res_company c ON c.id = a.company_id",
        )
