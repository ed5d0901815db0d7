import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.sql_db import Cursor
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.sms.tests.common import SMSCase

from .common import DunningTourMixin, DunningUsersMixin
from .test_sending import NOW, DunningSendingCase

DAY = datetime.timedelta(days=1)


class CustomerCardCase(DunningUsersMixin, DunningSendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        for user in (cls.user_collector, cls.user_auditor):
            user.write(
                {"company_ids": [Command.link(cls.company.id)], "company_id": cls.company.id}
            )
        # Internal users get "Contacts: Creation" by default; the card is editable then.
        cls.user_card = new_test_user(
            cls.env,
            login="dso_card_collector",
            groups="dso_dunning.group_dso_dunning_collector,base.group_partner_manager",
            company_ids=[Command.set(cls.company.ids)],
            company_id=cls.company.id,
        )


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCustomerCard(CustomerCardCase):
    """The Dunning tab of the customer form: planned actions with editable dates."""

    def _card(self, partner, user):
        return Form(partner.with_user(user).with_company(self.company))

    def test_card_lists_planned_and_past_actions(self):
        partner = self._customer("Carte SA")
        pending = self._planned(partner, days_overdue=10)
        past = self._create_customer("Carte Passee")  # another customer's action stays out
        self.assertEqual(pending.state, "planned")
        self.assertEqual(partner.dunning_pending_action_ids, pending)
        self.assertFalse(partner.dunning_past_action_ids)
        self._execute(pending, fields.Datetime.now())
        partner.invalidate_recordset()
        self.assertFalse(partner.dunning_pending_action_ids)
        self.assertEqual(partner.dunning_past_action_ids, pending)
        self.assertFalse(past.dunning_past_action_ids)

    def test_date_edited_on_card_is_a_reschedule(self):
        partner = self._customer("Replanifier SA")
        action = self._planned(partner, days_overdue=10)
        new_date = fields.Date.today() + 5 * DAY
        with self._card(partner, self.user_card) as card:
            self.assertEqual(card.dunning_step_id, action.step_id)
            with card.dunning_pending_action_ids.edit(0) as line:
                line.date = new_date
        self.assertEqual(action.date, new_date)
        self.assertEqual(action.reschedule_note, "Rescheduled from the customer card")
        self.assertIn("Rescheduled from", action.message_ids[0].body)
        partner = partner.with_company(self.company)
        self.assertEqual(partner.dunning_next_date, new_date, "next action date follows")
        self.assertEqual(partner.dunning_step_id, action.step_id)

    def test_reason_typed_on_card_is_kept(self):
        partner = self._customer("Raison SA")
        action = self._planned(partner, days_overdue=10)
        with (
            self._card(partner, self.user_card) as card,
            card.dunning_pending_action_ids.edit(0) as line,
        ):
            line.date = fields.Date.today() + 2 * DAY
            line.reschedule_note = "Customer on holiday"
        self.assertEqual(action.reschedule_note, "Customer on holiday")
        self.assertIn("Customer on holiday", action.message_ids[0].body)

    def test_collector_without_contact_rights_can_still_reschedule(self):
        partner = self._customer("Droits SA")
        action = self._planned(partner, days_overdue=10)
        new_date = fields.Date.today() + 4 * DAY
        partner.with_user(self.user_collector).write(
            {"dunning_pending_action_ids": [Command.update(action.id, {"date": new_date})]}
        )
        self.assertEqual(action.date, new_date)
        self.assertTrue(action.reschedule_note)

    def test_executed_action_date_cannot_be_changed_from_card(self):
        partner = self._customer("Historique SA")
        action = self._planned(partner, days_overdue=10)
        old_date = action.date
        self._execute(action, fields.Datetime.now())
        with self.assertRaisesRegex(UserError, "is history"):
            partner.with_user(self.user_card).write(
                {
                    "dunning_pending_action_ids": [
                        Command.update(action.id, {"date": fields.Date.today() + DAY})
                    ]
                }
            )
        self.assertEqual(action.date, old_date)

    def test_only_collectors_may_reschedule_from_card(self):
        partner = self._customer("Lecture SA")
        self.assertTrue(partner.with_user(self.user_collector).dunning_can_reschedule)
        self.assertFalse(partner.with_user(self.user_auditor).dunning_can_reschedule)

    def test_credit_manager_role_alone_assigns_and_blocks_on_the_card(self):
        """The credit manager assigns scenarios and collectors and blocks
        customers on the card (PRODUCT.md), with the Dunning role only."""
        manager = self.user_manager
        manager.write(
            {"company_ids": [Command.link(self.company.id)], "company_id": self.company.id}
        )
        partner = self._customer("Affecter SA")
        action = self._planned(partner, days_overdue=10)
        with self._card(partner, manager) as card:
            card.dunning_block_reason = "dispute"
        self.assertRecordValues(action, [{"state": "cancelled", "cancel_reason": "paused"}])
        other = self.scenario.copy({"name": "Autre scénario"})
        with self._card(partner, manager) as card:
            card.dunning_block_reason = False
            card.dunning_scenario_id = other
            card.dunning_collector_id = self.user_collector
        partner = partner.with_company(self.company)
        self.assertEqual(partner.dunning_scenario_id, other)
        self.assertEqual(partner.dunning_collector_id, self.user_collector)
        # A collector still works from the agenda: the card stays read-only.
        self.assertFalse(self.user_collector.has_group("base.group_partner_manager"))


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSmsRetryOnNumberChange(CustomerCardCase, SMSCase):
    """A text message stopped on a missing or invalid number is retried once it changes."""

    def _sms_in_error(self, partner):
        action = self._planned(partner, days_overdue=20)
        self.assertEqual(action.step_id, self.step_both)
        action.action_confirm()
        with self.mockSMSGateway():
            self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("Phone number missing or invalid", action.error_message)
        self.assertTrue(partner.dunning_sms_stopped)
        return action

    def test_fixed_customer_number_is_retried_by_next_run(self):
        partner = self._customer("Numero Faux", phone="12")
        action = self._sms_in_error(partner)
        with self.mockSMSGateway():
            self.sender._send_due()
        self.assertEqual(action.state, "error", "no retry while the number is unchanged")
        partner.with_user(self.user_card).write({"name": "Numero Faux SA"})
        self.assertEqual(action.state, "error")
        partner.with_user(self.user_card).write({"phone": "06 12 34 56 78"})
        self.assertEqual(action.state, "confirmed", "back to due, confirmation kept")
        self.assertFalse(action.error_message)
        self.assertIn("phone number changed", action.message_ids[0].body)
        with self.mockSMSGateway():
            self.sender._send_due()
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(action.state, "sent")
        self.assertSMSIapSent(["+33612345678"])

    def test_fixed_collection_contact_number_is_retried(self):
        partner = self._customer("Contact Faux")
        contact = self.env["res.partner"].create(
            {
                "name": "Compta",
                "parent_id": partner.id,
                "dunning_contact": True,
                "email": "compta@customer.example",
                "phone": "99",
            }
        )
        action = self._sms_in_error(partner)
        contact.write({"phone": "+33 6 98 76 54 32"})
        self.assertEqual(action.state, "confirmed")
        with self.mockSMSGateway():
            self.sender._send_due()
        self.assertEqual(action.state, "sent")
        self.assertEqual(action.sms_number, "+33698765432")

    def test_automatic_step_goes_back_to_planned(self):
        self.step_both.mode = "automatic"
        partner = self._customer("Sans Numero")
        action = self._planned(partner, days_overdue=20)
        self.sender._send_due()
        self.assertEqual(action.state, "error")
        partner.write({"country_id": self.env.ref("base.be").id, "phone": "0470 12 34 56"})
        self.assertEqual(action.state, "planned")

    def test_number_change_of_a_customer_never_stopped_reads_no_action(self):
        """Odoo's own query counts hold: the phone of a partner that never had a
        text message stopped on its number changes without a look at actions."""
        partner = self._customer("Jamais Faux", phone="06 12 34 56 78")
        self._planned(partner, days_overdue=20)
        self.assertFalse(partner.dunning_sms_stopped)
        execute = Cursor.execute

        def action_queries(phone):
            queries = []

            def recording(cr, query, params=None, log_exceptions=None):
                queries.append(str(query.code if isinstance(query, SQL) else query))
                return execute(cr, query, params, log_exceptions)

            self.env.flush_all()
            with patch.object(Cursor, "execute", recording):
                partner.write({"phone": phone})
            return [query for query in queries if "dso_dunning_action" in query]

        self.assertFalse(action_queries("06 11 22 33 44"))
        partner.sudo().dunning_sms_stopped = True
        self.assertTrue(action_queries("06 11 22 33 55"), "a stopped customer is looked at")

    def test_other_errors_are_not_retried_on_a_number_change(self):
        partner = self._customer("Sans Email", email=False, phone="06 12 34 56 78")
        action = self._planned(partner, days_overdue=20)
        action.action_confirm()
        self.sender._send_due()
        self.assertEqual(action.state, "error")
        self.assertIn("No email address", action.error_message)
        partner.write({"phone": "06 11 22 33 44"})
        self.assertEqual(action.state, "error", "the number was not the problem")


@tagged("post_install", "-at_install")
class TestAgendaChartsTab(DunningTourMixin, HttpCase):
    """The Charts tab (graph and pivot) shows the agenda tab bar to go back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        scenario = cls._create_tour_scenario("Charts tab", "Charts call")
        cls._create_tour_customer("Charts Customer", scenario, 300.0)
        cls.env["dso.dunning.planner"]._plan(companies=cls.env.company, force=True)

    def test_charts_tab_has_the_agenda_bar_in_graph_and_pivot(self):
        code = """
            const waitFor = (selector) => new Promise((resolve, reject) => {
                let tries = 0;
                const timer = setInterval(() => {
                    const el = document.querySelector(selector);
                    if (el) { clearInterval(timer); resolve(el); }
                    else if (++tries > 150) {
                        clearInterval(timer);
                        reject(new Error("not found: " + selector));
                    }
                }, 100);
            });
            (async () => {
                await waitFor(".o_graph_view .o_dunning_agenda_bar .o_dunning_tab_charts.active");
                (await waitFor(".o_switch_view.o_pivot")).click();
                await waitFor(".o_pivot_view .o_dunning_agenda_bar .o_dunning_tab_charts.active");
                (await waitFor(".o_dunning_agenda_bar .o_dunning_tab_manual")).click();
                await waitFor(".o_list_view .o_dunning_agenda_bar .o_dunning_tab_manual.active");
                await waitFor(".o_data_row");
                console.log("test successful");
            })().catch((error) => console.error(error.message));
        """
        self.browser_js(
            "/odoo/action-dso_dunning.dso_dunning_action_report_action",
            code,
            login="admin",
        )
