import datetime

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import DunningTourMixin, DunningUsersMixin

# Longer than a list cell shows; its last words are read on the reply's form.
LONG_NOTE = "They will pay once their own customer has paid them. " * 8 + "End of the note."


@tagged("post_install", "-at_install")
class TestAgendaTour(DunningTourMixin, DunningUsersMixin, HttpCase):
    """A collector logs in, opens the Dunning app and works the agenda in a
    real browser, then finds an overdue customer in the customers list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.env.ref("base.user_admin").tour_enabled = False
        company = cls.env.company
        cls.env["dso.dunning.demo"]._ensure_chart(company)
        template = cls.env.ref("dso_dunning.mail_template_dunning_first")
        scenario = cls.env["dso.dunning.scenario"].create(
            {
                "name": "Agenda tour",
                "company_id": company.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Call",
                            "sequence": 30,
                            "offset_days": 20,
                            "channel_call": True,
                            "mode": "manual",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Confirm email",
                            "sequence": 20,
                            "offset_days": 10,
                            "channel_email": True,
                            "mail_template_id": template.id,
                            "mode": "to_confirm",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Auto email",
                            "sequence": 10,
                            "offset_days": 5,
                            "channel_email": True,
                            "mail_template_id": template.id,
                            "mode": "automatic",
                        }
                    ),
                ],
            }
        )
        steps = {step.name: step for step in scenario.step_ids}
        call, confirm, auto = steps["Call"], steps["Confirm email"], steps["Auto email"]
        today = fields.Date.context_today(cls.env.user)
        day = datetime.timedelta(days=1)
        collector, other = cls.user_collector, cls.user_manager
        specs = [
            ("Tour Late Call", call, "planned", today - 2 * day, collector),
            ("Tour Future Call", call, "planned", today + 5 * day, collector),
            ("Other Collector Call", call, "planned", today - day, other),
            ("Tour Confirm A", confirm, "to_confirm", today - day, collector),
            ("Tour Confirm B", confirm, "to_confirm", today, collector),
            ("Tour Confirmed", confirm, "confirmed", today + 3 * day, collector),
            ("Tour Future Auto", auto, "planned", today + 4 * day, collector),
            ("Tour Error Customer", auto, "error", today - day, collector),
            ("Tour Sent Customer", auto, "sent", today - 3 * day, collector),
        ]
        # A customer with an invoice 10 days late, planned by the planner for
        # another collector: in the customers list, not in "My Actions".
        customer = cls._create_tour_customer(
            "Tour Customer SA",
            cls._create_tour_scenario("Tour scenario", "Tour call"),
            700.0,
            collector=other,
        )
        cls.env["dso.dunning.planner"]._plan(companies=company, partners=customer, force=True)
        cls.actions = {}
        for name, step, state, date, user in specs:
            partner = cls.env["res.partner"].create({"name": name, "is_company": True})
            cls.actions[name] = cls.env["dso.dunning.action"].create(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "scenario_id": scenario.id,
                    "step_id": step.id,
                    "date": date,
                    "state": state,
                    "collector_id": user.id,
                    "amount_due": 100.0,
                    "error_message": "No email address on the collection contact "
                    f"{name}: add one on the customer card, then retry."
                    if state == "error"
                    else False,
                    "executed_date": fields.Datetime.now() if state == "sent" else False,
                }
            )

        # Notes on two calls: the collector's own, and another collector's.
        cls.actions["Tour Late Call"].with_user(collector).message_post(
            body=f"Called the customer. {LONG_NOTE}",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.actions["Other Collector Call"].with_user(other).message_post(
            body="Not for Colette", message_type="comment", subtype_xmlid="mail.mt_note"
        )

    def test_collector_works_the_agenda(self):
        self.start_tour("/odoo", "dso_dunning_agenda", login="dso_collector")
        next_year = fields.Date.context_today(self.env.user).year + 1
        self.assertEqual(self.actions["Tour Late Call"].date, datetime.date(next_year, 12, 31))
        self.assertEqual(
            {self.actions[name].state for name in ("Tour Confirm A", "Tour Confirm B")},
            {"confirmed"},
        )
        note = self.env["dso.dunning.reply"].search(
            [("action_id", "=", self.actions["Tour Late Call"].id)]
        )
        self.assertEqual(note.state, "validated", "validated from its form")
