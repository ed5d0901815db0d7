import ast
import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools import agenda
from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase

TODAY = datetime.date(2026, 11, 24)
DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestAgendaColours(DunningSendingCase):
    """The colour code of the seeds, as pure rules."""

    def test_manual_actions_red_when_due_blue_when_future(self):
        self.assertEqual(agenda.agenda_color("manual", "planned", TODAY, TODAY), agenda.RED)
        self.assertEqual(agenda.agenda_color("manual", "planned", TODAY - DAY, TODAY), agenda.RED)
        self.assertEqual(agenda.agenda_color("manual", "planned", TODAY + DAY, TODAY), agenda.BLUE)

    def test_automatic_actions_colour_code(self):
        cases = [
            ("to_confirm", "confirmed", TODAY + DAY, agenda.GREEN),
            ("to_confirm", "confirmed", TODAY - DAY, agenda.GREEN),
            ("to_confirm", "to_confirm", TODAY - DAY, agenda.RED),
            ("to_confirm", "to_confirm", TODAY, agenda.RED),
            ("automatic", "planned", TODAY, agenda.RED),
            ("to_confirm", "to_confirm", TODAY + DAY, agenda.WHITE),
            ("automatic", "planned", TODAY + DAY, agenda.WHITE),
            ("automatic", "error", TODAY + DAY, agenda.YELLOW),
            ("to_confirm", "error", TODAY - DAY, agenda.YELLOW),
        ]
        for mode, state, date, colour in cases:
            with self.subTest(mode=mode, state=state, date=date):
                self.assertEqual(agenda.agenda_color(mode, state, date, TODAY), colour)

    def test_executed_and_cancelled_are_history(self):
        for state in ("sent", "done", "cancelled"):
            self.assertEqual(agenda.agenda_color("automatic", state, TODAY, TODAY), agenda.GREY)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestAgenda(DunningUsersMixin, DunningSendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.agenda = cls.env["dso.dunning.agenda"]

    def _action(self, name, days_overdue, collector=None):
        partner = self._customer(name)
        if collector:
            partner.with_company(self.company).dunning_collector_id = collector
        action = self._planned(partner, days_overdue)
        self.assertEqual(len(action), 1)
        return action

    def test_colour_field_follows_today(self):
        call = self._action("Call Late", 40)
        self.assertEqual((call.mode, call.agenda_color), ("manual", "red"))
        call.date = fields.Date.today() + DAY
        self.assertEqual(call.agenda_color, "blue")
        confirm = self._action("Confirm Me", 20)
        self.assertEqual((confirm.state, confirm.agenda_color), ("to_confirm", "red"))
        confirm.action_confirm()
        self.assertEqual((confirm.agenda_color, confirm.color), ("green", 10))
        confirm._set_error("No email address on the collection contact X")
        self.assertEqual((confirm.agenda_color, confirm.color), ("yellow", 3))

    def test_counters_count_scheduled_and_to_do_for_current_filters(self):
        mine_late = self._action("Mine Late", 40, self.user_collector)
        mine_future = self._action("Mine Future", 10, self.user_collector)
        mine_future.date = fields.Date.today() + 3 * DAY
        self._action("Other Late", 40, self.user_manager)
        self._action("Mine Sent", 10, self.user_collector).sudo().write({"state": "sent"})
        agenda_as_collector = self.agenda.with_user(self.user_collector)
        mine = [("collector_id", "=", self.user_collector.id)]
        agenda_as_collector.get_counters([])  # warm the caches (rules, groups)
        with self.assertQueryCount(1):
            counters = agenda_as_collector.get_counters(mine)
        self.assertEqual(counters, {"scheduled": 2, "to_do": 1})
        self.assertEqual(
            agenda_as_collector.get_counters([("mode", "=", "manual")]),
            {"scheduled": 2, "to_do": 2},
        )
        self.assertEqual(
            agenda_as_collector.get_counters(mine + [("partner_id", "ilike", "Future")]),
            {"scheduled": 1, "to_do": 0},
        )
        self.assertIn(mine_late, self.env["dso.dunning.action"].search(mine))

    def test_collector_lands_on_own_actions_manager_on_all(self):
        for tab in ("manual", "automatic", "history"):
            action = self.agenda.with_user(self.user_collector)._action_open_tab(tab)
            self.assertEqual(action["context"].get("search_default_my_actions"), 1)
            self.assertEqual(action["context"]["dso_agenda_tab"], tab)
            action = self.agenda.with_user(self.user_manager)._action_open_tab(tab)
            self.assertNotIn("search_default_my_actions", action["context"])

    def test_every_tab_menu_lands_a_collector_on_their_own(self):
        """Each agenda menu opens its tab through the server: a collector lands
        on their actions, on the replies of their customers and on the charts
        of their actions; a credit manager and an auditor on everyone's."""
        tabs = {
            "dso_dunning_menu_agenda_manual": ("manual", "my_actions"),
            "dso_dunning_menu_agenda_automatic": ("automatic", "my_actions"),
            "dso_dunning_menu_agenda_history": ("history", "my_actions"),
            "dso_dunning_menu_agenda_replies": ("replies", "my_replies"),
            "dso_dunning_menu_agenda_charts": ("charts", "my_actions"),
        }
        for menu_xmlid, (tab, my_filter) in tabs.items():
            server_action = self.env.ref(f"dso_dunning.{menu_xmlid}").action
            for user, mine in (
                (self.user_collector, True),
                (self.user_manager, False),
                (self.user_auditor, False),
            ):
                with self.subTest(tab=tab, user=user.login):
                    action = server_action.with_user(user).run()
                    context = action["context"]
                    self.assertEqual(context["dso_agenda_tab"], tab)
                    self.assertEqual(context.get(f"search_default_{my_filter}") == 1, mine)
        replies = self.agenda.with_user(self.user_collector)._action_open_tab("replies")
        self.assertEqual(replies["context"].get("search_default_to_read"), 1)

    def test_first_three_tabs_share_one_search_view(self):
        """Shared search view = the filters of one tab are valid in the others."""
        actions = [
            self.env.ref(f"dso_dunning.dso_dunning_agenda_{tab}_action")
            for tab in ("manual", "automatic", "history")
        ]
        self.assertEqual(len({a.search_view_id for a in actions}), 1)
        self.assertTrue(actions[0].search_view_id)
        self.assertEqual(
            [a.context for a in actions],
            [
                "{'dso_agenda_tab': 'manual'}",
                "{'dso_agenda_tab': 'automatic'}",
                "{'dso_agenda_tab': 'history'}",
            ],
        )

    def test_tab_domains_split_pending_actions(self):
        manual = self._action("Manual Tab", 40)
        automatic = self._action("Automatic Tab", 10)
        sent = self._action("History Tab", 10)
        sent.sudo().write({"state": "sent"})
        Action = self.env["dso.dunning.action"]
        for tab, expected in (("manual", manual), ("automatic", automatic), ("history", sent)):
            domain = ast.literal_eval(self.agenda._action_open_tab(tab)["domain"])
            found = Action.search(domain) & (manual | automatic | sent)
            self.assertEqual(found, expected, tab)

    def test_history_is_read_only(self):
        action = self._action("Sent Already", 10, self.user_collector)
        self.sender._send_due()
        self.assertEqual(action.state, "sent")
        as_collector = action.with_user(self.user_collector)
        for vals in (
            {"date": fields.Date.today() + DAY},
            {"collector_id": self.user_manager.id},
            {"outcome": "promise"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "is history"):
                as_collector.write(vals)
        with self.assertRaises(UserError):
            self.env["dso.dunning.action.reschedule"].create(
                {"action_ids": action.ids, "date": fields.Date.today() + DAY}
            ).action_apply()

    def test_reschedule_dialog_moves_pending_actions_with_reason(self):
        call = self._action("Call Again", 40, self.user_collector)
        email = self._action("Mail Again", 10, self.user_collector)
        new_date = fields.Date.today() + 7 * DAY
        wizard = (
            self.env["dso.dunning.action.reschedule"]
            .with_user(self.user_collector)
            .with_context(active_model="dso.dunning.action", active_ids=(call | email).ids)
            .create({"date": new_date, "reason": "Customer on holiday"})
        )
        self.assertEqual(wizard.action_count, 2)
        wizard.action_apply()
        self.assertEqual((call | email).mapped("date"), [new_date, new_date])
        self.assertEqual(call.reschedule_note, "Customer on holiday")
        self.assertEqual(call.activity_ids.date_deadline, new_date)
        self.assertIn("Customer on holiday", call.message_ids[0].body)
        self.assertEqual(call.agenda_color, "blue")

    def test_send_now_by_a_collector_without_accounting_rights(self):
        """A collector with only the Dunning role sends an action: the email is
        posted on the customer by the collector, not refused for lack of rights
        on journal items or contacts."""
        self.assertFalse(self.user_collector.has_group("account.group_account_invoice"))
        self.assertFalse(self.user_collector.has_group("base.group_partner_manager"))
        action = self._action("Send By Collector", 10, self.user_collector)
        action.with_user(self.user_collector).action_send_now()
        self.assertEqual(action.state, "sent", action.error_message)
        self.assertEqual(action.executed_by_id, self.user_collector)
        self.assertEqual(action.message_id.author_id, self.user_collector.partner_id)
        self.assertEqual(action.message_id.res_id, action.partner_id.id)

    def test_inline_date_edit_by_collector(self):
        email = self._action("Inline Date", 10, self.user_collector)
        new_date = fields.Date.today() + 2 * DAY
        email.with_user(self.user_collector).write({"date": new_date})
        self.assertEqual((email.date, email.agenda_color), (new_date, "white"))

    def test_edit_before_sending_executes_the_action(self):
        action = self._action("Edit Me", 20, self.user_collector)
        self.assertEqual(action.mode, "to_confirm")
        composer_action = action.with_user(self.user_collector).action_edit_before_sending()
        self.assertEqual(composer_action["context"]["default_template_id"], self.template_first.id)
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_collector)
            .with_context(**composer_action["context"])
            .create({})
        )
        self.assertIn(action.line_ids.move_id.name, composer.body)
        composer.body = "<p>Edited by hand</p>"
        composer.action_send_mail()
        self.assertEqual(action.state, "sent")
        self.assertIn("Edited by hand", action.message_id.body)
        self.assertIn("edit.me@customer.example", action.sent_to)

    def test_charts_split_to_do_done_future(self):
        late = self._action("Chart Late", 40)
        future = self._action("Chart Future", 10)
        future.date = fields.Date.today() + DAY
        done = self._action("Chart Done", 20)
        done.sudo().write({"state": "sent"})
        Report = self.env["dso.dunning.action.report"]
        rows = Report.search([("action_id", "in", (late | future | done).ids)])
        self.assertEqual(
            {row.action_id: row.progress for row in rows},
            {late: "to_do", future: "future", done: "done"},
        )
        self.assertEqual(rows.filtered(lambda r: r.action_id == late).channel, "call")
        groups = Report.with_user(self.user_auditor)._read_group(
            [("action_id", "in", (late | future | done).ids)], ["progress"], ["__count"]
        )
        self.assertEqual(dict(groups), {"to_do": 1, "future": 1, "done": 1})


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestAgendaReplies(DunningUsersMixin, DunningSendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()

    def test_customer_reply_and_comment_are_listed_and_qualified(self):
        partner = self._customer("Reply SA")
        action = self._planned(partner, days_overdue=10)
        self.sender._send_due()
        Reply = self.env["dso.dunning.reply"]
        self.assertFalse(Reply.search([("partner_id", "=", partner.id)]))
        partner.message_post(
            body="We will pay on the 15th",
            message_type="email",
            parent_id=action.message_id.id,
            author_id=partner.id,
        )
        unrelated = partner.message_post(body="Unrelated", message_type="email")
        action.with_user(self.user_collector).message_post(
            body="Called, promised next week", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        replies = Reply.with_user(self.user_collector).search([("partner_id", "=", partner.id)])
        self.assertEqual(sorted(replies.mapped("kind")), ["comment", "reply"])
        self.assertNotIn(unrelated, replies.message_id)
        reply = replies.filtered(lambda r: r.kind == "reply")
        self.assertEqual(reply.action_id, action)
        self.assertEqual(reply.state, "new")
        promise = fields.Date.today() + 21 * DAY
        reply.write({"qualification": "promise", "promise_date": promise})
        reply.action_apply_qualification()
        self.assertEqual(reply.state, "validated")
        self.assertRecordValues(
            self.env["dso.dunning.commitment"].search([("partner_id", "=", partner.id)]),
            [
                {
                    "kind": "promise",
                    "date": promise,
                    "move_line_ids": action.line_ids.move_line_id.ids,
                }
            ],
        )
        self.assertFalse(partner.dunning_block_reason, "the customer itself is not blocked")
        comment = replies - reply
        comment.action_validate()
        self.assertEqual(comment.state, "validated")
        comment.action_delete()
        self.assertFalse(comment.exists())
        self.assertTrue(Reply.browse(reply.id).exists())

    def test_reply_opens_its_customer_action_and_thread_read_only_for_auditors(self):
        """The form of a reply leads to the customer, the action and the record
        the message is on; an auditor follows these links but validates nothing."""
        partner = self._customer("Thread SA")
        action = self._planned(partner, days_overdue=10)
        self.sender._send_due()
        partner.message_post(
            body="We dispute invoice 12: the goods never arrived.",
            message_type="email",
            parent_id=action.message_id.id,
            author_id=partner.id,
        )
        action.with_user(self.user_collector).message_post(
            body="Called, the customer disputes invoice 12",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        Reply = self.env["dso.dunning.reply"].with_user(self.user_auditor)
        replies = Reply.search([("partner_id", "=", partner.id)])
        reply = replies.filtered(lambda r: r.kind == "reply")
        comment = replies - reply

        def opened(window_action):
            self.assertEqual(window_action["type"], "ir.actions.act_window")
            return self.env[window_action["res_model"]].browse(window_action["res_id"])

        self.assertIn("the goods never arrived", reply.body)
        self.assertEqual(reply.author_id, partner)
        self.assertEqual(comment.author_id, self.user_collector.partner_id)
        for record, thread in ((reply, partner), (comment, action)):
            with self.subTest(kind=record.kind):
                self.assertEqual(opened(record.action_open_partner()), partner)
                self.assertEqual(opened(record.action_open_dunning_action()), action)
                self.assertEqual(opened(record.action_open_thread()), thread)
                self.assertIn(partner.name, record.display_name)
        with self.assertRaises(AccessError):
            reply.action_validate()
        self.assertEqual(reply.state, "new")
