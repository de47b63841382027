// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { ask } from "./confirm.js";
import { el } from "./dom.js";
import { importCustomers } from "./import_customers.js";
import { openDraft } from "./onboard.js";
import { renderSubmission } from "./submission.js";

/** @typedef {import("../types/bindings").DraftListItem} DraftListItem */

/**
 * @param {HTMLElement} main
 * @param {string} [said] a message to show first (what an import stored)
 */
export function renderDrafts(main, said = "") {
  const search = el("input", { id: "drafts-search", type: "search", "aria-describedby": "drafts-search-hint" });
  const stateFilter = el("select", { id: "drafts-state" });
  for (const state of ["", "draft", "waiting", "sending", "needs_attention", "awaiting_check", "submitted", "approved"]) {
    stateFilter.append(el("option", { value: state }, [state ? t(/** @type {any} */ (`draftState.${state}`)) : t("drafts.allStates")]));
  }
  // Archived drafts show under this filter only; the engine reads it as its own value.
  stateFilter.append(el("option", { value: "archived" }, [t("drafts.archived")]));
  // A list with column headers, announced as a table so each cell is read with its header.
  const list = el("ul", { id: "drafts-list", class: "draft-list", role: "table", "aria-label": t("nav.drafts"), "aria-live": "polite" });
  const problem = el("p", { id: "drafts-error", class: "error", role: "alert" });
  const status = el("p", { id: "drafts-status", role: "status", "aria-live": "polite" }, [said]);
  const importButton = el("button", { type: "button", id: "import-customers", class: "secondary" }, [t("imports.open")]);
  importButton.addEventListener("click", () =>
    importCustomers(main, problem, (message) => {
      main.replaceChildren();
      renderDrafts(main, message);
    }),
  );
  main.append(
    el("h1", {}, [t("nav.drafts")]),
    el("div", { class: "actions" }, [importButton]),
    el("div", { class: "filters" }, [
      el("div", { class: "field" }, [el("label", { for: "drafts-search" }, [t("drafts.search")]), search, el("p", { class: "hint", id: "drafts-search-hint" }, [t("drafts.search.hint")])]),
      el("div", { class: "field" }, [el("label", { for: "drafts-state" }, [t("drafts.state")]), stateFilter]),
    ]),
    problem,
    status,
    list,
  );
  const listed = api.latest(api.listDrafts);
  const refresh = async () => {
    const items = await listed(search.value, stateFilter.value);
    // A newer search was typed meanwhile: its answer draws the list.
    if (items === undefined) return;
    list.replaceChildren(header());
    if (items.length === 0) list.append(el("li", { class: "muted", role: "row" }, [el("span", { role: "cell" }, [t("drafts.none")])]));
    for (const item of items) list.append(row(main, item, refresh, problem, status));
  };
  search.addEventListener("input", refresh);
  stateFilter.addEventListener("change", refresh);
  refresh();
  search.focus();
}

/** The list's column headers; the last column holds each row's actions. */
function header() {
  const cell = (/** @type {string} */ text) => el("span", { role: "columnheader" }, [text]);
  return el("li", { class: "draft-head", role: "row" }, [
    cell(t("drafts.col.name")),
    cell(t("drafts.col.provider")),
    cell(t("drafts.col.state")),
    cell(t("drafts.col.taxId")),
    cell(t("drafts.col.updated")),
    el("span", { role: "columnheader", class: "visually-hidden" }, [t("drafts.col.actions")]),
  ]);
}

/** When a draft last changed, as a date and a time in the staff's own locale. */
const updatedFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** @param {string} at RFC 3339 */
function updated(at) {
  const when = new Date(at);
  return Number.isNaN(when.getTime()) ? at : updatedFormat.format(when);
}

/** A draft in these states was never planned: the only ones that may be deleted. */
const NEVER_PLANNED = ["draft", "ready"];

/**
 * @param {HTMLElement} main
 * @param {DraftListItem} item
 * @param {() => void} refresh
 * @param {HTMLElement} problem
 * @param {HTMLElement} status
 */
function row(main, item, refresh, problem, status) {
  const open = el("button", { type: "button", class: "link", "data-draft": item.id }, [item.displayName || t("drafts.unnamed")]);
  open.addEventListener("click", async () => {
    main.replaceChildren();
    if (item.state === "draft" || item.state === "ready") await openDraft(item.id);
    else renderSubmission(main, item.id);
  });
  const duplicate = el("button", { type: "button", class: "secondary small", "data-action": "duplicate" }, [t("drafts.duplicate")]);
  duplicate.addEventListener("click", async () => {
    const name = item.displayName || t("drafts.unnamed");
    if (!(await ask({ title: t("drafts.confirmDuplicate.title"), question: t("drafts.confirmDuplicate", { name }), confirmLabel: t("drafts.duplicate"), danger: false }))) return;
    status.textContent = "";
    await act(() => api.duplicateDraft(item.id).then(() => undefined));
    if (!problem.textContent) status.textContent = t("drafts.duplicated");
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
  return el("li", { class: "draft-row", role: "row", "data-archived": String(item.archived) }, [
    el("span", { role: "cell" }, [open]),
    el("span", { role: "cell", class: "provider" }, [t(/** @type {any} */ (`provider.${item.provider}`))]),
    el("span", { role: "cell", class: "state", "data-state": item.state }, [t(/** @type {any} */ (`draftState.${item.state}`))]),
    el("span", { role: "cell", class: "muted" }, [item.maskedTaxId ?? ""]),
    el("span", { role: "cell", class: "muted" }, [updated(item.updatedAt)]),
    el("span", { role: "cell", class: "actions" }, [duplicate, remove]),
  ]);
}
