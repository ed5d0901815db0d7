import logging
from collections import defaultdict

import pytz

from odoo import api, fields, models

from ..tools import sending
from ..tools.action_states import delivery_vals
from .dso_dunning_mail_batch import SUBTYPE_XMLID
from .mail_notification import FAILED, RETRYABLE_SMS_FAILURES

_logger = logging.getLogger(__name__)

BATCH_SIZE = 50
EMAIL_FIELDS = ["subject", "body_html", "email_from", "reply_to"]


class DunningSendError(Exception):
    """A sending problem the user can act on; ``retryable`` when a later run may succeed."""

    def __init__(self, message, retryable=False):
        super().__init__(message)
        self.retryable = retryable


class DsoDunningSender(models.AbstractModel):
    """Executes dunning actions through their channels, exactly once.

    One service for the cron, the "Send now" button and bulk confirmation
    (like ``account.move.send``). Each action is locked (SKIP LOCKED), its
    state re-read, its residual re-checked, then sent; the state change is in
    the same transaction as the queued mail or SMS, so a crash loses or
    repeats nothing. Errors are stored on the action, never raised from the
    cron.
    """

    _name = "dso.dunning.sender"
    _description = "Dunning Sending Service"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _due_domain(self, today):
        return [
            ("date", "<=", today),
            "|",
            "|",
            "&",
            ("state", "=", "planned"),
            ("mode", "=", "automatic"),
            ("state", "=", "confirmed"),
            "&",
            ("state", "=", "error"),
            ("error_retryable", "=", True),
        ]

    @api.model
    def _cron_send(self):
        self._send_due(in_cron=True)

    @api.model
    def _send_due(self, in_cron=False):
        """Execute every due automatic action of the companies whose window is open."""
        Action = self.env["dso.dunning.action"]
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        groups = Action._read_group(self._due_domain(today), ["company_id"])
        open_ids = [company.id for (company,) in groups if self._in_window(company, now)]
        if not open_ids:
            return
        domain = [("company_id", "in", open_ids), *self._due_domain(today)]
        skipped = Action.browse()
        while True:
            batch = Action.search(
                [("id", "not in", skipped.ids), *domain], limit=self._batch_size()
            )
            if not batch:
                break
            locked = batch.try_lock_for_update()
            skipped |= batch - locked
            done = self._execute(locked)
            skipped |= locked - done
            if in_cron:
                remaining = Action.search_count([("id", "not in", skipped.ids), *domain])
                if not self.env["ir.cron"]._commit_progress(len(locked), remaining=remaining):
                    break

    @api.model
    def _batch_size(self):
        """Actions sent per committed batch: system parameter
        ``dso_dunning.send_batch_size`` (a positive integer), else 50."""
        value = self.env["ir.config_parameter"].sudo().get_param("dso_dunning.send_batch_size")
        try:
            return max(int(value), 1) if value else BATCH_SIZE
        except ValueError:
            return BATCH_SIZE

    @api.model
    def _in_window(self, company, now):
        weekdays = {day for day in sending.WEEKDAYS if company[f"dunning_send_{day}"]}
        tz = pytz.timezone(company.partner_id.tz or self.env.user.tz or "UTC")
        local_now = pytz.utc.localize(now).astimezone(tz).replace(tzinfo=None)
        return sending.in_window(
            local_now, weekdays, company.dunning_send_hour_from, company.dunning_send_hour_to
        )

    @api.model
    def _execute(self, actions):
        """Execute ``actions`` (already locked); return those sent.

        The batch is executed at once in one savepoint: residuals re-checked,
        templates rendered and actions written for all of them together. If
        anything unexpected fails there, the savepoint is rolled back and the
        actions are executed one by one, each in its own savepoint, so that
        only the failing one goes to error.

        Runs as superuser, still as the current user (author, "executed
        by"): the engine reads journal items and writes what happened,
        which no user writes by hand. Callers have checked the user's role.
        """
        actions = actions.sudo()
        actions.invalidate_recordset()
        actions = actions.filtered(lambda a: a._is_executable())
        if len(actions) > 1:
            try:
                with self.env.cr.savepoint():
                    sent, one_by_one = self._execute_batch(actions)
            except Exception:
                _logger.warning(
                    "dunning batch of %s actions failed, executing them one by one",
                    len(actions),
                    exc_info=True,
                )
            else:
                return sent | self._execute_each(one_by_one)
        return self._execute_each(actions)

    @api.model
    def _execute_each(self, actions):
        """Execute ``actions`` one by one, each in its own savepoint; return those sent."""
        sent = actions.browse()
        for action in actions:
            if not action._is_executable():
                continue
            sender = self._for_collector(action)
            try:
                with self.env.cr.savepoint():
                    if not action._recheck_still_due():
                        continue
                    sender._execute_one(action)
                sent |= action
            except DunningSendError as error:
                action._set_error(str(error), retryable=error.retryable)
            except Exception as error:
                _logger.exception("dunning action %s failed", action.id)
                action._set_error(
                    sender.env._("Unexpected error: %(error)s", error=error), retryable=False
                )
        return sent

    def _for_collector(self, action):
        """This service speaking the collector's language: the reasons it stores on
        the action are read by them (what the customer receives follows the
        customer's language, set by the templates)."""
        lang = action.collector_id.lang
        return self.with_context(lang=lang) if lang and lang != self.env.lang else self

    @api.model
    def _execute_batch(self, actions):
        """Execute the plain email actions of ``actions`` together.

        Templates are rendered per template for the batch (statements read
        in one search, the body compiled once, each date and amount formatted
        once), the invoices' legal PDFs missing are generated together, then
        every email is posted
        at once by ``dso.dunning.mail.batch``, as ``message_post`` would post
        it one by one.

        Returns ``(sent, one_by_one)``: the actions sent, and those left to
        the one-by-one path (other channels, a retried email, a template that
        failed to render for the group). Raises on anything unexpected.
        """
        one_by_one = actions.filtered(
            lambda a: a.channel_sms or a.channel_letter or not a.channel_email or a.email_done
        )
        actions = (actions - one_by_one)._recheck_still_due()
        errors = {}
        by_template = defaultdict(list)
        for action in actions:
            try:
                self._for_collector(action)._check_not_blocked(action)
                self._for_collector(action)._check_email(action)
            except DunningSendError as error:
                errors[action] = error
                continue
            by_template[action.step_id.mail_template_id].append(action.id)
        rendered = {}
        statement_items = actions._statement_items()
        for template, ids in by_template.items():
            template = template.with_context(
                dso_dunning_statement_items=statement_items,
                dso_dunning_qweb_memo={},
                dso_dunning_format_memo={},
            )
            try:
                rendered.update(template._generate_template(ids, EMAIL_FIELDS))
            except Exception:  # noqa: BLE001 - the one-by-one path reports it per action
                one_by_one |= actions.browse(ids)
        attachments, failures = self._invoice_pdfs(actions.filtered(lambda a: a.id in rendered))
        errors.update(failures)
        to_post = actions.filtered(lambda a: a.id in rendered and a not in failures)
        thread_values = self._thread_values(to_post, rendered)
        posts = [
            self._email_post(
                action, rendered[action.id], thread_values[action.id], attachments.get(action)
            )
            for action in to_post
        ]
        messages = self.env["dso.dunning.mail.batch"]._post(
            [(thread, values) for thread, values, _recipients in posts]
        )
        # Written together after the posts: one UPDATE for the batch at flush.
        for action, (_thread, values, recipients), message in zip(
            to_post, posts, messages, strict=True
        ):
            action.write(
                self._sent_vals(action, self._email_sent_vals(message, recipients, values))
            )
        for action, error in errors.items():
            action._set_error(str(error), retryable=error.retryable)
        return to_post, one_by_one

    @api.model
    def _thread_values(self, actions, rendered):
        """Per action, message values ``message_post`` would compute one customer at a time.

        The same Odoo helpers, called once for the batch: the alias domain and
        company of each customer's thread, and the author found from the
        rendered sender address (as ``_message_compute_author`` does).
        """
        partners = actions.partner_id
        alias_domains = partners.sudo()._mail_get_alias_domains(default_company=self.env.company)
        companies = partners._mail_get_companies(default=self.env.company)
        senders = defaultdict(set)
        for action in actions:
            senders[action.partner_id].add(rendered[action.id].get("email_from") or None)
        # One address per customer thread (else message_post finds the author).
        records_emails = {
            partner: list(emails) for partner, emails in senders.items() if len(emails) == 1
        }
        records_emails = {
            partner: emails for partner, emails in records_emails.items() if emails[0]
        }
        authors = partners.browse([p.id for p in records_emails])._partner_find_from_emails(
            records_emails, no_create=True
        )
        values = {}
        for action in actions:
            partner = action.partner_id
            values[action.id] = {
                "record_alias_domain_id": alias_domains[partner.id].id,
                "record_company_id": companies[partner.id].id,
            }
            if partner.id in authors:
                values[action.id]["author_id"] = authors[partner.id][:1].id
        return values

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------

    def _check_not_blocked(self, action):
        why = action.partner_id.with_context(lang=self.env.lang)._dunning_pause_label()
        if why:
            raise DunningSendError(
                self.env._(
                    "Dunning of this customer is paused (%(why)s): lift the block or change "
                    "the status, or cancel this action.",
                    why=why,
                )
            )

    def _sent_vals(self, action, vals):
        return {
            **vals,
            # A letter is sent once someone marks it posted.
            "state": "to_post" if action.channel_letter else "sent",
            "error_message": False,
            "error_retryable": False,
            "executed_date": fields.Datetime.now(),
            "executed_by_id": self.env.uid,
        }

    def _execute_one(self, action):
        self._check_not_blocked(action)
        vals = {}
        if action.email_done:
            self._requeue_failed_email(action)
            vals.update(delivery_vals("queued"))
        if action.channel_email and not action.email_done:
            vals.update(self._send_email(action))
        if action.channel_sms and not action.sms_done:
            vals.update(self._send_sms(action))
        if action.channel_letter and not action.letter_done:
            vals.update(self._generate_letter(action))
        action.write(self._sent_vals(action, vals))

    def _requeue_failed_email(self, action):
        """Retry the email that failed (mail server down) rather than post it twice."""
        failed = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", action.message_id.id), ("state", "=", "exception")])
        )
        failed.mark_outgoing()
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "=", action.message_id.id),
                    ("notification_status", "=", "exception"),
                ]
            )
        )
        notifications.write(
            {"notification_status": "ready", "failure_type": False, "failure_reason": False}
        )

    def _recipient(self, action):
        return action.partner_id.dunning_contact_id

    def _check_email(self, action):
        """Raise unless ``action`` can be emailed: a template, a contact with an address."""
        if not action.step_id.mail_template_id:
            raise DunningSendError(
                self.env._(
                    "Step “%(step)s” has no email template: choose one in the scenario.",
                    step=action.step_id.name,
                )
            )
        contact = self._recipient(action)
        if not contact.email:
            raise DunningSendError(
                self.env._(
                    "No email address on the collection contact %(contact)s: add one on the "
                    "customer card, then retry.",
                    contact=contact.display_name,
                )
            )

    def _send_email(self, action):
        self._check_email(action)
        template = action.step_id.mail_template_id
        try:
            values = template._generate_template(action.ids, EMAIL_FIELDS)[action.id]
        except Exception as error:
            raise DunningSendError(
                self.env._(
                    "The email template “%(template)s” could not be rendered: %(error)s",
                    template=template.name,
                    error=error,
                )
            ) from error
        attachments, failures = self._invoice_pdfs(action)
        if action in failures:
            raise failures[action]
        return self._post_email(action, values, attachments.get(action))

    def _email_post(self, action, values, thread_values=None, attachments=None):
        """``(thread, message_post values, recipients)`` of the email of ``action``,
        with ``attachments`` (the invoices' PDFs)."""
        # Recipients come from the collection-contact chain, not from the
        # template, so every step reaches the same person.
        recipients = self._recipient(action)
        post_values = {
            "body": values.get("body_html") or "",
            "subject": values.get("subject"),
            "email_from": values.get("email_from") or None,
            "reply_to": values.get("reply_to") or None,
            "partner_ids": recipients.ids,
            "outgoing_email_to": action.company_id.dunning_email_cc or False,
            "attachment_ids": attachments.ids if attachments else [],
            **(thread_values or {}),
        }
        return action.partner_id, post_values, recipients

    def _email_sent_vals(self, message, recipients, post_values):
        cc = post_values["outgoing_email_to"]
        return {
            "message_id": message.id,
            "email_done": True,
            **delivery_vals("queued"),
            "sent_to": ", ".join(recipients.mapped("email_formatted") + ([cc] if cc else [])),
        }

    def _post_email(self, action, values, attachments=None):
        """Post the rendered email on the customer's thread; the action's values."""
        thread, post_values, recipients = self._email_post(action, values, attachments=attachments)
        message = thread.with_context(mail_notify_force_send=False).message_post(
            message_type="comment", subtype_xmlid=SUBTYPE_XMLID, **post_values
        )
        return self._email_sent_vals(message, recipients, post_values)

    def _invoice_pdfs(self, actions):
        """The invoices' legal PDFs each of ``actions`` attaches, generated together.

        Returns ``(attachments, failures)``: ``{action: ir.attachment}`` for
        the actions whose step attaches invoices, and ``{action:
        DunningSendError}`` for those with an invoice left without its PDF.
        The attachments stay the invoices' own: ``message_post`` only links
        them to the message (it re-homes the composer's uploads, not a
        document's files), so every reminder links the same files and none is
        copied.
        """
        InvoicePdf = self.env["dso.dunning.invoice.pdf"]
        invoices = {
            action: InvoicePdf._invoices_to_attach(action)
            for action in actions
            if action.step_id.attach_invoices
        }
        pdfs, errors = InvoicePdf._legal_pdfs(
            self.env["account.move"].sudo().union(*invoices.values())
        )
        attachments, failures = {}, {}
        for action, action_invoices in invoices.items():
            failed = action_invoices.filtered(lambda invoice: invoice in errors)
            if failed:
                failures[action] = DunningSendError(
                    self._for_collector(action).env._(
                        "The PDF of invoice %(invoices)s could not be generated (%(error)s): "
                        "fix the invoice, or untick “Attach Invoices” on the step, then retry.",
                        invoices=", ".join(failed.mapped("name")),
                        error="; ".join(errors[invoice] for invoice in failed),
                    ),
                    retryable=True,
                )
                continue
            attachments[action] = self.env["ir.attachment"].union(
                *(pdfs[invoice] for invoice in action_invoices)
            )
        return attachments, failures

    def _send_sms(self, action):
        template = action.step_id.sms_template_id
        if not template:
            raise DunningSendError(
                self.env._(
                    "Step “%(step)s” has no SMS template: choose one in the scenario.",
                    step=action.step_id.name,
                )
            )
        contact = self._recipient(action)
        number, country_code = action._sms_number()
        try:
            e164 = sending.e164(number, country_code)
        except ValueError as error:
            raise DunningSendError(
                self.env._(
                    "Phone number missing or invalid for %(contact)s (%(number)s): %(error)s. "
                    "Fix the number on the customer card, then retry.",
                    contact=contact.display_name,
                    number=number or "-",
                    error=error,
                )
            ) from error
        body = template._render_field("body", action.ids, compute_lang=True)[action.id]
        message = action.partner_id._message_sms(
            body, partner_ids=contact.ids, sms_pid_to_number={contact.id: e164}
        )
        # The provider may refuse it while it is posted (no credit, number
        # refused): then nothing was sent.
        refused = message.notification_ids.filtered(lambda n: n.notification_status in FAILED)
        if refused:
            raise DunningSendError(
                self.env._(
                    "Text message to %(number)s not sent: %(reason)s",
                    number=e164,
                    reason=refused[0]._dunning_failure_reason(),
                ),
                retryable=refused[0].failure_type in RETRYABLE_SMS_FAILURES,
            )
        return {"sms_message_id": message.id, "sms_done": True, "sms_number": e164}

    def _generate_letter(self, action):
        report = action.step_id.letter_report_id or self.env.ref(
            "dso_dunning.dso_dunning_letter_report"
        )
        contact = self._recipient(action)
        if not (contact.street or contact.city):
            raise DunningSendError(
                self.env._(
                    "No postal address on the collection contact %(contact)s: add one on the "
                    "customer card, then retry.",
                    contact=contact.display_name,
                )
            )
        try:
            content, _type = self.env["ir.actions.report"]._render_qweb_pdf(report, action.ids)
        except Exception as error:
            raise DunningSendError(
                self.env._("The letter could not be generated: %(error)s", error=error),
                retryable=True,
            ) from error
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Dunning letter %(customer)s.pdf", customer=action.partner_id.name
                ),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": "dso.dunning.action",
                "res_id": action.id,
            }
        )
        return {"letter_attachment_id": attachment.id, "letter_done": True}
