// @ts-check
/**
 * The Review step: what will be sent, grouped as the wizard's steps are, each group with
 * an Edit link back to its step, the scans as thumbnails, then what is still to fix.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { choicesOf } from "./choices.js";
import { reviewAssociates } from "./associates.js";
import { reviewOwners } from "./owners.js";
import { getPath } from "./draft_paths.js";
import { slotLabels } from "./scans.js";

/** @typedef {import("../types/bindings").Draft} Draft */
/** @typedef {import("../types/bindings").Issue} Issue */
/** @typedef {import("./steps.js").StepSpec} StepSpec */

/**
 * @param {HTMLElement} form
 * @param {Draft} draft
 * @param {StepSpec[]} steps
 * @param {{
 *   edit: (index: number, field?: string) => void,
 *   issues: Promise<Issue[]>,
 *   masked: Promise<Map<string, string>>,
 *   optionLabel: (option: string) => string,
 *   slots: import("../types/bindings").SlotSpec[],
 *   customers: Promise<import("../types/bindings").CosCustomer[]>,
 * }} actions
 */
export function renderReview(form, draft, steps, actions) {
  steps.forEach((step, index) => {
    if (step.id === "review") return;
    const titleId = `review-${step.id}-title`;
    const edit = el("button", { type: "button", class: "link small", "data-edit": step.id, "aria-describedby": titleId }, [t("review.edit")]);
    edit.addEventListener("click", () => actions.edit(index));
    const section = el("section", { class: "review-section", "data-section": step.id, "aria-labelledby": titleId }, [
      el("div", { class: "review-head" }, [el("h2", { id: titleId }, [t(/** @type {any} */ (step.title))]), edit]),
    ]);
    if (step.id === "scans") {
      // What the company's document is goes with the scans.
      if (step.fields.length > 0) section.append(factsOf(draft, step, actions.optionLabel, actions.masked));
      section.append(scansOf(draft, actions.slots));
    } else if (step.id === "owners") section.append(reviewOwners(draft, actions.customers));
    else if (step.id === "associates") section.append(reviewAssociates(draft));
    else section.append(factsOf(draft, step, actions.optionLabel, actions.masked));
    form.append(section);
  });

  const problems = el("ul", { id: "review-issues", class: "issues" });
  form.append(el("h2", {}, [t("review.problems")]), problems);
  actions.issues.then((issues) => {
    const errors = issues.filter((i) => i.severity === "error");
    const warnings = issues.filter((i) => i.severity === "warning");
    if (errors.length === 0 && warnings.length === 0) problems.append(el("li", {}, [t("review.none")]));
    for (const issue of [...errors, ...warnings]) {
      const go = el("button", { type: "button", class: "link" }, [issue.message]);
      go.addEventListener("click", () => {
        const index = steps.findIndex((s) => s.paths.some((p) => issue.field.startsWith(p)));
        actions.edit(index >= 0 ? index : 0, issue.field);
      });
      problems.append(el("li", { "data-severity": issue.severity }, [go]));
    }
  });
}

/**
 * @param {Draft} draft
 * @param {StepSpec} step
 * @param {(option: string) => string} optionLabel
 * @param {Promise<Map<string, string>>} masked the engine's masked form of each sensitive number
 */
function factsOf(draft, step, optionLabel, masked) {
  const list = el("dl", { class: "facts review" });
  for (const field of step.fields) {
    const value = getPath(draft, field.path);
    if (value === "" || value == null || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (field.sensitive) {
      // Shown as the engine masks it; nothing of the number until its answer is in.
      const dd = el("dd", { "data-masked": field.path }, ["••••"]);
      masked.then((forms) => (dd.textContent = forms.get(field.path) ?? "••••")).catch(() => {});
      list.append(el("dt", {}, [t(/** @type {any} */ (field.label))]), dd);
      continue;
    }
    const shown =
      field.type === "checkbox"
        ? t("review.yes")
        : field.choices
          ? (Array.isArray(value) ? value : [value]).map((v) => choicesOf(field.choices ?? "finSourcesOfFunds").find((c) => c.value === String(v))?.label ?? String(v)).join(", ")
          : field.type === "select" && field.options?.length
            ? optionLabel(String(value))
            : Array.isArray(value)
              ? value.join(", ")
              : String(value);
    list.append(el("dt", {}, [t(/** @type {any} */ (field.label))]), el("dd", {}, [shown]));
  }
  if (list.children.length === 0) return el("p", { class: "muted" }, [t("review.nothing")]);
  return list;
}

/**
 * @param {Draft} draft
 * @param {import("../types/bindings").SlotSpec[]} specs
 */
function scansOf(draft, specs) {
  if (draft.scans.length === 0) return el("p", { class: "muted" }, [t("review.noScans")]);
  const labels = new Map(slotLabels(specs, draft));
  const list = el("ul", { class: "review-scans" });
  for (const scan of draft.scans) {
    const label = labels.get(scan.slot) ?? t(/** @type {any} */ (`upload.slot.${scan.slot}`));
    const image = el("img", { class: "review-thumb", alt: t("scan.thumbnailOf", { name: scan.fileName }) });
    if (scan.thumbnailId) api.scanThumbnail(scan.thumbnailId).then((url) => (image.src = url)).catch(() => {});
    list.append(el("li", { "data-slot": scan.slot }, [scan.thumbnailId ? image : el("div", { class: "review-thumb pdf-tile", "aria-hidden": "true" }, ["PDF"]), el("span", {}, [label])]));
  }
  return list;
}

