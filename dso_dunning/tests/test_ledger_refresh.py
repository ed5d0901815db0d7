from freezegun import freeze_time

from odoo.tests import tagged

from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestLedgerRefresh(DunningSendingCase):
    """A payment or a new invoice moves the customer's figures within minutes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("dso_dunning.ir_cron_dso_dunning_refresh")

    def _figure(self, partner):
        return self.env["dso.dunning.figure"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def _commit(self):
        """What the transaction's commit runs (the stale marks are written then)."""
        self.env.cr.flush()

    def _run_refresh(self):
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        self.assertTrue(triggers, "the refresh job is woken")
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()

    def test_payment_cancels_the_pending_action_and_clears_the_overdue(self):
        partner = self._customer("Payeur SA")
        invoice = self._create_overdue_invoice(partner, days_overdue=10, amount=500)
        self._plan(partners=partner, force=True)
        action = self._live_actions(partner)
        customer = partner.with_company(self.company)
        self.assertEqual(customer.dunning_overdue_amount, 500)
        self._pay(invoice)
        self._commit()
        self.assertTrue(self._figure(partner).stale)
        self._run_refresh()
        self.assertRecordValues(action, [{"state": "cancelled", "cancel_reason": "paid"}])
        customer.invalidate_recordset()
        self.assertEqual(customer.dunning_overdue_amount, 0)
        self.assertFalse(self._figure(partner).stale)

    def test_new_invoice_shows_in_the_figures(self):
        partner = self._customer("Nouvelle Facture")
        self._create_overdue_invoice(partner, days_overdue=10, amount=300)
        self._commit()
        self._run_refresh()
        customer = partner.with_company(self.company)
        self.assertEqual(customer.dunning_overdue_amount, 300)
        self.assertEqual(customer.dunning_days_overdue, 10)
        self.assertTrue(self._live_actions(partner), "planned at once, not at night")

    def test_vendor_bills_and_other_moves_mark_nothing(self):
        vendor = self._customer("Fournisseur")
        self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": vendor.id,
                "invoice_date": "2026-11-01",
                "invoice_line_ids": [
                    (0, 0, {"name": "Goods", "quantity": 1, "price_unit": 100, "tax_ids": []})
                ],
            }
        ).action_post()
        self._commit()
        self.assertFalse(self._figure(vendor))
