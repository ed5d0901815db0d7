from odoo import api, fields, models


class DsoDunningReply(models.Model):
    """What a customer says from its own page: a reply like an email's, with its items."""

    _inherit = "dso.dunning.reply"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(selection_add=[("page", "Customer page")], ondelete={"page": "cascade"})
    move_line_ids = fields.Many2many(
        "account.move.line",
        "dso_dunning_reply_move_line_rel",
        "reply_id",
        "move_line_id",
        string="Items",
        readonly=True,
        help="The items the customer chose on its page.",
    )
    item_names = fields.Char(
        string="Documents Concerned",
        compute="_compute_item_names",
        compute_sudo=True,
        help="The documents of the items the customer chose on its page.",
    )
    promise_amount = fields.Monetary(
        string="Promised Amount", currency_field="company_currency_id", readonly=True
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    attachment_ids = fields.Many2many(related="message_id.attachment_ids", string="Documents")

    @api.depends("move_line_ids")
    def _compute_item_names(self):
        # as superuser: a collector needs no accounting rights to read them
        for reply in self:
            reply.item_names = ", ".join(reply.move_line_ids.move_id.mapped("name"))

    def _qualified_items(self):
        """The items chosen on the page, if any (read as superuser, like the
        customer's overdue items: no accounting right needed)."""
        items = self.sudo().move_line_ids
        return items or super()._qualified_items()

    @api.model
    def _create_from_page(self, link, action, vals, items, attachments):
        """Post what the customer said (``vals``: qualification, promise date or
        dispute type, comment) on the reminder (or the customer) and list it in
        Replies & comments, proposed to the collector with its qualification;
        the collector is asked to validate it by an activity."""
        partner = link.partner_id
        company = link.company_id
        thread = action or partner
        body = vals.pop("body")
        message = thread.sudo().message_post(
            body=body,
            author_id=partner.id,
            # A note: not an internal comment captured again (mail_message.py),
            # and no email to the customer's followers.
            message_type="notification",
            subtype_xmlid="mail.mt_note",
            attachment_ids=attachments.ids,
        )
        collector = action.collector_id or partner._dunning_collector(company)
        reply = self.sudo().create(
            {
                "message_id": message.id,
                "kind": "page",
                "partner_id": partner.id,
                "action_id": action.id,
                "company_id": company.id,
                "collector_id": collector.id,
                "move_line_ids": [fields.Command.set(items.ids)],
                **vals,
            }
        )
        if collector:
            # in the collector's language, not in the customer's (the page's)
            reply_in_lang = reply.with_context(lang=collector.lang)
            thread.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=collector.id,
                summary=reply_in_lang.env._(
                    "Customer page: %(reply)s", reply=reply_in_lang.display_name
                ),
            )
        return reply
