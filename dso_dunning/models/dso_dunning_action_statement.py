from odoo import fields, models

from ..tools.action_states import PENDING_STATES


class DsoDunningAction(models.Model):
    """What an action tells the customer: sender, statement, items still due."""

    _inherit = "dso.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    def _email_from(self):
        """Sender of this action's emails, per the company's setting."""
        self.ensure_one()
        company = self.company_id
        if company.dunning_email_from == "collector" and self.collector_id.email:
            return self.collector_id.email_formatted
        return company.dunning_email or company.email_formatted or self.env.user.email_formatted

    def _statement(self):
        """Open items to show the customer, with a total per currency.

        Overdue items always; items not yet due and credits (credit notes,
        unmatched payments) when the step asks for them. Amounts are in the
        item's own currency. Items whose status pauses dunning (under a
        promise, in dispute) are not dunned: they are in ``discussed``, shown
        apart when the company shows them, and never in the totals.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        Item = self.env["account.move.line"].sudo()
        prefetched = self.env.context.get("dso_dunning_statement_items")
        key = (self.company_id.id, self.partner_id.id)
        if prefetched is not None and key in prefetched:
            # Prefetch over the whole batch: one read of the invoices for all.
            everything = [item_id for ids in prefetched.values() for item_id in ids]
            items = Item.browse(prefetched[key]).with_prefetch(everything)
        else:
            items = Item.search(self._statement_domain(), order="date_maturity, id")
        step = self.step_id
        lines, totals, discussed = [], {}, []
        show_discussed = self.company_id.dunning_statement_show_discussed
        for item in items:
            due = item.date_maturity or item.date
            if item.dunning_status_id.pause_dunning:
                if show_discussed:
                    discussed.append(self._statement_discussed_line(item, due))
                continue
            credit = item.amount_residual < 0
            if credit and not step.statement_credits:
                continue
            not_due = not credit and due >= today and item not in self.line_ids.move_line_id
            if not_due and not step.statement_not_due:
                continue
            currency = item.currency_id or self.currency_id
            amount = item.amount_residual_currency if item.currency_id else item.amount_residual
            lines.append(
                {
                    "name": item.move_id.name,
                    "date": item.move_id.invoice_date or item.date,
                    "date_maturity": due,
                    "days_late": max((today - due).days, 0),
                    "amount": amount,
                    "currency": currency,
                }
            )
            totals[currency] = totals.get(currency, 0.0) + amount
        return {"lines": lines, "totals": list(totals.items()), "discussed": discussed}

    def _statement_discussed_line(self, item, due):
        """An item under discussion as the statement shows it: no days late, its status."""
        currency = item.currency_id or self.currency_id
        return {
            "name": item.move_id.name,
            "date_maturity": due,
            "amount": item.amount_residual_currency if item.currency_id else item.amount_residual,
            "currency": currency,
            # in the language the statement is rendered in (the customer's)
            "status": item.dunning_status_id.name,
        }

    def _statement_domain(self):
        return [
            ("company_id", "in", self.company_id.ids),
            ("partner_id.commercial_partner_id", "in", self.partner_id.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
            ("no_followup", "=", False),
            # under a promise or in dispute: not dunned, only shown apart when asked
            "|",
            "|",
            ("dunning_status_id", "=", False),
            ("dunning_status_id.pause_dunning", "=", False),
            ("company_id.dunning_statement_show_discussed", "=", True),
        ]

    def _statement_items(self):
        """Open items of the customers of ``self`` in one search, per (company, customer).

        Given to the email templates in the context key
        ``dso_dunning_statement_items``, so that ``_statement`` of a batch of
        actions does not search once per action.
        """
        items = (
            self.env["account.move.line"]
            .sudo()
            .search(self._statement_domain(), order="date_maturity, id")
        )
        result = {(action.company_id.id, action.partner_id.id): [] for action in self}
        for item in items:
            key = (item.company_id.id, item.partner_id.commercial_partner_id.id)
            if key in result:
                result[key].append(item.id)
        return {key: tuple(ids) for key, ids in result.items()}

    def _recheck_still_due(self):
        """Re-read the live residual of the items just before execution.

        Items paid since planning are dropped from the action; an action with
        nothing left is cancelled (reason: paid). Returns the actions that are
        still worth executing.
        """
        self.line_ids.move_line_id.invalidate_recordset(["amount_residual", "reconciled"])
        still_due = self.browse()
        for action in self.filtered(lambda a: a.state in PENDING_STATES):
            paid = action.line_ids.filtered(
                lambda line: (
                    not line.move_line_id
                    or line.move_line_id.reconciled
                    or line.move_line_id.amount_residual <= 0
                )
            )
            if paid:
                paid.unlink()
            if not action.line_ids:
                action._cancel("paid")
                continue
            for line in action.line_ids:
                if line.amount_residual != line.move_line_id.amount_residual:
                    line.amount_residual = line.move_line_id.amount_residual
            amount_due = sum(action.line_ids.mapped("amount_residual"))
            # Only when it changed: each write goes through mail.thread's tracking setup.
            if action.currency_id.compare_amounts(amount_due, action.amount_due):
                action.amount_due = amount_due
            if (
                action.currency_id.compare_amounts(
                    action.amount_due, action.company_id.dunning_tolerance
                )
                <= 0
            ):
                action._cancel("paid")
                continue
            still_due |= action
        return still_due
