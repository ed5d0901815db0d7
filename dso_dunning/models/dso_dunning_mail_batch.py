from collections import defaultdict

from markupsafe import escape

from odoo import api, models
from odoo.tools import clean_context, is_html_empty, split_every
from odoo.tools.mail import email_split_and_normalize, formataddr

SUBTYPE_XMLID = "dso_dunning.mt_dunning_reminder"


def is_reminder(message):
    """Whether ``message`` (one mail.message) is a dunning email, from its subtype.

    Costs no query when the message is in cache: ``ir.model.data`` caches the
    xmlid lookup and the subtype is a column of the message. The overrides of
    core mail models ask this first and leave other mail alone.
    """
    subtype_id = message.env["ir.model.data"]._xmlid_to_res_id(SUBTYPE_XMLID)
    return bool(subtype_id) and message.subtype_id.id == subtype_id


class DsoDunningMailBatch(models.AbstractModel):
    """Posts many dunning emails on customers' chatters at once.

    What ``message_post`` does for one email, done for a batch with Odoo's own
    helpers: messages created together, recipients (explicit ones plus the
    followers of the reminder subtype) fetched in one query, the notification
    layout rendered per message and recipient group as Odoo renders it, then
    every ``mail.mail`` and ``mail.notification`` created together. The mails
    are queued, never sent from here (like ``mail_notify_force_send=False``).

    Assumption: a batch only holds comments with the dunning subtype, posted
    without scheduling, parent or attachments to upload (existing ones only).
    """

    _name = "dso.dunning.mail.batch"
    _description = "Dunning Emails Posted Together"

    @api.model
    def _post(self, posts):
        """Post ``posts``, a list of ``(thread, values)``; return the messages, in order.

        ``values`` holds the ``message_post`` arguments used by dunning:
        body, subject, email_from, reply_to, partner_ids, outgoing_email_to,
        attachment_ids, and optionally author_id, record_alias_domain_id,
        record_company_id.
        """
        if not posts:
            return self.env["mail.message"]
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(SUBTYPE_XMLID)
        threads = [thread._fallback_lang() for thread, _values in posts]
        msg_vals_list = [
            self._prepare_message_vals(thread, values, subtype_id)
            for thread, (_thread, values) in zip(threads, posts, strict=True)
        ]
        messages = threads[0].browse()._message_create(msg_vals_list)
        recipients = self._recipients_data(threads, msg_vals_list, subtype_id)
        out_of_office = self._out_of_office_users(threads, recipients)
        ancestors = self._reference_ancestors(threads, messages)
        mail_vals_list, notif_vals_list = [], []
        for thread, message, msg_vals, recipients_data in zip(
            threads, messages, msg_vals_list, recipients, strict=True
        ):
            # The message was just created: no tracking values to search for.
            msg_vals = {**msg_vals, "tracking_value_ids": []}
            answers = self.env["mail.message"]
            if out_of_office & (thread.user_id | self._recipient_users(recipients_data)):
                answers = thread._notify_thread_with_out_of_office(
                    message, recipients_data, msg_vals=msg_vals
                )
            if not recipients_data:
                continue
            thread._notify_thread_by_inbox(message, recipients_data, msg_vals=msg_vals)
            # automatic answers just posted on the thread are among the
            # newest messages the email's References cite, as in message_post
            self._prepare_emails(
                thread,
                message,
                msg_vals,
                recipients_data,
                self._pick_ancestors([*answers.sorted("id", reverse=True), *ancestors[message.id]]),
                (mail_vals_list, notif_vals_list),
            )
            thread._notify_thread_by_web_push(message, recipients_data, msg_vals=msg_vals)
        # Without default_* keys of the caller, as _notify_thread_by_email does.
        safe_env = self.env(context=clean_context(self.env.context), su=True)
        mails = safe_env["mail.mail"].create(mail_vals_list)
        for notif_vals in notif_vals_list:
            notif_vals["mail_mail_id"] = mails[notif_vals.pop("_mail_index")].id
        safe_env["mail.notification"].create(notif_vals_list)
        return messages

    @api.model
    def _prepare_message_vals(self, thread, values, subtype_id):
        """The values ``message_post`` gives ``_message_create`` for this email."""
        author_id, email_from = thread._message_compute_author(
            values.get("author_id"), values.get("email_from")
        )
        if "record_alias_domain_id" in values:
            alias_domain_id = values["record_alias_domain_id"]
        else:
            alias_domain_id = (
                thread.sudo()
                ._mail_get_alias_domains(default_company=self.env.company)[thread.id]
                .id
            )
        if "record_company_id" in values:
            company_id = values["record_company_id"]
        else:
            company_id = thread._mail_get_companies(default=self.env.company)[thread.id].id
        msg_vals = {
            "email_add_signature": True,
            "reply_to": values.get("reply_to"),
            "record_alias_domain_id": alias_domain_id,
            "record_company_id": company_id,
            "author_id": author_id,
            "author_guest_id": False,
            "email_from": email_from,
            "model": thread._name,
            "res_id": thread.id,
            "body": escape(values.get("body") or ""),
            "message_type": "comment",
            "parent_id": thread._message_compute_parent_id(False),
            "subject": values.get("subject") or False,
            "subtype_id": subtype_id,
            "partner_ids": list(values.get("partner_ids") or []),
            "incoming_email_to": False,
            "incoming_email_cc": False,
            "outgoing_email_to": values.get("outgoing_email_to") or False,
        }
        msg_vals.update(
            thread._process_attachments_for_post(
                None, list(values.get("attachment_ids") or []), msg_vals
            )
        )
        return msg_vals

    @api.model
    def _recipients_data(self, threads, msg_vals_list, subtype_id):
        """Per message, what ``_notify_get_recipients`` returns, from one query.

        Followers of the subtype and explicit recipients of every thread are
        fetched together. The query lists an explicit recipient of another
        message of the batch as a follower of any thread it follows, with the
        subtype or not: such a recipient is kept only where it follows the
        subtype (a contact following another customer's reminders), looked up
        in one more query when there is one.
        """
        records = threads[0].browse([thread.id for thread in threads])
        all_pids = {pid for vals in msg_vals_list for pid in vals["partner_ids"]}
        data = self.env["mail.followers"]._get_recipient_data(
            records, "comment", subtype_id, list(all_pids)
        )
        subscribed = self._foreign_subtype_followers(
            threads, msg_vals_list, data, all_pids, subtype_id
        )
        result = []
        real_authors = {}
        for thread, msg_vals in zip(threads, msg_vals_list, strict=True):
            own_pids = set(msg_vals["partner_ids"])
            author_id = msg_vals["author_id"]
            if author_id not in real_authors:
                real_authors[author_id] = thread._message_compute_real_author(author_id).id
            skip_author_id = real_authors[author_id]
            recipients_data = [
                pdata
                for pid, pdata in data.get(thread.id, {}).items()
                if (
                    pid in own_pids
                    or (
                        pdata["is_follower"]
                        and (pid not in all_pids or (thread.id, pid) in subscribed)
                    )
                )
                and not (pid and pid == skip_author_id)
                and pdata["active"] is not False
            ]
            recipients_data += [
                {
                    "active": True,
                    "email_normalized": email,
                    "id": False,
                    "is_follower": False,
                    "name": name or email,
                    "lang": False,
                    "groups": [],
                    "notif": "email",
                    "share": True,
                    "type": "customer",
                    "uid": False,
                    "ushare": False,
                }
                for name, email in email_split_and_normalize(msg_vals["outgoing_email_to"])
            ]
            result.append(recipients_data)
            # Same cache hint as _notify_thread: users' partners already known.
            uid2pid = {r["uid"]: r["id"] for r in recipients_data if r["id"] and r["uid"]}
            users = self.env["res.users"].browse(uid2pid)
            users._fields["partner_id"]._insert_cache(users, uid2pid.values())
        return result

    @api.model
    def _foreign_subtype_followers(self, threads, msg_vals_list, data, all_pids, subtype_id):
        """(thread id, partner id) of the explicit recipients of other messages of
        the batch that follow a thread with the subtype and would be notified
        on it (an internal subtype reaches no customer), as ``message_post``
        notifies them; no query unless such a recipient follows a thread."""
        candidates = {
            (thread.id, pid)
            for thread, msg_vals in zip(threads, msg_vals_list, strict=True)
            for pid, pdata in data.get(thread.id, {}).items()
            if pdata["is_follower"] and pid in all_pids and pid not in msg_vals["partner_ids"]
        }
        if not candidates:
            return set()
        domain = [
            ("res_model", "=", threads[0]._name),
            ("res_id", "in", list({res_id for res_id, _pid in candidates})),
            ("partner_id", "in", list({pid for _res_id, pid in candidates})),
            ("subtype_ids", "in", [subtype_id]),
        ]
        if self.env["mail.message.subtype"].browse(subtype_id).internal:
            domain.append(("partner_id.partner_share", "=", False))
        followers = self.env["mail.followers"].sudo().search_fetch(domain, ["res_id", "partner_id"])
        return {(f.res_id, f.partner_id.id) for f in followers} & candidates

    @api.model
    def _recipient_users(self, recipients_data):
        return self.env["res.users"].browse(
            r["uid"] for r in recipients_data if r["uid"] and not r["share"]
        )

    @api.model
    def _out_of_office_users(self, threads, recipients):
        """Users of the batch who are out of office, among those Odoo would check.

        ``_notify_thread_with_out_of_office`` looks at the internal users
        notified and at the thread's responsible; it is only called for the
        messages where one of them is away (it costs queries per message).
        """
        users = self.env["res.users"].sudo()
        for thread, recipients_data in zip(threads, recipients, strict=True):
            users |= thread.user_id | self._recipient_users(recipients_data)
        return users.filtered(
            lambda u: u.is_out_of_office and not is_html_empty(u.out_of_office_message)
        )

    @api.model
    def _reference_ancestors(self, threads, messages):
        """Per message, the earlier messages its ``References`` header may cite.

        The search of ``_notify_by_email_get_base_mail_values`` (messages of
        the thread with a subtype and a Message-Id, newest first), done once
        for the batch; each message sees the messages older than itself, as
        when posted one by one. ``_pick_ancestors`` keeps those cited.
        """
        Message = self.env["mail.message"].sudo()
        candidates = Message.search(
            [
                ("model", "=", threads[0]._name),
                ("res_id", "in", list({thread.id for thread in threads})),
                ("subtype_id", "!=", False),
                ("message_id", "!=", False),
            ],
            order="id DESC",
        )
        by_thread = defaultdict(list)
        for candidate in candidates:
            by_thread[candidate.res_id].append(candidate)
        return {
            message.id: [m for m in by_thread[message.res_id] if m.id < message.id]
            for message in messages
        }

    @api.model
    def _pick_ancestors(self, candidates):
        """The messages the ``References`` header cites among ``candidates``
        (newest first): of the last 32, public discussions first, three kept."""
        outgoing_types = ("comment", "auto_comment", "email", "email_outgoing")
        history = (
            self.env["mail.message"]
            .sudo()
            .union(*candidates[:32])
            .sorted(
                lambda m: (
                    not m.is_internal and not m.subtype_id.internal,
                    m.message_type in outgoing_types,
                    m.message_type not in ("user_notification", "out_of_office"),
                ),
                reverse=True,
            )
        )
        return history[:3].sorted("id")

    @api.model
    def _base_mail_values(self, thread, message, partners_data, ancestors):
        """``_notify_by_email_get_base_mail_values`` with the ancestors already found."""
        subject = message.subject or thread._message_compute_subject() or message.record_name
        values = {
            "mail_message_id": message.id,
            "references": " ".join(m.message_id for m in (ancestors + message.sudo())),
            "auto_delete": True,
        }
        if subject:
            subject = " ".join(subject.splitlines())
        if subject != message.subject:
            values["subject"] = subject
        headers = {}
        external = [
            (r["name"], r["email_normalized"])
            for r in partners_data
            if r["active"] and r["email_normalized"] and r["share"]
        ]
        if external and len(external) < thread._CUSTOMER_HEADERS_LIMIT_COUNT:
            headers["X-Msg-To-Add"] = ",".join(formataddr(pair) for pair in external)
        bounce = message.sudo().record_alias_domain_id.bounce_email
        if bounce:
            headers["Return-Path"] = bounce
        headers = thread._notify_by_email_get_headers(headers=headers)
        if headers:
            values["headers"] = repr(headers)
        return values

    @api.model
    def _prepare_emails(self, thread, message, msg_vals, recipients_data, ancestors, out):
        """Append to ``out`` (mails, notifications) what ``_notify_thread_by_email`` creates."""
        mails, notifs = out
        partners_data = [r for r in recipients_data if r["notif"] == "email"]
        if not partners_data:
            return
        base_mail_values = self._base_mail_values(thread, message, partners_data, ancestors)
        base_notif_values = thread._notify_by_email_get_base_notification_values(message)
        batch_size = int(self.env["ir.config_parameter"].sudo().get_param("mail.batch_size")) or 50
        for _lang, render_values, group in thread._notify_get_classified_recipients_iterator(
            message, partners_data, msg_vals=msg_vals
        ):
            body = thread._notify_by_email_render_layout(
                message, group, msg_vals=msg_vals, render_values=render_values
            )
            for chunk in split_every(batch_size, group["recipients_ids"]):
                mails.append(
                    thread._notify_by_email_get_final_mail_values(
                        chunk, base_mail_values, additional_values={"body_html": body}
                    )
                )
                notifs.extend(
                    {"_mail_index": len(mails) - 1, "res_partner_id": pid, **base_notif_values}
                    for pid in chunk
                )
            if group["recipients_emails"]:
                mail_values = thread._notify_by_email_get_final_mail_values(
                    [], base_mail_values, additional_values={"body_html": body}
                )
                mail_values["email_to"] = ",".join(group["recipients_emails"])
                mails.append(mail_values)
                notifs.extend(
                    {"_mail_index": len(mails) - 1, "mail_email_address": addr, **base_notif_values}
                    for addr in group["recipients_emails"]
                )
