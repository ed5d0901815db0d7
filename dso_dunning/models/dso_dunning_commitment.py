from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date, formatLang

from ..tools import commitments

# What a resolver without a dunning role may change on the disputes assigned to them.
RESOLVER_FIELDS = frozenset({"state", "resolution", "comment", "date_closed"})
# A change of these fields changes the status of the items.
ITEM_FIELDS = frozenset({"state", "kind", "move_line_ids"})


class DsoDunningCommitment(models.Model):
    """One commitment on some open items of one customer: a promise to pay or a dispute.

    While it runs, it gives its items a status (promise to pay, dispute)
    that may take them out of dunning; the customer's other items keep
    being dunned. A promise is kept, partially kept or broken by the
    payments on its items (``dso.dunning.commitment.engine``); a dispute is
    worked by its resolver and resolved (``dso_dunning_commitment_dispute.py``). The
    status of an item is written on the journal item itself, so that
    planning reads it with the item at no extra cost.
    """

    _name = "dso.dunning.commitment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Dunning Commitment"
    _order = "date desc, id desc"
    _check_company_auto = True

    kind = fields.Selection(commitments.KINDS, required=True, default="promise", index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain=[("parent_id", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_line_ids = fields.Many2many(
        "account.move.line",
        "dso_dunning_commitment_move_line_rel",
        "commitment_id",
        "move_line_id",
        string="Items",
        check_company=True,
        copy=False,
    )
    item_summary = fields.Text(string="Items Covered", compute="_compute_item_summary")
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Promise: the amount promised (default: what is left to pay on the items).",
    )
    amount_start = fields.Monetary(
        string="Owed at Start", readonly=True, help="Residual of the items when it was made."
    )
    amount_paid = fields.Monetary(
        string="Paid Since", readonly=True, help="Paid on the items since the promise."
    )
    date = fields.Date(
        index=True,
        tracking=True,
        help="Promise: the promised payment date. Dispute: the target resolution date.",
    )
    state = fields.Selection(
        commitments.STATES, required=True, default="open", index=True, tracking=True
    )
    resolution = fields.Selection(commitments.RESOLUTIONS, tracking=True)
    date_closed = fields.Date(string="Closed On", readonly=True)
    status_id = fields.Many2one(
        "dso.dunning.status",
        string="Item Status",
        compute="_compute_status_id",
        store=True,
        index=True,
        help="The status this commitment gives its items.",
    )
    dispute_type_id = fields.Many2one("dso.dunning.dispute.type", index=True, tracking=True)
    resolver_id = fields.Many2one(
        "res.users",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        help="Who works the dispute: gets an activity and may resolve it.",
    )
    comment = fields.Text()
    resolution_days = fields.Float(
        string="Days to Resolve",
        digits=(16, 1),
        compute="_compute_resolution_days",
        store=True,
        aggregator="avg",
        help="Resolved disputes: days from recording to closing; grouped, their average. "
        "0 on other commitments: filter on resolved disputes to read the average.",
    )

    @api.depends("kind", "partner_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for commitment in self:
            commitment.display_name = self.env._(
                "%(kind)s - %(customer)s",
                kind=kinds.get(commitment.kind, ""),
                customer=commitment.partner_id.name or "",
            )

    @api.depends("move_line_ids")
    @api.depends_context("lang")
    def _compute_item_summary(self):
        # sudo: collectors and resolvers need no accounting rights to see what is covered
        for commitment in self:
            # in the reader's language: 04/11/2026 and 8 891,46 € for a French collector
            commitment.item_summary = "\n".join(
                self.env._(
                    "%(item)s, due %(date)s: %(amount)s",
                    item=line.move_name or line.name,
                    date=format_date(self.env, line.date_maturity or line.date),
                    amount=formatLang(
                        self.env, line.amount_residual, currency_obj=line.company_currency_id
                    ),
                )
                for line in commitment.sudo().move_line_ids
            )

    @api.depends("move_line_ids")
    def _compute_amount(self):
        for commitment in self:
            commitment.amount = sum(commitment.sudo().move_line_ids.mapped("amount_residual"))

    @api.depends("kind", "state")
    def _compute_status_id(self):
        for commitment in self:
            xmlid = commitments.ITEM_STATUS_XMLIDS.get((commitment.kind, commitment.state))
            commitment.status_id = xmlid and self.env.ref(xmlid, raise_if_not_found=False)

    @api.depends("kind", "state", "date_closed", "create_date")
    def _compute_resolution_days(self):
        for commitment in self:
            if (
                commitment.kind == "dispute"
                and commitment.state == "resolved"
                and (commitment.date_closed and commitment.create_date)
            ):
                created = fields.Date.context_today(commitment, commitment.create_date)
                commitment.resolution_days = (commitment.date_closed - created).days
            else:
                commitment.resolution_days = 0

    @api.constrains("move_line_ids", "partner_id", "company_id")
    def _check_move_line_ids(self):
        for c in self.sudo():
            lines = c.move_line_ids
            if c.state not in commitments.RUNNING_STATES:
                continue
            if not lines:
                raise ValidationError(self.env._("Select the items this commitment covers."))
            domain = commitments.open_items_domain(c.company_id.id, c.partner_id.id)
            wrong = lines - lines.filtered_domain(domain)
            if wrong:
                raise ValidationError(
                    self.env._(
                        "Only open receivable items of %(customer)s can be covered: remove "
                        "%(items)s.",
                        customer=c.partner_id.display_name,
                        items=", ".join(wrong.mapped("move_name")),
                    )
                )
            taken = self.search(
                [
                    ("id", "!=", c.id),
                    ("state", "in", commitments.RUNNING_STATES),
                    ("move_line_ids", "in", lines.ids),
                ],
                limit=1,
            )
            if taken:
                raise ValidationError(
                    self.env._(
                        "These items are already covered by %(other)s: close it first.",
                        other=taken.display_name,
                    )
                )

    @api.constrains("kind", "date", "amount")
    def _check_promise(self):
        for commitment in self.filtered(lambda c: c.kind == "promise"):
            if not commitment.date or commitment.amount <= 0:
                raise ValidationError(
                    self.env._("A promise to pay needs a promised date and a positive amount.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
        # Covering items needs no accounting rights (Odoo checks the read
        # right on the items of a many2many): the rights on commitments are
        # checked here, the items by ``_check_move_line_ids``.
        self.check_access("create")
        records = super(DsoDunningCommitment, self.sudo()).create(vals_list).with_env(self.env)
        records.check_access("create")
        for commitment in records:
            commitment.amount_start = sum(commitment.sudo().move_line_ids.mapped("amount_residual"))
        records._engine()._apply(records.sudo().move_line_ids, records._customers())
        records._schedule_resolver_activity()
        return records

    def write(self, vals):
        self._check_resolver_write(vals)
        lines = self.sudo().move_line_ids if ITEM_FIELDS & vals.keys() else None
        if "move_line_ids" in vals and not self.env.su:
            self.check_access("write")  # then as in create()
            result = super(DsoDunningCommitment, self.sudo()).write(vals)
        else:
            result = super().write(vals)
        if lines is not None:
            self._engine()._apply(lines | self.sudo().move_line_ids, self._customers())
        if vals.get("resolver_id"):
            self._schedule_resolver_activity()
        return result

    def unlink(self):
        lines, customers, engine = self.sudo().move_line_ids, self._customers(), self._engine()
        result = super().unlink()
        engine._apply(lines, customers)
        return result

    def _customers(self):
        return {(c.company_id.id, c.partner_id.id) for c in self}

    def _engine(self):
        return self.env["dso.dunning.commitment.engine"].sudo()

    def _check_resolver_write(self, vals):
        """Without a dunning role, only the resolver's fields change (rules chose the records)."""
        if self.env.su or self.env.user.has_group("dso_dunning.group_dso_dunning_collector"):
            return
        mixins = set(self.env["mail.thread"]._fields) | set(self.env["mail.activity.mixin"]._fields)
        if vals.keys() - RESOLVER_FIELDS - mixins:
            if self.env.user.has_group("dso_dunning.group_dso_dunning_auditor"):
                raise AccessError(
                    self.env._("As auditor you read commitments: you change nothing.")
                )
            raise AccessError(
                self.env._("As resolver you may only progress, resolve or comment a dispute.")
            )
