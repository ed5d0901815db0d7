import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.query import Query
from odoo.tools.safe_eval import datetime, safe_eval, time

from ..tools import alert_domain, alert_sql, colors
from .dso_dunning_alert_criteria import CRITERIA_FIELDS

_logger = logging.getLogger(__name__)

# The accounts an alert looks at: commercial customers.
CUSTOMER_SCOPE = [("customer_rank", ">", 0), ("parent_id", "=", False)]
DOMAIN_ERRORS = (ValueError, TypeError, KeyError, NameError, SyntaxError, AttributeError)


class DsoDunningAlert(models.Model):
    """One control rule of a credit manager or collector.

    The customers matching its cumulative criteria (plus optional advanced
    conditions) get a square of its colour next to their account. The filter
    is stored as a domain on res.partner whose dates are relative, so it is
    evaluated at read time; figures are read in the alert's company.
    """

    _name = "dso.dunning.alert"
    _description = "Dunning Alert"
    _inherit = ["dso.dunning.alert.criteria"]
    _order = "sequence, id"

    # translatable: a shared alert reads in each user's language once translated
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    alert_type = fields.Selection(
        [("collection", "Collection"), ("risk", "Risk"), ("none", "Other")],
        string="Type",
        default="collection",
        required=True,
    )
    color = fields.Integer(
        string="Colour",
        default=lambda self: self._default_color(),
        help="Colour of the square (criticality).",
    )
    visibility = fields.Selection(
        [("private", "Only me"), ("shared", "Everyone in the company")],
        default="private",
        required=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", default=lambda self: self.env.user, required=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    custom_domain = fields.Char(
        string="Advanced Conditions",
        default="[]",
        help="Any other condition on customers, added to the criteria (AND).",
    )
    domain = fields.Char(
        string="Filter",
        compute="_compute_domain",
        store=True,
        help="The domain on customers this alert selects; dates are relative to today.",
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    def _default_color(self):
        """A colour no alert the user sees has yet, so that a new square is not
        taken for an existing alert's (else the least used one)."""
        counts = dict(self._read_group([], ["color"], ["__count"]))
        return colors.least_used_color(counts)

    @api.depends(*CRITERIA_FIELDS, "custom_domain", "company_id")
    def _compute_domain(self):
        for alert in self:
            criteria = alert_domain.to_domain(alert._get_criteria(), alert.company_id.id)
            parts = [repr(criteria)] if criteria else []
            custom = (alert.custom_domain or "").strip()
            if custom and custom != "[]":
                parts.append(custom)
            alert.domain = " + ".join(parts) or "[]"

    @api.model
    def _recompute_filters(self):
        """Write every alert's filter again from its criteria (install and update).

        The filter is stored: an alert saved by a previous version keeps the
        domain that version wrote for the same criteria, possibly slower.
        """
        self.with_context(active_test=False).search([("domain", "!=", False)])._compute_domain()

    @api.depends_context("uid", "company")
    def _compute_partner_count(self):
        counts = self._count_partners()
        for alert in self:
            alert.partner_count = counts.get(alert.id, 0)

    @api.constrains(*CRITERIA_FIELDS, "custom_domain", "company_id")
    def _check_domain(self):
        Partner = self.env["res.partner"]
        for alert in self:
            custom = (alert.custom_domain or "").strip()
            if not alert._get_criteria().is_set and custom in ("", "[]"):
                raise ValidationError(
                    self.env._(
                        "Alert %(alert)s has no criterion: choose at least one, or write "
                        "advanced conditions.",
                        alert=alert.name,
                    )
                )
            try:
                domain = alert._get_partner_domain()
                Domain(domain).validate(Partner)
                Partner.with_company(alert.company_id)._search(domain)
            except DOMAIN_ERRORS as error:
                raise ValidationError(
                    self.env._(
                        "The advanced conditions of alert %(alert)s are not a valid filter on "
                        "customers (%(error)s). Fix them with the domain editor or clear them.",
                        alert=alert.name,
                        error=error,
                    )
                ) from error

    def _domain_eval_context(self):
        return {
            "datetime": datetime,
            "time": time,
            "relativedelta": relativedelta,
            "context_today": lambda: fields.Date.context_today(self),
            "uid": self.env.uid,
            "user": self.env.user,
            "company_id": self.company_id.id,
            "company_ids": self.env.companies.ids,
        }

    def _get_partner_domain(self):
        """The customers of this alert, as a domain list (evaluated now)."""
        self.ensure_one()
        return CUSTOMER_SCOPE + list(safe_eval(self.domain or "[]", self._domain_eval_context()))

    def _count_partners(self):
        """{alert id: number of customers it selects}, at most two queries per company.

        Each alert's domain goes through ``res.partner._search`` in its
        company, so the counts are those of ``search_count`` one by one; the
        conditions are then evaluated side by side (see ``alert_sql``),
        whatever the number of alerts.
        """
        counts = {}
        for company, alerts in self.grouped("company_id").items():
            Partner = self.env["res.partner"].with_company(company or self.env.company)
            # customers with their figures in the company (at most one row each)
            scope = Query(Partner.env, Partner._table)
            Partner._dunning_figure_join(Partner._table, scope)
            from_clause = scope.from_clause
            conditions = {}
            for alert in alerts:
                try:
                    domain = self._uncorrelated(Partner, alert._get_partner_domain())
                    query = Partner._search(domain)
                except DOMAIN_ERRORS:
                    continue  # being edited: the constraint reports it on save
                if not query.is_empty():
                    conditions[alert.id] = alert_sql.row_condition(
                        query, Partner._table, from_clause
                    )
            groups = [[], []]
            for alert_id, condition in conditions.items():
                groups[alert_sql.is_correlated(condition)].append(alert_id)
            scan, each = groups
            steps = []
            if scan:
                scan_sql = alert_sql.count_filtered(from_clause, [conditions[i] for i in scan])
                steps.append((scan_sql, alert_sql.SCAN_SETTINGS))
            if each:
                each_sql = alert_sql.count_each(from_clause, [conditions[i] for i in each])
                steps.append((each_sql, alert_sql.EACH_SETTINGS))
            rows = self._execute_counting(steps)
            for ids, row in zip([ids for ids in groups if ids], rows, strict=True):
                counts.update(zip(ids, row, strict=True))
        return counts

    @api.model
    def _uncorrelated(self, Partner, domain):
        """``domain``, its many2many conditions on ids written as sub-selects on ids.

        ``category_id in [1, 2]`` becomes ``id IN (SELECT partner_id FROM
        the relation WHERE category_id IN (1, 2))``: the same customers, but
        computed once rather than looked up customer by customer, so the
        count stays in the parallel scan. Other conditions are kept as the
        ORM writes them.
        """

        def rewrite(condition):
            field = Partner._fields.get(condition.field_expr)
            if not (
                field
                and field.type == "many2many"
                and field.store
                and condition.operator in ("in", "not in")
                and condition.value
                and all(type(id_) is int for id_ in condition.value)
                and field.get_comodel_domain(Partner).is_true()
            ):
                return condition
            return Domain.custom(
                to_sql=lambda model, alias, query: alert_sql.in_relation(
                    alias,
                    field.relation,
                    field.column1,
                    field.column2,
                    condition.value,
                    positive=condition.operator == "in",
                )
            )

        return Domain(domain).optimize_full(Partner).map_conditions(rewrite)

    def _execute_counting(self, steps):
        """The one row of each query of ``steps`` (query, PostgreSQL settings).

        Each query runs with its settings (and those of the queries before
        it); all are put back as they were at the end (a failed query rolls
        the transaction back, and the settings with it).
        """
        previous = {}
        rows = []
        for query, settings in steps:
            new = {name: value for name, value in settings.items() if name not in previous}
            if new:
                [row] = self.env.execute_query(alert_sql.set_settings(new, read_previous=True))
                previous.update(zip(new, row[::2], strict=True))
            rows.append(self.env.execute_query(query)[0])
        if previous:
            self.env.cr.execute(alert_sql.set_settings(previous))
        return rows

    def _match_partners(self, partners):
        """{alert id: ids of ``partners`` it selects}: one search per alert,
        restricted to ``partners`` (the records on screen)."""
        matches = {alert.id: set() for alert in self}
        if not partners:
            return matches
        for alert in self:
            Partner = self.env["res.partner"].with_company(alert.company_id)
            domain = Domain("id", "in", partners.ids) & Domain(alert._get_partner_domain())
            try:
                found = Partner.with_context(active_test=False).search(domain)
            except DOMAIN_ERRORS:
                # e.g. a field of the advanced conditions was uninstalled: the
                # customer lists must still open.
                _logger.warning("dunning alert %s cannot be evaluated", alert.id, exc_info=True)
                continue
            matches[alert.id] = set(found.ids)
        return matches

    def action_open_partners(self):
        """The customers this alert selects (row click in My Alerts)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_dunning.dso_dunning_partner_action"
        )
        action.update(
            name=self.name,
            display_name=self.name,
            domain=self._get_partner_domain(),
            context={"res_partner_search_mode": "customer", "default_is_company": True},
        )
        return action

    def action_open_form(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
        }
