// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { ask } from "./confirm.js";
import { el } from "./dom.js";
import { openDraft } from "./onboard.js";
import { renderSubmission } from "./submission.js";

/** @typedef {import("../types/bindings").DraftListItem} DraftListItem */

/** @param {HTMLElement} main */
export function renderDrafts(main) {
  const search = el("input", { id: "drafts-search", type: "search", "aria-describedby": "drafts-search-hint" });
  const stateFilter = el("select", { id: "drafts-state" });
  for (const state of ["", "draft", "waiting", "sending", "needs_attention", "submitted"]) {
    stateFilter.append(el("option", { value: state }, [state ? t(/** @type {any} */ (`draftState.${state}`)) : t("drafts.allStates")]));
  }
  const list = el("ul", { id: "drafts-list", class: "draft-list", "aria-live": "polite" });
  main.append(
    el("h1", {}, [t("nav.drafts")]),
    el("div", { class: "filters" }, [
      el("div", { class: "field" }, [el("label", { for: "drafts-search" }, [t("drafts.search")]), search, el("p", { class: "hint", id: "drafts-search-hint" }, [t("drafts.search.hint")])]),
      el("div", { class: "field" }, [el("label", { for: "drafts-state" }, [t("drafts.state")]), stateFilter]),
    ]),
    list,
  );
  const refresh = async () => {
    const items = await api.listDrafts(search.value, stateFilter.value);
    list.replaceChildren();
    if (items.length === 0) list.append(el("li", { class: "muted" }, [t("drafts.none")]));
    for (const item of items) list.append(row(main, item, refresh));
  };
  search.addEventListener("input", refresh);
  stateFilter.addEventListener("change", refresh);
  refresh();
  search.focus();
}

/**
 * @param {HTMLElement} main
 * @param {DraftListItem} item
 * @param {() => void} refresh
 */
function row(main, item, refresh) {
  const open = el("button", { type: "button", class: "link", "data-draft": item.id }, [item.displayName || t("drafts.unnamed")]);
  open.addEventListener("click", async () => {
    main.replaceChildren();
    if (item.state === "draft" || item.state === "ready") await openDraft(item.id);
    else renderSubmission(main, item.id);
  });
  const duplicate = el("button", { type: "button", class: "secondary small" }, [t("drafts.duplicate")]);
  duplicate.addEventListener("click", async () => {
    await api.duplicateDraft(item.id);
    refresh();
  });
  const remove = el("button", { type: "button", class: "danger small" }, [t("drafts.delete")]);
  remove.addEventListener("click", async () => {
    const name = item.displayName || t("drafts.unnamed");
    if (!(await ask({ title: t("drafts.confirmDelete.title"), question: t("drafts.confirmDelete", { name }), confirmLabel: t("drafts.delete") }))) return;
    await api.deleteDraft(item.id);
    refresh();
  });
  return el("li", { class: "draft-row" }, [
    open,
    el("span", { class: "muted" }, [item.maskedTaxId ?? ""]),
    el("span", { class: "state", "data-state": item.state }, [t(/** @type {any} */ (`draftState.${item.state}`))]),
    el("span", { class: "muted" }, [item.updatedAt]),
    duplicate,
    remove,
  ]);
}
