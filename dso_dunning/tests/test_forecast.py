import datetime
from functools import partial

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.misc import format_amount

from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase

D = fields.Date.to_date


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestForecast(DunningUsersMixin, DunningSendingCase):
    """Expected collections by date: due dates shifted by the customer's delay, promises,
    payment plans, disputes (due + average resolution time of their type), broken
    promises off forecast."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.price = cls.env.ref("dso_dunning.dso_dunning_dispute_type_price")
        cls.Forecast = cls.env["dso.dunning.forecast"]

    @staticmethod
    def _items(invoice):
        return invoice.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")

    def _commit_on(self, kind, partner, invoice, **vals):
        return self.env["dso.dunning.commitment"].create(
            {
                "kind": kind,
                "partner_id": partner.id,
                "move_line_ids": [Command.set(self._items(invoice).ids)],
                **vals,
            }
        )

    def _resolved_dispute(self, partner, days):
        """A price dispute resolved today, recorded ``days`` days ago."""
        invoice = self._create_overdue_invoice(partner, days_overdue=50, amount=100)
        dispute = self._commit_on("dispute", partner, invoice, dispute_type_id=self.price.id)
        created = datetime.datetime.combine(
            D(NOW[:10]) - datetime.timedelta(days=days), datetime.time(9, 0)
        )
        self.env.cr.execute(
            SQL(
                "UPDATE dso_dunning_commitment SET create_date = %s WHERE id = %s",
                created,
                dispute.id,
            )
        )
        dispute.invalidate_recordset(["create_date"])
        dispute.action_resolve_rejected()
        return dispute

    def _rows(self, partner):
        rows = self.Forecast.search([("partner_id", "=", partner.id)], order="date, id")
        for row in rows:
            self.assertEqual(
                row.week, row.date and row.date - datetime.timedelta(row.date.weekday())
            )
        return [(row.source, row.date, row.amount, row.off_forecast) for row in rows]

    def test_forecast_buckets(self):
        partner = self._customer("Prevision SA")
        # its history: an invoice paid 6 days late
        history = self._create_overdue_invoice(partner, days_overdue=23, amount=800)  # due 11-01
        with freeze_time("2026-11-07 10:00:00"):
            self._pay(history)
        self._plan(partners=partner, force=True)
        self.assertEqual(partner.dunning_avg_days_late, 6.0)
        helper = self._customer("Litiges Passes")
        self.assertEqual(self._resolved_dispute(helper, 10).resolution_days, 10)
        self.assertEqual(self._resolved_dispute(helper, 20).resolution_days, 20)
        self._create_overdue_invoice(partner, days_overdue=-6, amount=1000)  # due 11-30
        self._create_overdue_invoice(partner, days_overdue=10, amount=500)  # due 11-14
        promised = self._create_overdue_invoice(partner, days_overdue=20, amount=700)
        self._commit_on("promise", partner, promised, date=D("2026-12-10"))
        disputed = self._create_overdue_invoice(partner, days_overdue=4, amount=400)  # due 11-20
        self._commit_on("dispute", partner, disputed, dispute_type_id=self.price.id)
        broken = self._create_overdue_invoice(partner, days_overdue=30, amount=300)
        promise = self._commit_on("promise", partner, broken, date=D("2026-11-10"))
        promise.write({"state": "broken", "date_closed": D("2026-11-14")})
        planned = self._create_overdue_invoice(partner, days_overdue=25, amount=900)
        self._commit_on(
            "plan",
            partner,
            planned,
            date=D("2027-01-15"),
            instalment_ids=[
                Command.create({"date": D("2026-12-15"), "amount": 450}),
                Command.create({"date": D("2027-01-15"), "amount": 450}),
            ],
        )
        self.Forecast._compute_forecast(self.company)
        self.assertEqual(
            self._rows(partner),
            [
                ("due", D("2026-11-24"), 500, False),  # 11-14 + 6 days: already late, today
                ("dispute", D("2026-12-05"), 400, False),  # 11-20 + 15 days (price disputes)
                ("due", D("2026-12-06"), 1000, False),  # 11-30 + 6 days
                ("promise", D("2026-12-10"), 700, False),  # the promised date
                ("plan", D("2026-12-15"), 450, False),
                ("plan", D("2027-01-15"), 450, False),
                ("broken", False, 300, True),  # no date: off forecast
            ],
        )
        weeks = self.Forecast._read_group(
            [("partner_id", "=", partner.id)], ["week:day"], ["amount:sum"]
        )
        self.assertEqual(
            [(fields.Date.to_date(week), amount) for week, amount in weeks],
            [
                (D("2026-11-23"), 500),
                (D("2026-11-30"), 400 + 1000),  # Saturday 12-05 and Sunday 12-06
                (D("2026-12-07"), 700),
                (D("2026-12-14"), 450),
                (D("2027-01-11"), 450),
                (None, 300),  # off forecast
            ],
        )
        # every open item once: the forecast adds up to what the customer owes
        self.assertEqual(
            sum(row[2] for row in self._rows(partner)), 500 + 400 + 1000 + 700 + 900 + 300
        )

        # a payment changes the customer's rows within minutes (the ledger refresh)
        self._pay(promised)
        self.env.cr.flush()  # what the commit runs: the stale marks and the trigger
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_refresh").method_direct_trigger()
        self.assertNotIn("promise", [row[0] for row in self._rows(partner)])
        self.assertEqual(len(self._rows(partner)), 6)

    def _forecast_triggers(self):
        cron = self.env.ref("dso_dunning.ir_cron_dso_dunning_forecast")
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def _run_forecast_job(self):
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_forecast").method_direct_trigger()

    def test_opened_at_once_mine_for_collectors(self):
        """The menu never waits on a whole writing: it opens on the rows as last
        written, says when they were computed, and wakes the forecast job when
        they are not today's."""
        partner = self._customer("Portefeuille Colette")
        partner.dunning_collector_id = self.user_collector
        other = self._customer("Portefeuille Autre")
        self._create_overdue_invoice(partner, days_overdue=3, amount=250)
        self._create_overdue_invoice(other, days_overdue=3, amount=150)
        triggers = self._forecast_triggers()
        action = self.Forecast.with_user(self.user_collector).action_open_forecast()
        self.assertEqual(action["context"].get("search_default_my"), 1)
        Forecast = self.Forecast.with_user(self.user_collector)
        self.assertFalse(Forecast.search_count([]), "opened at once: nothing written yet")
        self.assertEqual(action["name"], "Cash Forecast (being computed)")
        self.assertIn("reload this page in a few minutes", action["help"])
        self.assertEqual(self._forecast_triggers(), triggers + 1, "the forecast job is woken")

        self._run_forecast_job()
        triggers = self._forecast_triggers()
        self.assertEqual(
            Forecast.search([("collector_id", "=", self.user_collector.id)]).partner_id, partner
        )
        self.assertGreaterEqual(Forecast.search_count([]), 2, "the filter is a default, not a rule")
        manager_action = self.Forecast.with_user(self.user_manager).action_open_forecast()
        self.assertNotIn("search_default_my", str(manager_action.get("context")))
        self.assertRegex(manager_action["name"], r"^Cash Forecast \(computed 11/24/26, .*\)$")
        self.assertEqual(self._forecast_triggers(), triggers, "today's: the job is not woken")

        # the next morning, before the nightly run: yesterday's rows at once
        stamp = Forecast.search([], limit=1).computed_at
        with freeze_time("2026-11-25 07:00:00"):
            action = self.Forecast.with_user(self.user_collector).action_open_forecast()
            self.assertEqual(Forecast.search([], limit=1).computed_at, stamp)
            self.assertRegex(action["name"], r"computed 11/24/26, .*, being updated\)$")
            self.assertEqual(self._forecast_triggers(), triggers + 1)
            self._run_forecast_job()
            written = Forecast.search([], limit=1).computed_at
            self.assertGreater(written, stamp)
            action = self.Forecast.with_user(self.user_collector).action_open_forecast()
            self.assertRegex(action["name"], r"^Cash Forecast \(computed 11/25/26, .*\)$")
        # the nightly run of that day does not write it a second time
        with freeze_time("2026-11-25 22:00:00"), self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_plan").method_direct_trigger()
        self.assertEqual(Forecast.search([], limit=1).computed_at, written)

    def test_list_by_date_then_customer(self):
        """The list shows the amounts by expected date, each customer's rows together."""
        first, second = self._customer("Zoe Ordre"), self._customer("Alain Ordre")
        for partner in (second, first, second, first):
            self._create_overdue_invoice(partner, days_overdue=3, amount=100)
        self._create_overdue_invoice(first, days_overdue=-20, amount=100)  # due in 20 days
        self.Forecast._compute_forecast(self.company)
        rows = self.Forecast.search([("partner_id", "in", (first | second).ids)])
        self.assertEqual(
            [(row.date, row.partner_id) for row in rows],
            sorted(
                [(row.date, row.partner_id) for row in rows],
                key=lambda pair: (pair[0], pair[1].id),
            ),
        )
        self.assertEqual(len(rows), 5)
        self.assertEqual(rows[-1].date, D("2026-12-14"), "the invoice due in 20 days is last")

    def test_cockpit_tiles_show_the_forecast_and_promises_kept(self):
        """The credit manager's cockpit reads the forecast as last computed (next
        four weeks, broken promises apart) and the share of promises kept."""
        tiles = self.env["dso.dunning.kpi.tile"].with_user(self.user_manager)
        forecast_tile = tiles.search([("code", "=", "forecast")])
        self.assertEqual(forecast_tile.value, "-", "nothing computed yet: the cockpit waits")
        partner = self._customer("Cockpit SARL")
        self._create_overdue_invoice(partner, days_overdue=10, amount=500)  # expected today
        self._create_overdue_invoice(partner, days_overdue=-40, amount=1000)  # after 4 weeks
        promised = self._create_overdue_invoice(partner, days_overdue=20, amount=700)
        self._commit_on("promise", partner, promised, date=D("2026-12-10"))
        broken = self._create_overdue_invoice(partner, days_overdue=30, amount=300)
        promise = self._commit_on("promise", partner, broken, date=D("2026-11-10"))
        promise.write({"state": "broken", "date_closed": D("2026-11-14")})
        kept = self._create_overdue_invoice(partner, days_overdue=60, amount=50)
        self._commit_on("promise", partner, kept, date=D("2026-10-10")).write(
            {"state": "kept", "date_closed": D("2026-10-09")}
        )
        self.Forecast._compute_forecast(self.company)
        self.env.flush_all()
        tiles.invalidate_model()
        forecast_tile = tiles.search([("code", "=", "forecast")])
        money = partial(format_amount, tiles.env, currency=self.company.currency_id)
        self.assertEqual(forecast_tile.value, money(amount=500 + 700 + 50))
        self.assertIn(money(amount=300), forecast_tile.comment)
        promise_tile = tiles.search([("code", "=", "promise_kept")])
        self.assertEqual(promise_tile.value, "50 %", "one kept, one broken")
        # the tile opens the report as its menu does: a collector on his own customers
        action = forecast_tile.with_user(self.user_collector).action_open()
        self.assertEqual(action["res_model"], "dso.dunning.forecast")
        self.assertEqual(action["context"].get("search_default_my"), 1)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCollectionAccess(DunningUsersMixin, DunningSendingCase):
    """Auditors read the collection reports, people without a dunning role do not,
    and nobody reads another company's."""

    REPORTS = ("dso.dunning.forecast", "dso.dunning.step.effect", "dso.dunning.collector.summary")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()

    def test_roles(self):
        partner = self._customer("Acces SA")
        self._create_overdue_invoice(partner, days_overdue=40, amount=300)
        self._plan(partners=partner, force=True)
        self._execute(self._live_actions(partner), datetime.datetime(2026, 11, 20, 9, 0))
        self.env["dso.dunning.forecast"]._compute_forecast(self.company)
        for model in self.REPORTS:
            for user in (self.user_auditor, self.user_collector, self.user_manager):
                self.assertTrue(
                    self.env[model].with_user(user).search([("partner_id", "=", partner.id)]),
                    f"{user.login} reads {model}",
                )
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.user_internal).search([])
        # the menus' server actions, as each reader runs them
        for xmlid in (
            "dso_dunning_forecast_server_action",
            "dso_dunning_step_effect_server_action",
            "dso_dunning_collector_summary_server_action",
            "dso_dunning_promise_rate_server_action",
        ):
            server_action = self.env.ref(f"dso_dunning.{xmlid}")
            for user in (self.user_auditor, self.user_collector):
                action = server_action.with_user(user).run()
                self.assertEqual(action["type"], "ir.actions.act_window", f"{xmlid} {user.login}")
            with self.assertRaises(AccessError, msg=xmlid):
                server_action.with_user(self.user_internal).run()
        with self.assertRaises(AccessError, msg="the forecast is computed, never edited"):
            self.env["dso.dunning.forecast"].with_user(self.user_manager).create(
                {"company_id": self.company.id, "source": "due", "amount": 1}
            )

    def test_other_company_rows_are_hidden(self):
        other_company = self.env["res.company"].create({"name": "Autre Societe"})
        partner = self._customer("Client Ailleurs")
        self.env.cr.execute(
            SQL(
                """INSERT INTO dso_dunning_forecast (company_id, source, partner_id, amount, date)
                   VALUES (%s, 'due', %s, 123, %s)""",
                other_company.id,
                partner.id,
                D("2026-12-01"),
            )
        )
        Forecast = self.env["dso.dunning.forecast"].with_user(self.user_auditor)
        self.assertFalse(Forecast.search([("partner_id", "=", partner.id)]))

    def test_reports_read_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        french = self.env(context=dict(self.env.context, lang="fr_FR"))
        behaviour = french["res.partner"].fields_get(["dunning_avg_days_late"], ["string"])
        self.assertEqual(
            behaviour["dunning_avg_days_late"]["string"], "Retard moyen de paiement (jours)"
        )
        sources = dict(
            french["dso.dunning.forecast"].fields_get(["source"], ["selection"])["source"][
                "selection"
            ]
        )
        self.assertEqual(sources["broken"], "Promesse non tenue (hors prévision)")
        self.assertEqual(
            french.ref("dso_dunning.dso_dunning_menu_reporting_forecast").name,
            "Prévision d'encaissements",
        )
