// Steps shared by the dso_dunning tours.

/** Click a top menu of the Dunning app. */
export const menu = (xmlid) => ({
    trigger: `.o_main_navbar [data-menu-xmlid='dso_dunning.${xmlid}']`,
    run: "click",
});

/** Click an entry of an open Dunning menu. */
export const subMenu = (xmlid) => ({
    trigger: `.dropdown-item[data-menu-xmlid='dso_dunning.${xmlid}']`,
    run: "click",
});
