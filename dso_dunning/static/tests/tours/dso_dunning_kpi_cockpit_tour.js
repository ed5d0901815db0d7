import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const tile = (name) => `.o_kanban_record:contains(${name})`;

registry.category("web_tour.tours").add("dso_dunning_kpi_cockpit", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        {
            content: "A credit manager lands on the cockpit",
            trigger: ".o_breadcrumb .active:contains(Cockpit)",
        },
        {
            content: "DSO now, its current and overdue parts and a year ago",
            trigger: `${tile("DSO (Countback)")}:contains(58 days):contains(Current 36 days · overdue 22 days)`,
        },
        {
            content: "Aged balance: overdue share and over 90 days",
            trigger: `${tile("Aged Balance")}:contains(42%)`,
        },
        {
            content: "CEI of last month",
            trigger: `${tile("Collection Effectiveness")}:contains(27 %)`,
        },
        {
            content: "Open the DSO trend",
            trigger: tile("DSO (Countback)"),
            run: "click",
        },
        {
            content: "The DSO trend is a line chart of the company's months",
            trigger: ".o_breadcrumb .active:contains(DSO Trend)",
        },
        {
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(Whole Company)",
        },
        {
            content: "Back to the cockpit",
            trigger: ".o_breadcrumb a:contains(Cockpit)",
            run: "click",
        },
        {
            content: "Open the aged balance",
            trigger: tile("Aged Balance"),
            run: "click",
        },
        {
            content: "The aged balance: one row per collector, a column per bucket",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(Colette Collector)",
        },
        {
            trigger: ".o_pivot th:contains(61-90 Days Late)",
        },
        {
            content: "Drill down to the customers without a collector (Boreal)",
            trigger: ".o_pivot tr:has(th:contains(None)) td.o_pivot_cell_value:last",
            run: "click",
        },
        {
            content: "Then to Boreal's items",
            trigger: ".o_list_view .o_data_row:contains(Boreal) button[name=action_open_items]",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains(Boreal: Aged Items as of)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Boreal):contains(500.00)",
        },
        {
            content: "The aged balance as it stood on 28 February",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_reporting']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='dso_dunning.dso_dunning_menu_kpi_aged_as_of']",
            run: "click",
        },
        {
            content: "A filled date shows as a button until it has the focus",
            trigger: ".o_field_widget[name=as_of] button",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=as_of] input",
            run: "edit 02/28/2026 && press Enter",
        },
        {
            trigger: ".o_form_view button[name=action_open]",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains(Aged Balance as of 02/28/2026)",
        },
        {
            content: "Amrine's 600.00 paid on 10 March was still due, 1-30 days late",
            trigger: ".o_pivot tr:has(th:contains(Colette Collector)) td:eq(1):contains(600.00)",
        },
    ],
});
