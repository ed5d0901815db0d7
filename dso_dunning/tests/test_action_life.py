import re

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, tagged
from odoo.tools.misc import file_open

from ..tools import action_states
from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase

VIEW_FILES = (
    "views/dso_dunning_action_views.xml",
    "views/dso_dunning_agenda_views.xml",
    "views/res_partner_views.xml",
)


@tagged("post_install", "-at_install")
class TestStateMachineRules(BaseCase):
    """The state machine as plain rules."""

    def test_history_is_final_but_for_a_failed_delivery(self):
        for old in ("done", "cancelled"):
            for new in {*action_states.PENDING_STATES, "sent", "done"} - {old}:
                with self.subTest(old=old, new=new):
                    self.assertTrue(action_states.refused_transition(old, new))
        self.assertFalse(action_states.refused_transition("sent", "error"))
        self.assertTrue(action_states.refused_transition("sent", "planned"))

    def test_pending_moves_forward(self):
        self.assertFalse(action_states.refused_transition("to_confirm", "confirmed"))
        self.assertFalse(action_states.refused_transition("to_post", "sent"))
        self.assertTrue(action_states.refused_transition("confirmed", "to_confirm"))
        self.assertTrue(action_states.refused_transition("to_post", "planned"))
        self.assertTrue(action_states.refused_transition("done", "error"))

    def test_history_keeps_what_it_records(self):
        self.assertEqual(action_states.frozen_fields("planned", {"date": 1, "state": 1}), set())
        self.assertEqual(action_states.frozen_fields("sent", {"outcome_note": "x"}), set())
        self.assertEqual(
            action_states.frozen_fields("sent", {"date": 1, "outcome_note": "x"}), {"date"}
        )
        self.assertEqual(
            action_states.frozen_fields("sent", {"state": "error", "error_message": "bounced"}),
            set(),
        )
        self.assertEqual(
            action_states.frozen_fields("sent", {"state": "error", "sent_to": "x"}),
            {"state", "sent_to"},
        )

    def test_views_use_the_state_sets_of_the_engine(self):
        """Views cannot import the state sets: every list of states they name
        that holds the pending or history ones is exactly that set."""
        state_list = re.compile(r"\(\s*'(?:planned|sent|to_confirm)'(?:\s*,\s*'\w+')+\s*\)")
        known = {
            frozenset(action_states.PENDING_STATES): action_states.PENDING_STATES,
            frozenset(action_states.HISTORY_STATES): action_states.HISTORY_STATES,
            frozenset(action_states.SENDABLE_STATES): action_states.SENDABLE_STATES,
            frozenset(action_states.EXECUTED_STATES): action_states.EXECUTED_STATES,
        }
        found = 0
        for name in VIEW_FILES:
            with file_open(f"dso_dunning/{name}") as view:
                for match in state_list.finditer(view.read()):
                    states = tuple(re.findall(r"'(\w+)'", match.group()))
                    if {"to_post", "cancelled"} & set(states) or len(states) > 3:
                        found += 1
                        with self.subTest(view=name, states=states):
                            self.assertEqual(states, known.get(frozenset(states)))
        self.assertGreater(found, 5)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestActionLife(DunningUsersMixin, DunningSendingCase):
    """Only the engine moves an action; history keeps what it records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()

    def test_nobody_writes_the_state_or_the_execution_by_hand(self):
        action = self._planned(self._customer("Main Leste"), days_overdue=10)
        for user in (self.user_collector, self.user_manager, self.env.user):
            for vals in (
                {"state": "sent"},
                {"sent_to": "me@example.com"},
                {"executed_date": fields.Datetime.now()},
                {"amount_due": 1.0},
            ):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    action.with_user(user).write(vals)
        with self.assertRaisesRegex(UserError, "cannot go from"):
            action.sudo().write({"state": "to_confirm"})
        self.assertRecordValues(action, [{"state": "planned", "sent_to": False}])

    def test_sent_action_cannot_be_reset_and_sent_twice(self):
        action = self._planned(self._customer("Deux Fois"), days_overdue=10)
        action.with_user(self.user_collector).action_send_now()
        self.assertEqual(action.state, "sent")
        as_collector = action.with_user(self.user_collector)
        with self.assertRaises(AccessError):
            as_collector.write({"state": "planned", "email_done": False, "message_id": False})
        with self.assertRaisesRegex(UserError, "Nothing to send"):
            as_collector.action_send_now()
        with self.assertRaisesRegex(UserError, "is history"):
            action.sudo().write({"state": "planned"})
        mails = self.env["mail.mail"].search([("mail_message_id", "=", action.message_id.id)])
        self.assertEqual(len(mails), 1)

    def test_outcome_note_is_added_to_history_and_tracked(self):
        action = self._planned(self._customer("Note SA"), days_overdue=10)
        self.sender._send_due()
        as_collector = action.with_user(self.user_collector)
        # the test classes run with tracking off, as Odoo's own do
        as_collector.with_context(
            tracking_disable=False, mail_notrack=False
        ).outcome_note = "Paid by cheque, in the post"
        self.env.cr.precommit.run()  # tracking is logged at commit
        tracked = action.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "outcome_note"
        )
        self.assertEqual(tracked.new_value_text, "Paid by cheque, in the post")
        with self.assertRaises(AccessError):
            action.with_user(self.user_auditor).outcome_note = "Not mine to say"

    def test_roles_are_checked_on_the_server(self):
        action = self._planned(self._customer("Rôles SA"), days_overdue=10)
        auditor = action.with_user(self.user_auditor)
        for method in ("action_send_now", "action_cancel", "action_open_reschedule"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(auditor, method)()
        with self.assertRaises(AccessError):
            action.partner_id.with_user(self.user_auditor).action_dunning_plan()
        self.assertEqual(action.state, "planned")
        action.partner_id.with_user(self.user_collector).action_dunning_plan()

    def test_reschedule_is_refused_when_it_opens_on_history(self):
        action = self._planned(self._customer("Passé SA"), days_overdue=10)
        self.sender._send_due()
        Wizard = self.env["dso.dunning.action.reschedule"].with_user(self.user_collector)
        with self.assertRaisesRegex(UserError, "None of these actions is pending"):
            Wizard.with_context(
                active_model="dso.dunning.action", active_ids=action.ids
            ).default_get(["action_ids", "date"])
        with self.assertRaisesRegex(UserError, "None of these actions is pending"):
            action.with_user(self.user_collector).action_open_reschedule()

    def test_cancelled_action_stays_when_the_step_is_due_again_the_same_day(self):
        partner = self._customer("Revenant SA")
        action = self._planned(partner, days_overdue=10)
        action._cancel("paid")
        self._plan(partners=partner, force=True)
        again = self._live_actions(partner)
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again, action)
        self.assertEqual((again.step_id, again.date), (action.step_id, action.date))
        self.assertRecordValues(action, [{"state": "cancelled", "cancel_reason": "paid"}])


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestScreensOfOthers(DunningUsersMixin, DunningSendingCase):
    """No screen fails on what another user owns; letters print without accounting rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()

    def _alert(self, name, user, visibility="private"):
        return (
            self.env["dso.dunning.alert"]
            .with_user(user)
            .create({"name": name, "visibility": visibility, "overdue_min": 1.0})
        )

    def test_private_alerts_of_others_are_neither_shown_nor_read(self):
        action = self._planned(self._customer("Carré SA"), days_overdue=10)
        admin_private = self._alert("Admin only", self.user_admin)
        mine = self._alert("Mine", self.user_collector)
        shared = self._alert("Everyone", self.user_manager, visibility="shared")
        rows = action.with_user(self.user_collector).web_read(
            {"partner_alert_ids": {"fields": {"display_name": {}, "color": {}}}}
        )
        self.assertEqual(
            {alert["id"] for alert in rows[0]["partner_alert_ids"]}, {mine.id, shared.id}
        )
        as_admin = action.with_user(self.user_admin)
        self.assertIn(admin_private, as_admin.partner_alert_ids)
        self.assertNotIn(mine, as_admin.partner_alert_ids)

    def test_collector_prints_a_letter_without_accounting_rights(self):
        self._letter_step_instead_of_call()
        partner = self._customer("Courrier SA", street="1 rue de la Paix", city="Paris")
        invoice = self._create_overdue_invoice(partner, days_overdue=50, amount=300)
        self._plan(partners=partner, force=True)
        letter = self._live_actions(partner)
        self.assertEqual(letter.step_id, self.step_letter)
        self.assertFalse(self.user_collector.has_group("account.group_account_invoice"))
        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_collector)
            ._render_qweb_html("dso_dunning.dso_dunning_letter_report", letter.ids)[0]
        )
        self.assertIn(invoice.name, html.decode())
        wizard = (
            self.env["dso.dunning.action.print"]
            .with_user(self.user_collector)
            .create({"action_ids": [Command.set(letter.ids)]})
        )
        self.assertEqual(wizard._letters(), letter)
