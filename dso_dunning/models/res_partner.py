from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import credit_insurance, pause, sending
from ..tools.action_states import PENDING_STATES
from .account_move import DUNNING_READERS
from .dso_dunning_figure import FIGURE_COLUMNS, FIGURE_NUMBERS

# A change of these fields may pause dunning, or end the pause.
PAUSE_FIELDS = frozenset({"dunning_block_reason", "dunning_block_until", "dunning_status_id"})
# A change of these fields may fix the number a text message failed on.
SMS_NUMBER_FIELDS = ("phone", "country_id")


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
    """Customers get a scenario, a collector, a collection contact, dunning
    figures (per company, written by the planning run) and blocks."""

    _inherit = "res.partner"

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
    # Blocks
    dunning_block_reason = fields.Selection(
        [
            ("dispute", "Dispute"),
            ("promise", "Promise to pay"),
            ("negotiation", "Payment plan"),
            ("litigation", "Litigation"),
            ("other", "Other"),
        ],
        string="Dunning Blocked",
        tracking=True,
    )
    dunning_block_until = fields.Date(
        string="Blocked Until", tracking=True, help="Empty: until the block is removed."
    )
    dunning_block_note = fields.Text(string="Block Note")
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

    def write(self, vals):
        vals = dict(vals)
        reschedules = self._dunning_pop_reschedules(vals)
        sms_numbers = self._dunning_sms_numbers() if SMS_NUMBER_FIELDS & vals.keys() else {}
        # Rescheduling needs the rights on actions, not on the customer.
        result = super().write(vals) if vals or not reschedules else True
        for (date, reason), actions in reschedules.items():
            self.env["dso.dunning.action.reschedule"].create(
                {"action_ids": [fields.Command.set(actions.ids)], "date": date, "reason": reason}
            ).action_apply()
        if sms_numbers:
            self._dunning_retry_sms(sms_numbers)
        if PAUSE_FIELDS & vals.keys():
            self._dunning_apply_pause()
        return result

    def _dunning_pause_label(self):
        """Why this customer's dunning is paused today ("Blocked: Dispute"), else False."""
        self.ensure_one()
        partner = self.commercial_partner_id
        today = fields.Date.context_today(self)
        if pause.is_blocked(partner.dunning_block_reason, partner.dunning_block_until, today):
            reasons = dict(self._fields["dunning_block_reason"]._description_selection(self.env))
            return self.env._("Blocked: %(reason)s", reason=reasons[partner.dunning_block_reason])
        if partner.dunning_status_id.pause_dunning:
            return self.env._("Status: %(status)s", status=partner.dunning_status_id.name)
        return False

    def _dunning_apply_pause(self):
        """A block or a pausing status takes effect at once; lifting it plans again.

        Pending actions of a paused customer are cancelled (reason: dunning
        paused, and why in their history); a customer no longer paused is
        planned now rather than at the next nightly run (so are the figures of both).
        """
        customers = self.commercial_partner_id
        labels = {partner: partner._dunning_pause_label() for partner in customers}
        paused = customers.filtered(lambda p: labels[p])
        pending = (
            self.env["dso.dunning.action"]
            .sudo()
            .search([("partner_id", "in", paused.ids), ("state", "in", PENDING_STATES)])
        )
        for action in pending:
            action._cancel("paused")
            action.message_post(
                body=self.env._("Dunning paused: %(why)s", why=labels[action.partner_id])
            )
        # figures and "not dunned because" of all, new actions for the resumed
        self.env["dso.dunning.planner"]._plan(partners=customers, force=True)

    def _dunning_pop_reschedules(self, vals):
        """Take the date changes of planned actions out of ``vals``.

        A date edited in the customer card's list goes through the reschedule
        wizard, like in the agenda: reason kept, message posted. Returns the
        actions to move by (date, reason); other changes stay in ``vals``.
        """
        commands = vals.get("dunning_pending_action_ids")
        if not commands:
            return {}
        Action = self.env["dso.dunning.action"]
        kept, moves = [], {}
        for command in commands:
            if command[0] != fields.Command.UPDATE or "date" not in command[2]:
                kept.append(command)
                continue
            action = Action.browse(command[1])
            values = dict(command[2])
            date = fields.Date.to_date(values["date"])
            if action.state not in PENDING_STATES or date == action.date:
                # The action's own checks apply (an executed one refuses).
                kept.append(command)
                continue
            del values["date"]
            reason = values.pop("reschedule_note", None) or self.env._(
                "Rescheduled from the customer card"
            )
            moves[date, reason] = moves.get((date, reason), Action) | action
            if values:
                kept.append(fields.Command.update(action.id, values))
        if kept:
            vals["dunning_pending_action_ids"] = kept
        else:
            del vals["dunning_pending_action_ids"]
        return moves

    def _dunning_sms_numbers(self):
        """Text messages of these customers that stopped on their number.

        The sender does not retry a missing or invalid number by itself; the
        reason is not stored apart from the message, so it is recognised by
        the number the sender would use (collection contact, then customer)
        being unusable right now. Returns {action: (number, country)}.
        """
        actions = (
            self.env["dso.dunning.action"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "error"),
                    ("channel_sms", "=", True),
                    ("sms_done", "=", False),
                    ("error_retryable", "=", False),
                    ("mode", "!=", "manual"),
                ]
            )
        )
        numbers = {action: _sms_number(action) for action in actions}
        return {action: number for action, number in numbers.items() if not _valid(*number)}

    def _dunning_retry_sms(self, numbers_before):
        """Back to due: the next sending run retries the text messages whose number changed."""
        retry = self.env["dso.dunning.action"].sudo()
        for action, number in numbers_before.items():
            if _sms_number(action) != number:
                retry |= action
        if not retry:
            return
        for mode, actions in retry.grouped("mode").items():
            actions.write(
                {
                    "state": "confirmed" if mode == "to_confirm" else "planned",
                    "error_message": False,
                    "error_retryable": False,
                }
            )
        for action in retry:
            action.message_post(
                body=self.env._(
                    "The phone number changed: the text message will be sent again by the next "
                    "sending run."
                )
            )
        cron = self.env.ref("dso_dunning.ir_cron_dso_dunning_send", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

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

    # ------------------------------------------------------------------
    # Alerts: not-yet-due figure, dunning status, credit insurance, squares
    # ------------------------------------------------------------------
    dunning_not_due_amount = fields.Float(
        string="Not Yet Due", digits="Account", **FIGURES["dunning_not_due_amount"]
    )
    dunning_status_id = fields.Many2one(
        "dso.dunning.status",
        tracking=True,
        index="btree_not_null",
        help="Empty: nothing special (normal).",
    )
    dunning_insurer_id = fields.Many2one(
        "res.partner", string="Credit Insurer", company_dependent=True
    )
    dunning_insurance_ref = fields.Char(string="Insurance Reference", company_dependent=True)
    dunning_insurance_amount = fields.Float(
        string="Permanent Guarantee", company_dependent=True, digits="Account"
    )
    dunning_insurance_temp_amount = fields.Float(
        string="Temporary Guarantee",
        company_dependent=True,
        digits="Account",
        help="Replaces the permanent guarantee until its end date.",
    )
    dunning_insurance_temp_start = fields.Date(string="Temporary From", company_dependent=True)
    dunning_insurance_temp_end = fields.Date(string="Temporary Until", company_dependent=True)
    dunning_insurance_currency_id = fields.Many2one(
        "res.currency",
        string="Guarantee Currency",
        compute="_compute_dunning_insurance_currency_id",
        help="Guarantees are in the company currency, like the outstanding figures.",
    )
    dunning_guarantee = fields.Float(
        string="Current Guarantee",
        digits="Account",
        compute="_compute_dunning_guarantee",
        search="_search_dunning_guarantee",
        help="The temporary guarantee while it runs, otherwise the permanent one.",
    )
    dunning_exposure = fields.Float(
        string="Outstanding Above Guarantee",
        digits="Account",
        compute="_compute_dunning_guarantee",
        search="_search_dunning_exposure",
    )
    # Alert item criteria search through it; collectors may not read journal
    # entries, so the search bypasses their access (alerts restrict the company).
    dunning_item_ids = fields.One2many(
        "account.move.line",
        "partner_id",
        string="Receivable Items",
        readonly=True,
        bypass_search_access=True,
    )
    dunning_alert_ids = fields.Many2many(
        "dso.dunning.alert",
        string="Alerts",
        compute="_compute_dunning_alert_ids",
        groups=DUNNING_READERS,
    )

    @api.depends_context("company")
    def _compute_dunning_insurance_currency_id(self):
        self.dunning_insurance_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    @api.depends(
        "dunning_total_due",
        "dunning_insurance_amount",
        "dunning_insurance_temp_amount",
        "dunning_insurance_temp_start",
        "dunning_insurance_temp_end",
    )
    def _compute_dunning_guarantee(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.dunning_guarantee = credit_insurance.effective_guarantee(
                partner.dunning_insurance_amount,
                partner.dunning_insurance_temp_amount,
                partner.dunning_insurance_temp_start,
                partner.dunning_insurance_temp_end,
                today,
            )
            partner.dunning_exposure = credit_insurance.exposure(
                partner.dunning_total_due, partner.dunning_guarantee
            )

    def _dunning_guarantee_sql(self, alias, query):
        """SQL of the current guarantee, same rule as the compute."""
        field_sql = {
            name: self._field_to_sql(alias, f"dunning_insurance_{name}", query)
            for name in ("amount", "temp_amount", "temp_start", "temp_end")
        }
        return SQL(
            """CASE WHEN COALESCE(%(temp_amount)s, 0) != 0
                      AND %(temp_end)s >= %(today)s
                      AND (%(temp_start)s IS NULL OR %(temp_start)s <= %(today)s)
                    THEN %(temp_amount)s ELSE COALESCE(%(amount)s, 0) END""",
            today=fields.Date.context_today(self),
            **field_sql,
        )

    def _dunning_figure_search(self, operator, value, expression):
        comparators = {"=": "=", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
        if operator not in comparators or not isinstance(value, int | float):
            return NotImplemented

        def to_sql(model, alias, query):
            return SQL(
                "%s %s %s", expression(model, alias, query), SQL(comparators[operator]), value
            )

        return Domain.custom(to_sql=to_sql)

    def _search_dunning_guarantee(self, operator, value):
        return self._dunning_figure_search(
            operator, value, lambda model, alias, query: model._dunning_guarantee_sql(alias, query)
        )

    def _search_dunning_exposure(self, operator, value):
        def exposure(model, alias, query):
            total = model._field_to_sql(alias, "dunning_total_due", query)
            guarantee = model._dunning_guarantee_sql(alias, query)
            return SQL(
                "CASE WHEN %(guarantee)s > 0"
                " THEN GREATEST(COALESCE(%(total)s, 0) - %(guarantee)s, 0) ELSE 0 END",
                total=total,
                guarantee=guarantee,
            )

        return self._dunning_figure_search(operator, value, exposure)

    @api.depends_context("company", "uid")
    def _compute_dunning_alert_ids(self):
        """One search per alert the user may see, restricted to the customers at hand.

        Read with the user's rules even when computed as superuser (the
        agenda's related squares are): another user's private alert is
        never shown, nor read for someone else.
        """
        commercial = self._origin.commercial_partner_id
        alerts = self.env["dso.dunning.alert"].sudo(False).search([("active", "=", True)])
        matches = alerts._match_partners(commercial)
        for partner in self:
            partner_id = partner._origin.commercial_partner_id.id
            partner.dunning_alert_ids = [a.id for a in alerts if partner_id in matches[a.id]]


def _sms_number(action):
    """Number and country the sender uses for ``action``'s text message."""
    contact = action.partner_id.dunning_contact_id
    country = contact.country_id or action.partner_id.country_id
    return contact.phone or action.partner_id.phone or False, country.code or False


def _valid(number, country_code):
    try:
        sending.e164(number, country_code)
    except ValueError:
        return False
    return True
