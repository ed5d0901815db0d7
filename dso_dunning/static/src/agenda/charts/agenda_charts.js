import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphController } from "@web/views/graph/graph_controller";
import { pivotView } from "@web/views/pivot/pivot_view";
import { PivotController } from "@web/views/pivot/pivot_controller";
import { AgendaBar } from "../agenda_bar";
import { AgendaGraphRenderer } from "./agenda_graph_renderer";

// The Charts tab of the agenda. Graph and pivot views live in the lazy
// bundle, hence this file too. They keep their own search models (group-bys,
// measures); only the tab bar is added, so the user can go back, and the
// graph keeps one colour per progress value (see AgendaGraphRenderer).
export class AgendaGraphController extends GraphController {
    static template = "dso_dunning.AgendaGraphView";
    static components = { ...GraphController.components, AgendaBar };
}

export class AgendaPivotController extends PivotController {
    static template = "dso_dunning.AgendaPivotView";
    static components = { ...PivotController.components, AgendaBar };
}

registry.category("views").add("dso_agenda_graph", {
    ...graphView,
    Controller: AgendaGraphController,
    Renderer: AgendaGraphRenderer,
});

registry.category("views").add("dso_agenda_pivot", {
    ...pivotView,
    Controller: AgendaPivotController,
});
