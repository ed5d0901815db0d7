from odoo.tests import new_test_user


class DunningUsersMixin:
    """Creates one user per dunning role, plus people without dunning rights."""

    @classmethod
    def _create_dunning_users(cls):
        cls.user_collector = new_test_user(
            cls.env,
            login="dso_collector",
            name="Colette Collector",
            groups="dso_dunning.group_dso_dunning_collector",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="dso_manager",
            name="Marc Manager",
            groups="dso_dunning.group_dso_dunning_manager",
        )
        cls.user_auditor = new_test_user(
            cls.env,
            login="dso_auditor",
            name="Aude Auditor",
            groups="dso_dunning.group_dso_dunning_auditor",
        )
        cls.user_internal = new_test_user(
            cls.env, login="dso_internal", name="Ines Internal", groups="base.group_user"
        )
        cls.user_admin = new_test_user(
            cls.env,
            login="dso_admin",
            name="Adam Admin",
            groups="base.group_system,dso_dunning.group_dso_dunning_manager",
        )
