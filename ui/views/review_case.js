// @ts-check
/**
 * One case on one screen: the draft's fields (masked numbers revealed one at a time, each
 * reveal in the audit log), the scans with their checks and any warning kept with its
 * reason (opened in the viewer), history and notes, and the decision with its reason. A
 * send-back marks the fields and scans the maker is to fix. Who may decide is Rust's rule:
 * the screen shows what it answered.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { say } from "./activity.js";
import { reasonWords, waited } from "./review_queue.js";
import { labelFor } from "./steps.js";
import { openViewer } from "./viewer.js";

/** @typedef {import("../types/bindings").Case} Case */

/** The common reasons, as Rust lists them (`review::REASONS`). */
const REASONS = ["documents_verified", "identity_matches", "false_positive", "document_unreadable", "document_expired", "data_mismatch", "sanctions_match", "missing_information", "other"];

/**
 * @param {HTMLElement} main
 * @param {string} id
 * @param {() => void} back
 */
export async function renderCase(main, id, back) {
  const status = el("p", { id: "case-status", role: "status", "aria-live": "polite" });
  const backButton = el("button", { type: "button", id: "case-back", class: "link" }, [t("case.back")]);
  backButton.addEventListener("click", back);
  main.append(backButton, status);
  /** @type {Case} */
  let found;
  try {
    found = await api.openCase(id);
  } catch (error) {
    status.textContent = /** @type {api.CommandError} */ (error).detail;
    return;
  }
  draw(main, found, back);
}

/**
 * @param {HTMLElement} main
 * @param {Case} shown
 * @param {() => void} back
 */
function draw(main, shown, back) {
  const id = shown.summary.draftId;
  const backButton = el("button", { type: "button", id: "case-back", class: "link" }, [t("case.back")]);
  backButton.addEventListener("click", back);
  const status = el("p", { id: "case-status", role: "status", "aria-live": "polite" });
  const marks = new Set();

  const fields = el("table", { class: "case-fields" }, [
    el("caption", {}, [t("case.fields")]),
    el("thead", {}, [el("tr", {}, [el("th", { scope: "col" }, [t("case.field")]), el("th", { scope: "col" }, [t("case.value")]), el("th", { scope: "col" }, [t("case.mark")])])]),
  ]);
  const body = el("tbody");
  /** @param {string} path */
  const label = (path) => labelFor(path, shown.summary.kind, shown.summary.provider, (key) => t(/** @type {any} */ (key)));
  for (const field of shown.fields) {
    const value = el("td", { class: "case-value" }, [field.value]);
    if (field.sensitive) {
      const reveal = el("button", { type: "button", class: "link small", "data-reveal": field.path }, [t("case.reveal")]);
      reveal.addEventListener("click", async () => {
        try {
          value.replaceChildren(await api.revealField(id, field.path));
        } catch (error) {
          status.textContent = /** @type {api.CommandError} */ (error).detail;
        }
      });
      value.append(" ", reveal);
    }
    const box = el("input", { type: "checkbox", "data-mark": field.path, "aria-label": t("case.markField", { field: label(field.path) }) });
    box.addEventListener("change", () => (/** @type {HTMLInputElement} */ (box).checked ? marks.add(field.path) : marks.delete(field.path)));
    body.append(el("tr", { "data-path": field.path }, [el("th", { scope: "row" }, [label(field.path)]), value, el("td", {}, [box])]));
  }
  fields.append(body);

  const scans = el("section", { class: "case-scans", "aria-labelledby": "case-scans-title" }, [el("h2", { id: "case-scans-title" }, [t("case.scans")])]);
  if (shown.scans.length === 0) scans.append(el("p", { class: "muted" }, [t("case.noScans")]));
  const sides = shown.scans.filter((s) => s.slot === "FRONT" || s.slot === "BACK").map((s) => s.slot);
  if (sides.length === 2) {
    const both = el("button", { type: "button", id: "view-both" }, [t("case.viewBoth")]);
    both.addEventListener("click", () => openViewer({ draftId: id, slots: sides, label: shown.summary.customer }));
    scans.append(both);
  }
  for (const scan of shown.scans) {
    const view = el("button", { type: "button", "data-view-scan": scan.slot }, [t("case.view", { slot: scan.slot })]);
    view.addEventListener("click", () => openViewer({ draftId: id, slots: [scan.slot], label: shown.summary.customer }));
    const box = el("input", { type: "checkbox", "data-mark": `scan:${scan.slot}`, "aria-label": t("case.markScan", { slot: scan.slot }) });
    box.addEventListener("change", () => (/** @type {HTMLInputElement} */ (box).checked ? marks.add(`scan:${scan.slot}`) : marks.delete(`scan:${scan.slot}`)));
    const checks = el("ul", { class: "checks" }, scan.checks.map((c) => el("li", { class: c.ok ? "ok" : "warn" }, [`${c.ok ? "✓" : "⚠"} ${c.message}`])));
    scans.append(el("div", { class: "case-scan" }, [
      el("h3", {}, [scan.slot]),
      el("p", { class: "muted small" }, [`${scan.fileName} · ${scan.format}`]),
      checks,
      scan.overrideReason ? el("p", {}, [t("case.kept", { reason: scan.overrideReason })]) : "",
      view,
      el("label", {}, [box, " ", t("case.markThis")]),
    ]));
  }

  // The provider's results as the vault holds them.
  const results = el("section", { id: "case-results", "aria-labelledby": "case-results-title" }, [el("h2", { id: "case-results-title" }, [t("case.results")])]);
  const sub = shown.submission;
  /** @type {[string, string][]} */
  const facts = [];
  if (sub?.outcome) {
    facts.push([t("case.customerId"), sub.outcome.customerId]);
    for (const [name, status] of /** @type {const} */ ([["ofac", sub.outcome.ofac], ["pepScan", sub.outcome.pepScan], ["internalList", sub.outcome.internalList]])) {
      if (status) facts.push([t(/** @type {any} */ (`queue.check.${name}`)), t(/** @type {any} */ (`queue.status.${status}`))]);
    }
  }
  if (sub?.fin) {
    facts.push([t("case.customerId"), sub.fin.customerId], [t("case.providerStatus", { provider: "Fin.com" }), sub.fin.status]);
    for (const reason of sub.fin.reasons) facts.push([t("case.providerAsks"), reason.message]);
  }
  if (sub?.bvnk?.reference) facts.push([t("case.customerId"), sub.bvnk.reference], [t("case.providerStatus", { provider: "BVNK" }), sub.bvnk.status ?? ""]);
  if (facts.length === 0) results.append(el("p", { class: "muted" }, [t("case.noResults")]));
  else results.append(el("dl", { class: "case-facts" }, facts.flatMap(([term, value]) => [el("dt", {}, [term]), el("dd", {}, [value])])));

  const history = el("section", { "aria-labelledby": "case-history-title" }, [
    el("h2", { id: "case-history-title" }, [t("case.history")]),
    el("ul", { class: "case-history" }, shown.history.map((entry) => el("li", {}, [`${entry.at} — ${say(entry.words)}`]))),
  ]);

  const noteText = /** @type {HTMLTextAreaElement} */ (el("textarea", { id: "case-note", rows: "2" }));
  const addNote = el("button", { type: "button", id: "case-note-add", class: "secondary" }, [t("case.addNote")]);
  addNote.addEventListener("click", async () => {
    try {
      const updated = await api.addCaseNote(id, noteText.value);
      main.replaceChildren();
      draw(main, updated, back);
    } catch (error) {
      status.textContent = /** @type {api.CommandError} */ (error).detail;
      noteText.focus();
    }
  });
  const notes = el("section", { "aria-labelledby": "case-notes-title" }, [
    el("h2", { id: "case-notes-title" }, [t("case.notes")]),
    el("ul", { class: "case-notes" }, shown.notes.map((n) => el("li", {}, [el("strong", {}, [n.author]), ` · ${new Date(n.at).toLocaleString()} — `, n.body]))),
    el("label", { for: "case-note" }, [t("case.note")]),
    noteText,
    addNote,
  ]);

  const because = /** @type {HTMLSelectElement} */ (el("select", { id: "decision-because" }, [
    el("option", { value: "" }, [t("case.chooseReason")]),
    ...REASONS.map((r) => el("option", { value: r }, [t(/** @type {any} */ (`reason.${r}`))])),
  ]));
  const words = /** @type {HTMLTextAreaElement} */ (el("textarea", { id: "decision-note", rows: "2" }));
  /** @param {"approve" | "reject" | "send_back"} kind */
  const decide = async (kind) => {
    try {
      await api.decideCase(id, { kind, because: because.value, note: words.value, marks: [...marks] });
      back();
    } catch (error) {
      const failure = /** @type {api.CommandError} */ (error);
      status.textContent = failure.detail;
      if (failure.field === "reason") (because.value ? words : because).focus();
    }
  };
  const buttons = /** @type {const} */ ([["approve", "case.approve"], ["reject", "case.reject"], ["send_back", "case.sendBack"]]).map(([kind, label]) => {
    const button = el("button", { type: "button", id: `decide-${kind}`, class: kind === "reject" ? "danger" : kind === "send_back" ? "secondary" : "" }, [t(label)]);
    button.addEventListener("click", () => decide(kind));
    return button;
  });
  const decision = el("section", { class: "case-decision", "aria-labelledby": "case-decision-title" }, [
    el("h2", { id: "case-decision-title" }, [t("case.decision")]),
    shown.canDecide ? "" : el("p", { class: "muted", id: "case-cannot" }, [shown.summary.claimedBy && shown.summary.claimedBy !== document.body.dataset.person ? t("case.claimedBy", { name: shown.summary.claimedBy }) : t("case.cannotDecide")]),
    el("label", { for: "decision-because" }, [t("case.reason")]),
    because,
    el("label", { for: "decision-note" }, [t("case.reasonWords")]),
    words,
    el("div", { class: "actions" }, shown.canDecide ? buttons : []),
  ]);
  if (document.body.dataset.role === "admin" && shown.summary.claimedBy) {
    const release = el("button", { type: "button", id: "case-release", class: "link small" }, [t("case.release")]);
    release.addEventListener("click", async () => {
      const updated = await api.releaseCase(id);
      main.replaceChildren();
      draw(main, updated, back);
    });
    decision.append(release);
  }

  main.replaceChildren(
    backButton,
    el("h1", { id: "case-title" }, [shown.summary.customer]),
    el("p", { class: "case-why" }, [`${reasonWords(shown.summary)} · ${waited(shown.summary.waitingSince)}`]),
    status,
    el("div", { class: "case-columns" }, [el("div", {}, [fields, results]), scans]),
    decision,
    notes,
    history,
  );
  /** @type {HTMLElement} */ (main.querySelector("#case-title")).setAttribute("tabindex", "-1");
  /** @type {HTMLElement} */ (main.querySelector("#case-title")).focus();
}
