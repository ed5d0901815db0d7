import { registry } from "@web/core/registry";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";
import { AgendaBar } from "./agenda_bar";
import { AgendaSearchModel } from "./agenda_search_model";

export class AgendaListController extends ListController {
    static template = "dso_dunning.AgendaListView";
    static components = { ...ListController.components, AgendaBar };
}

export class AgendaKanbanController extends KanbanController {
    static template = "dso_dunning.AgendaKanbanView";
    static components = { ...KanbanController.components, AgendaBar };
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
