import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("dso_dunning_open_app", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        {
            content: "The app opens on its customers",
            trigger: ".o_main_navbar .o_menu_brand:contains(Dunning)",
        },
        {
            content: "A customer is listed",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer SA)",
        },
    ],
});
