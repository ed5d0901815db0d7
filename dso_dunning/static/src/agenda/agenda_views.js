import { useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { calendarView } from "@web/views/calendar/calendar_view";
import { CalendarController } from "@web/views/calendar/calendar_controller";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";
import { AgendaBar } from "./agenda_bar";
import { AgendaSearchModel } from "./agenda_search_model";

/**
 * The agenda's counters count again after a row is saved (a date edited in
 * the list) or a button ran on rows (done, confirmed, cancelled...).
 */
const countersFollowChanges = (Controller) =>
    class extends Controller {
        setup() {
            super.setup();
            this.agendaChanges = useState({ count: 0 });
        }

        get modelParams() {
            const params = super.modelParams;
            const onSavedMulti = params.hooks.onSavedMulti;
            // rows saved together (a date edited on the selected rows)
            params.hooks.onSavedMulti = (records) => {
                onSavedMulti?.(records);
                this.agendaChanges.count++;
            };
            return params;
        }

        async onRecordSaved(record) {
            await super.onRecordSaved(record);
            this.agendaChanges.count++;
        }

        async afterExecuteActionButton(clickParams) {
            await super.afterExecuteActionButton(clickParams);
            this.agendaChanges.count++;
        }
    };

export class AgendaListController extends countersFollowChanges(ListController) {
    static template = "dso_dunning.AgendaListView";
    static components = { ...ListController.components, AgendaBar };
}

export class AgendaKanbanController extends countersFollowChanges(KanbanController) {
    static template = "dso_dunning.AgendaKanbanView";
    static components = { ...KanbanController.components, AgendaBar };
}

/**
 * The calendar of the manual actions tab. Its model loads new data after a
 * date is moved or another period shown: the bar counts again then.
 */
export class AgendaCalendarController extends CalendarController {
    static template = "dso_dunning.AgendaCalendarView";
    static components = { ...CalendarController.components, AgendaBar };
}

registry.category("views").add("dso_agenda_list", {
    ...listView,
    Controller: AgendaListController,
    SearchModel: AgendaSearchModel,
});

registry.category("views").add("dso_agenda_kanban", {
    ...kanbanView,
    Controller: AgendaKanbanController,
    SearchModel: AgendaSearchModel,
});

registry.category("views").add("dso_agenda_calendar", {
    ...calendarView,
    Controller: AgendaCalendarController,
    SearchModel: AgendaSearchModel,
});
