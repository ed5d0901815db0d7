import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";

// Every screen a role reaches from its menus, each of its views, one record
// opened here and there, and no error dialog anywhere. The plan (screens,
// views, records, alert squares) is written by the Python test
// (tests/test_role_screens_tour.py) from the menus the user sees, in
// localStorage under PLAN_KEY, before the tour starts; it survives reloads.
const PLAN_KEY = "dso_dunning.role_screens";
// Put on the action on display (view or client action) before a click, to wait
// for the next one.
const SEEN = "o_dso_role_screens_seen";
const ERROR_TITLE = /error|erreur|oops|warning|avertissement/i;

// The screen being opened, named in the error of a dialog that opens.
let currentScreen = "the home page";

const markScreen = (next) => ({
    content: `Remember the screen on display, before opening ${next}`,
    trigger: "body",
    run() {
        currentScreen = next;
        for (const controller of document.querySelectorAll(".o_action_manager > *")) {
            controller.classList.add(SEEN);
        }
    },
});

const click = (trigger, content) => ({ content, trigger, run: "click" });

/** The error dialogs open now. */
const errorDialogs = () =>
    [...document.querySelectorAll(".o_dialog")].filter(
        (dialog) =>
            dialog.querySelector(".o_error_dialog") ||
            ERROR_TITLE.test(dialog.querySelector(".modal-title")?.textContent || "")
    );
const dialogText = (dialog) => dialog.innerText.replace(/\s+/g, " ").trim().slice(0, 600);

// Every error dialog opened since the tour started, even one closed since (an
// action that fails to load is replaced by the previous one, which closes the
// dialogs): each fails the test at once (console error), named after the
// screen being opened.
const openedErrors = new Map();
const watchErrorDialogs = () => ({
    content: "Fail on every error dialog that opens",
    trigger: "body",
    run() {
        new MutationObserver(() => {
            for (const dialog of errorDialogs()) {
                if (!openedErrors.has(dialog)) {
                    openedErrors.set(dialog, `${currentScreen}: ${dialogText(dialog)}`);
                    console.error(`Error dialog on ${openedErrors.get(dialog)}`);
                }
            }
        }).observe(document.body, { childList: true, subtree: true });
    },
});

/** Fails with its text when an error dialog opened since the last check. */
const noErrorDialog = (where) => ({
    content: `${where}: no error dialog`,
    trigger: "body",
    run() {
        for (const dialog of errorDialogs()) {
            openedErrors.set(dialog, `${where}: ${dialogText(dialog)}`);
        }
        if (openedErrors.size) {
            throw new Error(`Error dialog on ${[...openedErrors.values()].join(" | ")}`);
        }
    },
});

/**
 * A new action (a view of ``viewType`` if given) is mounted, or an error
 * dialog opened. While an action loads, the action manager shows an empty
 * control panel: that is not the screen yet.
 */
const screenLoaded = (where, viewType) => [
    {
        content: `${where}: loaded`,
        trigger: `.o_action_manager > ${
            viewType ? `.o_${viewType}_view` : ":not(.o_control_panel)"
        }:not(.${SEEN}), .o_error_dialog`,
        timeout: 20000,
    },
    noErrorDialog(where),
];

function openApp(app, hiddenApps) {
    const where = `App ${app}`;
    return [
        markScreen(where),
        click(".o_navbar_apps_menu button:enabled", "Open the apps menu"),
        {
            content: `The apps menu lists ${app}`,
            trigger: `.o_app[data-menu-xmlid='${app}']`,
        },
        ...hiddenApps.map((hidden) => ({
            content: `The apps menu does not list ${hidden}`,
            trigger: "body",
            run() {
                if (document.querySelector(`.o_app[data-menu-xmlid='${hidden}']`)) {
                    throw new Error(`The apps menu lists ${hidden} for this user`);
                }
            },
        })),
        click(`.o_app[data-menu-xmlid='${app}']`, where),
        ...screenLoaded(where),
    ];
}

/** ``path``: the xmlids from the app to the menu (app, section[, entry]). */
function openMenu(path, where, state) {
    const [app, section, entry] = path;
    const steps = [];
    if (state.app !== app) {
        steps.push(...openApp(app, state.hiddenApps));
        state.app = app;
    }
    steps.push(markScreen(where), click(`.o_main_navbar [data-menu-xmlid='${section}']`, where));
    if (entry) {
        steps.push(click(`.dropdown-item[data-menu-xmlid='${entry}']`, where));
    }
    return steps;
}

function switchView(viewType, where) {
    return [
        markScreen(`${where} (${viewType})`),
        click(`.o_control_panel .o_switch_view.o_${viewType}`, `${where}: ${viewType} view`),
        ...screenLoaded(`${where} (${viewType})`, viewType),
    ];
}

/** Open the record of the row showing ``record.text``, then one page of its form. */
function openRecord(record, where, squares) {
    const row = `.o_data_row:contains("${record.text}")`;
    const form = `${where} › ${record.text}`;
    const steps = [];
    if (record.squares) {
        for (const name of squares.shown) {
            steps.push({
                content: `${where}: the square of alert ${name}`,
                trigger: `${row} .o_dso_alert_square[title="${name}"]`,
            });
        }
        for (const name of squares.hidden) {
            steps.push({
                content: `${where}: no square of alert ${name} (private to someone else)`,
                trigger: `${row}:not(:has(.o_dso_alert_square[title="${name}"]))`,
            });
        }
    }
    steps.push(
        markScreen(form),
        click(`${row} td.o_data_cell[name='${record.cell}']`, `Open ${form}`),
        ...screenLoaded(form, "form")
    );
    if (record.page) {
        steps.push(
            click(
                `.o_form_view .o_notebook .nav-link[name='${record.page}']`,
                `${form}: page ${record.page}`
            ),
            {
                content: `${form}: page ${record.page} lists ${record.row}`,
                trigger: `.o_form_view .o_notebook .tab-pane.active .o_data_row:contains("${record.row}")`,
            },
            noErrorDialog(`${form} (page ${record.page})`)
        );
    }
    if (record.hidden_page) {
        steps.push({
            content: `${form}: no page ${record.hidden_page}`,
            trigger: `.o_form_view .o_notebook:not(:has(.nav-link[name='${record.hidden_page}']))`,
        });
    }
    return steps;
}

function screenSteps(screen, plan, state) {
    const [first, ...others] = screen.views;
    const steps = [
        ...openMenu(screen.path, screen.name, state),
        ...screenLoaded(screen.name, first),
    ];
    for (const viewType of others) {
        steps.push(...switchView(viewType, screen.name));
    }
    if (screen.open) {
        if (others.length) {
            steps.push(...switchView(first, screen.name));
        }
        steps.push(...openRecord(screen.open, screen.name, plan.squares));
    }
    return steps;
}

/** Every tab of the agenda's tab bar, from its first tab (a credit manager's
 * app opens on the cockpit, a collector's on the agenda). */
function agendaTabSteps(app, state) {
    const tabs = registry
        .category("dso_dunning.agenda_tabs")
        .getEntries()
        .sort(([, a], [, b]) => a.sequence - b.sequence)
        .map(([key]) => key);
    state.app = app;
    // The tab on display is active already: its click changes nothing.
    return [
        ...openApp(app, state.hiddenApps),
        click(".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda']", "Agenda"),
        click(
            ".dropdown-item[data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda_manual']",
            "Agenda: manual actions"
        ),
        {
            content: "The agenda is on display",
            trigger: ".o_action_manager .o_dunning_agenda_bar",
            timeout: 20000,
        },
        ...tabs.flatMap((key) => [
            markScreen(`Agenda tab ${key}`),
            click(`.o_dunning_agenda_bar .o_dunning_tab_${key}`, `Agenda tab ${key}`),
            {
                content: `Agenda tab ${key}: loaded`,
                trigger: `.o_action_manager .o_dunning_tab_${key}.active, .o_error_dialog`,
                timeout: 20000,
            },
            noErrorDialog(`Agenda tab ${key}`),
        ]),
    ];
}

registry.category("web_tour.tours").add("dso_dunning_role_screens", {
    steps: () => {
        const plan = JSON.parse(browser.localStorage.getItem(PLAN_KEY) || "null");
        if (!plan) {
            return [
                {
                    trigger: "body",
                    run() {
                        throw new Error(`No plan in localStorage ${PLAN_KEY}: run the Python test`);
                    },
                },
            ];
        }
        const state = { app: null, hiddenApps: plan.hidden_apps };
        return [
            watchErrorDialogs(),
            ...screenLoaded(`Home of ${plan.role}`),
            ...plan.screens.flatMap((screen) => screenSteps(screen, plan, state)),
            ...(plan.agenda_app ? agendaTabSteps(plan.agenda_app, state) : []),
            noErrorDialog(`End of the ${plan.role} tour`),
        ];
    },
});
