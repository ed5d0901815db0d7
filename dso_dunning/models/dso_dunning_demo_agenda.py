import datetime
import random

from odoo import api, models


class DsoDunningDemo(models.AbstractModel):
    """The demo agenda: actions in every state, replies, notes and months of history."""

    _inherit = "dso.dunning.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _play_the_agenda(self, company, partners, today):
        """Put actions in every state: confirmed, sent, in error, to post, done."""
        Action = self.env["dso.dunning.action"]
        actions = Action.search([("partner_id", "in", partners.ids), ("state", "!=", "cancelled")])
        to_confirm = actions.filtered(lambda a: a.state == "to_confirm")
        if to_confirm:
            to_confirm[::2].action_confirm()
        # Text messages go through Odoo's paid IAP gateway: left for the cron.
        due = actions.filtered(
            lambda a: (
                a.date <= today
                and not a.channel_sms
                and (a.state == "confirmed" or (a.state == "planned" and a.mode == "automatic"))
            )
        )
        # Half of what is due is sent now, by the administrator as a click on
        # "Send now" would; the rest waits for the sending cron.
        # An email to a customer without address is among them, whatever the
        # demo ledger holds: the agenda shows an action in error.
        admin = self.env.ref("base.user_admin")
        no_email = due.filtered(lambda a: a.channel_email and not a.partner_id.email)[:1]
        self.env["dso.dunning.sender"].with_user(admin)._execute(due[::2] | no_email)
        manual = actions.filtered(lambda a: a.mode == "manual")
        for action in manual[:4]:
            action.write({"outcome": "no_answer"})
            action.with_user(admin).action_done()
        # a few calls later on, so that the agenda shows future ones (blue)
        for days, action in enumerate(manual[4:7], start=3):
            action.date = today + datetime.timedelta(days=days)
        self._create_replies(due[::2].filtered("message_id"), actions.filtered("collector_id"))
        self._create_history(company, partners, today)
        # last dunning date, current and next step of the customers, history included
        planner = self.env["dso.dunning.planner"]
        planner._write_figures(company, planner._action_figures(company, partners.ids))

    @api.model
    def _create_replies(self, sent, actions):
        """Customers answering their reminder, and collectors' notes on actions."""
        # (French, English): each author writes in their own language
        replies = (
            (
                "Bonjour, le virement partira le 15 du mois. Cordialement.",
                "Hello, the transfer will leave on the 15th of the month. Regards.",
            ),
            (
                "Nous contestons cette facture : la dernière livraison est arrivée abîmée.",
                "We dispute this invoice: the last delivery arrived damaged.",
            ),
            (
                "Merci d'adresser vos relances à notre nouveau service comptable.",
                "Please send your reminders to our new accounts department.",
            ),
        )
        for action, texts in zip(sent, replies, strict=False):
            action.partner_id.message_post(
                body=self._in_lang(texts, action.partner_id.lang),
                message_type="email",
                parent_id=action.message_id.id,
                author_id=action.partner_id.id,
                subtype_xmlid="mail.mt_comment",
            )
        notes = (
            (
                "Appel au comptable : virement mardi prochain.",
                "Called the accountant: payment run next Tuesday.",
            ),
            (
                "Le client a demandé une copie des factures, envoyée par e-mail.",
                "Customer asked for a copy of the invoices, sent by email.",
            ),
        )
        for action, texts in zip(actions[1::7], notes, strict=False):
            action.with_user(action.collector_id).message_post(
                body=self._in_lang(texts, action.collector_id.lang),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    @staticmethod
    def _in_lang(texts, lang):
        french, english = texts
        return french if lang == "fr_FR" else english

    @api.model
    def _create_history(self, company, partners, today):
        """Six months of executed actions, so the history and charts mean something."""
        rng = random.Random(7)
        steps = company.dunning_default_scenario_id.step_ids
        vals_list = []
        if not steps:
            return self.env["dso.dunning.action"]
        for partner in partners[: len(partners) // 2]:
            for months_ago in range(1, 7):
                if rng.random() < 0.45:
                    continue
                step = steps[rng.randrange(len(steps))]
                date = today - datetime.timedelta(days=30 * months_ago + rng.randint(0, 20))
                vals_list.append(
                    {
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "scenario_id": step.scenario_id.id,
                        "step_id": step.id,
                        "date": date,
                        "state": "done" if step.mode == "manual" else "sent",
                        "outcome": "reached" if step.mode == "manual" else False,
                        "collector_id": partner.with_company(company).dunning_collector_id.id,
                        "executed_date": datetime.datetime.combine(date, datetime.time(9, 30)),
                        "executed_by_id": self.env.ref("base.user_admin").id,
                        "amount_due": round(rng.uniform(200, 6000), 2),
                        "sent_to": partner.email or False,
                        # emails of the past went out: accepted by the mail server
                        "delivery_state": "sent" if step.channel_email else False,
                        "delivery_date": step.channel_email
                        and datetime.datetime.combine(date, datetime.time(9, 31)),
                    }
                )
        return self.env["dso.dunning.action"].create(vals_list)
