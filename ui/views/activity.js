// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

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
  const chain = el("p", { id: "activity-chain", role: "status" });
  const findings = el("ul", { id: "activity-findings", class: "issues" });
  const table = el("table", { class: "activity" });
  main.append(
    el("h1", {}, [t("nav.activity")]),
    chain,
    findings,
    el("div", { class: "filters" }, [
      el("div", { class: "field" }, [el("label", { for: "activity-draft" }, [t("activity.draft")]), draft]),
      el("div", { class: "field" }, [el("label", { for: "activity-outcome" }, [t("activity.outcome")]), outcome]),
    ]),
    table,
  );
  const refresh = async () => {
    const log = await api.activity(draft.value, outcome.value);
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
    const head = el("tr", {}, ["activity.time", "activity.draft", "activity.action", "activity.outcome"].map((k) => el("th", { scope: "col" }, [t(/** @type {any} */ (k))])));
    const rows = log.entries.map((e) =>
      el("tr", { "data-outcome": e.outcome }, [
        el("td", {}, [e.at]),
        el("td", {}, [e.draftName || (e.draftId ?? "").slice(0, 8)]),
        el("td", {}, [e.action, e.endpoint ? el("span", { class: "muted small" }, [` ${e.endpoint}`]) : ""]),
        el("td", {}, [t(/** @type {any} */ (`outcome.${e.outcome}`)) + (e.status ? ` (${e.status})` : "")]),
      ]),
    );
    table.replaceChildren(el("thead", {}, [head]), el("tbody", {}, rows));
  };
  outcome.addEventListener("change", refresh);
  draft.addEventListener("change", refresh);
  refresh();
}
