from odoo.tests import TransactionCase, tagged

from .common import DunningUsersMixin


@tagged("post_install", "-at_install")
class TestSecurity(DunningUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.menu_root = cls.env.ref("dso_dunning.dso_dunning_menu_root")
        cls.menu_customers = cls.env.ref("dso_dunning.dso_dunning_menu_customers")
        cls.menu_settings = cls.env.ref("dso_dunning.dso_dunning_menu_settings")
        cls.menu_actions = cls.env.ref("dso_dunning.dso_dunning_menu_agenda_manual")
        cls.menu_scenarios = cls.env.ref("dso_dunning.dso_dunning_menu_scenarios")

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_credit_manager_is_a_collector(self):
        self.assertTrue(self.user_manager.has_group("dso_dunning.group_dso_dunning_collector"))
        self.assertFalse(self.user_collector.has_group("dso_dunning.group_dso_dunning_manager"))
        self.assertFalse(self.user_auditor.has_group("dso_dunning.group_dso_dunning_collector"))

    def test_roles_share_one_privilege(self):
        privilege = self.env.ref("dso_dunning.res_groups_privilege_dso_dunning")
        self.assertEqual(
            set(privilege.group_ids.mapped("name")),
            {"Auditor", "Collector", "Credit Manager"},
        )

    def test_admin_is_credit_manager(self):
        self.assertTrue(
            self.env.ref("base.user_admin").has_group("dso_dunning.group_dso_dunning_manager")
        )

    def test_dunning_app_visible_to_dunning_roles_only(self):
        for user in (self.user_collector, self.user_manager, self.user_auditor):
            with self.subTest(user=user.login):
                visible = self._visible_menus(user)
                self.assertIn(self.menu_root.id, visible)
                self.assertIn(self.menu_customers.id, visible)
                self.assertIn(self.menu_actions.id, visible)
        self.assertNotIn(self.menu_root.id, self._visible_menus(self.user_internal))

    def test_settings_menu_for_administrators(self):
        self.assertIn(self.menu_settings.id, self._visible_menus(self.user_admin))
        for user in (self.user_collector, self.user_manager, self.user_auditor):
            with self.subTest(user=user.login):
                self.assertNotIn(self.menu_settings.id, self._visible_menus(user))

    def test_scenarios_menu_for_credit_managers(self):
        self.assertIn(self.menu_scenarios.id, self._visible_menus(self.user_manager))
        for user in (self.user_collector, self.user_auditor):
            with self.subTest(user=user.login):
                self.assertNotIn(self.menu_scenarios.id, self._visible_menus(user))

    def test_sales_user_opens_customer_and_invoice_forms(self):
        user = self.env["res.users"].create(
            {
                "name": "Sam Sales",
                "login": "dso_sales",
                "group_ids": [(6, 0, [self.env.ref("account.group_account_invoice").id])],
            }
        )
        partner = self.env["res.partner"].create({"name": "Form Customer"})
        form_partner = partner.with_user(user)
        form_partner.get_views([(False, "form")])
        form_partner.web_read({"display_name": {}, "dunning_scenario_id": {}})
        move = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": partner.id}
        )
        move.with_user(user).get_views([(False, "form")])
        self.assertFalse("dunning_action_id" in move.with_user(user).fields_get())

    def test_default_collector_setting_is_per_company(self):
        settings = self.env["res.config.settings"].with_user(self.user_admin).create({})
        settings.dunning_default_collector_id = self.user_collector
        settings.execute()
        self.assertEqual(self.env.company.dunning_default_collector_id, self.user_collector)
