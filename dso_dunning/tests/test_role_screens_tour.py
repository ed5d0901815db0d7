import datetime
import json

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common import DunningTourMixin, DunningUsersMixin

TOUR = "dso_dunning_role_screens"
PLAN_KEY = "dso_dunning.role_screens"  # where the tour reads its plan (localStorage)
DUNNING_APP = "dso_dunning.dso_dunning_menu_root"
# Users without a dunning role open the customers and invoices of the Invoicing app.
ACCOUNTING_MENUS = ("account.menu_account_customer", "account.menu_action_move_out_invoice_type")
CALL_CUSTOMER = "Role Call SA"
CALL_STEP = "Role call"


@tagged("post_install", "-at_install")
class TestRoleScreensTour(DunningTourMixin, DunningUsersMixin, HttpCase):
    """Each role opens, in a real browser, every screen its menus offer (every
    view of each, the agenda's tabs, an action, a customer card, an invoice)
    while alerts private to other users match the customers on screen: no
    screen may show an error dialog, and no one sees another's private alert.

    The screens are derived from the menus the user sees, so a new menu is
    visited without changing the tour.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        quiet = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.user_accountant = new_test_user(
            quiet,
            login="dso_accountant",
            name="Alice Accountant",
            groups="account.group_account_manager",
        ).with_env(cls.env)
        cls.user_billing = new_test_user(
            quiet, login="dso_billing", name="Bill Billing", groups="account.group_account_invoice"
        ).with_env(cls.env)
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["web", "dso_dunning"], ["fr_FR"])
        cls.user_collector.lang = "fr_FR"
        (
            cls.env.ref("base.user_admin")
            | cls.user_collector
            | cls.user_manager
            | cls.user_auditor
            | cls.user_accountant
            | cls.user_billing
        ).tour_enabled = False
        cls._create_ledger()
        cls._create_alerts()

    @classmethod
    def _create_ledger(cls):
        """Customers 10 days late, planned on one-step scenarios of each kind
        (manual call, automatic email, email to confirm), a sent email with a
        customer reply and a collector's comment."""
        company = cls.env.company
        cls.env["dso.dunning.demo"]._ensure_chart(company)
        template = cls.env.ref("dso_dunning.mail_template_dunning_first")
        email = {"channel_email": True, "mail_template_id": template.id}
        steps = {
            CALL_STEP: {"channel_call": True, "mode": "manual"},
            "Role email": {**email, "mode": "automatic"},
            "Role confirm": {**email, "mode": "to_confirm"},
        }
        scenarios = {
            name: cls.env["dso.dunning.scenario"].create(
                {
                    "name": f"{name} scenario",
                    "company_id": company.id,
                    "step_ids": [Command.create({"name": name, "offset_days": 3, **vals})],
                }
            )
            for name, vals in steps.items()
        }
        specs = [
            # customer, step, collector, amount
            (CALL_CUSTOMER, CALL_STEP, cls.user_collector, 700.0),
            ("Role Other SA", CALL_STEP, cls.user_manager, 400.0),
            ("Role Email SA", "Role email", cls.user_collector, 900.0),
            ("Role Confirm SA", "Role confirm", cls.user_collector, 1100.0),
        ]
        customers = cls.env["res.partner"]
        for name, step, collector, amount in specs:
            customers |= cls._create_tour_customer(name, scenarios[step], amount, collector)
        cls.env["dso.dunning.planner"]._plan(companies=company, partners=customers, force=True)
        cls.call_customer = customers[0]
        cls.invoice = cls.env["account.move"].search([("partner_id", "=", cls.call_customer.id)])

        email_customer = customers[2]
        email_customer.email = "accounts@role-email.example"
        scenario = scenarios["Role email"]
        sent = cls.env["dso.dunning.action"].create(
            {
                "company_id": company.id,
                "partner_id": email_customer.id,
                "scenario_id": scenario.id,
                "step_id": scenario.step_ids.id,
                "date": fields.Date.context_today(email_customer) - datetime.timedelta(days=20),
                "state": "sent",
                "collector_id": cls.user_collector.id,
                "amount_due": 900.0,
                "executed_date": fields.Datetime.now() - datetime.timedelta(days=20),
                "executed_by_id": cls.user_collector.id,
                "sent_to": email_customer.email,
            }
        )
        sent.message_post(
            body="We will pay on the 15th.", message_type="email", author_id=email_customer.id
        )
        sent.with_user(cls.user_collector).message_post(
            body="Called the accountant.", message_type="comment", subtype_xmlid="mail.mt_note"
        )

    @classmethod
    def _create_alerts(cls):
        """Alerts matching every customer above: one private alert of the
        administrator, of the credit manager and of the collector, one shared."""
        admin = cls.env.ref("base.user_admin")
        specs = [
            ("Admin private alert", "private", admin),
            ("Manager private alert", "private", cls.user_manager),
            ("Collector private alert", "private", cls.user_collector),
            ("Shared alert", "shared", admin),
        ]
        cls.alerts = cls.env["dso.dunning.alert"].create(
            [
                {
                    "name": name,
                    "color": color,
                    "visibility": visibility,
                    "user_id": owner.id,
                    "company_id": cls.env.company.id,
                    "overdue_min": 1,
                }
                for color, (name, visibility, owner) in enumerate(specs, start=1)
            ]
        )

    def _records_to_open(self):
        """{menu xmlid: the record its screen opens (row ``text``, clicked in
        ``cell``) and the page of its form that lists ``row``}.

        Dunning roles read no journal entry (no accounting group): they see
        the invoice in the Items page of its action, not in an invoice form.
        """
        return {
            "dso_dunning.dso_dunning_menu_agenda_manual": {
                "text": CALL_CUSTOMER,
                "cell": "partner_id",
                "squares": True,
                "page": "items",
                "row": self.invoice.name,
            },
            "dso_dunning.dso_dunning_menu_customers": {
                "text": CALL_CUSTOMER,
                "cell": "display_name",
                "squares": True,
                "page": "dso_dunning",
                "row": CALL_STEP,
            },
            "account.menu_account_customer": {
                "text": CALL_CUSTOMER,
                "cell": "complete_name",
                "hidden_page": "dso_dunning",
            },
            "account.menu_action_move_out_invoice_type": {
                "text": self.invoice.name,
                "cell": "name",
                "page": "invoice_tab",
                "row": "Consulting services",
            },
        }

    def _menus(self, user, app=None, xmlids=()):
        """The menus with an action ``user`` sees under ``app`` (menu order), or ``xmlids``."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

        def walk(menu):
            for child in menu.child_id:
                if child.id in visible:
                    if child.action:
                        yield child
                    yield from walk(child)

        if app:
            return list(walk(self.env.ref(app)))
        menus = [self.env.ref(xmlid) for xmlid in xmlids]
        self.assertTrue(all(menu.id in visible for menu in menus), "the user sees these menus")
        return menus

    def _screen(self, user, menu, records):
        """What the tour does with ``menu``: its path from the app, the views
        its action offers ``user`` (first one shown), the record to open."""
        path = []
        item = menu
        while item:
            path.insert(0, item.get_external_id()[item.id])
            item = item.parent_id
        action = menu.action.with_user(user)
        data = action.run() if action._name == "ir.actions.server" else action._get_action_dict()
        return {
            "name": menu.complete_name,
            "path": path,
            "views": [view_type for _id, view_type in data["views"] if view_type != "form"],
            "open": records.get(path[-1]),
        }

    def _run_role_tour(self, user):
        """Plan the screens of ``user`` from its menus, then run the tour as ``user``."""
        menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        dunning = self.env.ref(DUNNING_APP).id in menus
        records = self._records_to_open()
        screens = [
            self._screen(user, menu, records)
            for menu in (
                self._menus(user, app=DUNNING_APP)
                if dunning
                else self._menus(user, xmlids=ACCOUNTING_MENUS)
            )
        ]
        opened = {screen["path"][-1] for screen in screens if screen["open"]}
        expected = set(records) - set(ACCOUNTING_MENUS) if dunning else set(ACCOUNTING_MENUS)
        self.assertEqual(opened, expected, "each record is opened from a screen the user sees")
        mine = self.alerts.filtered(lambda a: a.visibility == "shared" or a.user_id == user)
        plan = {
            "role": user.name,
            "screens": screens,
            "agenda_app": DUNNING_APP if dunning else False,
            "hidden_apps": [] if dunning else [DUNNING_APP],
            "squares": {
                "shown": mine.mapped("name"),
                "hidden": (self.alerts - mine).mapped("name"),
            },
        }
        # start_tour's own code only starts the tour: write the plan first.
        code = (
            f"localStorage.setItem({PLAN_KEY!r}, {json.dumps(json.dumps(plan))});"
            f"odoo.startTour({TOUR!r}, {{}});"
        )
        self.start_tour("/odoo", TOUR, login=user.login, code=code, timeout=180)

    def test_collector(self):
        self._run_role_tour(self.user_collector)

    def test_credit_manager(self):
        self._run_role_tour(self.user_manager)

    def test_auditor(self):
        self._run_role_tour(self.user_auditor)

    def test_accountant_without_dunning_role(self):
        self._run_role_tour(self.user_accountant)

    def test_billing_user_without_dunning_role(self):
        self._run_role_tour(self.user_billing)
