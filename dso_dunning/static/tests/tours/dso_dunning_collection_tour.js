import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const reportingMenu = (xmlid) => [
    {
        content: "Open the Reporting menu",
        trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_reporting']",
        run: "click",
    },
    {
        content: `Open ${xmlid}`,
        trigger: `.dropdown-item[data-menu-xmlid='dso_dunning.${xmlid}']`,
        run: "click",
    },
];

registry.category("web_tour.tours").add("dso_dunning_collection", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        {
            content: "The collector lands on the agenda",
            trigger: ".o_breadcrumb:contains(Manual Actions)",
        },
        ...reportingMenu("dso_dunning_menu_reporting_forecast"),
        {
            content: "The forecast opens on a weekly chart of the collector's own customers",
            trigger: ".o_breadcrumb:contains(Cash Forecast)",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(My Customers)",
        },
        {
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Their customer's invoice is expected",
            trigger: ".o_list_view .o_data_row:contains(Tour Forecast Mine):contains(Due Date + Customer Delay)",
        },
        {
            content: "Another collector's customer is not in their default view",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Tour Forecast Other)))",
        },
        ...reportingMenu("dso_dunning_menu_reporting_step_effect"),
        {
            content: "Which steps work: a pivot by step and channel",
            trigger: ".o_breadcrumb:contains(Which Steps Work)",
        },
        {
            trigger: ".o_pivot_view .o_pivot_header_cell_closed, .o_pivot_view .o_pivot_header_cell_opened",
        },
    ],
});
