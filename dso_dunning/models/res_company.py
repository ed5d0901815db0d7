from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_default_collector_id = fields.Many2one(
        comodel_name="res.users",
        string="Default Collector",
        domain=[("share", "=", False)],
        help="Collector in charge of customers that have none of their own; "
        "the salesperson is used when this is empty.",
    )
    dunning_default_scenario_id = fields.Many2one(
        "dso.dunning.scenario",
        string="Default Scenario",
        domain="[('company_id', '=', id)]",
        help="Scenario of customers that have none of their own.",
    )
    dunning_planning_enabled = fields.Boolean(
        string="Daily Planning",
        default=True,
        help="Plan dunning actions every day from the open items.",
    )
    dunning_tolerance = fields.Monetary(
        string="Tolerance",
        currency_field="currency_id",
        default=1.0,
        help="Customers owing less than this are not dunned.",
    )
    dunning_min_interval = fields.Integer(
        string="Minimum Interval (days)",
        default=5,
        help="Least number of days between two dunning actions to the same customer.",
    )
    dunning_horizon = fields.Integer(
        string="Planning Horizon (days)",
        default=15,
        help="Actions are planned this many days ahead, so the agenda shows what is coming.",
    )
    dunning_promise_grace_days = fields.Integer(
        string="Promise Grace Period (days)",
        default=3,
        help="Days after the promised date before an unpaid promise to pay counts as broken "
        "and dunning of its items resumes.",
    )
    dunning_email_cc = fields.Char(
        string="Copy Dunning Emails To", help="Email address in copy of every dunning email."
    )
    dunning_send_hour_from = fields.Float(string="Send From", default=8.0)
    dunning_send_hour_to = fields.Float(
        string="Send Until", default=19.0, help="Same hour in both: all day."
    )
    dunning_send_mon = fields.Boolean(string="Monday", default=True)
    dunning_send_tue = fields.Boolean(string="Tuesday", default=True)
    dunning_send_wed = fields.Boolean(string="Wednesday", default=True)
    dunning_send_thu = fields.Boolean(string="Thursday", default=True)
    dunning_send_fri = fields.Boolean(string="Friday", default=True)
    dunning_send_sat = fields.Boolean(string="Saturday")
    dunning_send_sun = fields.Boolean(string="Sunday")
    dunning_email_from = fields.Selection(
        [("collector", "The collector"), ("company", "The dunning address")],
        string="Dunning Emails Sent By",
        default="collector",
        required=True,
    )
    dunning_email = fields.Char(
        string="Dunning Address",
        help="Sender (when chosen) and reply-to address of dunning emails; empty: the "
        "company's email.",
    )
    dunning_statement_show_discussed = fields.Boolean(
        string="Show Items Under Discussion",
        default=True,
        help="Statements (emails, letters) list the items under a promise to pay or in dispute "
        "apart, below the items dunned; they are never in the amount dunned.",
    )
    dunning_forecast_computed_at = fields.Datetime(
        string="Cash Forecast Computed At",
        readonly=True,
        help="When the whole cash forecast of the company was last written.",
    )
