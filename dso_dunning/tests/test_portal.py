import base64
import datetime
import re
import struct
from html import unescape as html_unescape

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import DunningUsersMixin
from .test_sending import DunningSendingCase

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class DunningPortalCase(DunningUsersMixin, DunningSendingCase, HttpCase):
    """A customer owing two overdue invoices, its reminder planned, and its page's URL."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.customer = cls._create_customer(
            "Portal Customer SA", email="pay@portal.example", lang="en_US"
        )
        cls.customer.with_company(cls.company).dunning_collector_id = cls.user_collector
        cls.invoice_1 = cls._create_overdue_invoice(cls.customer, days_overdue=12, amount=300.0)
        cls.invoice_2 = cls._create_overdue_invoice(cls.customer, days_overdue=9, amount=200.0)
        cls.not_due = cls._create_overdue_invoice(cls.customer, days_overdue=-10, amount=50.0)
        cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.company.partner_id.id,
                "acc_number": "FR76 3000 6000 0112 3456 7890 189",
            }
        )
        cls.other = cls._create_customer("Other Customer", email="other@portal.example")
        cls.other_invoice = cls._create_overdue_invoice(cls.other, days_overdue=15, amount=999.0)
        cls.planner._plan(companies=cls.company, partners=cls.customer | cls.other, force=True)
        cls.action = cls.env["dso.dunning.action"].search(
            [("partner_id", "=", cls.customer.id), ("state", "!=", "cancelled")]
        )
        cls.other_action = cls.env["dso.dunning.action"].search(
            [("partner_id", "=", cls.other.id), ("state", "!=", "cancelled")]
        )

    def setUp(self):
        super().setUp()
        # a visitor's session (no user) on the test database
        self.authenticate(None, None)

    def _url(self, action=None):
        action = action or self.action
        return action._portal_url()[len(action.company_id.get_base_url()) :]

    def _link(self, partner=None):
        return self.env["dso.dunning.portal.link"].search(
            [("partner_id", "=", (partner or self.customer).id), ("revoked", "=", False)]
        )

    @staticmethod
    def _item(invoice):
        return invoice.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")


@tagged("post_install", "-at_install")
class TestPortalAccess(DunningPortalCase):
    """Who gets in with which link: valid, wrong, expired, revoked, dead customer."""

    def test_reminder_email_carries_a_link_that_opens_the_statement(self):
        body = self.template_first._render_field("body_html", self.action.ids)[self.action.id]
        url = re.search(r'href="([^"]*/dunning/page/[^"]+)"', body).group(1)
        self.assertRegex(url, r"/dunning/page/\d+/[A-Za-z0-9_-]{43}\?action=\d+$")
        path = url[url.index("/dunning/page/") :].replace("&amp;", "&")
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        page = response.text
        for invoice in (self.invoice_1, self.invoice_2, self.not_due):
            self.assertIn(invoice.name, page)
        self.assertNotIn(self.other_invoice.name, page, "another customer's invoice never shows")
        self.assertIn("Portal Customer SA", page)
        # invoices' legal PDFs through their own access token, the statement PDF
        self.assertIn(f"/my/invoices/{self.invoice_1.id}?", page)
        self.assertIn("report_type=pdf", page)
        self.assertIn("/statement", page)
        # the overdue invoices are ticked for payment, the one not yet due is not
        checked = re.findall(r'name="invoice_ids"[^>]*value="(\d+)"[^>]*checked', page)
        self.assertEqual(sorted(map(int, checked)), sorted((self.invoice_1 | self.invoice_2).ids))
        # the invoice not yet due shows no days late (not "0")
        row = re.search(
            rf'<tr[^>]*data-name="{re.escape(self.not_due.name)}".*?</tr>', page, re.DOTALL
        ).group(0)
        cells = [
            re.sub(r"<[^>]+>|\s+", "", cell)
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        ]
        self.assertEqual(cells[4], "", "days late of an invoice not yet due")
        # opening is tracked on the link and on the reminder
        self.assertEqual(self._link().open_count, 1)
        self.assertRecordValues(self.action, [{"portal_open_count": 1, "portal_opened": True}])

    def test_page_shows_bank_details_and_marks_disputed_items(self):
        quality = self.env.ref("dso_dunning.dso_dunning_dispute_type_quality")
        self.env["dso.dunning.commitment"].create(
            {
                "kind": "dispute",
                "partner_id": self.customer.id,
                "move_line_ids": [fields.Command.set(self._item(self.invoice_2).ids)],
                "dispute_type_id": quality.id,
            }
        )
        page = self.url_open(self._url()).text
        self.assertIn("Bank details", page)
        self.assertIn("FR76 3000 6000 0112 3456 7890 189", page)
        row = re.search(
            rf'<tr[^>]*data-name="{re.escape(self.invoice_2.name)}".*?</tr>', page, re.DOTALL
        ).group(0)
        self.assertIn("o_dunning_status", row, "the disputed invoice is marked")
        self.assertNotIn("checked", row, "and not ticked for payment")

    def test_sms_and_letter_carry_the_link(self):
        sms = self.sms_template._render_field("body", self.action.ids)[self.action.id]
        self.assertIn(self.action._portal_url(), sms)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("dso_dunning.dso_dunning_letter_report", self.action.ids)[0]
            .decode()
        )
        self.assertIn(self._link()._url(self.action).replace("&", "&amp;"), html)
        # The QR code is embedded (wkhtmltopdf fetches nothing), next to the
        # page's address printed in full.
        qr = re.search(
            r'class="[^"]*o_dunning_letter_portal.*?src="data:image/png;base64,([^"]+)"',
            html,
            re.DOTALL,
        )
        self.assertTrue(qr, "the letter carries the QR code of the page")
        printed = html_unescape(
            re.search(r"o_dunning_letter_portal.*?<strong>([^<]+)</strong>", html, re.DOTALL)
            .group(1)
            .strip()
        )
        self.assertEqual(printed, self._link()._url(self.action))
        png = base64.b64decode(qr.group(1))
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n", "a PNG drawn by Odoo's barcode generator")
        self.assertEqual(struct.unpack(">II", png[16:24]), (240, 240))

    @mute_logger("odoo.http")
    def test_wrong_expired_revoked_and_dead_links_show_nothing(self):
        url = self._url()
        link = self._link()
        self.assertEqual(self.url_open(url).status_code, 200)
        token = url.split("/")[4].split("?")[0]
        wrong = url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
        self.assertEqual(self.url_open(wrong).status_code, 404, "a wrong token")
        other_url = self._url(self.other_action)
        other_link = self._link(self.other)
        swapped = other_url.replace(f"/{other_link.id}/", f"/{link.id}/")
        self.assertEqual(self.url_open(swapped).status_code, 404, "another customer's token")
        # expired
        link.expiry_date = fields.Datetime.now() - datetime.timedelta(minutes=1)
        self.assertEqual(self.url_open(url).status_code, 404, "an expired link")
        link.expiry_date = fields.Datetime.now() + datetime.timedelta(days=1)
        self.assertEqual(self.url_open(url).status_code, 200)
        # regenerated: the old URL dies, the new one works
        link.with_user(self.user_manager).action_regenerate()
        self.assertEqual(self.url_open(url).status_code, 404, "a regenerated link")
        new_url = self._url()
        self.assertNotEqual(new_url, url)
        self.assertEqual(self.url_open(new_url).status_code, 200)
        # revoked
        self._link().with_user(self.user_manager).action_revoke()
        self.assertEqual(self.url_open(new_url).status_code, 404, "a revoked link")
        # archived customer
        newest = self._url()
        self.assertEqual(self.url_open(newest).status_code, 200)
        self.customer.action_archive()
        self.assertEqual(self.url_open(newest).status_code, 404, "an archived customer")

    @mute_logger("odoo.http")
    def test_merged_customer_link_is_dead(self):
        url = self._url()
        self.assertEqual(self.url_open(url).status_code, 200)
        duplicate = self._create_customer("Portal Customer SA (duplicate)")
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.customer | duplicate).ids, self.customer, extra_checks=False
        )
        self.assertEqual(self.url_open(url).status_code, 404, "a merged customer")

    def test_statement_pdf_is_the_latest_reminder(self):
        response = self.url_open(f"{self._url().partition('?')[0]}/statement")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice_1.name.encode(), response.content)
        wrong = self._url().partition("?")[0][:-2] + "xx/statement"
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(wrong).status_code, 404)

    def test_only_a_credit_manager_revokes(self):
        link = self._link() or self.env["dso.dunning.portal.link"]._ensure(
            self.customer, self.company
        )
        with self.assertRaises(AccessError):
            link.with_user(self.user_collector).action_revoke()
        self.assertFalse(link.revoked)
        # the token is never readable by a collector
        with self.assertRaises(AccessError):
            link.with_user(self.user_collector).read(["token"])

    def test_expiry_follows_the_setting_and_moves_with_each_reminder(self):
        self.company.dunning_portal_validity_days = 10
        link = self.env["dso.dunning.portal.link"]._ensure(self.customer, self.company)
        self.assertAlmostEqual(
            link.expiry_date,
            fields.Datetime.now() + datetime.timedelta(days=10),
            delta=datetime.timedelta(minutes=1),
        )
        self.assertGreaterEqual(len(link.sudo().token), 43, "32 random bytes")
        other = self.env["dso.dunning.portal.link"]._ensure(self.other, self.company)
        self.assertNotEqual(link.sudo().token, other.sudo().token)

    @mute_logger("odoo.http")
    def test_rate_limit_per_link(self):
        url = self._url()
        statuses = [self.url_open(url).status_code for _ in range(portal_page_rate_limit())]
        self.assertEqual(set(statuses), {200})
        self.assertEqual(self.url_open(url).status_code, 429, "one request too many")
        # another customer's link is not slowed down
        self.assertEqual(self.url_open(self._url(self.other_action)).status_code, 200)
        # a minute later the link works again
        link = self._link()
        link.sudo().hit_window = fields.Datetime.now() - datetime.timedelta(minutes=2)
        self.assertEqual(self.url_open(url).status_code, 200)

    @mute_logger("odoo.http")
    def test_another_customers_invoice_cannot_be_paid(self):
        url = self._url()
        sep = "&" if "?" in url else "?"
        ok = self.url_open(f"{url}{sep}invoice_ids={self.invoice_1.id}")
        self.assertEqual(ok.status_code, 200)
        self.assertIn("o_payment_form", ok.text, "Odoo's payment form")
        foreign = self.url_open(f"{url}{sep}invoice_ids={self.other_invoice.id}")
        self.assertEqual(foreign.status_code, 404)
        mixed = self.url_open(
            f"{url}{sep}invoice_ids={self.invoice_1.id}&invoice_ids={self.other_invoice.id}"
        )
        self.assertEqual(mixed.status_code, 404)

    def test_portal_user_reaches_the_page_from_my(self):
        user = self.env["res.users"].create(
            {
                "name": "Portal Person",
                "login": "portal_person",
                "password": "portal_person",
                "partner_id": self.env["res.partner"]
                .create({"name": "Portal Person", "parent_id": self.customer.id})
                .id,
                "group_ids": [fields.Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        self.authenticate(user.login, "portal_person")
        response = self.url_open("/my/dunning")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/dunning/page/{self._link().id}/", response.url)
        self.assertIn(self.invoice_1.name, response.text)


def portal_page_rate_limit():
    from ..models.dso_dunning_portal_link import RATE_LIMIT

    return RATE_LIMIT


@tagged("post_install", "-at_install")
class TestPortalActions(DunningPortalCase):
    """What the customer does from its page, and what the collector then sees."""

    def _csrf(self, url):
        return CSRF_RE.search(self.url_open(url).text).group(1)

    def _post_reply(self, url, data, files=None):
        path, _sep, query = url.partition("?")
        data = {"csrf_token": self._csrf(url), **data}
        if query:
            data["action"] = query.split("=")[1]
        return self.url_open(f"{path}/reply", data=data, files=files)

    def test_dispute_with_a_document_reaches_replies_and_becomes_a_dispute(self):
        url = self._url()
        quality = self.env.ref("dso_dunning.dso_dunning_dispute_type_quality")
        item = self._item(self.invoice_2)
        response = self._post_reply(
            url,
            {
                "kind": "dispute",
                "item_ids": str(item.id),
                "dispute_type_id": str(quality.id),
                "comment": "Two boxes arrived broken.",
            },
            files={"attachment": ("photo.png", b"\x89PNG broken boxes", "image/png")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_dunning_sent", response.text)
        reply = self.env["dso.dunning.reply"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            reply,
            [
                {
                    "kind": "page",
                    "state": "new",
                    "qualification": "dispute",
                    "dispute_type_id": quality.id,
                    "action_id": self.action.id,
                    "collector_id": self.user_collector.id,
                }
            ],
        )
        self.assertEqual(reply.move_line_ids, item)
        self.assertIn("Two boxes arrived broken.", reply.body)
        self.assertEqual(reply.attachment_ids.mapped("name"), ["photo.png"])
        activity = self.action.activity_ids.filtered(lambda a: a.user_id == self.user_collector)
        self.assertTrue(any("Customer page" in (a.summary or "") for a in activity))
        # the collector validates: a dispute on that item only
        self.env.invalidate_all()  # what the collector's own request reads
        reply.with_user(self.user_collector).action_apply_qualification()
        commitment = self.env["dso.dunning.commitment"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(commitment, [{"kind": "dispute", "dispute_type_id": quality.id}])
        self.assertEqual(commitment.move_line_ids, item)
        self.assertEqual(reply.state, "validated")

    def test_promise_reaches_replies_and_becomes_a_promise(self):
        url = self._url()
        promised = fields.Date.today() + datetime.timedelta(days=7)
        items = self._item(self.invoice_1) | self._item(self.invoice_2)
        self._post_reply(
            url,
            {
                "kind": "promise",
                "promise_date": promised.isoformat(),
                "promise_amount": "500",
                "item_ids": [str(i) for i in items.ids],
                "comment": "Paid by transfer next week.",
            },
        )
        reply = self.env["dso.dunning.reply"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            reply,
            [{"qualification": "promise", "promise_date": promised, "promise_amount": 500.0}],
        )
        self.assertEqual(reply.move_line_ids, items)
        self.env.invalidate_all()  # what the collector's own request reads
        reply.with_user(self.user_collector).action_apply_qualification()
        commitment = self.env["dso.dunning.commitment"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(commitment, [{"kind": "promise", "date": promised}])
        self.assertEqual(commitment.move_line_ids, items)

    def test_promise_reads_with_a_french_date_and_amount_for_a_french_customer(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        self.customer.lang = "fr_FR"
        promised = fields.Date.today() + datetime.timedelta(days=7)
        self._post_reply(
            self._url(),
            {
                "kind": "promise",
                "promise_date": promised.isoformat(),
                "promise_amount": "1500",
                "item_ids": str(self._item(self.invoice_1).id),
            },
        )
        reply = self.env["dso.dunning.reply"].search([("partner_id", "=", self.customer.id)])
        self.assertIn(f"Promesse de paiement au {promised:%d/%m/%Y}, montant", reply.body)
        self.assertIn("1&nbsp;500,00", reply.body)
        self.assertIn(self.company.currency_id.symbol, reply.body)
        self.assertNotIn(promised.isoformat(), reply.body)
        # the collector's to-do speaks the collector's language, not the customer's
        to_do = self.action.activity_ids.filtered(lambda a: a.user_id == self.user_collector)
        self.assertTrue(to_do)
        self.assertTrue(all(a.summary.startswith("Customer page: ") for a in to_do))
        self.assertTrue(all("Customer page — Portal Customer SA" in a.summary for a in to_do))

    @mute_logger("odoo.http")
    def test_replies_refuse_bad_input_and_foreign_items(self):
        url = self._url()
        response = self._post_reply(url, {"kind": "promise", "promise_date": "2001-01-01"})
        self.assertIn("o_dunning_error", response.text)
        response = self._post_reply(
            url,
            {
                "kind": "dispute",
                "item_ids": str(self._item(self.other_invoice).id),
                "dispute_type_id": str(
                    self.env.ref("dso_dunning.dso_dunning_dispute_type_price").id
                ),
            },
        )
        self.assertEqual(response.status_code, 404, "another customer's item")
        self.assertFalse(
            self.env["dso.dunning.reply"].search(
                [("partner_id", "in", (self.customer | self.other).ids)]
            )
        )
        # without a valid session token nothing is accepted
        path = url.partition("?")[0]
        response = self.url_open(
            f"{path}/reply", data={"kind": "promise", "promise_date": "2030-01-01"}
        )
        self.assertNotEqual(response.status_code, 200)

    def test_pay_two_invoices_with_the_demo_provider_cancels_the_action_as_paid(self):
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "is_published": True})
        method = self.env.ref("payment_demo.payment_method_demo")
        url = self._url()
        path = url.partition("?")[0]
        invoices = self.invoice_1 | self.invoice_2
        page = self.url_open(
            f"{url}&invoice_ids={self.invoice_1.id}&invoice_ids={self.invoice_2.id}"
        ).text
        route = re.search(r'data-transaction-route="([^"]+)"', page).group(1)
        self.assertNotIn("o_payment_tokenize_checkbox", page, "no card saved by a link holder")
        selection = "-".join(map(str, invoices.ids))
        self.assertEqual(route, f"{path}/transaction/{self.action.id}/{selection}")
        values = self.make_jsonrpc_request(
            route,
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "token_id": None,
                "amount": 1.0,  # the server takes the invoices' residual, whatever is sent
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "https://evil.example/",
                "is_validation": False,
                "access_token": path.split("/")[-1],
            },
        )
        tx = self.env["payment.transaction"].search([("reference", "=", values["reference"])])
        self.assertEqual(tx.invoice_ids, invoices)
        self.assertEqual(tx.amount, 500.0)
        self.assertEqual(tx.partner_id, self.customer)
        self.assertEqual(tx.landing_route, f"{path}?paid=1", "back to the page, nowhere else")
        tx._process("demo", {"reference": tx.reference, "simulated_state": "done"})
        tx._post_process()
        self.assertTrue(all(inv.payment_state in ("paid", "in_payment") for inv in invoices))
        # the ledger refresh (woken at commit) cancels the reminder as paid
        self.env.cr.flush()
        cron = self.env.ref("dso_dunning.ir_cron_dso_dunning_refresh")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertRecordValues(self.action, [{"state": "cancelled", "cancel_reason": "paid"}])
        bodies = "".join(self.action.message_ids.mapped("body"))
        self.assertIn("Payment started from the customer page", bodies)


@tagged("post_install", "-at_install")
class TestPortalFollowUp(DunningPortalCase):
    """Reminders followed by a payment, with and without the page opened; the page in French."""

    def test_reminders_paid_within_days_with_and_without_the_page(self):
        sent = fields.Datetime.now() - datetime.timedelta(days=3)
        self._execute(self.action, sent)
        self._execute(self.other_action, sent)
        link = self.env["dso.dunning.portal.link"]._ensure(self.customer, self.company)
        link._record_open(self.action)
        self._pay(self.invoice_1)
        self._pay(self.invoice_2)
        self.env.flush_all()
        Stat = self.env["dso.dunning.portal.stat"].with_user(self.user_auditor)
        rows = {
            opened: (count, paid_7)
            for opened, count, paid_7 in Stat._read_group(
                [("partner_id", "in", (self.customer | self.other).ids)],
                ["portal_opened"],
                ["__count", "paid_7:avg"],
            )
        }
        self.assertEqual(rows, {True: (1, 100.0), False: (1, 0.0)})
        stat = Stat.search([("action_id", "=", self.action.id)])
        self.assertEqual(stat.payment_days, 3)

    def test_the_page_speaks_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        self.customer.lang = "fr_FR"
        page = self.url_open(self._url()).text
        self.assertIn("Relevé de compte", page)
        self.assertIn("Payer les factures sélectionnées", page)
        self.assertIn("Promesse de paiement", page)
