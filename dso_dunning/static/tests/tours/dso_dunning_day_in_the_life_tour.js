import { formatDate } from "@web/core/l10n/dates";
import { formatDate as displayDate } from "@web/views/fields/formatters";
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { menu, subMenu } from "@dso_dunning/../tests/tours/utils/dunning_tour_steps";

// A day's work of each persona: every action is followed by what a person
// checks next. Fixtures, and the checks of the database afterwards, in
// tests/test_day_in_the_life.py (same names).
const { DateTime } = luxon;
const ALERT = "Non relancé depuis 10 jours";
const CALL_STEP = "Appel du jour";
const EMAIL_STEP = "Email du jour";
const [DONE, KEPT, MOVED] = ["Jour Appel Alpha", "Jour Appel Beta", "Jour Appel Gamma"];
const EMAIL = "Jour Email";
const BLOCKED = "Litige Client SA";
const NOTE = "Le comptable paie vendredi, virement déjà signé.";

const dataRow = (name) => `.o_data_row:contains('${name}')`;
const row = (name) => `.o_list_view ${dataRow(name)}`;
const field = (name) => `.o_form_view .o_field_widget[name=${name}]`;
// The form once saved: what the server answered.
const saved = (name) => `.o_form_view .o_form_saved .o_field_widget[name=${name}]`;
const subRow = (list, ...texts) =>
    `${field(list)} .o_data_row${texts.map((text) => `:contains('${text}')`).join("")}`;
const square = `.o_dso_alert_square[title='${ALERT}']`;
const check = (content, trigger) => ({ content, trigger });
const click = (content, trigger) => ({ content, trigger, run: "click" });
const noErrorDialog = (where) =>
    check(`${where}: no error dialog`, "body:not(:has(.o_error_dialog))");

/** The agenda's two counters, as the user reads them. */
const counters = (scheduled, toDo) => [
    check(`Counter: ${scheduled}`, `.o_dunning_counter_scheduled:text('${scheduled}')`),
    check(`Counter: ${toDo}`, `.o_dunning_counter_todo:text('${toDo}')`),
];

/** Pick ``label`` in the selection ``name`` of the form. */
const choose = (name, label) => [
    click(`${name}: open the choices`, `${field(name)} input`),
    click(`${name}: ${label}`, `.o_select_menu_item:contains('${label}')`),
    check(`${name} is ${label}`, `${field(name)} input:value('${label}')`),
];

/** The customers list, ``title`` in the user's language. */
const openCustomers = (title) => [
    { content: "Go to the customers", ...menu("dso_dunning_menu_customers") },
    check(`Customers list (${title})`, `.o_breadcrumb:contains('${title}')`),
];

/** A customer's card, on its Dunning tab, from the customers list. */
const openCard = (name) => [
    click(`Open ${name}`, `${row(name)} td[name=display_name]`),
    check(`${name}'s card is loaded`, `.o_breadcrumb .active:contains('${name}')`),
    click("Its Dunning tab", ".o_form_view .o_notebook .nav-link[name=dso_dunning]"),
];

const openAgenda = (xmlid, title) => [
    { content: "Open the agenda", ...menu("dso_dunning_menu_agenda") },
    subMenu(xmlid),
    check(`Agenda tab ${title}`, `.o_breadcrumb:contains('${title}')`),
];

registry.category("web_tour.tours").add("dso_dunning_day_collector_fr", {
    url: "/odoo",
    steps: () => {
        // As a date field shows it ("7 déc."), and as one types it ("12/12/2026").
        const today = displayDate(DateTime.local());
        const later = DateTime.local().plus({ days: 5 });
        const [shownLater, typedLater] = [displayDate(later), formatDate(later)];
        return [
            ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
            check("Lands on the manual actions", ".o_breadcrumb:contains('Actions manuelles')"),
            check("Own actions only", ".o_searchview .o_facet_value:contains('Mes actions')"),
            ...[DONE, KEPT, MOVED].map((name) =>
                check(
                    `${name}: a call due today, red`,
                    `${row(name)}.text-danger:contains('${CALL_STEP}')`
                )
            ),
            ...counters("3 actions programmées", "3 à réaliser"),

            // The call: reached, with what the customer said.
            click(`Open the call to ${DONE}`, `${row(DONE)} td[name=partner_id]`),
            ...choose("outcome", "Joint"),
            {
                content: "Outcome note",
                trigger: `${field("outcome_note")} textarea`,
                run: `edit ${NOTE}`,
            },
            click(
                "Mark it done",
                ".o_form_statusbar button[name=action_done]:contains('Marquer comme fait')"
            ),
            check(
                "Done",
                ".o_statusbar_status .o_arrow_button_current[data-value=done]:contains('Terminé')"
            ),
            check("The note is kept", `${field("outcome_note")} textarea:value('${NOTE}')`),
            noErrorDialog("Call marked done"),
            click(
                "Back to the agenda",
                ".o_breadcrumb .breadcrumb-item a:contains('Actions manuelles')"
            ),
            check(
                "The call left the agenda",
                `.o_list_view:has(${dataRow(KEPT)}):not(:has(${dataRow(DONE)}))`
            ),
            ...counters("2 actions programmées", "2 à réaliser"),

            // What the collector checks next: the customer's squares and card.
            ...openCustomers("Clients"),
            check(`${KEPT}, never dunned, keeps the alert square`, `${row(KEPT)} ${square}`),
            check(
                `${DONE}: dunned today`,
                `${row(DONE)} td[name=dunning_last_date]:text('${today}')`
            ),
            check(`${DONE}: no alert square any more`, `${row(DONE)}:not(:has(${square}))`),
            ...openCard(DONE),
            check("Last dunning date: today", `${field("dunning_last_date")}:text('${today}')`),
            check(
                "The call is in the past actions",
                subRow("dunning_past_action_ids", CALL_STEP, "Terminé", "Joint")
            ),
            check(
                "Nothing planned any more",
                `${field("dunning_pending_action_ids")}:not(:has(.o_data_row))`
            ),
            check("No alert square on the card", `.o_form_view:not(:has(${square}))`),
            noErrorDialog("Customer card"),

            // The email due today: send it now.
            ...openAgenda("dso_dunning_menu_agenda_automatic", "Relances automatiques"),
            check(`${EMAIL}: due today, red`, `${row(EMAIL)}.text-danger:contains('${EMAIL_STEP}')`),
            ...counters("1 action programmée", "1 à réaliser"),
            click(
                "Envoyer maintenant",
                `${row(EMAIL)} button[name=action_send_now][data-tooltip='Envoyer maintenant']`
            ),
            check(
                "The email left the automatic actions",
                `.o_list_view:not(:has(${dataRow(EMAIL)}))`
            ),
            ...counters("0 action programmée", "0 à réaliser"),
            noErrorDialog("Email sent"),
            click("Go to the history", ".o_dunning_tab_history"),
            check("History", ".o_breadcrumb:contains('Historique')"),
            check("The email is sent", `${row(EMAIL)}:contains('${EMAIL_STEP}'):contains('Envoyé')`),
            check(
                "The call is done, reached",
                `${row(DONE)}:contains('${CALL_STEP}'):contains('Terminé'):contains('Joint')`
            ),

            // A call moved to a later day, inline.
            click("Back to the manual actions", ".o_dunning_tab_manual"),
            check("Manual actions", ".o_breadcrumb:contains('Actions manuelles')"),
            ...counters("2 actions programmées", "2 à réaliser"),
            click(
                `Select the call to ${MOVED}`,
                `${row(MOVED)} td.o_list_record_selector input[type=checkbox]`
            ),
            click("Edit its date", `${row(MOVED)} .o_data_cell[name=date]`),
            {
                content: "In five days",
                trigger: `${row(MOVED)} .o_field_widget[name=date] input`,
                run: `edit ${typedLater}`,
            },
            click("Save", ".o_list_button_save"),
            check(
                "Moved: blue",
                `${row(MOVED)}.text-info:not(.o_selected_row) td[name=date]:text('${shownLater}')`
            ),
            ...counters("2 actions programmées", "1 à réaliser"),
            noErrorDialog("Call moved"),
            ...openCustomers("Clients"),
            check(
                `${MOVED}: next action in five days`,
                `${row(MOVED)} td[name=dunning_next_date]:text('${shownLater}')`
            ),
            check(`${MOVED}: still not dunned, still flagged`, `${row(MOVED)} ${square}`),
            check(
                `${EMAIL}: dunned today`,
                `${row(EMAIL)} td[name=dunning_last_date]:text('${today}')`
            ),
            check(`${EMAIL}: not flagged any more`, `${row(EMAIL)}:not(:has(${square}))`),
            noErrorDialog("End of the collector's day"),
        ];
    },
});

registry.category("web_tour.tours").add("dso_dunning_day_credit_manager", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        check("A credit manager lands on the cockpit", ".o_breadcrumb:contains('Cockpit')"),
        ...openAgenda("dso_dunning_menu_agenda_manual", "Manual Actions"),
        check(`${BLOCKED}: a call planned`, `${row(BLOCKED)}:contains('${CALL_STEP}')`),

        // The customer disputes its invoice: block it.
        ...openCustomers("Customers"),
        ...openCard(BLOCKED),
        check("The call is planned", subRow("dunning_pending_action_ids", CALL_STEP, "Planned")),
        ...choose("dunning_block_reason", "Dispute"),
        click("Save", ".o_form_button_save"),
        check(
            "Saved: not dunned because blocked",
            `${saved("dunning_skip_reason")}:text('Dunning blocked')`
        ),
        check(
            "No planned action left",
            `${field("dunning_pending_action_ids")}:not(:has(.o_data_row))`
        ),
        check(
            "The call is in the past actions, cancelled",
            subRow("dunning_past_action_ids", CALL_STEP, "Cancelled")
        ),
        noErrorDialog("Block saved"),
        ...openAgenda("dso_dunning_menu_agenda_manual", "Manual Actions"),
        check(
            "The call left the manual actions at once",
            `.o_list_view:has(${dataRow(KEPT)}):not(:has(${dataRow(BLOCKED)}))`
        ),
        click("Go to the history", ".o_dunning_tab_history"),
        check("History", ".o_breadcrumb:contains('History')"),
        click(
            "Open the cancelled call",
            `${row(BLOCKED)}:contains('Cancelled') td[name=partner_id]`
        ),
        check("Cancelled: dunning paused", `${field("cancel_reason")}:text('Dunning paused')`),
        check(
            "Why, in its history",
            ".o-mail-Chatter .o-mail-Message:contains('Dunning paused: Blocked: Dispute')"
        ),
        noErrorDialog("Cancelled call"),

        // The dispute is settled: lift the block.
        ...openCustomers("Customers"),
        ...openCard(BLOCKED),
        // The card may first show the copy Odoo cached before the block: wait for the server's.
        check("The card shows the block", `${field("dunning_block_reason")} input:value(Dispute)`),
        {
            content: "Lift the block: erase it and leave the field (as Odoo's own tests do)",
            trigger: `${field("dunning_block_reason")} input`,
            async run(helpers) {
                await helpers.clear();
                helpers.anchor.dispatchEvent(new Event("blur"));
            },
        },
        check(
            "Block lifted",
            ".o_form_view .o_form_dirty:not(:has(.o_field_widget[name=dunning_block_note]))"
        ),
        click("Save", ".o_form_button_save"),
        check(
            "A call is planned again",
            `${saved("dunning_pending_action_ids")} ${dataRow(CALL_STEP)}:contains('Planned')`
        ),
        check(
            "Not blocked any more",
            ".o_form_view .o_form_saved:not(:has(.o_field_widget[name=dunning_skip_reason]))"
        ),
        noErrorDialog("Block lifted"),
        ...openAgenda("dso_dunning_menu_agenda_manual", "Manual Actions"),
        check(
            "The call is back in the manual actions, red",
            `${row(BLOCKED)}.text-danger:contains('${CALL_STEP}')`
        ),
        click("Open the charts", ".o_dunning_tab_charts"),
        check("Charts drawn", ".o_graph_view .o_graph_canvas_container canvas"),
        noErrorDialog("Charts"),
    ],
});

registry.category("web_tour.tours").add("dso_dunning_day_admin_en", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        check("Lands on the cockpit, in English", ".o_breadcrumb:contains('Cockpit')"),
        ...openAgenda("dso_dunning_menu_agenda_manual", "Manual Actions"),
        check("Counters in English", ".o_dunning_counter_scheduled:contains('scheduled action')"),

        // Settings: customers owing 1,000 or less are not dunned any more.
        { content: "Open the configuration", ...menu("dso_dunning_menu_config") },
        subMenu("dso_dunning_menu_settings"),
        check("The Dunning settings, in English", ".o_setting_box:contains('Minimum Interval')"),
        {
            content: "Tolerance: 1000",
            trigger: ".o_field_widget[name=dunning_tolerance] input",
            run: "edit 1000",
        },
        {
            content: "Save: Odoo reloads the page",
            trigger: ".o_form_button_save",
            run: "click",
            expectUnloadPage: true,
        },
        check(
            "Saved",
            ".o_form_view:not(.o_form_dirty) .o_field_widget[name=dunning_tolerance] input:value('1,000.00')"
        ),
        noErrorDialog("Settings saved"),

        // A customer owing 800: Plan Now takes the new tolerance into account.
        ...openCustomers("Customers"),
        ...openCard(MOVED),
        check("A call is planned", subRow("dunning_pending_action_ids", CALL_STEP, "Planned")),
        click("Plan Now", ".o_form_view button[name=action_dunning_plan]"),
        check("Its pending actions: none", ".o_view_nocontent, .o_list_view:not(:has(.o_data_row))"),
        ...openCustomers("Customers"),
        ...openCard(MOVED),
        check(
            "Why it is not dunned, in English",
            `${field("dunning_skip_reason")}:contains('not above the tolerance')`
        ),
        check("The call is cancelled", subRow("dunning_past_action_ids", CALL_STEP, "Cancelled")),
        noErrorDialog("Customer card"),

        // A new alert takes a colour no other alert uses.
        { content: "Open the agenda menu", ...menu("dso_dunning_menu_agenda") },
        subMenu("dso_dunning_menu_agenda_alerts"),
        check("Alerts, in English", ".o_breadcrumb:contains('My Alerts')"),
        click("New alert", ".o_list_button_add"),
        {
            content: "Name it",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Above 500 overdue",
        },
        {
            content: "Overdue amount from 500",
            trigger: ".o_form_view .o_field_widget[name=overdue_min] input",
            run: "edit 500",
        },
        click("Save", ".o_form_button_save"),
        check("Saved", ".o_form_view .o_form_saved .o_field_widget[name=name]"),
        noErrorDialog("Alert saved"),
    ],
});
