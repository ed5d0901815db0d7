"""The comparison behind test_parity.py: parity of the fast paths with core.

The addon writes some records without the ORM path Odoo would take, for
speed: dunning emails posted as a batch (``dso.dunning.mail.batch``) instead
of ``message_post``; planned actions, their items, activities and followers
inserted in SQL (``dso.dunning.planner._insert_actions``) instead of
``create()``; tracking logs of many actions created together
(``dso.dunning.tracking.mixin``) instead of one ``_message_log`` each; the
customers' figures upserted in SQL (``dso.dunning.figure._store``, the stale
mark of ``dso.dunning.figure.refresh``) instead of ``create()``/``write()``.

Each test builds the same inputs twice, once per path, each time in a
savepoint rolled back afterwards (so both start from the same database), and
compares every record the path created, field by field, for every stored
field of the model: a field Odoo adds or starts filling in ``create()`` that
the fast path does not write makes the test fail, instead of silently
drifting after an update.
"""

import ast
import json
from contextlib import closing

from odoo.tools import SQL
from odoo.tools.mail import email_split_and_format

from .test_sending import DunningSendingCase

# Not compared, on any model: the record's own key and the moments it was
# written (both paths run one after the other, in the same transaction).
ALWAYS_SKIPPED = {"id", "create_date", "write_date"}

# Fields left out on purpose, per model, with the reason. Records created by
# a path are compared through their own fields; links to them (many2one,
# res_id) are compared as "the n-th record of that model created by the path".
SKIPPED = {
    # A random Message-Id generated per message (mentions of it in other
    # records, the References header, are replaced by the message's rank).
    "mail.message": {"message_id"},
}


def _bus_message_shape(message):
    """A bus notification's type and the keys of its payload: the payload
    describes the new records for the web client (ids, access tokens, creation
    dates), which differ by nature from one path to the other."""
    message = json.loads(message)
    payload = message.get("payload")
    return message.get("type"), sorted(payload) if isinstance(payload, dict) else payload


def _mail_headers(headers):
    """The headers of an email, the other recipients (``X-Msg-To-Add``) as a set:
    Odoo lists them in the order its recipients query returns them, which has
    no ORDER BY (one query per message there, one per batch here)."""
    headers = ast.literal_eval(headers) if headers else {}
    if "X-Msg-To-Add" in headers:
        headers["X-Msg-To-Add"] = sorted(email_split_and_format(headers["X-Msg-To-Add"]))
    return headers


# Values compared through a normalised form, with the reason.
NORMALISED = {
    ("bus.bus", "message"): _bus_message_shape,
    ("mail.mail", "headers"): _mail_headers,
}

# Tracking on, as in production (TransactionCase turns it off).
TRACKING = {"tracking_disable": False, "mail_notrack": False}


class ParityCase(DunningSendingCase):
    """Runs a path in a savepoint and describes what it created, field by field."""

    def _max_id(self, model):
        return self.env.execute_query(
            SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(self.env[model]._table))
        )[0][0]

    def _created_by(self, path, watched, kept=None):
        """What ``path()`` created in the ``watched`` models, and what it left on
        the records ``kept()`` returns, as comparable values; rolled back after.

        Records of a model are sorted by their values: the two paths may create
        them in another order (Odoo creates the inbox notifications of a message
        before its emails, the batch those of every message first).
        """
        cr = self.env.cr
        # what the fixtures left to do at commit (bus notifications of new
        # users...) is done before, not counted as the first path's
        cr.flush()
        # what a path reads comes from the database, not from what an
        # earlier one left in cache
        self.env.invalidate_all()
        before = {model: self._max_id(model) for model in watched}
        with closing(cr.savepoint()):
            path()
            # ORM flush and precommit hooks: tracking, bus notifications, figures
            cr.flush()
            created = {
                model: self.env[model]
                .sudo()
                .with_context(active_test=False)
                .search([("id", ">", before[model])], order="id")
                for model in watched
            }
            tokens, texts = self._tokens(created)
            outcome = {
                model: sorted((self._values(r, tokens, texts) for r in records), key=repr)
                for model, records in created.items()
            }
            for record in kept() if kept else []:
                outcome[f"{record._name},{record.id}"] = self._values(record, tokens, texts)
        return outcome

    def _tokens(self, created):
        """Names of the new records (and of their Message-Ids) that both paths share.

        A new record is named by its rank among the new records of its model,
        sorted by their values (links to new records left out): the paths may
        create them in another order, a SQL insert in no particular order.
        Records alike but for such links keep their creation order.
        """
        unranked = {
            (model, record.id): f"<new {model}>"
            for model, records in created.items()
            for record in records
        }
        tokens, texts = {}, {}
        for model, records in created.items():
            ranked = sorted(records, key=lambda r: repr(self._values(r, unranked, {})))
            for rank, record in enumerate(ranked):
                tokens[model, record.id] = f"<new {model} {rank}>"
                if model == "mail.message" and record.message_id:
                    texts[record.message_id] = f"<Message-Id of new message {rank}>"
        return tokens, texts

    def _values(self, record, tokens, texts):
        """Every stored field of ``record``, links to new records as their token.

        One2many fields are left to their comodel: its records carry the
        inverse many2one, compared when the comodel is watched.
        """
        skipped = ALWAYS_SKIPPED | SKIPPED.get(record._name, set())
        values = {}
        for name, field in record._fields.items():
            if not field.store or name in skipped or field.type == "one2many":
                continue
            value = record[name]
            if field.type == "many2one":
                value = tokens.get((value._name, value.id), value.id)
            elif field.type == "many2many":
                value = sorted((tokens.get((value._name, id_), id_) for id_ in value.ids), key=str)
            elif field.type == "many2one_reference":
                value = tokens.get((record[field.model_field], value), value)
            elif (record._name, name) in NORMALISED:
                value = NORMALISED[record._name, name](value)
            elif isinstance(value, str):
                value = str(value)
                for raw, token in texts.items():
                    value = value.replace(raw, token)
            values[name] = value
        return values

    def assertSameOutcome(self, fast, core):
        """Same records, field by field; a failure lists every difference."""
        self.assertEqual(fast.keys(), core.keys())
        differences = []
        for key in sorted(fast):
            fast_values, core_values = fast[key], core[key]
            if isinstance(fast_values, dict):
                fast_values, core_values = [fast_values], [core_values]
            if len(fast_values) != len(core_values):
                differences.append(
                    f"{key}: {len(fast_values)} created by the fast path, "
                    f"{len(core_values)} by the core path"
                )
                differences += [f"  fast: {values!r:.400}" for values in fast_values]
                differences += [f"  core: {values!r:.400}" for values in core_values]
                continue
            for rank, (fast_record, core_record) in enumerate(
                zip(fast_values, core_values, strict=True)
            ):
                for name in sorted(fast_record.keys() | core_record.keys()):
                    if fast_record.get(name) != core_record.get(name):
                        differences.append(
                            f"{key} #{rank} {name}: fast {fast_record.get(name)!r}"
                            f" != core {core_record.get(name)!r}"
                        )
        if differences:
            self.fail("\n".join(["fast path != core path:", *differences]))
