import io
import os
import pathlib

from PIL import Image

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.dso_dunning_kpi_demo import KPI_DEMO_CUSTOMERS
from ..tools.action_states import PENDING_STATES
from .screenshots import capturing_screenshots

WIDTH, HEIGHT = 1440, 900
SCREENSHOTS = (
    "cockpit",
    "dso_trend",
    "agenda_automatic",
    "customers_alerts",
    "scenario_form",
    "history_export",
)


@tagged("post_install", "-at_install")
class TestDemo(HttpCase):
    """The demo ledger a newcomer sees with ``make run``, and the README's screenshots.

    The demo is loaded once for the class: it is large, and every load leaves
    thousands of rolled-back rows that slow the tests that run after it, so it
    runs after the other classes (Odoo orders test modules by name, then by
    ``test_sequence``).

    The screenshots are taken in headless Chromium on that ledger, by one
    tour that stops on each page until the browser is captured. The PNGs
    are written to ``$DSO_SCREENSHOTS_DIR`` only when it is set (``make
    screenshots`` sets it to ``docs/screenshots``), so a normal run never
    changes the checkout.
    """

    browser_size = f"{WIDTH}x{HEIGHT}"
    test_sequence = 100

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        # as ``make run`` loads it: French is there before the demo
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.partners = cls.env["dso.dunning.demo"]._load_demo()
        cls.alerts = cls.env["dso.dunning.demo"]._load_demo_alerts()
        cls.env["dso.dunning.demo"]._load_kpi_demo()

    # ------------------------------------------------------------------
    # The demo ledger
    # ------------------------------------------------------------------

    def test_demo_customers_have_invoices_of_every_age(self):
        partners = self.partners
        self.assertGreaterEqual(len(partners), 5)
        self.assertGreaterEqual(len(partners.country_id), 3)
        today = fields.Date.context_today(self.env["res.partner"])
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "in", partners.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        ages = [(today - line.date_maturity).days for line in lines]
        self.assertTrue(any(age < 0 for age in ages), "a not-yet-due invoice")
        self.assertTrue(any(0 < age <= 30 for age in ages), "an invoice late by less than a month")
        self.assertTrue(any(age > 90 for age in ages), "an invoice late by more than 90 days")
        partial = lines.filtered(lambda line: 0 < line.amount_residual < line.balance)
        self.assertTrue(partial, "a partially paid invoice")
        self.assertEqual(partial[0].move_id.payment_state, "partial")

    def test_demo_customers_are_at_different_steps(self):
        partners = self.partners
        actions = self.env["dso.dunning.action"].search(
            [("partner_id", "in", partners.ids), ("state", "!=", "cancelled")]
        )
        self.assertGreaterEqual(len(actions.step_id), 4, actions.step_id.mapped("name"))
        self.assertIn("to_confirm", actions.mapped("state"))
        self.assertIn("planned", actions.mapped("state"))

    def test_demo_agenda_shows_every_state_and_months_of_history(self):
        partners = self.partners
        self.assertGreaterEqual(len(partners), 40)
        actions = self.env["dso.dunning.action"].search([("partner_id", "in", partners.ids)])
        states = set(actions.mapped("state"))
        for state in ("planned", "to_confirm", "confirmed", "sent", "error", "done"):
            self.assertIn(state, states)
        errors = actions.filtered(lambda a: a.state == "error")
        # in the language of whoever ran the send (the demo plays Chloé's in French)
        self.assertRegex(errors[0].error_message, "No email address|Aucune adresse email")
        executed = actions.filtered(lambda a: a.state in ("sent", "done"))
        months = {(a.date.year, a.date.month) for a in executed}
        self.assertGreaterEqual(len(months), 4, "several months of history for the charts")
        self.assertGreaterEqual(len(actions.collector_id), 2)
        # the customer list shows when each customer was last dunned, and by whom
        for partner in executed.partner_id:
            mine = executed.filtered(lambda a, p=partner: a.partner_id == p)
            last = max(mine.mapped("executed_date")).date()
            self.assertEqual(partner.with_company(self.env.company).dunning_last_date, last)
        self.assertNotIn(self.env.ref("base.user_root"), executed.executed_by_id)

    def test_demo_has_replies_comments_and_a_credit_note(self):
        replies = self.env["dso.dunning.reply"].search([("partner_id", "in", self.partners.ids)])
        self.assertEqual(sorted(set(replies.mapped("kind"))), ["comment", "reply"])
        self.assertGreaterEqual(len(replies), 3)
        self.assertTrue(all(r.action_id for r in replies))
        refund = self.env["account.move"].search(
            [
                ("partner_id", "in", self.partners.ids),
                ("move_type", "=", "out_refund"),
                ("payment_state", "!=", "paid"),  # not the credit note of a dispute
            ]
        )
        self.assertEqual(
            (len(refund), refund.state, refund.payment_state), (1, "posted", "not_paid")
        )

    def test_demo_has_promises_and_disputes_on_french_customers(self):
        commitments = self.env["dso.dunning.commitment"].search(
            [("partner_id", "in", self.partners.ids)]
        )
        promises = commitments.filtered(lambda c: c.kind == "promise")
        self.assertEqual(sorted(promises.mapped("state")), ["broken", "kept", "open"])
        disputes = commitments.filtered(lambda c: c.kind == "dispute")
        self.assertGreaterEqual(len(disputes.dispute_type_id), 3, "disputes of several types")
        # one payment plan, its first instalment paid, the next ones to come
        plan = commitments.filtered(lambda c: c.kind == "plan")
        self.assertRecordValues(plan, [{"state": "open", "amount": 2400, "amount_paid": 800}])
        self.assertEqual(plan.instalment_ids.mapped("state"), ["paid", "pending", "pending"])
        self.assertEqual(
            plan.move_line_ids.dunning_status_id,
            self.env.ref("dso_dunning.dso_dunning_item_status_payment_plan"),
        )
        # the broken promise is followed up in the agenda (a call for the collector)
        broken = promises.filtered(lambda c: c.state == "broken")
        self.assertRecordValues(
            broken.followup_action_id, [{"mode": "manual", "channel_call": True}]
        )
        self.assertIn(broken.followup_action_id.state, PENDING_STATES)
        # the customers with a running dispute show it
        in_dispute = self.env["res.partner"].search(
            [("id", "in", self.partners.ids), ("dunning_item_status_id.is_dispute", "=", True)]
        )
        self.assertEqual(
            sorted(in_dispute.mapped("name")), ["Brasserie du Port", "Garage Lefèvre SARL"]
        )
        in_progress = disputes.filtered(lambda d: d.state == "in_progress")
        self.assertTrue(in_progress.resolver_id, "a dispute worked by its resolver")
        self.assertTrue(
            in_progress.activity_ids.filtered(lambda a: a.user_id == in_progress.resolver_id)
        )
        resolved = disputes.filtered(lambda d: d.state == "resolved")
        self.assertEqual(sorted(resolved.mapped("resolution")), ["credit_note", "rejected"])
        credited = resolved.filtered(lambda d: d.resolution == "credit_note")
        self.assertTrue(credited.move_line_ids.reconciled, "the credit note settles the item")
        self.assertEqual(set(commitments.partner_id.mapped("country_id.code")) - {"BE"}, {"FR"})
        self.assertIn("prix unitaire", in_progress.comment)
        # the items carry the status of their running commitment
        statuses = {c.state: c.move_line_ids.dunning_status_id for c in promises}
        self.assertEqual(
            statuses["open"], self.env.ref("dso_dunning.dso_dunning_item_status_promise")
        )
        self.assertEqual(
            statuses["broken"], self.env.ref("dso_dunning.dso_dunning_item_status_broken_promise")
        )
        running = disputes.filtered(lambda d: d.state in ("open", "in_progress"))
        self.assertEqual(len(running), 2)
        self.assertEqual(
            running.move_line_ids.dunning_status_id,
            self.env.ref("dso_dunning.dso_dunning_item_status_dispute"),
        )

    def test_demo_disputed_and_promised_items_are_in_no_pending_action(self):
        commitments = self.env["dso.dunning.commitment"].search(
            [("partner_id", "in", self.partners.ids), ("state", "in", ("open", "in_progress"))]
        )
        paused = commitments.move_line_ids
        self.assertEqual(len(paused), 4, "a promise, two disputes, a payment plan")
        pending = self.env["dso.dunning.action"].search(
            [("partner_id", "in", commitments.partner_id.ids), ("state", "in", PENDING_STATES)]
        )
        self.assertFalse(pending.line_ids.move_line_id & paused)
        # the customers' other items are still dunned
        brasserie = commitments.partner_id.filtered(lambda p: p.name == "Brasserie du Port")
        dunned = self.env["dso.dunning.action"].search(
            [("partner_id", "=", brasserie.id), ("state", "!=", "cancelled")]
        )
        self.assertTrue(dunned.line_ids.move_line_id - paused, "the undisputed invoice")
        # the broken promise's item is dunned again
        broken = self.env["dso.dunning.commitment"].search(
            [("partner_id", "in", self.partners.ids), ("state", "=", "broken")]
        )
        dunned = self.env["dso.dunning.action"].search(
            [("partner_id", "=", broken.partner_id.id), ("state", "!=", "cancelled")]
        )
        self.assertTrue(dunned.line_ids.move_line_id & broken.move_line_ids)

    def test_demo_company_is_french_in_euros_with_future_calls(self):
        company = self.env.company
        self.assertEqual((company.country_id.code, company.currency_id.name), ("FR", "EUR"))
        today = fields.Date.context_today(self.env["res.partner"])
        future_calls = self.env["dso.dunning.action"].search(
            [
                ("partner_id", "in", self.partners.ids),
                ("mode", "=", "manual"),
                ("state", "=", "planned"),
                ("date", ">", today),
            ]
        )
        self.assertTrue(future_calls, "the agenda shows future calls in blue")

    def test_demo_collector_working_in_french_reads_her_to_dos_in_french(self):
        chloe = self.env["res.users"].search([("login", "=", "chloe")])
        self.assertEqual(chloe.lang, "fr_FR")
        to_dos = self.env["mail.activity"].search(
            [("res_model", "=", "dso.dunning.action"), ("user_id", "=", chloe.id)]
        )
        summaries = set(to_dos.mapped("summary"))
        self.assertIn("Appel téléphonique", summaries)
        self.assertFalse(summaries & {"Phone call", "Last notice"}, summaries)
        notes = " ".join(str(note) for note in to_dos.mapped("note"))
        self.assertIn("Appeler le contact de recouvrement", notes)
        self.assertNotIn("Call the collection contact", notes)

    def test_demo_replies_and_notes_are_in_their_authors_language(self):
        replies = self.env["dso.dunning.reply"].search(
            [("partner_id", "in", self.partners.ids), ("kind", "in", ("reply", "comment"))]
        )
        self.assertGreaterEqual(len(replies), 4)
        for reply in replies:
            author = reply.message_id.author_id
            lang = author.lang or "en_US"
            body = str(reply.body)
            french = any(
                word in body for word in ("Bonjour", "Nous ", "Merci", "Appel", "Le client")
            )
            self.assertEqual(french, lang == "fr_FR", f"{author.name} ({lang}): {body}")

    def test_demo_regular_customers_have_a_collector_and_speak_their_language(self):
        customers = self.env["res.partner"].search(
            [("name", "in", [name for name, _code in KPI_DEMO_CUSTOMERS])]
        )
        self.assertEqual(len(customers), len(KPI_DEMO_CUSTOMERS))
        collectors = customers.dunning_collector_id
        self.assertEqual(len(customers.filtered("dunning_collector_id")), len(customers))
        self.assertNotIn(self.env.ref("base.user_root"), collectors, "OdooBot collects nothing")
        self.assertTrue(
            all(user.has_group("dso_dunning.group_dso_dunning_collector") for user in collectors)
        )
        french = customers.filtered(lambda p: p.country_id.code in ("FR", "BE", "CH"))
        self.assertEqual(set(french.mapped("lang")), {"fr_FR"})

    def test_demo_alerts_highlight_demo_customers(self):
        alerts = self.alerts
        self.assertEqual(len(alerts), 4)
        for alert in alerts:
            self.assertGreater(alert.partner_count, 0, alert.name)
        atelier = self.partners.filtered(lambda p: p.name == "Atelier Dubois")
        self.assertGreaterEqual(len(atelier.dunning_alert_ids), 2)

    def test_demo_alerts_read_in_french_for_a_french_collector(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        alerts = self.env["dso.dunning.demo"]._load_demo_alerts()
        self.assertIn(
            "Une facture en retard de plus de 60 jours",
            alerts.with_context(lang="fr_FR").mapped("name"),
        )
        self.assertIn("An invoice more than 60 days late", alerts.mapped("name"))

    # ------------------------------------------------------------------
    # Screenshots
    # ------------------------------------------------------------------

    def _screenshots(self):
        """Run the screenshot tour as the demo administrator; return its PNGs by name.

        The tour logs ``dso-screenshot:<name>`` on each page; the browser is
        captured from the thread that receives the log (without waiting, as
        that thread also receives the answer), then the page body is marked
        so that the tour goes on.
        """
        shots = {}
        with capturing_screenshots(shots):
            self.start_tour("/odoo", "dso_dunning_screenshots", login="admin", timeout=180)
        self.assertEqual(sorted(shots), sorted(SCREENSHOTS), "every page was captured")
        directory = os.environ.get("DSO_SCREENSHOTS_DIR")
        for name, png in shots.items():
            self._assert_populated_png(png)
            if directory:
                pathlib.Path(directory).mkdir(parents=True, exist_ok=True)
                pathlib.Path(directory, f"{name}.png").write_bytes(png)
        return shots

    def _assert_populated_png(self, png):
        image = Image.open(io.BytesIO(png))
        self.assertEqual(image.format, "PNG")
        self.assertEqual(image.size, (WIDTH, HEIGHT))
        # A page with data has many colours (text anti-aliasing, badges,
        # squares); a blank or half-loaded page has a handful.
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        self.assertTrue(colours is None or len(colours) > 200, "the page is populated")

    def test_screenshots_of_the_readme_pages(self):
        shots = self._screenshots()
        image = Image.open(io.BytesIO(shots["agenda_automatic"])).convert("RGB")
        colours = {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}
        # Bootstrap's text-danger and text-success of the red and green rows.
        self.assertTrue(any(r > 150 and g < 80 and b < 80 for r, g, b in colours), "red rows")
        self.assertTrue(any(g > 100 and r < 80 and b < 120 for r, g, b in colours), "green rows")
