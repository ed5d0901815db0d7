import datetime
import io

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCommitmentAlerts(DunningUsersMixin, DunningSendingCase):
    """Alerts on item statuses, dispute types and broken promises; commitments in the
    history export; the average resolution time of disputes per type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        ref = cls.env.ref
        cls.status_promise = ref("dso_dunning.dso_dunning_item_status_promise")
        cls.status_broken = ref("dso_dunning.dso_dunning_item_status_broken_promise")
        cls.status_dispute = ref("dso_dunning.dso_dunning_item_status_dispute")
        cls.price = ref("dso_dunning.dso_dunning_dispute_type_price")
        cls.quality = ref("dso_dunning.dso_dunning_dispute_type_quality")
        cls.today = fields.Date.to_date(NOW[:10])
        cls.customers = cls.env["res.partner"]
        cls.by_name = {}
        for name in (
            "Price Dispute",
            "Quality Dispute",
            "Quality Resolved",
            "Promise Running",
            "Broken Long Ago",
            "Broken Lately",
            "Partly Kept Lately",
            "Plan Broken Lately",
            "Nothing Special",
        ):
            email = f"{name.lower().replace(' ', '.')}@customer.example"
            partner = cls._create_customer(name, email=email)
            cls._create_overdue_invoice(partner, days_overdue=10, amount=400.0)
            cls.by_name[name] = partner
            cls.customers |= partner
        cls.price_dispute = cls._commit("dispute", "Price Dispute", dispute_type_id=cls.price.id)
        cls._commit("dispute", "Quality Dispute", dispute_type_id=cls.quality.id)
        resolved = cls._commit("dispute", "Quality Resolved", dispute_type_id=cls.quality.id)
        cls._set_created(resolved, days_ago=4)
        resolved.action_resolve_rejected()
        cls._commit("promise", "Promise Running")
        for name, state, days_ago in (
            ("Broken Long Ago", "broken", 40),
            ("Broken Lately", "broken", 3),
            ("Partly Kept Lately", "partial", 5),
        ):
            # what the engine writes when the deadline passed
            cls._commit("promise", name).sudo().write(
                {"state": state, "date_closed": cls.today - datetime.timedelta(days=days_ago)}
            )
        plan = cls._commit(
            "plan",
            "Plan Broken Lately",
            instalment_ids=[
                Command.create({"date": cls.today + datetime.timedelta(days=5), "amount": 400.0})
            ],
        )
        plan.sudo().write(
            {"state": "broken", "date_closed": cls.today - datetime.timedelta(days=2)}
        )
        cls.Alert = cls.env["dso.dunning.alert"]

    @classmethod
    def _commit(cls, kind, name, **vals):
        partner = cls.by_name[name]
        items = partner.invoice_ids.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        if kind in ("promise", "plan"):
            vals["date"] = cls.today + datetime.timedelta(days=5)
        return cls.env["dso.dunning.commitment"].create(
            {
                "kind": kind,
                "partner_id": partner.id,
                "move_line_ids": [Command.set(items.ids)],
                **vals,
            }
        )

    @classmethod
    def _set_created(cls, commitment, days_ago):
        """Record ``commitment`` as made ``days_ago`` days ago (at 15:00 UTC)."""
        created = datetime.datetime.combine(
            cls.today - datetime.timedelta(days=days_ago), datetime.time(15, 0)
        )
        cls.env.cr.execute(
            SQL(
                "UPDATE dso_dunning_commitment SET create_date = %s WHERE id = %s",
                created,
                commitment.id,
            )
        )
        commitment.invalidate_recordset(["create_date"])

    def _assert_selects(self, expected, **vals):
        """The alert made of ``vals`` selects ``expected``: its count, its squares and
        the customers' own squares agree."""
        alert = self.Alert.with_user(self.user_manager).create(
            {"name": "Commitment alert", "visibility": "shared", **vals}
        )
        found = alert._match_partners(self.customers)[alert.id]
        self.assertEqual({p.name for p in self.customers if p.id in found}, expected)
        self.assertEqual(alert.partner_count, len(expected), "the count of My Alerts")
        self.env.invalidate_all()  # squares are computed, not stored
        squares = self.customers.with_user(self.user_collector).filtered(
            lambda partner: alert in partner.dunning_alert_ids
        )
        self.assertEqual(set(squares.mapped("name")), expected, "the squares on the customers")
        return alert

    def test_item_status_selects_customers_with_an_open_item_in_it(self):
        self._assert_selects(
            {"Price Dispute", "Quality Dispute"},
            item_dunning_status_ids=[Command.set(self.status_dispute.ids)],
        )
        self._assert_selects(
            {
                "Promise Running",
                "Broken Long Ago",
                "Broken Lately",
                "Partly Kept Lately",
                "Plan Broken Lately",
            },
            item_dunning_status_ids=[Command.set((self.status_promise | self.status_broken).ids)],
        )
        # with the other item criteria: the same item must match them all
        self._assert_selects(
            set(),
            item_dunning_status_ids=[Command.set(self.status_dispute.ids)],
            item_days_late_min=30,
        )

    def test_dispute_type_selects_running_disputes_only(self):
        self._assert_selects({"Quality Dispute"}, dispute_type_ids=[Command.set(self.quality.ids)])
        self._assert_selects(
            {"Price Dispute", "Quality Dispute"},
            dispute_type_ids=[Command.set((self.price | self.quality).ids)],
        )
        self.price_dispute.action_start()
        self._assert_selects({"Price Dispute"}, dispute_type_ids=[Command.set(self.price.ids)])
        self.price_dispute.action_resolve_credit_note()
        self._assert_selects(set(), dispute_type_ids=[Command.set(self.price.ids)])

    def test_broken_promises_and_plans_whenever_or_lately(self):
        self._assert_selects(
            {"Broken Long Ago", "Broken Lately", "Partly Kept Lately", "Plan Broken Lately"},
            broken_promises=True,
        )
        alert = self._assert_selects(
            {"Broken Lately", "Partly Kept Lately", "Plan Broken Lately"},
            broken_promises=True,
            broken_promise_days=10,
        )
        self.assertIn("today -10d", alert.domain, "relative to the day it is read")
        # each commitment criterion is met by a commitment of its own
        self._commit("dispute", "Broken Lately", dispute_type_id=self.price.id)
        self._assert_selects(
            {"Broken Lately"},
            broken_promises=True,
            dispute_type_ids=[Command.set(self.price.ids)],
        )
        with self.assertRaises(ValidationError):
            self._assert_selects(set(), broken_promises=True, broken_promise_days=-1)

    def test_commitments_of_another_company_do_not_match(self):
        other = self.env["res.company"].create({"name": "Other Dunning Co"})
        self.env.user.company_ids |= other
        alert = self.Alert.create(
            {
                "name": "Other company",
                "company_id": other.id,
                "dispute_type_ids": [Command.set(self.price.ids)],
            }
        )
        self.assertFalse(alert._match_partners(self.customers)[alert.id])
        self.assertEqual(alert.with_company(other).partner_count, 0)

    def test_history_export_has_the_commitments_of_the_exported_customers(self):
        partner = self.by_name["Price Dispute"]
        self._create_overdue_invoice(partner, days_overdue=10, amount=250.0)
        self._plan(partners=partner, force=True)
        self.sender._send_due()
        self.assertEqual(self._actions(partner).mapped("state"), ["sent"])
        self._set_created(self.price_dispute, days_ago=7)
        self.price_dispute.resolver_id = self.user_manager
        self.price_dispute.action_resolve_credit_note()
        content = (
            self.env["dso.dunning.agenda"]
            .with_user(self.user_auditor)
            ._export_history_xlsx([("partner_id", "=", partner.id)])
        )
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        self.assertEqual(workbook.sheetnames, ["Actions", "Items", "Commitments"])
        rows = list(workbook["Commitments"].iter_rows(values_only=True))
        headers, data = rows[0], rows[1:]
        self.assertEqual(len(data), 1, "only the exported customers' commitments")
        row = dict(zip(headers, data[0], strict=True))
        invoice = partner.invoice_ids.sorted("id")[0]
        self.assertEqual(row["Kind"], "Dispute")
        self.assertEqual(row["Customer"], "Price Dispute")
        self.assertEqual(row["Items"], invoice.name)
        self.assertEqual(row["Amount"], 400.0)
        self.assertEqual(row["State"], "Resolved")
        self.assertEqual(row["Resolution"], "Credit Note")
        self.assertEqual(row["Dispute Type"], "Price")
        self.assertEqual(row["Resolver"], self.user_manager.name)
        self.assertEqual(row["Created On"], datetime.datetime(2026, 11, 17, 15, 0))
        self.assertEqual(row["Closed On"], datetime.datetime(2026, 11, 24))
        self.assertEqual(row["Days to Resolve"], 7)

    def test_french_commitments_sheet(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        partner = self.by_name["Broken Lately"]
        self._plan(partners=partner, force=True)
        self.sender._send_due()
        content = (
            self.env["dso.dunning.agenda"]
            .with_user(self.user_auditor)
            .with_context(lang="fr_FR")
            ._export_history_xlsx([("partner_id", "=", partner.id)])
        )
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        self.assertEqual(workbook.sheetnames[2], "Engagements")
        rows = list(workbook["Engagements"].iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("Type", "Client", "Pièces"))
        self.assertEqual(rows[1][0], "Promesse de paiement")

    def test_average_resolution_time_per_dispute_type(self):
        Commitment = self.env["dso.dunning.commitment"]
        for name, dispute_type, days in (
            ("Nothing Special", self.price, 4),
            ("Promise Running", self.price, 8),
            ("Broken Long Ago", self.quality, 10),
        ):
            partner = self.by_name[name]
            self._create_overdue_invoice(partner, days_overdue=20, amount=100.0)
            items = partner.invoice_ids.line_ids.filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable"
                    and not line.dunning_status_id
                    and not line.reconciled
                )
            )
            dispute = Commitment.create(
                {
                    "kind": "dispute",
                    "partner_id": partner.id,
                    "dispute_type_id": dispute_type.id,
                    "move_line_ids": [Command.set(items.ids)],
                }
            )
            self._set_created(dispute, days_ago=days)
            dispute.action_resolve_rejected()
        self.env.flush_all()
        averages = dict(
            Commitment._read_group(
                [("kind", "=", "dispute"), ("state", "=", "resolved")],
                ["dispute_type_id"],
                ["resolution_days:avg"],
            )
        )
        # with "Quality Resolved" of the fixtures, resolved in 4 days
        self.assertEqual(averages, {self.price: 6.0, self.quality: 7.0})
        self.assertEqual(self.price_dispute.resolution_days, 0, "still running")
        action = self.env.ref("dso_dunning.dso_dunning_commitment_resolution_action")
        resolved = Commitment.search(safe_eval(action.domain))
        self.assertEqual(len(resolved), 4, "the report reads resolved disputes only")
