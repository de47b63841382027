// @ts-check
/**
 * Drafts → Import customers: Rust opens the system's dialog for a CSV file and checks it
 * whole; this screen shows what it found (row, column, the rule's message) and offers to
 * import the valid rows or to cancel. The file itself never reaches the page.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").CsvCheck} CsvCheck */

/**
 * Asks Rust to choose and check a file, then shows the check. `back` redraws the Drafts
 * list, with a message when something was imported.
 * @param {HTMLElement} main
 * @param {HTMLElement} problem where a file refused as a whole is said
 * @param {(said?: string) => void} back
 */
export async function importCustomers(main, problem, back) {
  problem.textContent = "";
  /** @type {CsvCheck | null} */
  let check;
  try {
    check = await api.checkCustomersImport();
  } catch (error) {
    problem.textContent = /** @type {import("../api.js").CommandError} */ (error).detail;
    return;
  }
  if (!check) return;
  renderCheck(main, check, back);
}

/**
 * @param {HTMLElement} main
 * @param {CsvCheck} check
 * @param {(said?: string) => void} back
 */
function renderCheck(main, check, back) {
  const rows = String(check.rows);
  const summary = check.problemCount === 0
    ? t("imports.allValid", { rows })
    : t("imports.summary", { rows, valid: String(check.validRows), problems: String(check.problemCount) });
  const failure = el("p", { id: "import-error", class: "error", role: "alert" });
  const store = el("button", { type: "button", id: "import-valid" }, [t("imports.store", { count: String(check.validRows) })]);
  const cancel = el("button", { type: "button", id: "import-cancel", class: "secondary" }, [t("imports.cancel")]);
  if (check.validRows === 0) store.setAttribute("disabled", "");
  store.addEventListener("click", async () => {
    failure.textContent = "";
    store.setAttribute("disabled", "");
    try {
      const count = await api.storeCustomersImport();
      back(t("imports.stored", { count: String(count) }));
    } catch (error) {
      failure.textContent = /** @type {import("../api.js").CommandError} */ (error).detail;
    }
  });
  cancel.addEventListener("click", async () => {
    await api.cancelCustomersImport().catch(() => undefined);
    back();
  });
  main.replaceChildren(
    el("h1", {}, [t("imports.title")]),
    el("p", { id: "import-summary", role: "status" }, [summary]),
    check.problems.length ? problemTable(check) : el("p", { class: "muted" }, [t("imports.noProblems")]),
    check.problemCount > check.problems.length
      ? el("p", { class: "muted" }, [t("imports.more", { count: String(check.problemCount - check.problems.length) })])
      : "",
    check.validRows === 0 ? el("p", {}, [t("imports.nothingValid")]) : "",
    failure,
    el("div", { class: "actions" }, [store, cancel]),
  );
  (check.validRows === 0 ? cancel : store).focus();
}

/** @param {CsvCheck} check */
function problemTable(check) {
  const head = el("tr", {}, [
    el("th", { scope: "col" }, [t("imports.col.row")]),
    el("th", { scope: "col" }, [t("imports.col.column")]),
    el("th", { scope: "col" }, [t("imports.col.problem")]),
  ]);
  const body = el("tbody");
  for (const problem of check.problems) {
    body.append(el("tr", { class: "import-problem", "data-row": String(problem.row), "data-column": problem.column }, [
      el("td", {}, [String(problem.row)]),
      el("td", {}, [problem.column ? el("code", {}, [problem.column]) : t("imports.row")]),
      el("td", {}, [problem.message]),
    ]));
  }
  // The plain table style the Activity view uses.
  return el("table", { id: "import-problems", class: "activity" }, [el("thead", {}, [head]), body]);
}
