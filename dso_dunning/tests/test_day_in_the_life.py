import datetime

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import DunningTourMixin, DunningUsersMixin

DAY = datetime.timedelta(days=1)
# Names shared with static/tests/tours/dso_dunning_day_in_the_life_tour.js.
ALERT = "Non relancé depuis 10 jours"
CALL_STEP = "Appel du jour"
EMAIL_STEP = "Email du jour"
DONE, KEPT, MOVED, EMAIL = "Jour Appel Alpha", "Jour Appel Beta", "Jour Appel Gamma", "Jour Email"
BLOCKED = "Litige Client SA"
NOTE = "Le comptable paie vendredi, virement déjà signé."


@tagged("post_install", "-at_install")
class TestDayInTheLife(DunningTourMixin, DunningUsersMixin, HttpCase):
    """A day's work, in a real browser, one tour per persona: each action is
    followed by what that person checks next (counters, the customer's card,
    its alert squares, the history), then the database is checked to agree.

    A French collector calls customers due today, sends an email now and
    moves a call; a credit manager blocks a customer in dispute, sees its
    call cancelled at once, lifts the block and sees it planned again.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["web", "dso_dunning"], ["fr_FR"])
        cls.user_collector.lang = "fr_FR"
        (
            cls.env.ref("base.user_admin") | cls.user_collector | cls.user_manager
        ).tour_enabled = False
        cls.today = fields.Date.context_today(cls.env.user)
        template = cls.env.ref("dso_dunning.mail_template_dunning_first")
        call = cls._create_tour_scenario("Appels du jour", CALL_STEP)
        email = cls.env["dso.dunning.scenario"].create(
            {
                "name": "Emails du jour",
                "company_id": cls.env.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": EMAIL_STEP,
                            "offset_days": 3,
                            "channel_email": True,
                            "mail_template_id": template.id,
                            "mode": "automatic",
                        }
                    )
                ],
            }
        )
        specs = [
            # customer, scenario, collector: invoices 10 days late, due today
            (DONE, call, cls.user_collector),
            (KEPT, call, cls.user_collector),
            (MOVED, call, cls.user_collector),
            (EMAIL, email, cls.user_collector),
            (BLOCKED, call, cls.user_manager),
        ]
        cls.customers = {
            name: cls._create_tour_customer(name, scenario, 800.0, collector)
            for name, scenario, collector in specs
        }
        cls.customers[EMAIL].email = "compta@jour-email.example"
        partners = cls.env["res.partner"].concat(*cls.customers.values())
        cls.env["dso.dunning.planner"]._plan(
            companies=cls.env.company, partners=partners, force=True
        )
        cls.actions = {name: cls._pending(partner) for name, partner in cls.customers.items()}
        cls.alert = cls.env["dso.dunning.alert"].create(
            {"name": ALERT, "not_dunned_days": 10, "visibility": "shared", "color": 1}
        )

    @classmethod
    def _pending(cls, partner):
        return cls.env["dso.dunning.action"].search(
            [("partner_id", "=", partner.id), ("state", "!=", "cancelled")]
        )

    def _figures(self, name, user):
        """What ``user`` reads on the customer's card: last, next date and step."""
        partner = self.customers[name].with_user(user).with_company(self.env.company)
        return partner.dunning_last_date, partner.dunning_next_date, partner.dunning_step_id.name

    def _counters(self, user, *domain):
        return self.env["dso.dunning.agenda"].with_user(user).get_counters(list(domain))

    def test_fixtures_are_due_today(self):
        """What both tours count on: every call and the email due today, not
        yet dunned, each customer under the shared alert."""
        for name, action in self.actions.items():
            with self.subTest(customer=name):
                self.assertRecordValues(action, [{"state": "planned", "date": self.today}])
                self.assertIn(self.alert, self.customers[name].dunning_alert_ids)

    def test_collector_in_french(self):
        collector = self.user_collector
        self.start_tour("/odoo", "dso_dunning_day_collector_fr", login=collector.login, timeout=180)
        call, email, moved = self.actions[DONE], self.actions[EMAIL], self.actions[MOVED]
        self.assertRecordValues(
            call,
            [
                {
                    "state": "done",
                    "outcome": "reached",
                    "outcome_note": NOTE,
                    "executed_by_id": collector.id,
                }
            ],
        )
        self.assertRecordValues(email, [{"state": "sent", "executed_by_id": collector.id}])
        self.assertIn("compta@jour-email.example", email.sent_to)
        self.assertRecordValues(moved, [{"state": "planned", "date": self.today + 5 * DAY}])
        self.assertEqual(self.actions[KEPT].state, "planned")
        # Nothing new planned behind the executed ones (one-step scenarios).
        for name in (DONE, EMAIL):
            self.assertEqual(self._pending(self.customers[name]), self.actions[name])
        self.assertEqual(self._figures(DONE, collector), (self.today, False, CALL_STEP))
        self.assertEqual(self._figures(EMAIL, collector), (self.today, False, EMAIL_STEP))
        self.assertEqual(self._figures(MOVED, collector), (False, self.today + 5 * DAY, CALL_STEP))
        self.assertEqual(self._figures(KEPT, collector), (False, self.today, CALL_STEP))
        squares = {
            name: self.alert in self.customers[name].with_user(collector).dunning_alert_ids
            for name in (DONE, KEPT, MOVED, EMAIL)
        }
        self.assertEqual(squares, {DONE: False, KEPT: True, MOVED: True, EMAIL: False})
        mine = ("collector_id", "=", collector.id)
        self.assertEqual(
            self._counters(collector, mine, ("mode", "=", "manual")), {"scheduled": 2, "to_do": 1}
        )
        self.assertEqual(
            self._counters(collector, mine, ("mode", "!=", "manual")), {"scheduled": 0, "to_do": 0}
        )

    def test_credit_manager_blocks_a_customer_in_dispute(self):
        manager = self.user_manager
        self.start_tour("/odoo", "dso_dunning_day_credit_manager", login=manager.login, timeout=180)
        customer, call = self.customers[BLOCKED], self.actions[BLOCKED]
        self.assertRecordValues(call, [{"state": "cancelled", "cancel_reason": "paused"}])
        self.assertIn("Dunning paused: Blocked: Dispute", call.message_ids[0].body)
        self.assertFalse(customer.dunning_block_reason)
        again = self._pending(customer)
        self.assertRecordValues(
            again,
            [{"state": "planned", "date": self.today, "collector_id": manager.id}],
        )
        self.assertEqual(again.step_id, call.step_id)
        self.assertEqual(self._figures(BLOCKED, manager), (False, self.today, CALL_STEP))
        self.assertFalse(customer.with_company(self.env.company).dunning_skip_reason)

    def test_admin_in_english(self):
        """The administrator works in English while the collector works in
        French: a tolerance change applies at the next Plan Now, a new alert
        takes a colour nobody uses."""
        admin = self.env.ref("base.user_admin")
        self.assertEqual((admin.lang, self.user_collector.lang), ("en_US", "fr_FR"))
        used = set(self.env["dso.dunning.alert"].search([]).mapped("color"))
        self.start_tour("/odoo", "dso_dunning_day_admin_en", login=admin.login, timeout=180)
        self.assertEqual(self.env.company.dunning_tolerance, 1000.0)
        moved = self.customers[MOVED].with_company(self.env.company)
        self.assertRecordValues(self.actions[MOVED], [{"state": "cancelled"}])
        self.assertFalse(self._pending(moved) - self.actions[MOVED])
        self.assertIn("tolerance", moved.dunning_skip_reason)
        alert = self.env["dso.dunning.alert"].search([("name", "=", "Above 500 overdue")])
        self.assertEqual(len(alert), 1)
        self.assertNotIn(alert.color, used)
