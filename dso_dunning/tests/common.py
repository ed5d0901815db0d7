import datetime
import importlib.util

from odoo import Command, fields
from odoo.tests import new_test_user
from odoo.tools.misc import file_path

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT, BaseCommon

DUNNING_USERS = (
    # attribute user_<role>, login, name, groups
    ("collector", "dso_collector", "Colette Collector", "dso_dunning.group_dso_dunning_collector"),
    ("manager", "dso_manager", "Marc Manager", "dso_dunning.group_dso_dunning_manager"),
    ("auditor", "dso_auditor", "Aude Auditor", "dso_dunning.group_dso_dunning_auditor"),
    ("internal", "dso_internal", "Ines Internal", "base.group_user"),
    ("admin", "dso_admin", "Adam Admin", "base.group_system,dso_dunning.group_dso_dunning_manager"),
)


def run_migration(cr, version, stage):
    """Run dso_dunning's ``migrations/<version>/<stage>-migration.py`` as an update does."""
    path = file_path(f"dso_dunning/migrations/{version}/{stage}-migration.py")
    spec = importlib.util.spec_from_file_location(f"dso_dunning_{stage}_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.migrate(cr, version)


class DunningUsersMixin:
    """Creates one user per dunning role, plus people without dunning rights."""

    @classmethod
    def _create_dunning_users(cls):
        # Without the mail context, every user gets an invitation email
        # rendered and queued: about a third of the cost of creating it.
        quiet = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        for role, login, name, groups in DUNNING_USERS:
            user = new_test_user(quiet, login=login, name=name, groups=groups)
            setattr(cls, f"user_{role}", user.with_env(cls.env))


class DunningTourMixin:
    """Fixtures for browser tours: a one-step (manual call) scenario and customers
    with one invoice 10 days late, planned in the current company."""

    @classmethod
    def _create_tour_scenario(cls, name, step_name):
        cls.env["dso.dunning.demo"]._ensure_chart(cls.env.company)
        return cls.env["dso.dunning.scenario"].create(
            {
                "name": name,
                "company_id": cls.env.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": step_name,
                            "offset_days": 3,
                            "channel_call": True,
                            "mode": "manual",
                        }
                    )
                ],
            }
        )

    @classmethod
    def _create_tour_customer(cls, name, scenario, amount, collector=None):
        company = cls.env.company
        customer = cls.env["res.partner"].create(
            {"name": name, "is_company": True, "customer_rank": 1}
        )
        customer.with_company(company).write(
            {
                "dunning_scenario_id": scenario.id,
                "dunning_collector_id": collector.id if collector else False,
            }
        )
        today = fields.Date.context_today(customer)
        cls.env["dso.dunning.demo"]._create_demo_invoice(customer, today, 10, amount, 0.0)
        return customer


class DunningPlanningCase(BaseCommon):
    """A company with its own four-step scenario and helpers to build a ledger.

    Steps of ``cls.scenario`` (counted from the due date of the oldest item):
    courtesy -5 (automatic email), first +7 (automatic email), second +15
    (manual call), third +30 (manual task). Dates are relative to ``TODAY``;
    subclasses freeze time on it.

    Built on ``BaseCommon`` (user, company, mail context), not on account's
    test case: that one creates, for every class, a company with its chart
    of accounts, products, taxes, a fiscal position, payment terms,
    partners and cash roundings (4 s a class), none of which a dunning test
    uses. The ledgers are built from scratch in the database's main
    company, whose chart is installed and which holds no journal entry;
    tests about several companies add theirs with ``setup_other_company``.
    """

    @classmethod
    def get_default_groups(cls):
        # what account's test case gives its user, with the dunning manager
        return (
            super().get_default_groups()
            | cls.quick_ref("product.group_product_manager")
            | cls.quick_ref("account.group_account_manager")
            | cls.quick_ref("account.group_account_user")
            | cls.quick_ref("base.group_system")  # companies created by the tests
            | cls.quick_ref("dso_dunning.group_dso_dunning_manager")
        )

    @classmethod
    def setup_independent_user(cls):
        return new_test_user(
            cls.env,
            name="Because I am accountman!",
            login="accountman",
            email="accountman@test.com",
            group_ids=cls.get_default_groups().ids,
            company_id=cls.env.company.id,
        )

    @classmethod
    def setup_other_company(cls, **kwargs):
        """A further company with its chart of accounts; returns its accounting data."""
        company = cls._create_company(**{"name": "company_2", **kwargs})
        ChartTemplate = cls.env["account.chart.template"]
        template = ChartTemplate._guess_chart_template(company.country_id)
        ChartTemplate.try_loading(template, company=company, install_demo=False)
        if not company.account_fiscal_country_id:
            company.account_fiscal_country_id = cls.env.ref("base.us")
        return cls._accounting_data(company)

    @classmethod
    def _accounting_data(cls, company):
        """The accounts and journal the ledgers of these tests use, in ``company``."""
        Account = cls.env["account.account"].with_company(company)
        accounts = Account._check_company_domain(company)
        return {
            "company": company,
            "currency": company.currency_id,
            # the customers' default receivable account, as account's test case takes it
            "default_account_receivable": cls.env["res.partner"]
            ._fields["property_account_receivable_id"]
            .get_company_dependent_fallback(cls.env["res.partner"].with_company(company)),
            "default_account_revenue": Account.search(
                [
                    *accounts,
                    ("account_type", "=", "income"),
                    ("id", "!=", company.account_journal_early_pay_discount_gain_account_id.id),
                ],
                limit=1,
            ),
            "default_journal_sale": cls.env["account.journal"].search(
                [
                    *cls.env["account.journal"]._check_company_domain(company),
                    ("type", "=", "sale"),
                ],
                limit=1,
            ),
        }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data = cls._accounting_data(cls.env.company)
        cls.company = cls.company_data["company"]
        cls.company.write(
            {"dunning_tolerance": 1.0, "dunning_min_interval": 5, "dunning_horizon": 15}
        )
        cls.mail_template = cls._create_mail_template("Reminder")
        cls.scenario = cls._create_scenario(cls.company)
        cls.step_courtesy, cls.step_first, cls.step_second, cls.step_third = cls.scenario.step_ids
        cls.company.dunning_default_scenario_id = cls.scenario
        cls.never_dun = cls.env["dso.dunning.scenario"].create(
            {"name": "Never dun", "company_id": cls.company.id, "never_dun": True}
        )
        cls.planner = cls.env["dso.dunning.planner"]

    @classmethod
    def _create_mail_template(cls, name):
        return cls.env["mail.template"].create(
            {
                "name": name,
                "model_id": cls.env["ir.model"]._get_id("dso.dunning.action"),
                "subject": name,
            }
        )

    @classmethod
    def _create_scenario(cls, company, name="Test scenario", **vals):
        template = cls.mail_template if company == cls.company else cls._create_mail_template(name)
        email = {"channel_email": True, "mode": "automatic", "mail_template_id": template.id}
        return cls.env["dso.dunning.scenario"].create(
            {
                "name": name,
                "company_id": company.id,
                "step_ids": [
                    Command.create(
                        {"name": "Courtesy", "sequence": 10, "offset_days": -5, **email}
                    ),
                    Command.create({"name": "First", "sequence": 20, "offset_days": 7, **email}),
                    Command.create(
                        {
                            "name": "Second",
                            "sequence": 30,
                            "offset_days": 15,
                            "channel_call": True,
                            "mode": "manual",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Third",
                            "sequence": 40,
                            "offset_days": 30,
                            "channel_task": True,
                            "mode": "manual",
                        }
                    ),
                ],
                **vals,
            }
        )

    @classmethod
    def _create_customer(cls, name, **vals):
        return cls.env["res.partner"].create({"name": name, "is_company": True, **vals})

    @classmethod
    def _create_overdue_invoice(
        cls, partner, days_overdue=10, amount=100.0, company=None, post=True, **vals
    ):
        """A posted customer invoice due ``days_overdue`` days ago (negative: not yet due)."""
        company = company or cls.company
        due = fields.Date.context_today(partner) - datetime.timedelta(days=days_overdue)
        invoice_date = min(due, fields.Date.context_today(partner))
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                    **vals,
                }
            )
        )
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def _create_credit_note(cls, partner, amount, company=None):
        company = company or cls.company
        today = fields.Date.context_today(partner)
        credit_note = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_refund",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "invoice_date": today,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Refund", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        credit_note.action_post()
        return credit_note

    @classmethod
    def _pay(cls, invoice, amount=None):
        """Register a payment of ``amount`` (default: the whole residual) today."""
        vals = {"amount": amount} if amount is not None else {}
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(vals)
            ._create_payments()
        )

    def _plan(self, companies=None, **kwargs):
        return self.planner._plan(companies=companies or self.company, **kwargs)

    def _actions(self, partner, company=None, **domain):
        return self.env["dso.dunning.action"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", (company or self.company).id),
                *[(field, "=", value) for field, value in domain.items()],
            ],
            order="id",
        )

    def _live_actions(self, partner, company=None):
        return self._actions(partner, company).filtered(lambda a: a.state != "cancelled")

    @staticmethod
    def _execute(action, when):
        """Simulate the sending engine: the action was executed at ``when``."""
        action.sudo().write({"state": "sent", "executed_date": when})
