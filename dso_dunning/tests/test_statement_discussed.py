from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestStatementDiscussed(DunningSendingCase):
    """Items under a promise or in dispute are shown apart in statements, never dunned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality = cls.env.ref("dso_dunning.dso_dunning_dispute_type_quality")

    def _customer_with_a_dispute(self, name, **vals):
        """A customer owing two invoices late by 10 days, the first one disputed."""
        partner = self._customer(name, **vals)
        disputed = self._create_overdue_invoice(partner, days_overdue=10, amount=300.0)
        owed = self._create_overdue_invoice(partner, days_overdue=10, amount=500.0)
        items = disputed.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.env["dso.dunning.commitment"].create(
            {
                "kind": "dispute",
                "partner_id": partner.id,
                "move_line_ids": [Command.set(items.ids)],
                "dispute_type_id": self.quality.id,
            }
        )
        self._plan(partners=partner, force=True)
        action = self._live_actions(partner)
        self.assertEqual(action.line_ids.move_id, owed, "only the undisputed invoice is dunned")
        return action, disputed, owed

    def test_french_email_lists_the_disputed_invoice_apart_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        action, disputed, owed = self._customer_with_a_dispute("Litige Partiel SARL", lang="fr_FR")
        self.sender._send_due()
        self.assertEqual(action.state, "sent")
        body = str(action.message_id.body)
        self.assertIn("En discussion", body)
        dunned, discussed = body.split("En discussion")
        self.assertIn(owed.name, dunned)
        self.assertNotIn(disputed.name, dunned)
        self.assertIn("500,00", dunned)
        self.assertNotIn("800,00", body, "the total is what is owed and not disputed")
        self.assertIn(disputed.name, discussed)
        self.assertIn("300,00", discussed)
        self.assertIn("Litige", discussed, "the item's status, in French")
        self.assertNotIn("Under discussion", body)
        statement = action._statement()
        self.assertEqual(statement["totals"], [(self.company.currency_id, 500.0)])
        self.assertEqual(action.amount_due, 500.0)

    def test_letter_lists_the_disputed_invoice_apart(self):
        action, disputed, owed = self._customer_with_a_dispute("Courrier Litige SA")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("dso_dunning.report_dunning_letter", action.ids)[0]
            .decode()
        )
        dunned, discussed = html.split("Under discussion")
        self.assertIn(owed.name, dunned)
        self.assertNotIn(disputed.name, dunned)
        self.assertIn(disputed.name, discussed)
        self.assertIn("Dispute", discussed)

    def test_setting_off_leaves_the_disputed_invoice_out(self):
        self.company.dunning_statement_show_discussed = False
        action, disputed, owed = self._customer_with_a_dispute("Sans Discussion SA")
        self.sender._send_due()
        self.assertEqual(action.state, "sent")
        body = str(action.message_id.body)
        self.assertIn(owed.name, body)
        self.assertNotIn(disputed.name, body)
        self.assertNotIn("Under discussion", body)
        self.assertEqual(action._statement()["discussed"], [])
