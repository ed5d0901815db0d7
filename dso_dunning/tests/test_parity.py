"""Parity of the fast paths with the core paths they re-implement: each
test builds the same inputs through both and compares what they created,
field by field (how, and why: ``parity_common.py``)."""

import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields, models
from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from ..models.dso_dunning_sender import EMAIL_FIELDS
from .parity_common import (
    TRACKING,
    ParityCase,
)
from .test_sending import NOW


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestParityMailBatch(ParityCase):
    """A batch of reminders makes what ``message_post`` makes for each of them:
    message, emails (body, recipients, headers), notifications, followers."""

    WATCHED = (
        "mail.message",
        "mail.mail",
        "mail.notification",
        "mail.followers",
        "mail.tracking.value",
        "ir.attachment",
        "bus.bus",
        "res.partner",
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_email_cc = "credit.copy@company.example"
        cls.step_email.attach_invoices = True
        reminder = cls.env.ref("dso_dunning.mt_dunning_reminder")
        quiet = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        # internal users following the reminders: one by inbox, one by email
        cls.inbox_user = new_test_user(
            quiet, login="parity_inbox", groups="base.group_user", notification_type="inbox"
        )
        cls.email_user = new_test_user(
            quiet,
            login="parity_email",
            email="parity.email@company.example",
            groups="base.group_user",
            notification_type="email",
        )
        cls.customers = cls.env["res.partner"]
        for name in ("Parité Un", "Parité Deux", "Parité Trois"):
            cls.customers |= cls._create_customer(
                name, email=f"{name.lower().replace(' ', '.')}@customer.example"
            )
            cls._create_overdue_invoice(cls.customers[-1], days_overdue=10, amount=250.0)
        # a contact of the second customer receives its reminders
        cls.env["res.partner"].create(
            {
                "name": "Comptable",
                "email": "compta@customer.example",
                "parent_id": cls.customers[1].id,
                "type": "invoice",
            }
        )
        cls.customers[0].message_subscribe(
            partner_ids=(cls.inbox_user.partner_id | cls.email_user.partner_id).ids,
            subtype_ids=reminder.ids,
        )
        cls.planner._plan(companies=cls.company, partners=cls.customers, force=True)
        cls.actions = cls.env["dso.dunning.action"].search(
            [("partner_id", "in", cls.customers.ids), ("state", "=", "planned")], order="id"
        )

    def _both_paths(self, actions=None):
        """What the batch posts for the actions, and what ``message_post`` posts."""
        actions = actions or self.actions
        self.assertEqual(actions.step_id.mail_template_id, self.template_first)
        sender = self.sender.with_context(**TRACKING)
        rendered = self.template_first._generate_template(actions.ids, EMAIL_FIELDS)
        actions = actions.with_env(sender.env)
        # The invoices' legal PDFs, issued once for both paths: each links them.
        pdfs, failures = sender._invoice_pdfs(actions)
        self.assertFalse(failures)

        def fast():
            # as _execute_batch posts them
            thread_values = sender._thread_values(actions, rendered)
            posts = [
                sender._email_post(
                    action, rendered[action.id], thread_values[action.id], pdfs.get(action)
                )
                for action in actions
            ]
            sender.env["dso.dunning.mail.batch"]._post(
                [(thread, values) for thread, values, _recipients in posts]
            )

        def core():
            for action in actions:
                sender._post_email(action, rendered[action.id], pdfs.get(action))

        return (
            self._created_by(fast, self.WATCHED, kept=lambda: self.customers),
            self._created_by(core, self.WATCHED, kept=lambda: self.customers),
        )

    def test_batch_posts_what_message_post_posts(self):
        self.assertEqual(len(self.actions), 3)
        fast_outcome, core_outcome = self._both_paths()
        # what is compared: one message per customer, an email to its contact
        # and one to the copy address, inbox and email notifications
        self.assertEqual(len(core_outcome["mail.message"]), 3)
        self.assertEqual(
            [len(message["attachment_ids"]) for message in core_outcome["mail.message"]],
            [1, 1, 1],
            "the invoice of each customer",
        )
        self.assertFalse(core_outcome["ir.attachment"], "the invoices' own PDFs, linked")
        notifications = core_outcome["mail.notification"]
        self.assertEqual(
            sorted({(n["notification_type"], n["notification_status"]) for n in notifications}),
            [("email", "ready"), ("inbox", "sent")],
        )
        self.assertGreaterEqual(len(core_outcome["mail.mail"]), 6)
        self.assertSameOutcome(fast_outcome, core_outcome)

    def test_recipient_of_one_reminder_following_another_customer(self):
        """The recipient of one reminder of the batch who follows another
        customer of the batch gets that customer's reminder only if it follows
        its reminders, as when they are posted one by one."""
        reminder = self.env.ref("dso_dunning.mt_dunning_reminder")
        discussions = self.env.ref("mail.mt_comment")
        contact = self.customers[1].dunning_contact_id
        self.assertNotEqual(contact, self.customers[1])
        self.customers[2].message_subscribe(partner_ids=contact.ids, subtype_ids=reminder.ids)
        # the first customer receives its own reminders and follows the
        # third customer's discussions, not its reminders
        self.assertEqual(self.customers[0].dunning_contact_id, self.customers[0])
        self.customers[2].message_subscribe(
            partner_ids=self.customers[0].ids, subtype_ids=discussions.ids
        )
        fast_outcome, core_outcome = self._both_paths()
        followed = [
            n
            for n in core_outcome["mail.notification"]
            if n["res_partner_id"] in (contact | self.customers[0]).ids
        ]
        self.assertEqual(len(followed), 3, "contact: its customer's and the third one's")
        self.assertSameOutcome(fast_outcome, core_outcome)

    def test_two_reminders_to_one_customer_in_a_batch(self):
        """An invoice with its own scenario gets its own reminder, posted in the
        same batch on the same thread: the second cites the first, as when
        posted one after the other."""
        override = self.env["dso.dunning.scenario"].create(
            {
                "name": "Own scenario",
                "company_id": self.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Own reminder",
                            "offset_days": 5,
                            "channel_email": True,
                            "mode": "automatic",
                            "mail_template_id": self.template_first.id,
                        }
                    )
                ],
            }
        )
        self._create_overdue_invoice(
            self.customers[0], days_overdue=8, dunning_scenario_id=override.id
        )
        self._plan(partners=self.customers[0], force=True)
        actions = self.env["dso.dunning.action"].search(
            [("partner_id", "in", self.customers.ids), ("state", "=", "planned")], order="id"
        )
        self.assertEqual(len(actions.filtered(lambda a: a.partner_id == self.customers[0])), 2)
        fast_outcome, core_outcome = self._both_paths(actions)
        self.assertEqual(len(core_outcome["mail.message"]), 4)
        cited = [m["references"].count("<Message-Id of new") for m in core_outcome["mail.mail"]]
        self.assertIn(2, cited, "the second reminder cites the first")
        self.assertSameOutcome(fast_outcome, core_outcome)

    def test_salesperson_out_of_office_answers_as_for_message_post(self):
        """The customer's salesperson being away, the batch posts the automatic
        answer ``message_post`` posts."""
        away = new_test_user(
            self.env(context=dict(self.env.context, **DISABLED_MAIL_CONTEXT)),
            login="parity_away",
            groups="base.group_user",
            out_of_office_from=fields.Datetime.now() - datetime.timedelta(days=1),
            out_of_office_message="<p>Back on Monday</p>",
        )
        self.customers[2].user_id = away
        fast_outcome, core_outcome = self._both_paths()
        answers = [m for m in core_outcome["mail.message"] if m["message_type"] == "out_of_office"]
        self.assertEqual(len(answers), 1)
        self.assertIn("Back on Monday", answers[0]["body"])
        self.assertSameOutcome(fast_outcome, core_outcome)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestParityPlannerStore(ParityCase):
    """Actions the planner inserts in SQL are those ``create()`` makes: the
    action, its items, the collector's activity and following, the figures."""

    WATCHED = (
        "dso.dunning.action",
        "dso.dunning.action.line",
        "mail.activity",
        "mail.followers",
        "mail.message",
        "mail.mail",
        "mail.notification",
        "mail.tracking.value",
        "bus.bus",
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        quiet = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.collector = new_test_user(
            quiet,
            login="parity_collector",
            groups="dso_dunning.group_dso_dunning_collector",
            lang="fr_FR",
            tz="Europe/Paris",
        ).with_env(cls.env)
        cls.step_call.with_context(lang="fr_FR").write(
            {"name": "Appel", "help_text": "Demander une date de paiement"}
        )
        customers = {}
        # (name, days overdue, invoices, collector, scenario): every kind of step
        for name, days, invoices, collector, scenario in (
            ("Auto", 10, 1, None, None),  # automatic email
            ("Confirm", 16, 1, None, None),  # email and SMS to confirm
            ("Call", 35, 2, cls.collector, None),  # manual call, French collector
            ("Task", 40, 1, None, cls.scenario),  # manual task, the current user
        ):
            customer = cls._create_customer(f"Parity {name}")
            customer.with_company(cls.company).write(
                {
                    "dunning_collector_id": collector.id if collector else False,
                    "dunning_scenario_id": scenario.id if scenario else False,
                }
            )
            for rank in range(invoices):
                cls._create_overdue_invoice(customer, days_overdue=days + rank, amount=120.0)
            customers[name] = customer
        cls.customers = cls.env["res.partner"].concat(*customers.values())

    def _planned_vals(self):
        """What the planner gives ``_insert_actions`` for the customers, not inserted."""
        captured = []

        def capture(planner, company, vals_list, batch):
            captured.append((company, [dict(vals) for vals in vals_list], batch))
            return []

        with patch.object(type(self.planner), "_insert_actions", capture):
            self._plan(partners=self.customers, force=True)
        self.assertEqual(len(captured), 1, "one batch")
        return captured[0]

    def test_inserted_actions_are_created_actions(self):
        company, vals_list, batch = self._planned_vals()
        self.assertEqual(len(vals_list), 4)
        planner = self.planner.with_context(**TRACKING)
        Action = (
            self.env["dso.dunning.action"]
            .sudo()
            .with_context(
                # the planner's create() before the SQL insert: no creation
                # log, no creator following, no assignment email
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_activity_quick_update=True,
                **TRACKING,
            )
        )

        def fast():
            planner._insert_actions(company, vals_list, batch)
            # create() marks the customers' action figures to refresh at
            # commit; the planning run writes them itself after the batch.
            planner._write_figures(company, planner._action_figures(company, self.customers.ids))

        def core():
            Action.create(
                [
                    {
                        **{key: value for key, value in vals.items() if key != "items"},
                        "line_ids": planner._line_commands(vals["items"], vals["date"]),
                    }
                    for vals in vals_list
                ]
            )

        def kept():
            return self.env["dso.dunning.figure"].search([("partner_id", "in", self.customers.ids)])

        fast_outcome = self._created_by(fast, self.WATCHED, kept)
        core_outcome = self._created_by(core, self.WATCHED, kept)
        # what is compared: four actions, five items, two activities (one in
        # French) and their followers, the figures of the four customers
        self.assertEqual(len(core_outcome["dso.dunning.action"]), 4)
        self.assertEqual(len(core_outcome["dso.dunning.action.line"]), 5)
        self.assertEqual(
            sorted(a["summary"] for a in core_outcome["mail.activity"]), ["Appel", "Third"]
        )
        self.assertEqual(len(core_outcome["mail.followers"]), 2)
        self.assertEqual(len([key for key in core_outcome if "dso.dunning.figure," in key]), 4)
        self.assertSameOutcome(fast_outcome, core_outcome)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestParityTrackingLogs(ParityCase):
    """Tracking of many actions changed together is logged as ``_message_log``
    logs it for each: the note, its author, its tracking values."""

    WATCHED = (
        "mail.message",
        "mail.tracking.value",
        "mail.notification",
        "mail.mail",
        "mail.followers",
        "bus.bus",
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls._create_customer("Suivi Un") | cls._create_customer("Suivi Deux")
        for customer in cls.customers:
            cls._create_overdue_invoice(customer, days_overdue=35)
        cls.planner._plan(companies=cls.company, partners=cls.customers, force=True)
        cls.actions = cls.env["dso.dunning.action"].search(
            [("partner_id", "in", cls.customers.ids), ("state", "=", "planned")], order="id"
        )

    def test_batched_tracking_logs_what_message_log_logs(self):
        self.assertEqual(len(self.actions), 2)
        actions = self.actions.with_context(**TRACKING).sudo()
        vals = {
            "date": fields.Date.today() + datetime.timedelta(days=3),
            "collector_id": self.env.user.id,
            "outcome": "no_answer",
            "outcome_note": "Left a message",
        }

        def fast():
            actions.write(vals)  # two records: logged together by the mixin

        def core():
            for action in actions:
                action.write(vals)
                # tracked at flush, one record at a time: Odoo's _message_log
                self.env.cr.flush()

        fast_outcome = self._created_by(fast, self.WATCHED)
        core_outcome = self._created_by(core, self.WATCHED)
        self.assertEqual(len(core_outcome["mail.message"]), 2, "one note per action")
        self.assertEqual(len(core_outcome["mail.tracking.value"]), 8, "four changes each")
        self.assertSameOutcome(fast_outcome, core_outcome)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestParityFigures(ParityCase):
    """The customers' figures upserted in SQL are the rows ``create()`` and
    ``write()`` make (``dso.dunning.figure._store``, the stale mark of
    ``dso.dunning.figure.refresh``)."""

    WATCHED = ("dso.dunning.figure",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Chiffres SA")
        cls.figures = {
            "dunning_total_due": 1234.5,
            "dunning_overdue_amount": 1000.25,
            "dunning_not_due_amount": 234.25,
            "dunning_oldest_due_date": datetime.date(2026, 10, 1),
            "dunning_days_overdue": 54,
            "dunning_step_id": cls.step_email,
            "dunning_last_date": datetime.date(2026, 11, 2),
            "dunning_next_date": datetime.date(2026, 11, 30),
            "dunning_skip_reason": "Dunning blocked",
            "dunning_planned_on": datetime.date(2026, 11, 24),
        }

    def _core_vals(self, figures):
        return {
            name: value.id if isinstance(value, models.BaseModel) else value
            for name, value in figures.items()
        }

    def test_stored_figures_are_created_figures(self):
        Figure = self.env["dso.dunning.figure"].sudo()

        def fast():
            Figure._store(self.company, {self.customer.id: self.figures})

        def core():
            Figure.create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    **self._core_vals(self.figures),
                }
            )

        fast_outcome = self._created_by(fast, self.WATCHED)
        core_outcome = self._created_by(core, self.WATCHED)
        self.assertEqual(len(core_outcome["dso.dunning.figure"]), 1)
        self.assertSameOutcome(fast_outcome, core_outcome)

    def test_stored_figures_over_existing_ones_are_written_figures(self):
        Figure = self.env["dso.dunning.figure"].sudo()
        figure = Figure.create({"partner_id": self.customer.id, "company_id": self.company.id})
        changed = {"dunning_total_due": 99.5, "dunning_step_id": self.step_call}

        def fast():
            Figure._store(self.company, {self.customer.id: changed})

        def core():
            figure.write(self._core_vals(changed))

        fast_outcome = self._created_by(fast, self.WATCHED, kept=lambda: figure)
        core_outcome = self._created_by(core, self.WATCHED, kept=lambda: figure)
        self.assertEqual(core_outcome[f"dso.dunning.figure,{figure.id}"]["dunning_total_due"], 99.5)
        self.assertSameOutcome(fast_outcome, core_outcome)

    def test_stale_mark_is_a_created_figure(self):
        Refresh = self.env["dso.dunning.figure.refresh"].sudo()

        def fast():
            Refresh._touch_ledger([(self.company.id, self.customer.id)])

        def core():
            self.env["dso.dunning.figure"].sudo().create(
                {"partner_id": self.customer.id, "company_id": self.company.id, "stale": True}
            )

        fast_outcome = self._created_by(fast, self.WATCHED)
        core_outcome = self._created_by(core, self.WATCHED)
        self.assertEqual(len(core_outcome["dso.dunning.figure"]), 1)
        self.assertSameOutcome(fast_outcome, core_outcome)
