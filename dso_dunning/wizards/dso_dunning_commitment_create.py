import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import commitments

# The item status whose follow-up delay proposes the date, by kind.
DEFAULT_STATUS_XMLIDS = {
    "promise": commitments.ITEM_STATUS_XMLIDS["promise", "open"],
    "dispute": commitments.ITEM_STATUS_XMLIDS["dispute", "open"],
    "plan": commitments.ITEM_STATUS_XMLIDS["plan", "open"],
}


class DsoDunningCommitmentCreate(models.TransientModel):
    """Record a promise to pay or a dispute on some open items of one customer.

    Opened on an action (its items) or on a customer card (its open items);
    the items come as lines the user unticks, so that no accounting right
    is needed to see them.
    """

    _name = "dso.dunning.commitment.create"
    _description = "Record a Promise or a Dispute"

    kind = fields.Selection(commitments.KINDS, required=True, default="promise")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("dso.dunning.commitment.create.line", "wizard_id", string="Items")
    date = fields.Date(
        compute="_compute_date",
        store=True,
        readonly=False,
        help="Promise: the promised payment date. Dispute: the target resolution date.",
    )
    amount = fields.Monetary(help="Promise: the amount promised; empty: what the items owe.")
    dispute_type_id = fields.Many2one("dso.dunning.dispute.type")
    resolver_id = fields.Many2one(
        "res.users",
        domain=[("share", "=", False)],
        compute="_compute_resolver_id",
        store=True,
        readonly=False,
        help="Default: the salesperson of the disputed invoices, else the collector.",
    )
    comment = fields.Text()
    send_confirmation = fields.Boolean(
        string="Send a confirmation to the customer",
        help="Email the customer the items, the amount and the date(s) committed to, "
        "in the customer's language.",
    )
    instalment_count = fields.Integer(string="Monthly Instalments", default=3)
    instalment_ids = fields.One2many(
        "dso.dunning.commitment.create.instalment",
        "wizard_id",
        string="Instalments",
        compute="_compute_instalment_ids",
        store=True,
        readonly=False,
    )

    @api.depends("kind", "dispute_type_id")
    def _compute_date(self):
        for wizard in self:
            wizard.date = self._default_date(wizard.kind, wizard.dispute_type_id)

    @api.depends("kind", "line_ids.selected")
    def _compute_resolver_id(self):
        for wizard in self:
            if wizard.kind == "dispute" and not wizard.resolver_id:
                items = wizard.line_ids.filtered("selected").move_line_id
                wizard.resolver_id = self._default_resolver(
                    wizard.partner_id, wizard.company_id, items
                )
            else:
                wizard.resolver_id = wizard.resolver_id

    @api.model
    def _default_date(self, kind, dispute_type=None):
        """Today plus the follow-up delay of the status the commitment gives its items
        (a dispute: of its type, when the type has one)."""
        status = self.env.ref(DEFAULT_STATUS_XMLIDS[kind], raise_if_not_found=False)
        days = status.followup_days if status else 0
        if kind == "dispute" and dispute_type and dispute_type.followup_days:
            days = dispute_type.followup_days
        return fields.Date.context_today(self) + datetime.timedelta(days=days)

    @api.model
    def _default_resolver(self, partner, company, items):
        """Who works a dispute by default: the salesperson of the disputed invoices,
        else the customer's collector (read as superuser)."""
        salespeople = items.sudo().move_id.invoice_user_id.filtered(
            lambda u: u.active and not u.share
        )
        return salespeople[:1] or partner.sudo()._dunning_collector(company)

    @api.depends("kind", "instalment_count", "date", "line_ids.selected")
    def _compute_instalment_ids(self):
        """The ticked items' total split over monthly instalments from the date."""
        for wizard in self:
            commands = [fields.Command.clear()]
            if wizard.kind == "plan" and wizard.date:
                total = sum(wizard.line_ids.filtered("selected").mapped("amount_residual"))
                commands += [
                    fields.Command.create({"date": date, "amount": amount})
                    for date, amount in commitments.split_instalments(
                        total,
                        wizard.instalment_count,
                        wizard.date,
                        wizard.currency_id.decimal_places,
                    )
                ]
            wizard.instalment_ids = commands

    @api.model
    def _open_for(self, records):
        """The wizard on actions of one customer (their items), invoices of one customer
        (their open receivable items) or a customer (its open items), as an action; only
        the items a new commitment may take are offered."""
        if records._name == "dso.dunning.action":
            if len(records.partner_id) > 1 or len(records.company_id) > 1:
                raise UserError(
                    self.env._(
                        "Select actions of one customer only: a promise or a dispute covers "
                        "the items of one customer (selected: %(customers)s).",
                        customers=", ".join(records.partner_id.mapped("display_name")),
                    )
                )
            partner, company = records.partner_id, records.company_id
            items = records.line_ids.move_line_id
        elif records._name == "account.move":
            records = records.sudo()  # its items: no accounting right needed beyond the invoice
            if len(records.commercial_partner_id) > 1 or len(records.company_id) > 1:
                raise UserError(
                    self.env._(
                        "Select invoices of one customer only: a promise or a dispute covers "
                        "the items of one customer."
                    )
                )
            partner, company = records.commercial_partner_id, records.company_id
            if company not in self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "You may not qualify the invoices of %(company)s.", company=company.name
                    )
                )
            items = records.line_ids
        else:
            partner, company = records.commercial_partner_id[:1], self.env.company
            items = (
                self.env["account.move.line"]
                .sudo()
                .search(commitments.open_items_domain(company.id, partner.id))
            )
        items = self._free_items(partner, company, items)
        if not items:
            raise UserError(
                self.env._(
                    "Nothing left to qualify for %(customer)s: its items are paid or already "
                    "under a promise or a dispute (see its commitments).",
                    customer=partner.display_name,
                )
            )
        wizard = self.create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "line_ids": [fields.Command.create({"move_line_id": item.id}) for item in items],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a Promise or a Dispute"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _record_qualification(self, partner, company, items, vals):
        """Record what a call outcome or a reply says (``vals``: kind, date, comment,
        dispute type) as a commitment on ``items`` of ``partner``.

        The one rule for calls and replies: only the free items are taken
        (``_free_items``: a reply about a promise already recorded by phone
        adds nothing); none left, nothing is recorded (empty recordset).
        Without a date, the status's follow-up delay gives one (a dispute's type
        may give its own); a dispute without a resolver goes to the salesperson
        of its invoices, else the collector (``_default_resolver``). As superuser:
        the caller checked the user's dunning role, and a collector needs no
        accounting rights on the items.
        """
        Commitment = self.env["dso.dunning.commitment"].sudo()
        partner = partner.commercial_partner_id
        items = self._free_items(partner, company, items)
        if not items:
            return Commitment.browse()
        vals = dict(vals)
        if vals["kind"] == "dispute":
            dispute_type = self.env["dso.dunning.dispute.type"].browse(vals.get("dispute_type_id"))
            vals["date"] = vals.get("date") or self._default_date("dispute", dispute_type)
            vals["resolver_id"] = (
                vals.get("resolver_id") or self._default_resolver(partner, company, items).id
            )
        return Commitment.create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "move_line_ids": [fields.Command.set(items.ids)],
                **vals,
                "date": vals.get("date") or self._default_date(vals["kind"]),
            }
        )

    @api.model
    def _free_items(self, partner, company, items):
        """The ``items`` a new commitment may take, by due date: open receivable items of
        ``partner`` not covered by a running commitment (read as superuser)."""
        items = items.sudo().filtered_domain(
            commitments.open_items_domain(company.id, partner.commercial_partner_id.id)
        )
        covered = (
            self.env["dso.dunning.commitment"]
            .sudo()
            .search(
                [("state", "in", commitments.RUNNING_STATES), ("move_line_ids", "in", items.ids)]
            )
            .move_line_ids
        )
        return (items - covered).sorted(lambda l: (l.date_maturity or l.date, l.id))

    def action_apply(self):
        self.ensure_one()
        items = self.line_ids.filtered("selected").move_line_id
        if not items:
            raise UserError(self.env._("Tick at least one item the promise or dispute covers."))
        vals = {
            "kind": self.kind,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "move_line_ids": [fields.Command.set(items.ids)],
            "date": self.date,
            "comment": self.comment,
        }
        if self.kind == "promise" and self.amount:
            vals["amount"] = self.amount
        if self.kind == "dispute":
            vals.update(dispute_type_id=self.dispute_type_id.id, resolver_id=self.resolver_id.id)
        if self.kind == "plan":
            vals.update(self._prepare_plan_vals())
        commitment = self.env["dso.dunning.commitment"].create(vals)
        if self.send_confirmation and self.kind in commitments.PAYMENT_KINDS:
            commitment.action_send_confirmation()
        return {
            "type": "ir.actions.act_window",
            "res_model": commitment._name,
            "res_id": commitment.id,
            "view_mode": "form",
        }

    def _prepare_plan_vals(self):
        instalments = self.instalment_ids.sorted(lambda i: (i.date, i.id))
        if not instalments:
            raise UserError(self.env._("Give the payment plan at least one instalment."))
        return {
            "amount": sum(instalments.mapped("amount")),
            "date": instalments[-1].date,
            "instalment_ids": [
                fields.Command.create({"date": i.date, "amount": i.amount}) for i in instalments
            ],
        }


class DsoDunningCommitmentCreateInstalment(models.TransientModel):
    """One instalment of the payment plan to record (proposed, editable)."""

    _name = "dso.dunning.commitment.create.instalment"
    _description = "Instalment of a Payment Plan to Record"
    _order = "date, id"

    wizard_id = fields.Many2one("dso.dunning.commitment.create", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)


class DsoDunningCommitmentCreateLine(models.TransientModel):
    """One open item offered to the commitment; unticked, it is left out."""

    _name = "dso.dunning.commitment.create.line"
    _description = "Item of a Promise or a Dispute to Record"

    wizard_id = fields.Many2one("dso.dunning.commitment.create", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Covered", default=True)
    move_line_id = fields.Many2one("account.move.line", required=True, ondelete="cascade")
    # related fields read as superuser: no accounting right needed to see the items
    move_name = fields.Char(related="move_line_id.move_name", string="Document")
    date_maturity = fields.Date(related="move_line_id.date_maturity", string="Due Date")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    amount_residual = fields.Monetary(related="move_line_id.amount_residual", string="Residual")
