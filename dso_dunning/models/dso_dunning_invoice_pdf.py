import logging

from odoo import api, models, modules, tools

from odoo.addons.base.models.ir_actions_report import _wkhtml

_logger = logging.getLogger(__name__)


class DsoDunningInvoicePdf(models.AbstractModel):
    """The legal PDFs of the invoices that reminders attach.

    An invoice's legal PDF is the document Odoo issued for it
    (``invoice_pdf_report_id``): every reminder attaches that document, the
    same each time. An invoice not sent by any other way yet gets it here,
    through core's sending service (``account.move.send``): rendered with
    several invoices per report call, then kept on the invoice as core keeps
    it, so that no later reminder renders it again.
    """

    _name = "dso.dunning.invoice.pdf"
    _description = "Invoice PDFs Attached to Reminders"

    @api.model
    def _invoices_to_attach(self, action):
        """The invoices the email of ``action`` lists: its items' posted sale
        documents of that customer (a draft or cancelled one has no legal PDF)."""
        return action.line_ids.move_id.filtered(
            lambda move: (
                move.state == "posted"
                and move.is_sale_document(include_receipts=True)
                and move.commercial_partner_id == action.partner_id
            )
        )

    @api.model
    def _legal_pdfs(self, invoices):
        """The legal PDF of each of ``invoices``, generated for those that have none.

        Returns ``(pdfs, errors)``: ``{invoice: ir.attachment}``, and
        ``{invoice: reason}`` for each invoice left without one. They are
        generated together when wkhtmltopdf can; else, or if that fails, one
        by one, each in its own savepoint, so that one invoice that cannot be
        rendered leaves the others.
        """
        # The company's documents, read and issued whoever sends the reminder
        # (core's sending cron issues them as superuser too).
        invoices = invoices.sudo()
        missing = invoices.filtered(lambda move: not move.invoice_pdf_report_id)
        errors = {}
        if len(missing) > 1 and self._renders_together():
            try:
                with self.env.cr.savepoint():
                    errors = self._generate(missing)
            except Exception:
                _logger.warning(
                    "legal PDFs of %s invoices failed together, generating them one by one",
                    len(missing),
                    exc_info=True,
                )
                errors = self._generate_each(missing)
        elif missing:
            errors = self._generate_each(missing)
        pdfs = {}
        for invoice in invoices:
            if invoice.invoice_pdf_report_id:
                pdfs[invoice] = invoice.invoice_pdf_report_id
            elif invoice not in errors:
                errors[invoice] = self.env._("no PDF was produced")
        return pdfs, errors

    @api.model
    def _renders_together(self):
        """Whether one report call may render several invoices.

        Only the patched-Qt build of wkhtmltopdf (the one Odoo recommends)
        tells the documents of one call apart; with another build, core
        renders them all, then refuses the result. Tests render HTML, which
        is always split.
        """
        renders_html = bool(
            (modules.module.current_test or tools.config["test_enable"])
            and not self.env.context.get("force_report_rendering")
        )
        return renders_html or _wkhtml().is_patched_qt

    @api.model
    def _generate_each(self, invoices):
        """``_generate`` one invoice at a time; ``{invoice: reason}`` of the failures."""
        errors = {}
        for invoice in invoices:
            try:
                with self.env.cr.savepoint():
                    errors.update(self._generate(invoice))
            except Exception as error:  # noqa: BLE001 - stored as the reason
                errors[invoice] = str(error)
        return errors

    @api.model
    def _generate(self, invoices):
        """Generate the legal documents of ``invoices`` as core's sending does.

        Core's own steps with no sending method: the hooks of installed
        localisations run, the PDFs are rendered per company and report in one
        call each (``_prepare_invoice_pdf_report``) and linked to the
        invoices (``_link_invoice_documents``, which also marks them sent). The
        email is the reminder's own. Returns ``{invoice: reason}`` of the
        invoices core reported in error.
        """
        send = self.env["account.move.send"].sudo()
        errors = {}
        # Core renders a batch with the company of its first invoice.
        for company_invoices in invoices.grouped("company_id").values():
            invoices_data = {
                invoice: send._get_default_sending_settings(invoice, sending_methods=[])
                for invoice in company_invoices
            }
            send._generate_invoice_documents(invoices_data)
            errors.update(
                (invoice, send._format_error_text(data["error"]))
                for invoice, data in invoices_data.items()
                if data.get("error")
            )
        return errors
