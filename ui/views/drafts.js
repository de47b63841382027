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
  // Archived drafts show under this filter only; the engine reads it as its own value.
  stateFilter.append(el("option", { value: "archived" }, [t("drafts.archived")]));
  const list = el("ul", { id: "drafts-list", class: "draft-list", "aria-live": "polite" });
  const problem = el("p", { id: "drafts-error", class: "error", role: "alert" });
  main.append(
    el("h1", {}, [t("nav.drafts")]),
    el("div", { class: "filters" }, [
      el("div", { class: "field" }, [el("label", { for: "drafts-search" }, [t("drafts.search")]), search, el("p", { class: "hint", id: "drafts-search-hint" }, [t("drafts.search.hint")])]),
      el("div", { class: "field" }, [el("label", { for: "drafts-state" }, [t("drafts.state")]), stateFilter]),
    ]),
    problem,
    list,
  );
  const refresh = async () => {
    const items = await api.listDrafts(search.value, stateFilter.value);
    list.replaceChildren();
    if (items.length === 0) list.append(el("li", { class: "muted" }, [t("drafts.none")]));
    for (const item of items) list.append(row(main, item, refresh, problem));
  };
  search.addEventListener("input", refresh);
  stateFilter.addEventListener("change", refresh);
  refresh();
  search.focus();
}

/** A draft in these states was never planned: the only ones that may be deleted. */
const NEVER_PLANNED = ["draft", "ready"];

/**
 * @param {HTMLElement} main
 * @param {DraftListItem} item
 * @param {() => void} refresh
 * @param {HTMLElement} problem
 */
function row(main, item, refresh, problem) {
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
  /** @param {() => Promise<void>} action */
  const act = async (action) => {
    problem.textContent = "";
    try {
      await action();
    } catch (error) {
      problem.textContent = /** @type {import("../api.js").CommandError} */ (error).detail;
    }
    refresh();
  };
  // A draft that may have reached a provider is never deleted, only archived: its outbox
  // and the provider's ids are what keep it from being sent twice.
  let remove;
  if (NEVER_PLANNED.includes(item.state)) {
    remove = el("button", { type: "button", class: "danger small", "data-action": "delete" }, [t("drafts.delete")]);
    remove.addEventListener("click", async () => {
      const name = item.displayName || t("drafts.unnamed");
      if (!(await ask({ title: t("drafts.confirmDelete.title"), question: t("drafts.confirmDelete", { name }), confirmLabel: t("drafts.delete") }))) return;
      act(() => api.deleteDraft(item.id));
    });
  } else if (item.archived) {
    remove = el("button", { type: "button", class: "secondary small", "data-action": "unarchive" }, [t("drafts.unarchive")]);
    remove.addEventListener("click", () => act(() => api.unarchiveDraft(item.id)));
  } else {
    remove = el("button", { type: "button", class: "secondary small", "data-action": "archive" }, [t("drafts.archive")]);
    remove.addEventListener("click", () => act(() => api.archiveDraft(item.id)));
  }
  return el("li", { class: "draft-row", "data-archived": String(item.archived) }, [
    open,
    el("span", { class: "muted" }, [item.maskedTaxId ?? ""]),
    el("span", { class: "state", "data-state": item.state }, [t(/** @type {any} */ (`draftState.${item.state}`))]),
    el("span", { class: "muted" }, [item.updatedAt]),
    duplicate,
    remove,
  ]);
}
