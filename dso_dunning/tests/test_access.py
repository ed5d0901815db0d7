from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import DunningUsersMixin

OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}

# What each role may do on each model: the specification, checked against the
# access rules the module installs. "internal" is an employee without any
# dunning role (a sales or accounting user).
MATRIX = {
    "dso.dunning.scenario": {"auditor": "r", "collector": "r", "manager": "rwcu", "internal": "r"},
    "dso.dunning.step": {"auditor": "r", "collector": "r", "manager": "rwcu", "internal": "r"},
    # actions are created and deleted by the planning engine only; their
    # items are its snapshots
    "dso.dunning.action": {"auditor": "r", "collector": "rw", "manager": "rw", "internal": ""},
    "dso.dunning.action.line": {"auditor": "r", "collector": "r", "manager": "r", "internal": ""},
    "dso.dunning.alert": {"auditor": "r", "collector": "rwcu", "manager": "rwcu", "internal": ""},
    "dso.dunning.status": {"auditor": "r", "collector": "r", "manager": "rwcu", "internal": "r"},
    "dso.dunning.dispute.type": {
        "auditor": "r",
        "collector": "r",
        "manager": "rwcu",
        "internal": "r",
    },
    # any employee may resolve the disputes assigned to them, and only those
    # (record rules): auditors read the others
    "dso.dunning.commitment": {
        "auditor": "rw",
        "collector": "rwc",
        "manager": "rwcu",
        "internal": "rw",
    },
    "dso.dunning.reply": {"auditor": "r", "collector": "rwu", "manager": "rwu", "internal": ""},
    # written by the planning run only, read like the customers' figures
    "dso.dunning.figure": {"auditor": "r", "collector": "r", "manager": "r", "internal": "r"},
    # customer page links: created with the reminders, revoked by a credit manager
    "dso.dunning.portal.link": {"auditor": "r", "collector": "r", "manager": "rw", "internal": ""},
    "dso.dunning.portal.stat": {"auditor": "r", "collector": "r", "manager": "r", "internal": ""},
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(DunningUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.users = {
            "auditor": cls.user_auditor,
            "collector": cls.user_collector,
            "manager": cls.user_manager,
            "internal": cls.user_internal,
            "portal": new_test_user(cls.env, login="dso_portal", groups="base.group_portal"),
            "public": cls.env.ref("base.public_user"),
        }

    def test_model_access_matrix(self):
        for model, expected in MATRIX.items():
            for role, user in self.users.items():
                allowed = expected.get(role, "")
                for letter, operation in OPERATIONS.items():
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(
                            self.env[model].with_user(user).has_access(operation),
                            letter in allowed,
                        )

    def test_dunning_menus_hidden_from_portal_and_public(self):
        root = self.env.ref("dso_dunning.dso_dunning_menu_root")
        for role in ("portal", "public", "internal"):
            with self.subTest(role=role):
                menus = (
                    self.env["ir.ui.menu"].with_user(self.users[role]).sudo()._visible_menu_ids()
                )
                self.assertNotIn(root.id, menus)


@tagged("post_install", "-at_install")
class TestMultiCompanyIsolation(TransactionCase):
    """A collector of company B never sees company A's dunning records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.collector_b = new_test_user(
            cls.env,
            login="collector_b",
            groups="dso_dunning.group_dso_dunning_collector",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.records = {}
        for company in (cls.company_a, cls.company_b):
            scenario = cls.env["dso.dunning.scenario"].create(
                {
                    "name": f"Scenario {company.name}",
                    "company_id": company.id,
                    "step_ids": [
                        Command.create(
                            {
                                "name": "Call",
                                "offset_days": 5,
                                "channel_call": True,
                                "mode": "manual",
                            }
                        )
                    ],
                }
            )
            partner = cls.env["res.partner"].create({"name": f"Customer of {company.name}"})
            action = cls.env["dso.dunning.action"].create(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "scenario_id": scenario.id,
                    "step_id": scenario.step_ids.id,
                    "date": fields.Date.today(),
                }
            )
            alert = cls.env["dso.dunning.alert"].create(
                {
                    "name": f"Alert {company.name}",
                    "company_id": company.id,
                    "visibility": "shared",
                    "overdue_min": 1000.0,
                }
            )
            cls.records[company] = {"scenario": scenario, "action": action, "alert": alert}

    def test_collector_sees_only_own_company(self):
        for kind in ("scenario", "action", "alert"):
            with self.subTest(kind=kind):
                record_a = self.records[self.company_a][kind]
                record_b = self.records[self.company_b][kind]
                visible = record_a.search([("id", "in", (record_a | record_b).ids)])
                visible_b = visible.with_user(self.collector_b).search(
                    [("id", "in", (record_a | record_b).ids)]
                )
                self.assertEqual(visible_b, record_b.with_user(self.collector_b))
