"""The customer's own page, reached from a reminder's secret link (no login) or from /my.

Built on Odoo's portal layout and payment form: the invoices chosen on the
page are paid by one ``payment.transaction`` on them (``invoice_ids``), which
Odoo's standard flow reconciles (account_payment); the ledger refresh then
cancels the customer's pending actions as paid.
"""

import base64

from markupsafe import Markup
from werkzeug.exceptions import NotFound, TooManyRequests

from odoo import fields, http
from odoo.http import request
from odoo.tools import format_date, formatLang, is_html_empty

from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.account_payment.controllers.portal import PortalAccount

from ..tools import portal_page

PAGE = "/dunning/page/<int:link_id>/<string:token>"
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class DunningCustomerPage(PortalAccount, PaymentPortal):
    # ------------------------------------------------------------------ access

    def _dunning_link(self, link_id, token):
        """The live link, or NotFound (429 when the link is hammered)."""
        link, throttled = request.env["dso.dunning.portal.link"]._check(link_id, token)
        if throttled:
            raise TooManyRequests()
        if not link:
            raise NotFound()
        # The page speaks the customer's language (when it is still installed).
        lang = link.partner_id.lang
        if lang and lang in dict(request.env["res.lang"].get_installed()):
            request.update_context(lang=lang)
        return link

    def _dunning_action(self, link, action_id):
        """The reminder the link was opened from, when it is the link's customer's."""
        try:
            action_id = int(action_id or 0)
        except ValueError:
            action_id = 0
        action = request.env["dso.dunning.action"].sudo().browse(action_id).exists()
        if action.partner_id != link.partner_id or action.company_id != link.company_id:
            return action.browse()
        return action

    def _dunning_items(self, link):
        return (
            request.env["account.move.line"]
            .sudo()
            .search(
                portal_page.items_domain(link.company_id.id, link.partner_id.id),
                order="date_maturity, id",
            )
        )

    # ------------------------------------------------------------------ page

    @http.route(PAGE, type="http", auth="public", methods=["GET"], website=True, sitemap=False)
    def dunning_page(self, link_id, token, action=None, invoice_ids=None, **kwargs):
        link = self._dunning_link(link_id, token)
        action = self._dunning_action(link, action)
        if not kwargs.get("paid") and not invoice_ids:  # an opening, not a step of a payment
            link._record_open(action)
        items = self._dunning_items(link)
        today = fields.Date.context_today(link)
        rows = [self._dunning_row(item, today) for item in items]
        values = {
            **self._prepare_portal_layout_values(),
            "link": link,
            "partner": link.partner_id,
            "company": link.company_id,
            "banks": link.company_id.partner_id.bank_ids,
            "rows": rows,
            "totals": portal_page.totals(rows),
            "page_url": f"/dunning/page/{link.id}/{token}",
            "action": action,
            "token": token,
            "statement_action": self._statement_action(link),
            "dispute_types": request.env["dso.dunning.dispute.type"].sudo().search([]),
            "sent": kwargs.get("sent"),
            "paid": kwargs.get("paid"),
            "page_name": "dunning_page",
            "today": today,
            "is_html_empty": is_html_empty,
        }
        selection = request.httprequest.args.getlist("invoice_ids")
        if selection:
            values |= self._dunning_payment_values(link, token, action, selection)
        return request.render("dso_dunning.portal_dunning_page", values)

    @staticmethod
    def _dunning_row(item, today):
        move = item.move_id
        due = item.date_maturity or item.date
        status = item.dunning_status_id
        return {
            "item": item,
            "name": move.name,
            "ref": move.ref or "",
            "date": move.invoice_date or item.date,
            "date_maturity": due,
            "days_late": portal_page.days_late(due, today),
            "amount": item.amount_residual_currency if item.currency_id else item.amount_residual,
            "currency": item.currency_id or item.company_currency_id,
            "status": status.name if status.pause_dunning else "",
            "discussed": bool(status.pause_dunning),
            "payable": move.move_type == "out_invoice"
            and move.payment_state in ("not_paid", "partial"),
            "pdf_url": move.get_portal_url(report_type="pdf", download=True)
            if move.is_invoice()
            else "",
        }

    def _statement_action(self, link):
        """The customer's latest reminder: its letter is the statement to download."""
        return (
            request.env["dso.dunning.action"]
            .sudo()
            .search(
                [("partner_id", "=", link.partner_id.id), ("company_id", "=", link.company_id.id)],
                order="date desc, id desc",
                limit=1,
            )
        )

    @http.route(
        f"{PAGE}/statement",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def dunning_statement(self, link_id, token, **kwargs):
        link = self._dunning_link(link_id, token)
        action = self._statement_action(link)
        if not action:
            raise NotFound()
        report = request.env["ir.actions.report"].sudo()
        pdf, _type = report._render_qweb_pdf("dso_dunning.dso_dunning_letter_report", action.ids)
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", http.content_disposition("statement.pdf")),
            ],
        )

    # ------------------------------------------------------------------ pay

    def _dunning_invoices(self, link, selection):
        """The invoices of ``selection`` (ids) the link's customer may pay; a
        foreign, paid or unknown id voids the whole selection."""
        try:
            ids = {int(invoice_id) for invoice_id in selection}
        except ValueError:
            raise NotFound() from None
        invoices = (
            request.env["account.move"]
            .sudo()
            .search(
                portal_page.payable_invoices_domain(link.company_id.id, link.partner_id.id, ids)
            )
        )
        if not ids or len(invoices) != len(ids) or len(invoices.currency_id) != 1:
            raise NotFound()
        return invoices

    def _dunning_payment_values(self, link, token, action, selection):
        invoices = self._dunning_invoices(link, selection)
        amount = sum(invoices.mapped("amount_residual"))
        currency = invoices.currency_id
        page_url = f"/dunning/page/{link.id}/{token}"
        values = self._get_common_page_view_values(
            invoices_data={
                "partner": link.partner_id,
                "company": link.company_id,
                "total_amount": amount,
                "currency": currency,
                "amount_residual": amount,
                "landing_route": f"{page_url}?paid=1",
                "transaction_route": (
                    f"{page_url}/transaction/{action.id or 0}/"
                    + "-".join(str(i) for i in sorted(invoices.ids))
                ),
            },
            access_token=token,
        )
        if request.env.user._is_public():
            # Whoever holds the link is not the customer's cardholder: no saved
            # payment method is offered, none is saved.
            values["tokens_sudo"] = request.env["payment.token"].sudo().browse()
            values["show_tokenize_input_mapping"] = dict.fromkeys(
                values["show_tokenize_input_mapping"], False
            )
        return values | {"amount": amount, "currency": currency, "pay_invoices": invoices}

    @http.route(
        f"{PAGE}/transaction/<int:action_id>/<string:selection>",
        type="jsonrpc",
        auth="public",
        sitemap=False,
    )
    def dunning_transaction(self, link_id, token, action_id, selection, **kwargs):
        """A draft transaction paying the chosen invoices (Odoo's payment form calls it)."""
        link = self._dunning_link(link_id, token)
        invoices = self._dunning_invoices(link, selection.split("-"))
        kwargs.pop("access_token", None)
        self._validate_transaction_kwargs(kwargs)
        kwargs["amount"] = sum(invoices.mapped("amount_residual"))
        if request.env.user._is_public():
            kwargs["tokenization_requested"] = False
            kwargs["token_id"] = None
        # back to this page, whatever the browser sent
        kwargs["landing_route"] = f"/dunning/page/{link.id}/{token}?paid=1"
        reference = (
            link.company_id.get_next_batch_payment_communication()
            if len(invoices) > 1
            else invoices.name
        )
        action = self._dunning_action(link, action_id)
        if action:
            action._record_portal_event(
                "pay",
                fields.Datetime.now(),
                body=request.env._(
                    "Payment started from the customer page: %(invoices)s",
                    invoices=", ".join(invoices.mapped("name")),
                ),
            )
        return self._process_transaction(
            link.partner_id.id, invoices.currency_id.id, invoices.ids, reference, **kwargs
        )

    # ------------------------------------------------------------------ promise, dispute

    @http.route(
        f"{PAGE}/reply", type="http", auth="public", methods=["POST"], website=True, sitemap=False
    )
    def dunning_reply(self, link_id, token, action=None, **post):
        """A promise to pay or a dispute, for the collector to validate."""
        link = self._dunning_link(link_id, token)
        action = self._dunning_action(link, action)
        items = self._dunning_items(link)
        chosen = {int(i) for i in request.httprequest.form.getlist("item_ids") if i.isdigit()}
        chosen_items = items.filtered(lambda item: item.id in chosen)
        if len(chosen_items) != len(chosen):
            raise NotFound()
        types = request.env["dso.dunning.dispute.type"].sudo().search([])
        try:
            vals = portal_page.reply_vals(
                post.get("kind"),
                post.get("promise_date"),
                post.get("promise_amount"),
                post.get("dispute_type_id"),
                set(types.ids),
                fields.Date.context_today(link),
            )
        except portal_page.ReplyError as error:
            return request.redirect(self._page_url(link, token, action, error=error.code))
        if not chosen_items and vals["qualification"] == "dispute":
            return request.redirect(self._page_url(link, token, action, error="items"))
        files = request.httprequest.files.getlist("attachment")
        attachments = request.env["ir.attachment"].sudo()
        for upload in files:
            content = upload.read(MAX_ATTACHMENT_BYTES + 1)
            if not content:
                continue
            if len(content) > MAX_ATTACHMENT_BYTES:
                raise NotFound()
            attachments |= attachments.create(
                {
                    "name": upload.filename or "document",
                    "datas": base64.b64encode(content),
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        vals["body"] = self._dunning_reply_body(
            vals, chosen_items, types, post.get("comment"), link.company_id.currency_id
        )
        request.env["dso.dunning.reply"]._create_from_page(
            link, action, vals, chosen_items, attachments
        )
        return request.redirect(self._page_url(link, token, action, sent=1))

    @staticmethod
    def _dunning_reply_body(vals, items, types, comment, currency):
        """The message the collector reads: what, on which items, and the comment.

        Dates and amounts are written in the page's language (the customer's),
        like the rest of the message.
        """
        env = request.env
        if vals["qualification"] == "promise":
            title = env._("Promise to pay on %(date)s", date=format_date(env, vals["promise_date"]))
            if vals["promise_amount"]:
                title = env._(
                    "%(title)s, amount %(amount)s",
                    title=title,
                    amount=formatLang(env, vals["promise_amount"], currency_obj=currency),
                )
        else:
            dispute_type = types.browse(vals["dispute_type_id"])
            title = env._("Dispute: %(type)s", type=dispute_type.name)
        return Markup("<p><b>%s</b></p><p>%s</p><p>%s</p>") % (
            title,
            env._("Items: %(items)s", items=", ".join(items.move_id.mapped("name")) or "-"),
            comment or "",
        )

    @staticmethod
    def _page_url(link, token, action, **query):
        if action:
            query["action"] = action.id
        url = f"/dunning/page/{link.id}/{token}"
        return f"{url}?{'&'.join(f'{key}={value}' for key, value in query.items())}"

    # ------------------------------------------------------------------ /my

    @http.route(
        "/my/dunning", type="http", auth="user", methods=["GET"], website=True, sitemap=False
    )
    def dunning_my_page(self, **kwargs):
        """A portal user's way to its company's page: the same link as the reminders'."""
        partner = request.env.user.partner_id.commercial_partner_id
        item = (
            request.env["account.move.line"]
            .sudo()
            .search(portal_page.items_domain(None, partner.id), order="date_maturity", limit=1)
        )
        company = item.company_id or request.env.user.company_id
        link = request.env["dso.dunning.portal.link"]._ensure(partner, company)
        return request.redirect(f"/dunning/page/{link.id}/{link.sudo().token}")

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dunning_item_count" in counters:
            partner = request.env.user.partner_id.commercial_partner_id
            values["dunning_item_count"] = (
                request.env["account.move.line"]
                .sudo()
                .search_count(portal_page.items_domain(None, partner.id))
            )
        return values
