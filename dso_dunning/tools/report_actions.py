from odoo.tools.safe_eval import safe_eval


def report_action(env, xmlid, mine="my", drop=()):
    """Window action ``xmlid`` of a report, as the current user opens it.

    The one rule of every collection and KPI report: a collector (who is not
    a credit manager) lands on their own portfolio (the search filter
    ``mine``, without the defaults ``drop``); a credit manager and an auditor
    on everyone's. Only a default filter: removing it shows what the access
    rules let the user read (figures are not secret inside the company).
    """
    action = env["ir.actions.act_window"]._for_xml_id(xmlid)
    context = safe_eval(action.get("context") or "{}", {"uid": env.uid})
    user = env.user
    if not user.has_group("dso_dunning.group_dso_dunning_manager") and user.has_group(
        "dso_dunning.group_dso_dunning_collector"
    ):
        for name in drop:
            context.pop(f"search_default_{name}", None)
        context[f"search_default_{mine}"] = 1
    action["context"] = context
    return action
