import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import BaseCase, tagged

from odoo.addons.sms.tests.common import SMSCase

from ..tools import sending
from .common import DunningPlanningCase

# A Tuesday, 10:00 UTC: inside the default sending window (Mon-Fri, 8:00-19:00).
NOW = "2026-11-24 10:00:00"

# A delivery status notification (RFC 3464) as a customer's mail server returns it.
BOUNCE = """From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)
To: credit@company.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"
Message-Id: <dsn-1@mx.customer.example>

--dsn
Content-Type: text/plain

<{email}>: 550 No such person at this address.

--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example

Final-Recipient: rfc822; {email}
Action: failed
Status: 5.0.0

--dsn
Content-Type: message/rfc822

Message-Id: {message_id}
From: credit@company.example
To: {email}
Subject: Reminder

Please pay.
--dsn--
"""


class DunningSendingCase(DunningPlanningCase):
    """A scenario whose steps use the module's own templates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.company.email = "credit@company.example"
        cls.env.user.tz = "UTC"
        cls.template_first = cls.env.ref("dso_dunning.mail_template_dunning_first")
        cls.sms_template = cls.env.ref("dso_dunning.sms_template_dunning_reminder")
        cls.send_scenario = cls.env["dso.dunning.scenario"].create(
            {
                "name": "Sending",
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Reminder email",
                            "sequence": 10,
                            "offset_days": 7,
                            "channel_email": True,
                            "mode": "automatic",
                            "mail_template_id": cls.template_first.id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Email and SMS",
                            "sequence": 20,
                            "offset_days": 15,
                            "channel_email": True,
                            "channel_sms": True,
                            "mode": "to_confirm",
                            "mail_template_id": cls.template_first.id,
                            "sms_template_id": cls.sms_template.id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Call",
                            "sequence": 30,
                            "offset_days": 30,
                            "channel_call": True,
                            "mode": "manual",
                            "help_text": "Ask for a payment date",
                        }
                    ),
                ],
            }
        )
        cls.step_email, cls.step_both, cls.step_call = cls.send_scenario.step_ids
        cls.company.dunning_default_scenario_id = cls.send_scenario
        cls.sender = cls.env["dso.dunning.sender"]

    @classmethod
    def _letter_step_instead_of_call(cls, **vals):
        """The scenario's call step replaced by an automatic letter, 45 days late."""
        cls.step_call.unlink()
        cls.step_letter = cls.env["dso.dunning.step"].create(
            {
                "scenario_id": cls.send_scenario.id,
                "name": "Formal notice",
                "sequence": 40,
                "offset_days": 45,
                "channel_letter": True,
                "mode": "automatic",
                **vals,
            }
        )

    def _customer(self, name, **vals):
        return self._create_customer(
            name,
            email=vals.pop("email", f"{name.lower().replace(' ', '.')}@customer.example"),
            country_id=self.env.ref("base.fr").id,
            **vals,
        )

    def _planned(self, partner, days_overdue, amount=500.0):
        self._create_overdue_invoice(partner, days_overdue=days_overdue, amount=amount)
        self._plan(partners=partner, force=True)
        return self._actions(partner).filtered(lambda a: a.state != "cancelled")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSendingEmail(DunningSendingCase):
    def test_automatic_email_is_posted_once_on_customer_thread(self):
        partner = self._customer("Durand SA")
        other = self._customer("Other SA")
        action = self._planned(partner, days_overdue=10)
        self._create_overdue_invoice(other, days_overdue=40)
        self.assertEqual(action.step_id, self.step_email)
        self.sender._send_due()
        self.assertEqual(action.state, "sent")
        self.assertEqual(action.delivery_state, "queued", "in Odoo's mail queue, not yet out")
        self.assertTrue(action.delivery_date)
        message = action.message_id
        self.assertEqual(message.model, "res.partner")
        self.assertEqual(message.res_id, partner.id)
        self.assertEqual(message.subtype_id, self.env.ref("dso_dunning.mt_dunning_reminder"))
        self.assertIn(partner, message.partner_ids)
        self.assertIn(action.line_ids.move_id.name, message.body)
        self.assertIn("payment reminder", message.subject)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(len(mails), 1, "one email queued for the customer")
        self.assertEqual(mails.state, "outgoing")
        self.assertTrue(action.executed_date)
        self.assertIn("durand.sa@customer.example", action.sent_to)
        # a second run sends nothing more
        self.sender._send_due()
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("subtype_id", "=", message.subtype_id.id),
                ]
            ),
            1,
        )

    def test_collection_contact_receives_the_email(self):
        partner = self._customer("Contact Corp")
        contact = self.env["res.partner"].create(
            {
                "name": "Claire Compta",
                "parent_id": partner.id,
                "email": "claire@contact.example",
                "dunning_contact": True,
            }
        )
        action = self._planned(partner, days_overdue=10)
        self.assertEqual(partner.dunning_contact_id, contact)
        self.assertEqual(action.partner_id.dunning_contact_id, contact)
        self.assertEqual(
            self.template_first._render_field("partner_to", action.ids)[action.id], str(contact.id)
        )
        self.sender._send_due()
        self.assertEqual(action.message_id.partner_ids, contact)

    def test_missing_email_puts_action_in_error_with_reason(self):
        partner = self._customer("Sans Email", email=False)
        action = self._planned(partner, days_overdue=10)
        ok = self._customer("Avec Email")
        ok_action = self._planned(ok, days_overdue=10)
        self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("No email address on the collection contact", action.error_message)
        self.assertFalse(action.error_retryable)
        self.assertEqual(ok_action.state, "sent", "one bad customer never stops the run")

    def test_to_confirm_waits_for_confirmation_and_keeps_its_date(self):
        partner = self._customer("Confirm SARL", phone="+33 6 12 34 56 78")
        action = self._planned(partner, days_overdue=20)
        self.assertEqual(action.step_id, self.step_both)
        self.assertEqual(action.state, "to_confirm")
        self.sender._send_due()
        self.assertEqual(action.state, "to_confirm", "not sent before confirmation")
        date = action.date
        action.action_confirm()
        self.assertEqual((action.state, action.date), ("confirmed", date))

    def test_paid_before_sending_is_cancelled_not_sent(self):
        partner = self._customer("Payeur Tardif")
        action = self._planned(partner, days_overdue=10)
        self._pay(action.line_ids.move_id)
        self.sender._send_due()
        self.assertEqual((action.state, action.cancel_reason), ("cancelled", "paid"))
        self.assertFalse(action.message_id)

    def test_blocked_customer_is_not_sent(self):
        partner = self._customer("Litige SA")
        action = self._planned(partner, days_overdue=10)
        partner.dunning_block_reason = "dispute"
        self.assertRecordValues(action, [{"state": "cancelled", "cancel_reason": "paused"}])
        self.sender._send_due()
        self.assertFalse(action.message_id)
        self.assertFalse(self._live_actions(partner))

    def test_outside_sending_window_nothing_is_sent(self):
        partner = self._customer("Fenetre SA")
        action = self._planned(partner, days_overdue=10)
        self.company.write({"dunning_send_hour_from": 14.0, "dunning_send_hour_to": 18.0})
        self.sender._send_due()
        self.assertEqual(action.state, "planned")
        self.company.write({"dunning_send_hour_from": 8.0})
        self.sender._send_due()
        self.assertEqual(action.state, "sent")

    def test_sending_cron_sends_due_actions(self):
        partner = self._customer("Cron SA")
        action = self._planned(partner, days_overdue=10)
        cron = self.env.ref("dso_dunning.ir_cron_dso_dunning_send")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        action.invalidate_recordset()
        self.assertEqual(action.state, "sent")

    def test_send_now_sends_a_future_action(self):
        partner = self._customer("Pressé SA")
        self._create_overdue_invoice(partner, days_overdue=3)
        self._plan(partners=partner, force=True)
        action = self._actions(partner)
        # In the future of the frozen today (PostgreSQL's NOW() is not frozen).
        self.assertGreater(action.date, fields.Date.context_today(action))
        action.action_send_now()
        self.assertEqual(action.state, "sent")

    def test_french_customer_gets_french_email_from_english_user(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        partner = self._customer("Client Français", lang="fr_FR")
        action = self._planned(partner, days_overdue=10)
        self.assertEqual(self.env.user.lang, "en_US")
        self.sender._send_due()
        self.assertIn("rappel de paiement", action.message_id.subject)
        self.assertIn("Sauf erreur de notre part", action.message_id.body)

    def test_invoices_attached_are_the_customer_s_only(self):
        self.step_email.attach_invoices = True
        partner = self._customer("Pièces Jointes SA")
        other = self._customer("Autre Client")
        other_invoice = self._create_overdue_invoice(other, days_overdue=10)
        action = self._planned(partner, days_overdue=10)
        self.sender._send_due()
        names = action.message_id.attachment_ids.mapped("name")
        self.assertEqual(len(names), 1)
        self.assertIn(action.line_ids.move_id.name.replace("/", "_"), names[0])
        self.assertNotIn(other_invoice.name.replace("/", "_"), " ".join(names))


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSendingBatch(DunningSendingCase):
    """Emails of a batch are posted together; each customer sees its own."""

    def test_batch_size_is_a_system_parameter(self):
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(self.sender._batch_size(), 50)
        params.set_param("dso_dunning.send_batch_size", "10")
        self.assertEqual(self.sender._batch_size(), 10)
        params.set_param("dso_dunning.send_batch_size", "ten")
        self.assertEqual(self.sender._batch_size(), 50, "a wrong value keeps the default")

    def test_every_action_of_a_batch_gets_message_mail_and_notification(self):
        self.company.dunning_email_cc = "credit.copy@company.example"
        follower = self.env["res.partner"].create(
            {"name": "Follower", "email": "follower@company.example"}
        )
        reminder = self.env.ref("dso_dunning.mt_dunning_reminder")
        partners = self.env["res.partner"]
        actions = self.env["dso.dunning.action"]
        for name in ("Lot Un", "Lot Deux", "Lot Trois"):
            partner = self._customer(name)
            partners |= partner
            actions |= self._planned(partner, days_overdue=10)
        partners[1].message_subscribe(partner_ids=follower.ids, subtype_ids=reminder.ids)
        # Posted together: the one-by-one fallback (which logs a warning) is not used.
        with self.assertNoLogs("odoo.addons.dso_dunning.models.dso_dunning_sender", "WARNING"):
            self.sender._send_due()
        self.assertEqual(set(actions.mapped("state")), {"sent"})
        for partner, action in zip(partners, actions, strict=True):
            message = action.message_id
            self.assertEqual((message.model, message.res_id), ("res.partner", partner.id))
            self.assertEqual(message.subtype_id, reminder)
            self.assertEqual(message.message_type, "comment")
            self.assertEqual(message.partner_ids, partner)
            self.assertIn(action.line_ids.move_id.name, message.body)
            mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
            to_partner = mails.filtered("recipient_ids")
            self.assertIn(partner, to_partner.recipient_ids)
            self.assertIn(action.line_ids.move_id.name, to_partner.body_html)
            self.assertIn("payment reminder", to_partner.subject or message.subject)
            copy = mails - to_partner
            self.assertEqual(copy.email_to, "credit.copy@company.example")
            notifications = self.env["mail.notification"].search(
                [("mail_message_id", "=", message.id), ("notification_type", "=", "email")]
            )
            self.assertIn(partner, notifications.res_partner_id)
            self.assertIn("credit.copy@company.example", notifications.mapped("mail_email_address"))
            self.assertEqual(set(notifications.mapped("notification_status")), {"ready"})
            self.assertEqual(
                action.sent_to, f"{partner.email_formatted}, credit.copy@company.example"
            )
        # The follower of the reminders of one customer gets that customer's only.
        followed = self.env["mail.notification"].search([("res_partner_id", "=", follower.id)])
        self.assertEqual(followed.mail_message_id, actions[1].message_id)

    def test_a_template_failing_for_one_action_does_not_stop_the_others(self):
        broken = self.template_first.copy(
            {
                "body_html": '<p>Dear <t t-out="object.partner_id.name"/>'
                '<t t-if="object.partner_id.name == \'Cassé SA\'" t-out="1 / 0"/></p>'
            }
        )
        self.step_email.mail_template_id = broken
        partners = self._customer("Bon SA") | self._customer("Cassé SA") | self._customer("Bien SA")
        actions = self.env["dso.dunning.action"]
        for partner in partners:
            actions |= self._planned(partner, days_overdue=10)
        self.sender._send_due()
        good, bad, fine = actions
        self.assertEqual((good.state, fine.state), ("sent", "sent"))
        self.assertIn("Bon SA", good.message_id.body)
        self.assertEqual(bad.state, "error")
        self.assertIn("could not be rendered", bad.error_message)
        self.assertFalse(bad.message_id)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestManualActions(DunningSendingCase):
    def test_call_creates_activity_for_collector_and_done_marks_action(self):
        partner = self._customer("Appel SA")
        partner.with_company(self.company).dunning_collector_id = self.env.user
        action = self._planned(partner, days_overdue=35)
        self.assertEqual(action.step_id, self.step_call)
        activity = action.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual((activity.user_id, activity.date_deadline), (self.env.user, action.date))
        self.sender._send_due()
        self.assertEqual(action.state, "planned", "the cron never executes a manual action")
        activity.action_feedback(feedback="Promised next week")
        self.assertEqual((action.state, action.outcome), ("done", "reached"))

    def test_promise_to_pay_records_a_promise_on_the_call_items(self):
        partner = self._customer("Promesse SA")
        action = self._planned(partner, days_overdue=35, amount=700)
        action.write({"outcome": "promise", "promise_date": "2026-12-05"})
        action.action_done()
        self.assertEqual(action.state, "done")
        self.assertFalse(action.activity_ids)
        promise = self.env["dso.dunning.commitment"].search([("partner_id", "=", partner.id)])
        self.assertRecordValues(
            promise,
            [
                {
                    "kind": "promise",
                    "state": "open",
                    "date": datetime.date(2026, 12, 5),
                    "amount": 700,
                }
            ],
        )
        self.assertFalse(partner.dunning_block_reason, "the customer itself is not blocked")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSendingSms(DunningSendingCase, SMSCase):
    def test_sms_sent_to_normalised_number(self):
        partner = self._customer("Texto SA", phone="06 12 34 56 78")
        action = self._planned(partner, days_overdue=20)
        action.action_confirm()
        with self.mockSMSGateway():
            self.sender._send_due()
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(action.state, "sent")
        self.assertEqual(action.sms_number, "+33612345678")
        self.assertSMSIapSent(["+33612345678"])

    def test_undelivered_text_message_puts_the_action_in_error(self):
        partner = self._customer("Texto Perdu", phone="06 12 34 56 79")
        action = self._planned(partner, days_overdue=20)
        action.action_confirm()
        with self.mockSMSGateway():
            self.sender._send_due()
        self.assertEqual(action.state, "sent")
        tracker = (
            self.env["sms.tracker"]
            .sudo()
            .search([("mail_notification_id.mail_message_id", "=", action.sms_message_id.id)])
        )
        # What the provider's delivery report does (sms controller /sms/status).
        tracker._action_update_from_provider_error("not_delivered")
        self.assertEqual(action.state, "error")
        self.assertIn("Text message not delivered to Texto Perdu", action.error_message)
        self.assertFalse(action.error_retryable)

    def test_text_message_refused_at_once_puts_the_action_in_error(self):
        """The provider refuses the text while it is posted (no credit): the
        action is in error with the reason, not "sent"."""
        partner = self._customer("Texto Refuse", phone="06 12 34 56 77")
        action = self._planned(partner, days_overdue=20)
        action.action_confirm()
        with self.mockSMSGateway(sim_error="credit"):
            self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("+33612345677", action.error_message)
        self.assertIn("credit", action.error_message.lower())
        self.assertFalse(action.sms_done)

    def test_invalid_number_error_names_the_number(self):
        partner = self._customer("Mauvais Numero", phone="12")
        action = self._planned(partner, days_overdue=20)
        action.action_confirm()
        with self.mockSMSGateway():
            self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("Phone number missing or invalid", action.error_message)
        self.assertIn("12", action.error_message)
        self.assertFalse(action.error_retryable)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestLetters(DunningSendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._letter_step_instead_of_call(
            letter_body="<p>Formal notice: please pay within eight days.</p>"
        )

    def test_letter_is_generated_and_waits_to_be_posted(self):
        partner = self._customer(
            "Courrier SA", street="1 rue de la Paix", city="Paris", zip="75002"
        )
        action = self._planned(partner, days_overdue=50)
        self.assertEqual(action.step_id, self.step_letter)
        self.sender._send_due()
        self.assertEqual(action.state, "to_post", "printing is not posting")
        attachment = action.letter_attachment_id
        self.assertEqual(attachment.res_model, "dso.dunning.action")
        self.assertEqual(attachment.mimetype, "application/pdf")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("dso_dunning.report_dunning_letter", action.ids)[0]
            .decode()
        )
        self.assertIn("Formal notice: please pay within eight days.", html)
        self.assertIn("1 rue de la Paix", html)
        self.assertIn(action.line_ids.move_id.name, html)
        self.sender._send_due()
        self.assertEqual(len(action.letter_attachment_id), 1, "generated once")
        action.action_mark_posted()
        self.assertEqual(action.state, "sent")

    def test_letter_without_postal_address_is_an_error(self):
        partner = self._customer("Sans Adresse")
        action = self._planned(partner, days_overdue=50)
        self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("No postal address", action.error_message)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestStatement(DunningSendingCase):
    def test_statement_lists_credits_and_not_due_when_asked_with_currency_totals(self):
        partner = self._customer("Relevé SA")
        self._create_overdue_invoice(partner, days_overdue=-20, amount=300.0)
        self._create_credit_note(partner, 50.0)
        action = self._planned(partner, days_overdue=10, amount=500.0)
        statement = action._statement()
        self.assertEqual([line["amount"] for line in statement["lines"]], [500.0])
        self.step_email.write({"statement_not_due": True, "statement_credits": True})
        statement = action._statement()
        self.assertEqual(
            sorted(line["amount"] for line in statement["lines"]), [-50.0, 300.0, 500.0]
        )
        self.assertEqual(statement["totals"], [(self.company.currency_id, 750.0)])
        self.company.write(
            {"dunning_email_from": "company", "dunning_email": "recouvrement@co.example"}
        )
        self.sender._send_due()
        self.assertIn("300.00", action.message_id.body)
        self.assertEqual(action.message_id.reply_to, "recouvrement@co.example")
        self.assertEqual(action.message_id.email_from, "recouvrement@co.example")

    def test_template_that_fails_to_render_is_an_error_not_a_crash(self):
        broken = self.template_first.copy({"subject": "{{ object.no_such_field }}"})
        self.step_email.mail_template_id = broken
        partner = self._customer("Modèle Cassé")
        action = self._planned(partner, days_overdue=10)
        self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("could not be rendered", action.error_message)

    def test_bounce_puts_the_action_in_error(self):
        partner = self._customer("Rebond SA")
        action = self._planned(partner, days_overdue=10)
        self.sender._send_due()
        notification = self.env["mail.notification"].search(
            [("mail_message_id", "=", action.message_id.id), ("res_partner_id", "=", partner.id)]
        )
        # The customer's mail server returns the email: Odoo's mail gateway routes the bounce.
        self.env["mail.thread"].message_process(
            False, BOUNCE.format(email=partner.email, message_id=action.message_id.message_id)
        )
        self.assertEqual(notification.notification_status, "bounce")
        self.assertEqual(action.state, "error")
        self.assertEqual(action.delivery_state, "bounced")
        self.assertIn("bounced", action.error_message)
        self.assertFalse(action.error_retryable)

    def test_bounce_after_the_next_step_was_planned(self):
        """The failed reminder is pending again; the next step, planned since, waits."""
        partner = self._customer("Rebond Tardif")
        action = self._planned(partner, days_overdue=10)
        self.sender._send_due()
        with freeze_time("2026-12-01 10:00:00"):
            self._plan(partners=partner, force=True)
        following = self._live_actions(partner) - action
        self.assertEqual(following.step_id, self.step_both)
        self.env["mail.thread"].message_process(
            False, BOUNCE.format(email=partner.email, message_id=action.message_id.message_id)
        )
        self.env.flush_all()
        self.assertEqual(action.state, "error")
        self.assertRecordValues(following, [{"state": "cancelled", "cancel_reason": "undelivered"}])


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSendingScale(DunningSendingCase):
    """Sending costs queries per batch and per action, never per journal item.

    Five customers with ten open items each, then five with a hundred each
    (50 vs 500 items): one batch each, about the same number of queries. If
    a change makes the count grow with the items, a customer with a long
    ledger slows the whole sending run down.
    """

    def _customers_with_items(self, prefix, customers, items):
        """``customers`` customers, each with ``items`` receivable items 10 days late."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"{prefix} {i}", "is_company": True, "email": f"{prefix}{i}@example.com"}
                for i in range(customers)
            ]
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        income = self.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", self.company.id)], limit=1
        )
        today = datetime.date.fromisoformat(NOW[:10])
        due = today - datetime.timedelta(days=10)
        receivable = partners[:1].with_company(self.company).property_account_receivable_id
        moves = (
            self.env["account.move"]
            .with_company(self.company)
            .create(
                [
                    {
                        "move_type": "entry",
                        "journal_id": journal.id,
                        "date": due,
                        "line_ids": [
                            Command.create(
                                {
                                    "name": f"Item {n}",
                                    "partner_id": partner.id,
                                    "account_id": receivable.id,
                                    "debit": 100.0,
                                    "date_maturity": due,
                                }
                            )
                            for n in range(items)
                        ]
                        + [
                            Command.create(
                                {"name": "Sales", "account_id": income.id, "credit": 100.0 * items}
                            )
                        ],
                    }
                    for partner in partners
                ]
            )
        )
        moves.action_post()
        # Odoo leaves miscellaneous entries out of follow-ups by default.
        moves.line_ids.filtered("partner_id").no_followup = False
        self._plan(partners=partners, force=True)
        actions = self.env["dso.dunning.action"].search(
            [("partner_id", "in", partners.ids), ("state", "=", "planned")]
        )
        self.assertEqual(len(actions), customers)
        self.assertEqual(len(actions.line_ids), customers * items)
        return actions

    def _send_counting_queries(self, actions):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.sender._execute(actions.try_lock_for_update())
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.assertEqual(set(actions.mapped("state")), {"sent"})
        return count

    def test_query_count_does_not_grow_with_items(self):
        warm_up = self._customers_with_items("Warm", 2, 3)
        few = self._customers_with_items("Few", 5, 10)
        many = self._customers_with_items("Many", 5, 100)
        self._send_counting_queries(warm_up)
        small = self._send_counting_queries(few)
        large = self._send_counting_queries(many)
        self.assertLessEqual(large, small + 5, f"50 items: {small} queries, 500 items: {large}")
        for action in many:
            self.assertEqual(action.message_id.res_id, action.partner_id.id)
            self.assertGreaterEqual(action.message_id.body.count("<tr"), 100, "every item listed")


@tagged("post_install", "-at_install")
class TestFormatMemo(BaseCase):
    """A batch formats each date and amount once, and never mixes values up."""

    def test_repeated_values_are_formatted_once(self):
        calls = []

        def fmt(value, currency=None):
            calls.append(value)
            return f"{currency}:{value!r}"

        memo = {}
        cached = sending.memoized(fmt, memo)
        self.assertEqual(cached(1.5, currency="EUR"), "EUR:1.5")
        self.assertEqual(cached(1.5, currency="EUR"), "EUR:1.5")
        self.assertEqual(cached(1.5, currency="USD"), "USD:1.5")
        self.assertEqual(cached(-0.0), "None:-0.0")
        self.assertEqual(cached(0.0), "None:0.0", "-0.0 and 0.0 are told apart")
        self.assertEqual(cached(datetime.date(2026, 11, 24)), "None:datetime.date(2026, 11, 24)")
        self.assertEqual(cached([1]), "None:[1]", "unhashable arguments pass through")
        self.assertEqual(cached([1]), "None:[1]")
        self.assertEqual(calls, [1.5, 1.5, -0.0, 0.0, datetime.date(2026, 11, 24), [1], [1]])
