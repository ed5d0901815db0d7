from odoo import api, fields, models
from odoo.tools import html2plaintext

from ..tools import commitments, pause
from ..tools.action_states import PENDING_STATES
from .dso_dunning_mail_batch import is_reminder


class DsoDunningReply(models.Model):
    """One customer reply to a dunning email, or one internal comment on an action.

    Created when the message reaches the chatter (see mail_message.py); the
    message itself stays in the chatter, this record only tracks whether a
    collector has read and qualified it.
    """

    _name = "dso.dunning.reply"
    _description = "Dunning Reply or Comment"
    _order = "date desc, id desc"
    _check_company_auto = True

    message_id = fields.Many2one(
        "mail.message", required=True, index=True, ondelete="cascade", readonly=True
    )
    kind = fields.Selection(
        [("reply", "Customer reply"), ("comment", "Internal comment")],
        required=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    action_id = fields.Many2one(
        "dso.dunning.action", string="Dunning Action", index=True, ondelete="set null"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    collector_id = fields.Many2one("res.users", index=True, readonly=True)
    date = fields.Datetime(related="message_id.date", store=True)
    author_id = fields.Many2one(related="message_id.author_id", string="Author")
    subject = fields.Char(related="message_id.subject")
    body = fields.Html(related="message_id.body")
    state = fields.Selection(
        [("new", "To read"), ("validated", "Validated")],
        required=True,
        default="new",
        index=True,
    )
    qualification = fields.Selection(
        [
            ("promise", "Promise to pay"),
            ("dispute", "Dispute"),
            ("contact", "Contact change"),
            ("other", "Other"),
        ]
    )
    promise_date = fields.Date(
        string="Promised Payment Date", help="Automatic steps wait until this date."
    )
    dispute_type_id = fields.Many2one(
        "dso.dunning.dispute.type", help="Qualified dispute: the type of the dispute recorded."
    )

    @api.depends("kind", "partner_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for reply in self:
            reply.display_name = self.env._(
                "%(kind)s — %(partner)s",
                kind=kinds.get(reply.kind, ""),
                partner=reply.partner_id.display_name,
            )

    @api.model
    def _capture(self, messages):
        """Track the replies and comments among ``messages`` (any model)."""
        note_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        vals_list = []
        for message in messages:
            action = self.env["dso.dunning.action"]
            if message.model == "dso.dunning.action" and message.res_id:
                action = action.browse(message.res_id).exists()
                if message.message_type == "email":
                    kind = "reply"
                elif message.message_type == "comment" and message.subtype_id.id == note_id:
                    kind = "comment"
                else:
                    continue
                partner = action.partner_id
            elif (
                message.model == "res.partner"
                and message.message_type == "email"
                and is_reminder(message.parent_id)
            ):
                kind = "reply"
                partner = self.env["res.partner"].browse(message.res_id).commercial_partner_id
                action = action.search([("message_id", "=", message.parent_id.id)], limit=1)
            else:
                continue
            if not partner:
                continue
            company = action.company_id or partner.company_id or self.env.company
            vals_list.append(
                {
                    "message_id": message.id,
                    "kind": kind,
                    "partner_id": partner.id,
                    "action_id": action.id,
                    "company_id": company.id,
                    "collector_id": (action.collector_id or partner._dunning_collector(company)).id,
                }
            )
        return self.create(vals_list)

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id.get_formview_action()

    def action_open_dunning_action(self):
        self.ensure_one()
        return self.action_id.get_formview_action()

    def action_open_thread(self):
        """The record the message is on (the action, or the customer's contact)."""
        self.ensure_one()
        # The reply is readable, hence its message: no need of the rights on
        # mail.message to find where it was posted.
        message = self.message_id.sudo()
        return self.env[message.model].browse(message.res_id).get_formview_action()

    def action_validate(self):
        self.write({"state": "validated"})
        return True

    def action_open_qualify(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Qualify"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("dso_dunning.dso_dunning_reply_view_form_qualify").id, "form")],
            "target": "new",
        }

    def action_apply_qualification(self):
        """A promise or a dispute becomes a commitment on the items the reply is about
        (see ``_qualified_items``); the customer's other items keep being dunned."""
        self.check_access("write")
        Record = self.env["dso.dunning.commitment.create"]
        for reply in self:
            vals = pause.commitment_vals(
                reply.qualification, reply.promise_date, html2plaintext(reply.body or "")
            )
            if vals and vals["kind"] == "dispute":
                vals["dispute_type_id"] = reply.dispute_type_id.id
            if vals:
                Record._record_qualification(
                    reply.partner_id, reply.company_id, reply._qualified_items(), vals
                )
            if reply.qualification and reply.action_id.state in PENDING_STATES:
                reply.action_id.message_post(
                    body=self.env._(
                        "Reply qualified: %(qualification)s",
                        qualification=dict(
                            self._fields["qualification"]._description_selection(self.env)
                        )[reply.qualification],
                    )
                )
        self.write({"state": "validated"})
        return {"type": "ir.actions.act_window_close"}

    def _qualified_items(self):
        """The items of the action the reply answers; without one, the customer's
        overdue items (read as superuser: no accounting right needed)."""
        self.ensure_one()
        if self.action_id:
            return self.action_id.line_ids.move_line_id
        today = fields.Date.context_today(self)
        return (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    *commitments.open_items_domain(self.company_id.id, self.partner_id.id),
                    ("date_maturity", "<", today),
                ]
            )
        )

    def action_delete(self):
        """Drop from the list; the message stays in the chatter."""
        self.unlink()
        return True
