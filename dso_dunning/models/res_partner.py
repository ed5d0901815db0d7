from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.action_states import PENDING_STATES
from .account_move import DUNNING_READERS
from .dso_dunning_figure import FIGURE_COLUMNS, FIGURE_NUMBERS


def _figure_search(fname):
    """The search method of figure ``fname``: a condition on its column."""

    def search(partners, operator, value):
        return partners._dunning_figure_condition(fname, operator, value)

    search.__name__ = f"_search_{fname}"
    return search


# Attributes of each figure field (named as its column of dso.dunning.figure).
FIGURES = {
    fname: {
        "compute": "_compute_dunning_figures",
        "inverse": "_inverse_dunning_figures",
        "search": _figure_search(fname),
        "readonly": True,
    }
    for fname in FIGURE_COLUMNS
}


class ResPartner(models.Model):
    """Customers get a scenario, a collector, a collection contact and dunning
    figures (per company, written by the planning run).

    Blocks and what a change of the card triggers are in ``res_partner_pause``,
    text messages stopped on a number in ``res_partner_sms``, credit insurance
    and alerts in ``res_partner_alerts``.
    """

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dunning_scenario_id = fields.Many2one(
        "dso.dunning.scenario",
        company_dependent=True,
        help="Empty: the company's default scenario.",
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        domain=[("share", "=", False)],
        help="Empty: the company's default collector, then the salesperson.",
    )
    dunning_contact = fields.Boolean(
        string="Collection Contact",
        help="Dunning messages for the company go to this contact.",
    )
    dunning_contact_id = fields.Many2one(
        "res.partner", string="Dunning Recipient", compute="_compute_dunning_contact_id"
    )
    # Figures written by the planning run, per company: read from and written
    # to dso.dunning.figure (see _field_to_sql for filters, sorting, grouping).
    dunning_total_due = fields.Float(
        string="Total Outstanding", digits="Account", **FIGURES["dunning_total_due"]
    )
    dunning_overdue_amount = fields.Float(
        string="Overdue Amount", digits="Account", **FIGURES["dunning_overdue_amount"]
    )
    dunning_oldest_due_date = fields.Date(
        string="Oldest Overdue Due Date", **FIGURES["dunning_oldest_due_date"]
    )
    dunning_days_overdue = fields.Integer(string="Days Overdue", **FIGURES["dunning_days_overdue"])
    dunning_step_id = fields.Many2one(
        "dso.dunning.step", string="Current Step", **FIGURES["dunning_step_id"]
    )
    dunning_last_date = fields.Date(string="Last Dunning Date", **FIGURES["dunning_last_date"])
    dunning_next_date = fields.Date(string="Next Action Date", **FIGURES["dunning_next_date"])
    dunning_skip_reason = fields.Char(string="Not Dunned Because", **FIGURES["dunning_skip_reason"])
    dunning_planned_on = fields.Date(**FIGURES["dunning_planned_on"])
    dunning_action_ids = fields.One2many(
        "dso.dunning.action", "partner_id", string="Dunning Actions", groups=DUNNING_READERS
    )
    dunning_action_count = fields.Integer(
        compute="_compute_dunning_action_count", groups=DUNNING_READERS
    )
    # The customer card lists them; a date edited there is a reschedule.
    dunning_pending_action_ids = fields.One2many(
        "dso.dunning.action",
        "partner_id",
        string="Planned Dunning Actions",
        domain=[("state", "in", PENDING_STATES)],
        groups=DUNNING_READERS,
    )
    dunning_past_action_ids = fields.One2many(
        "dso.dunning.action",
        "partner_id",
        string="Past Dunning Actions",
        domain=[("state", "not in", PENDING_STATES)],
        readonly=True,
        groups=DUNNING_READERS,
    )
    dunning_can_reschedule = fields.Boolean(compute="_compute_dunning_can_reschedule")

    @api.depends_context("company")
    def _compute_dunning_figures(self):
        figures = self.env["dso.dunning.figure"]._read_figures(self.env.company, self._origin.ids)
        for partner in self:
            values = figures.get(partner._origin.id, {})
            for fname in FIGURE_COLUMNS:
                partner[fname] = values.get(fname) or False

    def _inverse_dunning_figures(self):
        self.env["dso.dunning.figure"]._store(
            self.env.company,
            {
                partner.id: {fname: partner[fname] for fname in FIGURE_COLUMNS}
                for partner in self
                if partner.id
            },
        )

    def _dunning_figure_condition(self, fname, operator, value):
        """A condition on figure ``fname``: the ORM's own, on the figure's column."""
        field = self._fields[fname]

        def to_sql(model, alias, query):
            return field.condition_to_sql(fname, operator, value, model, alias, query)

        return Domain.custom(to_sql=to_sql)

    def _field_to_sql(self, alias, field_expr, query=None):
        """Figures are columns of ``dso.dunning.figure``, joined for the current company.

        Searches, sorting and grouping on a figure then compare or order one
        plain column. A customer without figures in the company reads 0 (or
        nothing), as the fields show.
        """
        if field_expr not in FIGURE_COLUMNS:
            return super()._field_to_sql(alias, field_expr, query)
        if query is None:
            raise ValueError(f"Figure {field_expr!r} needs a query to join its table")
        column = SQL.identifier(self._dunning_figure_join(alias, query), field_expr)
        if field_expr in FIGURE_NUMBERS:
            return SQL("COALESCE(%s, 0)", column)
        return column

    def _dunning_figure_join(self, alias, query):
        """Join the figures of the current company to ``alias`` in ``query``; return their alias.

        A LEFT JOIN on the table's unique (customer, company) key: at most
        one row per customer, so it never multiplies the customers. Figures
        that actions of this transaction moved are written first.
        """
        self.env["dso.dunning.figure"]._refresh_touched()
        figure = query.make_alias(alias, "dunning_figure")
        query.add_join(
            "LEFT JOIN",
            figure,
            "dso_dunning_figure",
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(figure, "partner_id"),
                SQL.identifier(alias, "id"),
                SQL.identifier(figure, "company_id"),
                self.env.company.id,
            ),
        )
        return figure

    @api.depends("child_ids.dunning_contact", "child_ids.type")
    def _compute_dunning_contact_id(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            flagged = commercial.child_ids.filtered("dunning_contact")[:1]
            if flagged:
                partner.dunning_contact_id = flagged
                continue
            invoice_id = commercial.address_get(["invoice"])["invoice"]
            partner.dunning_contact_id = invoice_id or commercial

    def _compute_dunning_action_count(self):
        groups = self.env["dso.dunning.action"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_action_count = counts.get(partner.id, 0)

    @api.depends_context("uid")
    def _compute_dunning_can_reschedule(self):
        self.dunning_can_reschedule = self.env.user.has_group(
            "dso_dunning.group_dso_dunning_collector"
        )

    def _dunning_collector(self, company):
        """Collector of this customer in ``company``: own, company default, salesperson."""
        self.ensure_one()
        partner = self.with_company(company)
        candidates = (
            partner.dunning_collector_id,
            company.dunning_default_collector_id,
            self.user_id,
        )
        # An archived user cannot work an agenda: fall back to the next one.
        return next((user for user in candidates if user.active), self.env["res.users"])

    def _dunning_scenario(self, company):
        """Scenario of this customer in ``company``: own, else the company default."""
        self.ensure_one()
        return self.with_company(company).dunning_scenario_id or company.dunning_default_scenario_id

    def action_dunning_plan(self):
        """Plan these customers now (button on the customer form)."""
        self.env["dso.dunning.action"]._check_dunning_role()
        self.env["dso.dunning.planner"]._plan(partners=self.commercial_partner_id, force=True)
        return self.action_view_dunning_actions()

    def action_view_dunning_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_dunning.dso_dunning_action_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_pending": 1}
        return action
