import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("dso_dunning_open_app", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        {
            content: "The app opens on the agenda's manual actions",
            trigger: ".o_breadcrumb:contains(Manual Actions)",
        },
        {
            content: "The planned action of the overdue customer is listed",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer SA):contains(Tour call)",
        },
        {
            content: "Go to the customers",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_customers']",
            run: "click",
        },
        {
            content: "Overdue customers are listed with their overdue amount",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer SA):contains(700.00)",
        },
    ],
});
