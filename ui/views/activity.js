// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").Words} Words */

/**
 * An entry's sentence in the staff's language: Rust says which message and with what;
 * `keyed` parameters are messages themselves ("the phone number").
 * @param {Words} words
 */
export function say(words) {
  /** @type {Record<string, string>} */
  const values = {};
  for (const [name, value] of Object.entries(words.params)) values[name] = value ?? "";
  for (const [name, key] of Object.entries(words.keyed)) values[name] = t(/** @type {any} */ (key ?? ""));
  return t(/** @type {any} */ (words.key), values);
}

/**
 * A date filter: typed as YYYY-MM-DD, checked by Rust.
 * @param {string} id
 * @param {string} label
 */
function dateField(id, label) {
  const input = el("input", { id, type: "text", inputmode: "numeric", autocomplete: "off", placeholder: t("activity.dates.placeholder"), "aria-describedby": "activity-dates-hint", class: "short" });
  return { input, block: el("div", { class: "field" }, [el("label", { for: id }, [t(/** @type {any} */ (label))]), input]) };
}

/** @param {HTMLElement} main */
export function renderActivity(main) {
  const outcome = el("select", { id: "activity-outcome" });
  for (const value of ["", "success", "failure", "unknown"]) {
    outcome.append(el("option", { value }, [value ? t(/** @type {any} */ (`outcome.${value}`)) : t("activity.all")]));
  }
  const draft = el("select", { id: "activity-draft" }, [el("option", { value: "" }, [t("activity.allDrafts")])]);
  api.listDrafts("", "").then((drafts) => {
    for (const d of drafts) draft.append(el("option", { value: d.id }, [d.displayName || t("drafts.unnamed")]));
  });
  const from = dateField("activity-from", "activity.from");
  const to = dateField("activity-to", "activity.to");
  const problem = el("p", { id: "activity-dates-error", class: "error", role: "alert" });
  const chain = el("p", { id: "activity-chain", role: "status" });
  const findings = el("ul", { id: "activity-findings", class: "issues" });
  const table = el("table", { class: "activity" });
  const older = el("button", { type: "button", id: "activity-older", class: "secondary" }, [t("activity.older")]);
  older.hidden = true;
  main.append(
    el("h1", {}, [t("nav.activity")]),
    chain,
    findings,
    el("div", { class: "filters" }, [
      el("div", { class: "field" }, [el("label", { for: "activity-draft" }, [t("activity.draft")]), draft]),
      el("div", { class: "field" }, [el("label", { for: "activity-outcome" }, [t("activity.outcome")]), outcome]),
      from.block,
      to.block,
    ]),
    el("p", { id: "activity-dates-hint", class: "hint" }, [t("activity.dates.hint")]),
    problem,
    table,
    older,
  );
  /** The `before` of the next page, while there is one. @type {number | null} */
  let next = null;
  /** @param {number | null} before */
  const load = (before) =>
    api.activity(draft.value, outcome.value, /** @type {HTMLInputElement} */ (from.input).value, /** @type {HTMLInputElement} */ (to.input).value, before);
  /** @param {import("../types/bindings").ActivityEntry} e */
  const row = (e) =>
    el("tr", { "data-outcome": e.outcome, "data-action": e.action }, [
      el("td", {}, [e.at]),
      el("td", { class: "who" }, [e.staff ?? t("activity.who.system")]),
      el("td", {}, [e.draftName || (e.draftId ?? "").slice(0, 8)]),
      // The step and path stay at hand for whoever audits, out of the sentence.
      el("td", { class: "words", title: [e.action, e.endpoint].filter(Boolean).join(" ") }, [say(e.words)]),
      el("td", {}, [t(/** @type {any} */ (`outcome.${e.outcome}`)) + (e.status ? ` (${e.status})` : "")]),
    ]);
  older.addEventListener("click", async () => {
    if (next === null) return;
    older.disabled = true;
    try {
      const page = await load(next);
      table.tBodies[0]?.append(...page.entries.map(row));
      next = page.older;
      older.hidden = next === null;
    } catch (error) {
      problem.textContent = /** @type {import("../api.js").CommandError} */ (error).detail;
    } finally {
      older.disabled = false;
    }
  });
  const first = api.latest(load);
  const refresh = async () => {
    let log;
    try {
      log = await first(null);
    } catch (error) {
      problem.textContent = /** @type {import("../api.js").CommandError} */ (error).detail;
      return;
    }
    // The filters changed again meanwhile: the newer answer draws the table.
    if (log === undefined) return;
    problem.textContent = "";
    chain.textContent = log.intact
      ? t("activity.intact", { count: String(log.checked) })
      : t("activity.broken", { count: String(log.problems) });
    chain.dataset.intact = String(log.intact);
    // What exactly is wrong, in words: an altered entry, a cut tail or a database put back.
    findings.replaceChildren(
      ...log.findings.map((f) =>
        el("li", { "data-kind": f.kind }, [t(/** @type {any} */ (`activity.problem.${f.kind}`), { seq: String(f.seq) })]),
      ),
    );
    const head = el("tr", {}, ["activity.time", "activity.who", "activity.draft", "activity.action", "activity.outcome"].map((k) => el("th", { scope: "col" }, [t(/** @type {any} */ (k))])));
    table.replaceChildren(el("thead", {}, [head]), el("tbody", {}, log.entries.map(row)));
    next = log.older;
    older.hidden = next === null;
  };
  outcome.addEventListener("change", refresh);
  draft.addEventListener("change", refresh);
  from.input.addEventListener("change", refresh);
  to.input.addEventListener("change", refresh);
  refresh();
}
