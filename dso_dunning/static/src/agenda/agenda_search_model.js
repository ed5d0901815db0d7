import { browser } from "@web/core/browser/browser";
import { user } from "@web/core/user";
import { SearchModel } from "@web/search/search_model";

/** Tabs whose filters follow the user from one to the other. */
export const SHARED_FILTER_TABS = ["manual", "automatic", "history"];

function storageKey(resModel) {
    return `dso_dunning.agenda.search:${user.userId}:${resModel}`;
}

/**
 * Search model of the agenda: the filters chosen in one of the first three
 * tabs stay applied in the others until cleared. The three tabs share one
 * search view, so the exported state of one is valid in the other; it is
 * kept in the session storage of the browser tab.
 */
export class AgendaSearchModel extends SearchModel {
    async load(config) {
        this.dsoSharedFilters = SHARED_FILTER_TABS.includes(config.context?.dso_agenda_tab);
        if (this.dsoSharedFilters && !config.state) {
            const saved = browser.sessionStorage.getItem(storageKey(config.resModel));
            if (saved) {
                config = { ...config, state: JSON.parse(saved) };
            }
        }
        return super.load(config);
    }

    async _notify() {
        await super._notify();
        if (this.dsoSharedFilters && !this.blockNotification) {
            browser.sessionStorage.setItem(
                storageKey(this.resModel),
                JSON.stringify(this.exportState())
            );
        }
    }
}
