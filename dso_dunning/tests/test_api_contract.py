import datetime
import json
import logging
from collections import Counter

from odoo import fields
from odoo.tests import HttpCase, mute_logger, new_test_user, tagged

from .common import DunningTourMixin, DunningUsersMixin
from .test_sending import DunningSendingCase

_logger = logging.getLogger(__name__)

ACTION = "dso.dunning.action"
WIZARD = "dso.dunning.action.reschedule"
ROLES = ("collector", "manager", "auditor", "accountant", "sales")
DUNNING = frozenset({"collector", "manager"})
READERS = DUNNING | {"auditor"}
NOBODY = frozenset()
HISTORY = ("sent", "done", "cancelled")

# Written by the engine only, never through ``write``. Spelled out here rather
# than imported from the addon: the contract must not follow the code it checks.
ENGINE_FIELDS = (
    "state", "cancel_reason", "error_message", "error_retryable", "executed_date",
    "executed_by_id", "sent_to", "message_id", "email_done", "sms_message_id", "sms_done",
    "sms_number", "letter_attachment_id", "letter_done", "amount_due", "amount_overdue",
    "oldest_due_date", "days_overdue", "line_ids", "step_rank", "company_id", "partner_id",
    "scenario_id", "step_id",
)  # fmt: skip
USER_FIELDS = ("date", "collector_id", "outcome", "promise_date", "reschedule_note", "outcome_note")
REARM = {"state": "planned", "email_done": False, "message_id": False}
ENGINE_WRITES = (
    ("email", {"state": "sent"}),
    ("sent", REARM),
    ("sent", {"sent_to": "x@y.z"}),
    ("sent", {"amount_due": 1.0}),
    ("sent", {"executed_date": "2020-01-01 00:00:00"}),
    ("to_confirm", {"state": "cancelled"}),
)
FROZEN_WRITES = ({"date": "2099-12-31"}, {"collector_id": False}, {"outcome": "no_answer"})
PRIVATE_METHODS = {
    "_transition": {"state": "sent"},
    "_mark_done": {},
    "_cancel": {"reason": "user"},
    "_set_error": {"message": "Set through the API"},
}
# How JSON-2 answers a refusal: exception → HTTP status (odoo/http.py, Json2Dispatcher).
REFUSALS = {
    "odoo.exceptions.AccessError": 403,
    "odoo.exceptions.UserError": 422,
    "odoo.exceptions.ValidationError": 422,
}

# The specification: operation → the roles allowed to do it over the API.
MATRIX = {
    "search_read pending": READERS,
    "search_read history": READERS,
    **{f"write {sorted(vals)} on {kind}": NOBODY for kind, vals in ENGINE_WRITES},
    "write back to planned + send_now on sent": NOBODY,
    "create": NOBODY,
    **{f"unlink {kind}": NOBODY for kind in ("email", *HISTORY)},
    **{f"write {next(iter(vals))} on {kind}": NOBODY for kind in HISTORY for vals in FROZEN_WRITES},
    "write outcome_note on sent": DUNNING,
    "write outcome_note on done": DUNNING,
    "write date on pending": DUNNING,
    "action_confirm": DUNNING,
    "action_send_now": DUNNING,
    "action_send_now on sent": NOBODY,
    "action_done": DUNNING,
    "action_mark_posted": DUNNING,
    "action_cancel": DUNNING,
    **{f"action_cancel on {kind}": NOBODY for kind in HISTORY},
    **{f"action_open_reschedule on {kind}": NOBODY for kind in HISTORY},
    "reschedule wizard": DUNNING,
    "res.partner action_dunning_plan": DUNNING,
    **{f"private {method}": NOBODY for method in PRIVATE_METHODS},
}

# Fixtures: an action in the state it is built in ("email" is an automatic
# email step, "call" a manual one, "letter" a letter generated and waiting to
# be posted), or an overdue "customer" not planned yet.
FIXTURE_STATES = {
    "email": "planned", "to_confirm": "to_confirm", "call": "planned", "letter": "to_post",
    "sent": "sent", "done": "done", "cancelled": "cancelled",
}  # fmt: skip
DAYS_OVERDUE = {"email": 10, "sent": 10, "cancelled": 10, "to_confirm": 20, "letter": 50}


@tagged("post_install", "-at_install")
class TestApiContract(DunningTourMixin, DunningUsersMixin, DunningSendingCase, HttpCase):
    """Every role against every operation on dunning actions, over real HTTP
    (JSON-2, one API key per role), as an integration would call them.

    A refusal is a JSON error (AccessError 403, UserError 422) that leaves
    the record as it was, re-read as the administrator; an allowed call
    answers 200 and does what its button does. After every attempt, no
    customer has received a reminder twice. Fixtures are shared between
    attempts until one consumes them. Invoices are dated from today: the HTTP
    server runs in another thread, where freezegun would not apply.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        for role, groups in (
            ("accountant", "account.group_account_manager"),
            ("sales", "account.group_account_invoice"),
        ):
            setattr(cls, f"user_{role}", new_test_user(cls.env, login=f"dso_{role}", groups=groups))
        cls._letter_step_instead_of_call(letter_body="<p>Formal notice.</p>")
        cls.call_scenario = cls._create_tour_scenario("API calls", "Call back")
        cls.reminder = cls.env.ref("dso_dunning.mt_dunning_reminder")
        expiration = datetime.datetime.now() + datetime.timedelta(days=0.5)
        cls.api_keys = {
            role: user.with_user(user)
            .env["res.users.apikeys"]
            ._generate(scope="rpc", name="API contract", expiration_date=expiration)
            for role in ROLES
            for user in [getattr(cls, f"user_{role}")]
        }

    def setUp(self):
        super().setUp()
        self.fixtures = {}
        self.customers = self.emailed_twice = self.env["res.partner"]

    def _rpc(self, role, model, method, **body):
        self.env.flush_all()
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/json/2/{model}/{method}",
                data=json.dumps(body, default=str),
                headers={
                    "Authorization": f"Bearer {self.api_keys[role]}",
                    "Content-Type": "application/json",
                    "X-Odoo-Database": self.env.cr.dbname,
                },
                timeout=60,
            )
        self.env.invalidate_all()
        return response

    def _call(self, method, **body):
        """A request of ``method`` on the fixture; a value given as a function
        of the role is computed per role."""

        def request(role, record):
            values = {key: value(role) if callable(value) else value for key, value in body.items()}
            return self._rpc(role, record._name, method, ids=record.ids, **values)

        return request

    def _fixture(self, kind):
        """The fixture of ``kind``, built again once an attempt has consumed it."""
        record = self.fixtures.get(kind)
        if not record or not record.exists():
            fresh = False
        elif kind == "customer":
            fresh = not self._actions(record)
        else:
            fresh = (
                record.state == FIXTURE_STATES[kind] and not record.partner_id & self.emailed_twice
            )
        if not fresh:
            record = self.fixtures[kind] = self._build(kind)
        return record

    def _build(self, kind):
        name = f"API {kind} {len(self.customers) + 1}"
        if kind in ("call", "done"):
            customer = self._create_tour_customer(
                name, self.call_scenario, 300.0, collector=self.user_collector
            )
            self._plan(partners=customer, force=True)
            action = self._live_actions(customer)
        else:
            address = {"street": "1 rue de la Paix", "zip": "75002", "city": "Paris"}
            customer = self._customer(name, dunning_collector_id=self.user_collector.id, **address)
        self.customers |= customer
        if kind == "customer":
            self._create_overdue_invoice(customer, days_overdue=10)
            return customer
        if kind in DAYS_OVERDUE:
            action = self._planned(customer, DAYS_OVERDUE[kind])
        if kind in ("sent", "letter"):
            self.sender._execute(action)
        elif kind == "done":
            action.action_done()
        elif kind == "cancelled":
            action.action_cancel()
        self.assertEqual(action.state, FIXTURE_STATES[kind], action.error_message)
        return action

    def _reminders(self, customers):
        domain = [("model", "=", "res.partner"), ("subtype_id", "=", self.reminder.id)]
        return self.env["mail.message"].search(domain + [("res_id", "in", customers.ids)])

    def _snapshot(self, record):
        """What a refused call must leave unchanged, read as the administrator."""
        self.env.invalidate_all()
        if record._name == "res.partner":
            return len(self._actions(record)), len(self._reminders(record))
        if not record.exists():
            return None
        names = [name for name in ENGINE_FIELDS + USER_FIELDS if name in record._fields]
        return record.read(names)[0], len(self._reminders(record.partner_id))

    def _assert_at_most_one_email(self):
        """Exactly once: whatever was attempted, no customer got a reminder twice.

        A customer is reported once, by the attempt that sent the extra email,
        and its fixture is built again: the attempts after it start clean.
        """
        reminders = self._reminders(self.customers - self.emailed_twice)
        mails = self.env["mail.mail"].search([("mail_message_id", "in", reminders.ids)])
        counts = Counter(reminders.mapped("res_id")) | Counter(
            mails.mapped("mail_message_id.res_id")
        )
        twice = self.customers.browse([res_id for res_id, count in counts.items() if count > 1])
        self.emailed_twice |= twice
        self.assertFalse(twice, f"reminded twice: {[(c.name, counts[c.id]) for c in twice]}")

    def _day(self, role, offset=10):
        return fields.Date.today() + datetime.timedelta(days=offset + ROLES.index(role))

    def _note(self, role):
        return f"Promised on the phone to pay on Friday ({role})"

    def _create(self, role, customer):
        step = self.step_email
        vals = {
            "company_id": self.company.id,
            "partner_id": customer.id,
            "scenario_id": step.scenario_id.id,
            "step_id": step.id,
            "date": fields.Date.today(),
        }
        return self._rpc(role, ACTION, "create", vals_list=[vals])

    def _reschedule(self, role, action):
        """The reschedule dialog: create the wizard, then apply it."""
        vals = {"action_ids": [(6, 0, action.ids)], "date": self._day(role, offset=20)}
        response = self._rpc(role, WIZARD, "create", vals_list=[vals])
        if response.status_code != 200:
            return response
        return self._rpc(role, WIZARD, "action_apply", ids=response.json())

    def _rearm_and_send(self, role, action):
        """Put a sent action back to planned, then "Send now": a second email if it gets through."""
        response = self._rpc(role, ACTION, "write", ids=action.ids, vals=REARM)
        if response.status_code != 200:
            return response
        return self._rpc(role, ACTION, "action_send_now", ids=action.ids)

    def _check_sent_once(self, action, role, response):
        self.assertEqual(action.state, "sent", action.error_message)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", action.message_id.id)])
        self.assertEqual(len(mails), 1, "one email to the customer")
        self.assertEqual(self._reminders(action.partner_id), action.message_id)

    def _check_outcome_note(self, action, role, response):
        self.assertEqual(action.outcome_note, self._note(role))
        trackings = action.message_ids.tracking_value_ids
        tracked = trackings.filtered(lambda tracking: tracking.field_id.name == "outcome_note")
        self.assertIn(self._note(role), tracked.mapped("new_value_text"))

    def _operations(self):
        """MATRIX's operations: name → (fixture, request(role, record), check when allowed)."""

        def has(**expected):
            """A check of the record's values; ``True`` means "set"."""

            def check(record, *_):
                for name, value in expected.items():
                    self.assertEqual(bool(record[name]) if value is True else record[name], value)

            return check

        def search(role, action):
            domain = [("id", "=", action.id)]
            return self._rpc(role, ACTION, "search_read", domain=domain, fields=["state"])

        def found(action, role, response):
            self.assertEqual([row["id"] for row in response.json()], action.ids)

        done = has(state="done", executed_date=True)
        unlink, cancel = self._call("unlink"), self._call("action_cancel")
        reschedule = self._call("action_open_reschedule")
        return {
            "search_read pending": ("email", search, found),
            "search_read history": ("sent", search, found),
            **{
                f"write {sorted(vals)} on {kind}": (kind, self._call("write", vals=vals), None)
                for kind, vals in ENGINE_WRITES
            },
            "write back to planned + send_now on sent": ("sent", self._rearm_and_send, None),
            "create": ("customer", self._create, None),
            **{f"unlink {kind}": (kind, unlink, None) for kind in ("email", *HISTORY)},
            **{
                f"write {next(iter(vals))} on {kind}": (kind, self._call("write", vals=vals), None)
                for kind in HISTORY
                for vals in FROZEN_WRITES
            },
            **{
                f"write outcome_note on {kind}": (
                    kind,
                    self._call("write", vals=lambda role: {"outcome_note": self._note(role)}),
                    self._check_outcome_note,
                )
                for kind in ("sent", "done")
            },
            "write date on pending": (
                "email",
                self._call("write", vals=lambda role: {"date": self._day(role)}),
                lambda action, role, _: self.assertEqual(action.date, self._day(role)),
            ),
            "action_confirm": ("to_confirm", self._call("action_confirm"), has(state="confirmed")),
            "action_send_now": ("email", self._call("action_send_now"), self._check_sent_once),
            "action_send_now on sent": ("sent", self._call("action_send_now"), None),
            "action_done": ("call", self._call("action_done"), done),
            "action_mark_posted": ("letter", self._call("action_mark_posted"), has(state="sent")),
            "action_cancel": ("email", cancel, has(state="cancelled", cancel_reason="user")),
            **{f"action_cancel on {kind}": (kind, cancel, None) for kind in HISTORY},
            **{f"action_open_reschedule on {kind}": (kind, reschedule, None) for kind in HISTORY},
            "reschedule wizard": (
                "email",
                self._reschedule,
                lambda action, role, _: self.assertEqual(action.date, self._day(role, offset=20)),
            ),
            "res.partner action_dunning_plan": (
                "customer",
                self._call("action_dunning_plan"),
                lambda customer, *_: self.assertTrue(self._actions(customer)),
            ),
            **{
                f"private {method}": ("email", self._call(method, **kwargs), None)
                for method, kwargs in PRIVATE_METHODS.items()
            },
        }

    def _assert_refused(self, response, before, record):
        self.assertNotEqual(response.status_code, 200, f"accepted: {response.text[:300]}")
        body = response.json()
        self.assertEqual(
            REFUSALS.get(body.get("name")),
            response.status_code,
            f"not a refusal: {response.status_code} {body.get('name')}: {body.get('message')}",
        )
        self.assertEqual(self._snapshot(record), before, "a refused call changed the record")

    def test_every_role_against_every_operation(self):
        operations = self._operations()
        self.assertEqual(set(operations), set(MATRIX))
        attempts = refused = 0
        for op, allowed in MATRIX.items():
            kind, request, check = operations[op]
            for role in ROLES:
                with self.subTest(op=op, role=role):
                    record = self._fixture(kind)
                    before = self._snapshot(record)
                    response = request(role, record)
                    if role in allowed:
                        self.assertEqual(response.status_code, 200, response.text[:500])
                        check(record, role, response)
                    else:
                        attempts += 1
                        self._assert_refused(response, before, record)
                        refused += 1
                with self.subTest(op=op, role=role, check="at most one email per customer"):
                    self._assert_at_most_one_email()
        _logger.info("API contract: %s forbidden attempts, %s refused", attempts, refused)
