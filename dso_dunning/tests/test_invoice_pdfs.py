from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .test_sending import NOW, DunningSendingCase

# Sixteen days after the invoices of _planned(days_overdue=10): the second email is due.
LATER = "2026-11-30 10:00:00"


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestInvoicePdfs(DunningSendingCase):
    """Reminders attach each invoice's legal PDF: the one Odoo issued, rendered once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.step_email.attach_invoices = True
        # A second automatic email, so that the same invoices are reminded twice.
        cls.step_both.write({"channel_sms": False, "mode": "automatic", "attach_invoices": True})

    def _counting_renders(self):
        """Patch the report rendering to count its calls, still rendering.

        ``_pre_render_qweb_pdf`` is what both a direct ``_render_qweb_pdf``
        and core's invoice sending call to render.
        """
        Report = type(self.env["ir.actions.report"])
        render = Report._pre_render_qweb_pdf
        calls = []

        def counting(report, report_ref, res_ids=None, data=None):
            calls.append(list(res_ids or []))
            return render(report, report_ref, res_ids=res_ids, data=data)

        return patch.object(Report, "_pre_render_qweb_pdf", counting), calls

    def test_each_invoice_pdf_is_rendered_once_and_attached_to_every_reminder(self):
        partner = self._customer("Deux Rappels SA")
        first_invoice = self._create_overdue_invoice(partner, days_overdue=10, amount=300.0)
        action = self._planned(partner, days_overdue=10)
        invoices = action.line_ids.move_id
        self.assertEqual(len(invoices), 2)
        self.assertIn(first_invoice, invoices)
        self.assertFalse(invoices.invoice_pdf_report_id)
        counting, calls = self._counting_renders()
        with counting:
            self.sender._send_due()
        self.assertEqual(action.state, "sent")
        self.assertEqual(
            [sorted(ids) for ids in calls], [sorted(invoices.ids)], "both rendered in one call"
        )
        pdfs = invoices.invoice_pdf_report_id
        self.assertEqual(len(pdfs), 2, "each invoice keeps its legal PDF")
        self.assertEqual(action.message_id.attachment_ids, pdfs)
        checksums = sorted(pdfs.mapped("checksum"))

        with freeze_time(LATER), counting:
            self._plan(partners=partner, force=True)
            second = self._actions(partner, state="planned")
            self.assertEqual(second.step_id, self.step_both)
            self.sender._send_due()
        self.assertEqual(second.state, "sent")
        self.assertEqual(len(calls), 1, "the second reminder renders nothing")
        self.assertEqual(second.message_id.attachment_ids, pdfs)
        self.assertEqual(sorted(second.message_id.attachment_ids.mapped("checksum")), checksums)

    def test_without_a_wkhtmltopdf_that_splits_each_invoice_is_rendered_alone(self):
        partner = self._customer("Qt Non Patché SA")
        self._create_overdue_invoice(partner, days_overdue=10, amount=300.0)
        action = self._planned(partner, days_overdue=10)
        invoices = action.line_ids.move_id
        InvoicePdf = type(self.env["dso.dunning.invoice.pdf"])
        counting, calls = self._counting_renders()
        with counting, patch.object(InvoicePdf, "_renders_together", lambda self: False):
            self.sender._send_due()
        self.assertEqual(sorted(calls), sorted([invoice.id] for invoice in invoices))
        self.assertEqual(len(invoices.invoice_pdf_report_id), 2)
        self.assertEqual(action.message_id.attachment_ids, invoices.invoice_pdf_report_id)

    def test_invoice_keeps_the_pdf_odoo_issued_and_the_reminder_attaches_it(self):
        partner = self._customer("Déjà Envoyée SA")
        action = self._planned(partner, days_overdue=10)
        invoice = action.line_ids.move_id
        # Sent from Odoo before any reminder: core issued its legal PDF.
        self.env["account.move.send"]._generate_and_send_invoices(
            invoice, sending_methods=["manual"]
        )
        issued = invoice.invoice_pdf_report_id
        self.assertTrue(issued)
        counting, calls = self._counting_renders()
        with counting:
            self.sender._send_due()
        self.assertFalse(calls, "the issued PDF is attached, not rendered again")
        self.assertEqual(action.message_id.attachment_ids, issued)
        self.env.cr.flush()
        issued.invalidate_recordset()
        self.assertEqual(
            (issued.res_model, issued.res_id, issued.res_field),
            ("account.move", invoice.id, "invoice_pdf_report_file"),
            "the PDF stays the invoice's own, not moved to the message",
        )
        self.assertEqual(invoice.invoice_pdf_report_id, issued)

    def test_invoice_without_legal_pdf_gets_one_in_the_customer_s_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["account"], ["fr_FR"], overwrite=True)
        french = self._customer("Client Français", lang="fr_FR")
        english = self._customer("English Ltd", lang="en_US")
        french_action = self._planned(french, days_overdue=10)
        english_action = self._planned(english, days_overdue=10)
        self.sender._send_due()
        french_pdf = french_action.line_ids.move_id.invoice_pdf_report_id
        english_pdf = english_action.line_ids.move_id.invoice_pdf_report_id
        self.assertEqual(french_action.message_id.attachment_ids, french_pdf)
        self.assertEqual(english_action.message_id.attachment_ids, english_pdf)
        self.assertEqual(french_pdf.res_field, "invoice_pdf_report_file")
        self.assertTrue(french_action.line_ids.move_id.is_move_sent)
        # Tests render reports as HTML instead of calling wkhtmltopdf.
        self.assertIn(b"Facture", french_pdf.raw)
        self.assertNotIn(b"Facture", english_pdf.raw)

    def test_pdf_that_cannot_be_generated_puts_the_action_in_error_with_why(self):
        partner = self._customer("Pdf Cassé SA")
        action = self._planned(partner, days_overdue=10)
        other = self._planned(self._customer("Pdf Sain SA"), days_overdue=10)
        invoice = action.line_ids.move_id
        Report = type(self.env["ir.actions.report"])
        render = Report._pre_render_qweb_pdf

        def failing_for_invoice(report, report_ref, res_ids=None, data=None):
            if invoice.id in (res_ids or []):
                raise OSError("wkhtmltopdf ran out of memory")
            return render(report, report_ref, res_ids=res_ids, data=data)

        with (
            patch.object(Report, "_pre_render_qweb_pdf", failing_for_invoice),
            self.assertLogs("odoo.addons.dso_dunning.models.dso_dunning_invoice_pdf", "WARNING"),
        ):
            self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn(invoice.name, action.error_message)
        self.assertIn("wkhtmltopdf ran out of memory", action.error_message)
        self.assertTrue(action.error_retryable)
        self.assertFalse(action.message_id, "no email without its invoice")
        self.assertFalse(invoice.invoice_pdf_report_id)
        self.assertEqual(other.state, "sent", "the other customer's reminder still goes")
        self.assertTrue(other.message_id.attachment_ids)
