import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { sprintf } from "@web/core/utils/strings";

/**
 * Tabs of the dunning agenda. Other features add theirs to this registry
 * (the alerts feature adds "My alerts" with sequence 60):
 *   registry.category("dso_dunning.agenda_tabs").add("alerts",
 *       { sequence: 60, label: _t("My alerts"), action: "dso_dunning.<action xmlid>" });
 */
export const agendaTabs = registry.category("dso_dunning.agenda_tabs");
agendaTabs
    .add("manual", {
        sequence: 10,
        label: _t("Manual actions"),
        action: "dso_dunning.dso_dunning_agenda_manual_server_action",
    })
    .add("automatic", {
        sequence: 20,
        label: _t("Automatic actions"),
        action: "dso_dunning.dso_dunning_agenda_automatic_server_action",
    })
    .add("history", {
        sequence: 30,
        label: _t("History"),
        action: "dso_dunning.dso_dunning_agenda_history_server_action",
    })
    .add("replies", {
        sequence: 40,
        label: _t("Replies & comments"),
        action: "dso_dunning.dso_dunning_reply_server_action",
    })
    .add("charts", {
        sequence: 50,
        label: _t("Charts"),
        icon: "fa-bar-chart",
        action: "dso_dunning.dso_dunning_action_report_server_action",
    });

const COUNTER_TABS = ["manual", "automatic"];

/**
 * Tab bar of the agenda, with the live counters of the current filters:
 * grey = scheduled actions, red = to do now (due today or late).
 */
export class AgendaBar extends Component {
    static template = "dso_dunning.AgendaBar";
    static props = {
        tab: { type: String, optional: true },
        domain: { type: Array, optional: true },
        root: { optional: true },
        changes: { type: Number, optional: true },
    };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ scheduled: null, toDo: null });
        this.requestId = 0;
        onWillStart(() => this.loadCounters(this.props));
        onWillUpdateProps((nextProps) => {
            if (
                nextProps.root !== this.props.root ||
                nextProps.changes !== this.props.changes ||
                JSON.stringify(nextProps.domain) !== JSON.stringify(this.props.domain)
            ) {
                this.loadCounters(nextProps);
            }
        });
    }

    get tabs() {
        return agendaTabs
            .getEntries()
            .map(([key, tab]) => ({ key, ...tab }))
            .sort((a, b) => a.sequence - b.sequence);
    }

    get showCounters() {
        return COUNTER_TABS.includes(this.props.tab);
    }

    /** "1 scheduled" / "2 scheduled", with the plural rule of the user's language. */
    counterLabel(count, one, other) {
        if (count === null) {
            return "…";
        }
        const plural = new Intl.PluralRules(user.lang || "en-US").select(count) !== "one";
        return sprintf(plural ? other : one, count);
    }

    get scheduledLabel() {
        return this.counterLabel(
            this.state.scheduled,
            _t("%s scheduled action"),
            _t("%s scheduled actions")
        );
    }

    get toDoLabel() {
        return this.state.toDo === null ? "…" : sprintf(_t("%s to do"), this.state.toDo);
    }

    get canExport() {
        return this.props.tab === "history";
    }

    async loadCounters(props) {
        if (!COUNTER_TABS.includes(props.tab)) {
            return;
        }
        const requestId = ++this.requestId;
        const counters = await this.orm.call("dso.dunning.agenda", "get_counters", [
            props.domain || [],
        ]);
        if (requestId === this.requestId) {
            this.state.scheduled = counters.scheduled;
            this.state.toDo = counters.to_do;
        }
    }

    onTabClick(tab) {
        if (tab.key !== this.props.tab) {
            this.action.doAction(tab.action, { stackPosition: "replaceCurrentAction" });
        }
    }

    async onExport() {
        await download({
            url: "/dso_dunning/history/xlsx",
            data: { domain: JSON.stringify(this.props.domain || []) },
        });
    }
}
