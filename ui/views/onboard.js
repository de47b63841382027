// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").Person} Person */
/** @typedef {import("../types/bindings").Issue} Issue */
/** @typedef {import("../types/bindings").CosOutcome} CosOutcome */
/** @typedef {import("../types/bindings").ScanStatus} ScanStatus */
/** @typedef {keyof Person} Field */

/** @type {{ name: Field, sensitive?: boolean, hint?: boolean, autocomplete?: string }[]} */
const FIELDS = [
  { name: "firstName", autocomplete: "given-name" },
  { name: "lastName", autocomplete: "family-name" },
  { name: "birthDate", hint: true, autocomplete: "bday" },
  { name: "ssn", sensitive: true, hint: true },
  { name: "citizenshipCountry", hint: true, autocomplete: "country" },
];

/** Polling of compliance statuses: starts quick, backs off, gives up after a while. */
const POLL_FIRST_MS = 1_000;
const POLL_MAX_MS = 15_000;
const POLL_GIVE_UP_MS = 10 * 60_000;

/** What staff typed survives re-renders and errors for the life of the window. */
/** @type {Person} */
const typed = {
  firstName: "",
  lastName: "",
  birthDate: "",
  ssn: "",
  citizenshipCountry: "",
};

/** Fields that have been left once: their errors are shown from then on. */
const touched = new Set();

/** @param {HTMLElement} main */
export function renderOnboard(main) {
  const form = el("form", { id: "cos-personal", novalidate: "", "aria-describedby": "form-status" });
  for (const field of FIELDS) form.append(fieldBlock(field));
  const submit = el("button", { type: "submit", id: "submit", title: t("onboard.submit.title") }, [
    t("onboard.submit"),
  ]);
  const status = el("p", { id: "form-status", role: "status", "aria-live": "polite" });
  form.append(el("div", { class: "actions" }, [submit]), status);
  const result = el("section", { id: "result", hidden: "", "aria-live": "polite" });
  main.append(
    el("h1", {}, [t("onboard.title")]),
    el("p", { class: "muted" }, [t("onboard.subtitle")]),
    form,
    result,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitForm(form, submit, status, result);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  form.addEventListener("focusout", (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (!input.name) return;
    touched.add(input.name);
    validate(form);
  });
  /** @type {HTMLInputElement | null} */ (form.querySelector("input"))?.focus();
}

/** @param {{ name: Field, sensitive?: boolean, hint?: boolean, autocomplete?: string }} field */
function fieldBlock(field) {
  const id = field.name;
  const describedBy = [field.hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");
  const input = el("input", {
    id,
    name: id,
    type: field.sensitive ? "password" : "text",
    autocomplete: field.autocomplete ?? "off",
    spellcheck: "false",
    "aria-describedby": describedBy,
  });
  input.value = typed[field.name];
  input.addEventListener("input", () => {
    typed[field.name] = input.value;
  });
  if (field.sensitive) {
    // Masked except while being edited, so a customer beside the screen sees dots.
    input.addEventListener("focus", () => (input.type = "text"));
    input.addEventListener("blur", () => (input.type = "password"));
  }
  const block = el("div", { class: "field" }, [
    el("label", { for: id }, [t(/** @type {any} */ (`field.${id}`))]),
    input,
  ]);
  if (field.hint) {
    block.append(el("p", { class: "hint", id: `${id}-hint` }, [t(/** @type {any} */ (`field.${id}.hint`))]));
  }
  block.append(el("p", { class: "error", id: `${id}-error` }));
  return block;
}

/**
 * Asks Rust for the rules' verdict and shows the errors of touched fields.
 * @param {HTMLFormElement} form
 * @returns {Promise<Issue[]>}
 */
async function validate(form) {
  const issues = await api.validateCosPersonal({ ...typed });
  showIssues(form, issues.filter((issue) => touched.has(issue.field)));
  return issues;
}

/**
 * @param {HTMLFormElement} form
 * @param {{ field: string, message: string }[]} issues
 */
function showIssues(form, issues) {
  for (const field of FIELDS) {
    const input = /** @type {HTMLInputElement} */ (form.querySelector(`#${field.name}`));
    const error = /** @type {HTMLElement} */ (form.querySelector(`#${field.name}-error`));
    const issue = issues.find((i) => i.field === field.name);
    error.textContent = issue ? issue.message : "";
    if (issue) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}

/**
 * @param {HTMLFormElement} form
 * @param {HTMLButtonElement} submit
 * @param {HTMLElement} status
 * @param {HTMLElement} result
 */
async function submitForm(form, submit, status, result) {
  for (const field of FIELDS) touched.add(field.name);
  const issues = (await validate(form)).filter((issue) => issue.severity === "error");
  if (issues.length > 0) {
    status.textContent = t("onboard.fix");
    focusField(form, issues[0].field);
    return;
  }
  submit.disabled = true;
  status.textContent = t("onboard.sending");
  try {
    const outcome = await api.submitCosPersonal({ ...typed });
    status.textContent = "";
    form.hidden = true;
    showResult(result, form, outcome);
  } catch (error) {
    const e = /** @type {import("../api.js").CommandError} */ (error);
    if (e.field) {
      showIssues(form, [{ field: e.field, message: e.detail }]);
      focusField(form, e.field);
      status.textContent = t("onboard.fix");
    } else if (e.code === "unreachable") status.textContent = t("error.unreachable");
    else if (e.code === "credentials") status.textContent = t("error.credentials");
    else if (e.code === "rejected") status.textContent = e.detail;
    else status.textContent = t("error.internal");
  } finally {
    submit.disabled = false;
  }
}

/**
 * @param {HTMLFormElement} form
 * @param {string} field
 */
function focusField(form, field) {
  /** @type {HTMLInputElement | null} */ (form.querySelector(`#${field}`))?.focus();
}

/**
 * @param {HTMLElement} result
 * @param {HTMLFormElement} form
 * @param {CosOutcome} outcome
 */
function showResult(result, form, outcome) {
  const again = el("button", { type: "button", id: "onboard-another" }, [t("result.new")]);
  again.addEventListener("click", () => {
    for (const field of FIELDS) typed[field.name] = "";
    touched.clear();
    const main = /** @type {HTMLElement} */ (result.parentElement);
    main.replaceChildren();
    renderOnboard(main);
  });
  result.replaceChildren(
    el("h2", { tabindex: "-1", id: "result-title" }, [t("result.title")]),
    el("dl", { class: "facts" }, [
      el("dt", {}, [t("result.customerId")]),
      el("dd", { id: "result-customer-id" }, [outcome.customerId]),
      el("dt", {}, [t("result.cif")]),
      el("dd", { id: "result-cif" }, [outcome.cifNumber ?? "—"]),
      el("dt", {}, [t("result.ofac")]),
      el("dd", { id: "result-ofac" }),
      el("dt", {}, [t("result.pep")]),
      el("dd", { id: "result-pep" }),
      el("dt", {}, [t("result.internal")]),
      el("dd", { id: "result-internal" }),
    ]),
    el("p", { id: "result-summary", role: "status" }),
    again,
  );
  result.hidden = false;
  /** @type {HTMLElement} */ (result.querySelector("#result-title")).focus();
  showStatuses(result, outcome);
  if (!outcome.settled) pollStatuses(result, outcome.customerId);
  void form;
}

/**
 * @param {HTMLElement} result
 * @param {CosOutcome} outcome
 */
function showStatuses(result, outcome) {
  /** @type {[string, ScanStatus | null][]} */
  const checks = [
    ["#result-ofac", outcome.ofac],
    ["#result-pep", outcome.pepScan],
    ["#result-internal", outcome.internalList],
  ];
  let attention = false;
  for (const [selector, value] of checks) {
    const cell = /** @type {HTMLElement} */ (result.querySelector(selector));
    cell.textContent = value ? t(`status.${value}`) : t("status.unknown");
    cell.dataset.status = value ?? "unknown";
    if (value === "Positive" || value === "Failed" || value === "Reviewing") attention = true;
  }
  const summary = /** @type {HTMLElement} */ (result.querySelector("#result-summary"));
  summary.textContent = attention
    ? t("result.attention")
    : t(outcome.settled ? "result.settled" : "result.pending");
  summary.dataset.attention = String(attention);
}

/**
 * The desktop stand-in for COS's webhooks: read the customer until every check settles.
 * @param {HTMLElement} result
 * @param {string} customerId
 */
async function pollStatuses(result, customerId) {
  const started = Date.now();
  let wait = POLL_FIRST_MS;
  while (document.contains(result) && Date.now() - started < POLL_GIVE_UP_MS) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, POLL_MAX_MS);
    try {
      const outcome = await api.cosCustomerStatus(customerId);
      showStatuses(result, outcome);
      if (outcome.settled) return;
    } catch {
      // A failed read is retried at the next tick; the last known statuses stay shown.
    }
  }
}
