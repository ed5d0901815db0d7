from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.report_actions import report_action


class ResPartner(models.Model):
    """Whose customer it is: the collector's portfolio as a filter.

    The collector of a customer in a company is its own collector, else the
    company's default, else its salesperson, an archived user skipped
    (``_dunning_collector``). "My Customers" filters on it; a collector opens
    the Customers menu on it, as on every report: a default filter, not a
    rule (figures are not secret inside the company).
    """

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dunning_my_customer = fields.Boolean(
        string="My Customer",
        compute="_compute_dunning_my_customer",
        search="_search_dunning_my_customer",
        help="You are its collector in the current company (its own collector, else the "
        "company's default collector, else its salesperson).",
    )

    @api.depends_context("company", "uid")
    def _compute_dunning_my_customer(self):
        company, user = self.env.company, self.env.user
        for partner in self:
            partner.dunning_my_customer = partner._dunning_collector(company) == user

    def _search_dunning_my_customer(self, operator, value):
        values = value if operator in ("in", "not in") else [value]
        wanted = {bool(v) for v in values}
        if operator not in ("=", "!=", "in", "not in") or len(wanted) != 1:
            return NotImplemented
        mine = (operator in ("=", "in")) == (wanted == {True})
        # what the SQL reads, written first
        self.flush_model(["dunning_collector_id", "user_id"])
        self.env["res.company"].flush_model(["dunning_default_collector_id"])
        self.env["res.users"].flush_model(["active"])

        def to_sql(model, alias, query):
            own = model._field_to_sql(alias, "dunning_collector_id", query)
            salesperson = model._field_to_sql(alias, "user_id", query)
            collector = SQL(
                """COALESCE(
                       (SELECT u.id FROM res_users u WHERE u.id = %(own)s AND u.active),
                       (SELECT u.id FROM res_company c
                          JOIN res_users u ON u.id = c.dunning_default_collector_id AND u.active
                         WHERE c.id = %(company)s),
                       (SELECT u.id FROM res_users u WHERE u.id = %(salesperson)s AND u.active))""",
                own=own,
                company=model.env.company.id,
                salesperson=salesperson,
            )
            comparison = SQL("IS NOT DISTINCT FROM") if mine else SQL("IS DISTINCT FROM")
            return SQL("%s %s %s", collector, comparison, model.env.uid)

        return Domain.custom(to_sql=to_sql)

    @api.model
    def action_open_dunning_customers(self):
        """The Customers menu: a collector lands on his own portfolio."""
        return report_action(
            self.env, "dso_dunning.dso_dunning_partner_action", mine="dunning_mine"
        )
