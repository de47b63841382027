// @ts-check
// Why one file (about 680 lines): the wizard — its state, its steps drawn, autosave, Next
// and Submit — is one piece of behaviour; the steps' own parts (scans, owners, associates,
// review) have their files.
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { fieldBlock, fieldId, focusField, markRequired, optionLabel, showDependents, showIssues, showTidy, under } from "./fields.js";
import { getPath, setPath } from "./draft_paths.js";
import { renderAssociates } from "./associates.js";
import { backToBusiness, businessOf, customersFor, rememberOwnerOf, renderOwners } from "./owners.js";
import { renderReview } from "./review.js";
import { renderScans } from "./scans.js";
import { choicesOf, choicesReady, loadChoices } from "./choices.js";
import { showSubmission } from "./nav.js";
import { forgetUploads } from "./submission_steps.js";
import { KIND_TITLES, stepsFor, SUBMIT_LABELS } from "./steps.js";

/** @typedef {import("../types/bindings").Draft} Draft */
/** @typedef {import("../types/bindings").Issue} Issue */
/** @typedef {import("../types/bindings").LatinSuggestion} LatinSuggestion */
/** @typedef {import("../types/bindings").PartyKind} PartyKind */
/** @typedef {import("../types/bindings").Provider} Provider */
/** @typedef {import("./steps.js").FieldSpec} FieldSpec */
/** @typedef {import("./steps.js").StepSpec} StepSpec */

/** Autosave waits this long after the last keystroke, so typing is never interrupted. */
const AUTOSAVE_AFTER_MS = 700;

/**
 * The draft being edited. It lives in Rust's encrypted store; this is only the copy on
 * screen, never put in localStorage or sessionStorage.
 * `provider` is the provider's refusal of the last submission, shown on its field until
 * that field is changed; `reasons` are what Fin.com asked to have replaced, each shown on
 * its field or scan slot until that is changed. `suggestions` are the Latin forms offered
 * beside empty `_en` fields, from the last check.
 * `required` are the fields the rules require of the draft as it stands; `visited` the
 * steps left with Next; `gone` is set once the draft no longer exists (deleted elsewhere),
 * after which nothing is saved. `owners` are the customers the owner pickers offer, loaded
 * once per open draft (`ownersLoading`). `guided` is set on the sample customer of the
 * first-minute welcome's guided onboarding: each step shows a one-line hint.
 * @typedef {{ id: string, draft: Draft, issues: Issue[], touched: Set<string>, step: number, owners?: import("../types/bindings").CosCustomer[], ownersLoading?: Promise<import("../types/bindings").CosCustomer[]>, provider?: Issue, reasons?: Issue[], suggestions?: LatinSuggestion[], required?: Set<string>, tidy?: import("../types/bindings").FieldValue[], visited?: Set<string>, gone?: boolean, slots?: import("../types/bindings").SlotSpec[], slotsOf?: string, masked?: import("../types/bindings").FieldValue[], guided?: boolean }} Editing
 * @type {Editing | null}
 */
let current = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let saveTimer;
/** Set by openDraft: the next render of Onboard shows the wizard rather than the start screen. */
let resume = false;

/** @param {Draft} draft */
const stepsOf = (draft) => stepsFor(draft.kind, draft.provider);

/**
 * Opens a stored draft in the wizard (from Drafts, or after a provider asked for a fix),
 * on the step of the field the provider refused, with its message under it. Fin.com's
 * requests to replace documents open on `step` with each reason on its slot or field.
 * @param {string} id
 * @param {import("../types/bindings").StepProblem | null} [problem]
 * @param {{ step?: string, reasons?: Issue[] }} [options]
 */
export async function openDraft(id, problem, options = {}) {
  const record = await api.getDraft(id);
  current = { id, draft: record.draft, issues: [], touched: new Set(), step: 0 };
  const steps = stepsOf(current.draft);
  if (problem?.field) {
    const field = problem.field;
    current.provider = { field, code: problem.code, message: problem.message, severity: "error" };
    current.issues = [current.provider];
    current.touched.add(field);
    const index = steps.findIndex((s) => s.paths.some((p) => field.startsWith(p)));
    if (index >= 0) current.step = index;
  }
  // A reviewer sent it back: their marks are shown on those very fields and slots, as
  // Fin.com's requests are, until the maker submits again.
  const sentBack = record.decision?.decision === "send_back" && ["draft", "ready", "needs_attention"].includes(record.state) ? record.decision : null;
  if (sentBack) {
    const message = t("draft.sentBack", { reviewer: sentBack.reviewer, note: sentBack.note });
    const marks = sentBack.marks.map((mark) => ({ field: mark.startsWith("scan:") ? `scans.${mark.slice(5)}` : mark, code: "sent_back", message, severity: /** @type {const} */ ("warning") }));
    options = { ...options, reasons: [...(options.reasons ?? []), ...marks] };
  }
  if (options.reasons?.length) {
    // Guidance, not a rule: Fin.com reviews again whatever is sent, so its requests never
    // hold Submit back; they stay listed until what they concern is changed.
    current.reasons = options.reasons.map((r) => ({ ...r, severity: "warning" }));
    current.issues = [...current.issues, ...current.reasons];
    for (const reason of current.reasons) current.touched.add(reason.field);
  }
  if (options.step) {
    const index = steps.findIndex((s) => s.id === options.step);
    if (index >= 0) current.step = index;
  }
  resume = true;
  if (location.hash === "#onboard") window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = "#onboard";
}

/** @param {HTMLElement} main */
export function renderOnboard(main) {
  if (current && resume) {
    resume = false;
    renderWizard(main, current);
    return;
  }
  renderStart(main);
}

/** @param {Draft} draft */
function nameOf(draft) {
  return (draft.kind === "company" ? draft.company.legalName : [draft.name.first, draft.name.last].filter(Boolean).join(" ")).trim();
}

/** @param {HTMLElement} main */
function renderStart(main) {
  const person = el("button", { type: "button", id: "new-person", title: t("onboard.newPerson.title") }, [t("onboard.newPerson")]);
  const company = el("button", { type: "button", id: "new-company", class: "secondary" }, [t("onboard.newCompany")]);
  const finPerson = el("button", { type: "button", id: "new-fin-person", class: "secondary", title: t("onboard.newFinPerson.title") }, [t("onboard.newFinPerson")]);
  const bvnkCompany = el("button", { type: "button", id: "new-bvnk-company", class: "secondary", title: t("onboard.newBvnkCompany.title") }, [t("onboard.newBvnkCompany")]);
  const bvnkPerson = el("button", { type: "button", id: "new-bvnk-person", class: "secondary", title: t("onboard.newBvnkPerson.title") }, [t("onboard.newBvnkPerson")]);
  /**
   * @param {PartyKind} kind
   * @param {Provider} [provider]
   */
  const start = async (kind, provider) => {
    clearTimeout(saveTimer);
    // The unfinished draft, if any, stays in Drafts; the wizard moves on to the new one.
    const record = await api.createDraft(kind, provider);
    current = { id: record.id, draft: record.draft, issues: [], touched: new Set(), step: 0 };
    main.replaceChildren();
    renderWizard(main, current);
  };
  person.addEventListener("click", () => start("person"));
  company.addEventListener("click", () => start("company"));
  finPerson.addEventListener("click", () => start("person", "fin"));
  bvnkCompany.addEventListener("click", () => start("company", "bvnk"));
  bvnkPerson.addEventListener("click", () => start("person", "bvnk"));
  const unfinished = el("div", { id: "onboard-unfinished" });
  const welcome = el("div", { id: "onboard-welcome-slot" });
  main.append(
    el("h1", {}, [t("onboard.title")]),
    welcome,
    unfinished,
    el("p", { class: "muted", id: "onboard-choose" }, [t("onboard.choose")]),
    el("div", { class: "actions" }, [person, company, finPerson, bvnkCompany, bvnkPerson]),
  );
  person.focus();
  showWelcome(main, welcome, () => person.focus());
  const open = current;
  if (!open || open.gone) return;
  // The draft left open: carry on with it, unless it was deleted meanwhile.
  const name = nameOf(open.draft);
  const resumeButton = el("button", { type: "button", id: "continue-draft" }, [name ? t("onboard.continue", { name }) : t("onboard.continueUnnamed")]);
  resumeButton.addEventListener("click", () => {
    main.replaceChildren();
    renderWizard(main, open);
  });
  unfinished.append(el("p", {}, [t("onboard.unfinished")]), el("div", { class: "actions" }, [resumeButton]));
  /** @type {HTMLElement} */ (main.querySelector("#onboard-choose")).textContent = t("onboard.orNew");
  resumeButton.focus();
  api.getDraft(open.id).catch((error) => {
    if (/** @type {import("../api.js").CommandError} */ (error).code !== "not_found" || !unfinished.isConnected) return;
    open.gone = true;
    unfinished.replaceChildren(el("p", { id: "draft-deleted", role: "status" }, [name ? t("onboard.deletedNamed", { name }) : t("onboard.deleted")]));
    /** @type {HTMLElement} */ (main.querySelector("#onboard-choose")).textContent = t("onboard.choose");
    person.focus();
  });
}

/**
 * The first minute on a new desk in Training (Rust says when): what Training mode is, and
 * a guided onboarding of a sample customer with a hint on each step. Put away, or used,
 * it is not offered again. The focus stays where the start screen put it.
 * @param {HTMLElement} main
 * @param {HTMLElement} slot
 * @param {() => void} refocus puts the focus back on the start screen once it is put away
 */
function showWelcome(main, slot, refocus) {
  api
    .welcomeDue()
    .then((due) => {
      if (!due || !slot.isConnected) return;
      const guided = el("button", { type: "button", id: "welcome-guided" }, [t("welcome.guided")]);
      const later = el("button", { type: "button", id: "welcome-dismiss", class: "secondary" }, [t("welcome.dismiss")]);
      guided.addEventListener("click", async () => {
        clearTimeout(saveTimer);
        const record = await api.createSampleDraft();
        current = { id: record.id, draft: record.draft, issues: [], touched: new Set(), step: 0, guided: true };
        main.replaceChildren();
        renderWizard(main, current);
      });
      later.addEventListener("click", async () => {
        await api.dismissWelcome().catch(() => {});
        slot.replaceChildren();
        refocus();
      });
      slot.replaceChildren(
        el("section", { id: "onboard-welcome", class: "welcome", "aria-labelledby": "welcome-title" }, [
          el("h2", { id: "welcome-title" }, [t("welcome.title")]),
          el("p", {}, [t("welcome.training")]),
          el("p", {}, [t("welcome.try")]),
          el("p", { class: "muted" }, [t("welcome.help"), " ", el("a", { href: "#help", id: "welcome-help" }, [t("welcome.helpLink")])]),
          el("div", { class: "actions" }, [guided, later]),
        ]),
      );
    })
    .catch(() => {});
}

/**
 * The guided onboarding's hint for each step of a Cross River Personal customer.
 * @type {Record<string, import("../i18n/index.js").MessageKey>}
 */
const GUIDE = {
  customer: "guide.customer",
  contact: "guide.contact",
  identity: "guide.identity",
  scans: "guide.scans",
  review: "guide.review",
};

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {string[]} [focusFirst] selectors of what to focus once drawn, the first found
 */
function renderWizard(main, state, focusFirst = []) {
  if (!choicesReady()) {
    // The pick lists come from Rust once; the form is drawn when they are here.
    loadChoices().then(() => {
      if (current !== state) return;
      main.replaceChildren();
      renderWizard(main, state, focusFirst);
    });
    return;
  }
  const provider = state.draft.provider;
  const steps = stepsOf(state.draft);
  const step = steps[state.step];
  if ((step.id === "scans" || step.id === "review") && state.slotsOf !== slotsKey(state.draft)) {
    // The slots follow the document chosen: Rust says them for the draft as it is now.
    validate(state).then(() => {
      if (current !== state || !main.isConnected) return;
      main.replaceChildren();
      renderWizard(main, state, focusFirst);
    });
    return;
  }
  const list = el("ol", { class: "steps", "aria-label": t("onboard.steps") });
  steps.forEach((s, i) => {
    const button = el("button", { type: "button", class: "step", "data-step": s.id }, [
      el("span", { class: "step-mark", "aria-hidden": "true" }),
      t(/** @type {any} */ (s.title)),
      el("span", { class: "visually-hidden step-status" }),
    ]);
    if (i === state.step) button.setAttribute("aria-current", "step");
    button.addEventListener("click", () => goTo(main, state, i));
    list.append(el("li", {}, [button]));
  });
  markSteps(list, state);

  const panel = el("section", { class: "step-panel", "aria-labelledby": "step-title" });
  const kindTitle = KIND_TITLES[provider][state.draft.kind];
  panel.append(
    el("p", { class: "muted" }, [t(kindTitle)]),
    el("h1", { id: "step-title", tabindex: "-1" }, [t(/** @type {any} */ (step.title))]),
  );
  if (step.intro) panel.append(el("p", { class: "intro" }, [t(/** @type {any} */ (step.intro))]));
  const guide = state.guided ? GUIDE[step.id] : undefined;
  if (guide) panel.append(el("p", { id: "guide-hint", class: "guide" }, [t(guide)]));
  const link = businessOf(state.id);
  if (link) {
    // This person is being onboarded as an owner of a business kept in Drafts: say so, and
    // offer the way back (this draft stays in Drafts too).
    panel.append(
      el("div", { id: "owner-for", class: "intro" }, [
        el("p", {}, [t("owners.ownerFor", { name: link.businessName || t("owners.theBusiness") })]),
        backToBusiness(link, async () => {
          await leaveFor(state);
          await openDraft(link.businessId, null, { step: "owners" });
        }),
      ]),
    );
  }
  const form = el("form", { id: "step-form", novalidate: "" });
  panel.append(form);
  if (step.id === "review") {
    const checked = validate(state);
    renderReview(form, state.draft, steps, {
      edit: (index, field) => {
        if (field) state.touched.add(field);
        goTo(main, state, index, field ? [`#${fieldId(field)}`] : []);
      },
      issues: checked,
      masked: checked.then(() => new Map((state.masked ?? []).map((m) => [m.field, m.value]))),
      optionLabel,
      slots: state.slots ?? [],
      customers: state.draft.kind === "company" ? customersFor(state) : Promise.resolve([]),
    });
  } else if (step.id === "scans") {
    // What the scans are (a BVNK company's document) is asked above them.
    for (const field of step.fields) form.append(fieldBlock(state, field, change));
    renderScans(
      form,
      state.id,
      state.draft,
      state.slots ?? [],
      (scans) => {
        // A replaced file answers Fin.com's request for it: its reason no longer applies.
        const before = new Map(state.draft.scans.map((s) => [s.slot, s.scanId]));
        const changed = scans.filter((s) => before.get(s.slot) !== s.scanId).map((s) => `scans.${s.slot}`);
        for (const slot of before.keys()) if (!scans.some((s) => s.slot === slot)) changed.push(`scans.${slot}`);
        // Fin.com's remarks on the applicant as a whole name no field; a replaced scan answers them too.
        if (state.reasons && changed.length > 0) state.reasons = state.reasons.filter((r) => r.field !== "" && !changed.includes(r.field));
        // Rust stored the scans with the draft; keep the copy on screen in step.
        state.draft.scans = scans;
        // Focus stays on the slot just used, not back at the top of the step.
        const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        const slot = active?.closest(".slot")?.getAttribute("data-slot");
        const action = active?.dataset.action;
        const keep = slot ? [`.slot[data-slot="${slot}"] [data-action="${action}"]`, `.slot[data-slot="${slot}"] [data-action="choose"]`] : [];
        goTo(main, state, state.step, keep);
        // What the rules say of the slots now (a scan missing no longer), once they have answered.
        validate(state).then(() => {
          const shown = /** @type {HTMLElement | null} */ (main.querySelector("#step-form"));
          if (shown && current === state) showIssues(shown, state, change);
        });
      },
      state.reasons ?? [],
      (record) => {
        // Rust filled and saved the accepted fields: the form shows the draft as stored.
        state.draft = record.draft;
        validate(state).then(() => goTo(main, state, state.step));
      },
    );
  } else if (step.id === "owners") {
    renderOwners(form, state, change, {
      redraw: async (focus) => {
        await validate(state);
        goTo(main, state, state.step, focus);
      },
      onboardOwner: () => onboardOwner(main, state),
    });
  } else if (step.id === "associates") {
    renderAssociates(form, state, change, {
      redraw: async (focus) => {
        await validate(state);
        goTo(main, state, state.step, focus);
      },
    });
  } else {
    if (step.fields.length > 0) form.append(el("p", { class: "hint required-legend" }, [el("span", { class: "required-mark", "aria-hidden": "true" }, ["*"]), ` ${t("field.requiredLegend")}`]));
    for (const field of step.fields) form.append(fieldBlock(state, field, change));
  }

  const back = el("button", { type: "button", id: "back", class: "secondary" }, [t("onboard.back")]);
  back.disabled = state.step === 0;
  back.addEventListener("click", () => goTo(main, state, state.step - 1));
  const next =
    step.id === "review"
      ? el("button", { type: "submit", id: "submit", title: t("onboard.submit.title") }, [t(SUBMIT_LABELS[provider])])
      : el("button", { type: "submit", id: "next" }, [t("onboard.next")]);
  const saved = el("span", { id: "saved", class: "muted", role: "status", "aria-live": "polite" });
  const status = el("p", { id: "form-status", role: "alert" });
  form.append(el("div", { class: "actions" }, [back, next, saved]), status);
  // One Next (or Submit) at a time: a second press while the check is under way would
  // otherwise go on twice and skip a step, or send the draft twice.
  let moving = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.gone || moving) return;
    moving = true;
    try {
      if (step.id === "review") await submit(main, state, status);
      else await nextStep(main, state, step, status);
    } finally {
      moving = false;
    }
  });
  form.addEventListener("focusout", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const path = target.dataset?.path;
    if (!path) return;
    state.touched.add(path);
    validate(state).then(() => {
      showTidy(form, state, path, change);
      showIssues(form, state, change);
      markSteps(list, state);
    });
  });

  const wizard = el("div", { class: "wizard" }, [el("nav", { class: "step-list", "aria-label": t("onboard.steps") }, [list]), panel]);
  // Ctrl+Enter goes on (or submits, on Review) from anywhere in the wizard, the step's
  // heading included, where the focus lands on a step without fields.
  wizard.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  main.append(wizard);
  markRequired(form, state);
  showIssues(form, state, change);
  if (state.gone) showGone(main, state);
  const wanted = focusFirst.map((selector) => /** @type {HTMLElement | null} */ (panel.querySelector(selector))).find(Boolean);
  const firstInput = /** @type {HTMLElement | null} */ (form.querySelector("input, select"));
  (wanted ?? firstInput ?? /** @type {HTMLElement} */ (panel.querySelector("#step-title"))).focus();
  // The rules say which fields are required (they depend on the choices made so far).
  validate(state).then(() => {
    if (!form.isConnected) return;
    markRequired(form, state);
    markSteps(list, state);
  });
}

/**
 * Each step's mark in the step list, as the last check found it.
 * @param {HTMLElement} list
 * @param {Editing} state
 */
function markSteps(list, state) {
  const steps = stepsOf(state.draft);
  steps.forEach((s, i) => {
    const button = list.querySelector(`[data-step="${s.id}"]`);
    if (!button) return;
    const status = stepStatus(state, s);
    button.setAttribute("data-status", status);
    /** @type {HTMLElement} */ (button.querySelector(".step-mark")).textContent = status === "errors" ? "!" : status === "done" ? "✓" : String(i + 1);
    /** @type {HTMLElement} */ (button.querySelector(".step-status")).textContent = ` (${t(/** @type {any} */ (`step.status.${status}`))})`;
  });
}

/**
 * @param {Editing} state
 * @param {StepSpec} step
 * @returns {"done" | "errors" | "new"}
 */
function stepStatus(state, step) {
  const belongs = (/** @type {string} */ field) => step.paths.some((p) => field.startsWith(p));
  if (state.issues.some((i) => i.severity === "error" && belongs(i.field) && isTouched(state, i.field))) return "errors";
  const touched = [...state.touched].some(belongs);
  return touched || state.visited?.has(step.id) ? "done" : "new";
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {number} index
 * @param {string[]} [focusFirst]
 */
function goTo(main, state, index, focusFirst = []) {
  state.step = Math.max(0, Math.min(index, stepsOf(state.draft).length - 1));
  main.replaceChildren();
  renderWizard(main, state, focusFirst);
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {StepSpec} step
 * @param {HTMLElement} status
 */
async function nextStep(main, state, step, status) {
  for (const field of step.fields) state.touched.add(field.path);
  // Fields drawn from the draft (one set per owner row) count as much as the listed ones.
  for (const input of main.querySelectorAll("#step-form [data-path]")) state.touched.add(/** @type {HTMLElement} */ (input).dataset.path ?? "");
  // A step without fields of its own (Scans) answers for what its paths cover.
  for (const path of step.paths) state.touched.add(path);
  const at = state.step;
  await validate(state);
  // Staff may have gone to another step (or view) while the check ran: leave them there.
  // The same step redrawn meanwhile (a scan's answer arriving) still goes on.
  const form = /** @type {HTMLFormElement | null} */ (main.querySelector("#step-form"));
  if (!form || current !== state || state.step !== at) return;
  showIssues(form, state, change);
  const list = /** @type {HTMLElement | null} */ (main.querySelector(".step-list ol"));
  if (list) markSteps(list, state);
  const errors = state.issues.filter((i) => i.severity === "error" && step.paths.some((p) => i.field.startsWith(p)));
  if (errors.length > 0) {
    status.textContent = t("onboard.fixStep");
    // The first on screen, top to bottom, whatever order the rules listed them in.
    const shown = [...form.querySelectorAll("[data-path]")].find((input) => input.getAttribute("aria-invalid") === "true" && !input.closest("[hidden]"));
    if (shown instanceof HTMLElement) shown.focus();
    else focusField(form, errors[0].field);
    return;
  }
  (state.visited ??= new Set()).add(step.id);
  goTo(main, state, state.step + 1);
}

/**
 * @param {Editing} state
 * @param {string} path
 * @param {unknown} value
 */
function change(state, path, value) {
  setPath(state.draft, path, value);
  if (state.gone) return;
  // A Latin form staff type is theirs for the value beside it: recorded, so the rules can
  // flag it when that value changes.
  const source = latinSource(path);
  if (source) setPath(state.draft, `${path}From`, getPath(state.draft, source) ?? "");
  showDependents(path, value);
  if (state.provider?.field === path) state.provider = undefined;
  if (state.reasons) state.reasons = state.reasons.filter((r) => !under(r.field, path));
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => save(state), AUTOSAVE_AFTER_MS);
}

/**
 * The path of the value a Latin (`_en`) field is the Latin form of, or `null` for any
 * other field: `name.latin.last` → `name.last`, `addresses[0].street1Latin` →
 * `addresses[0].street1`.
 * @param {string} path
 */
function latinSource(path) {
  const name = /^name\.latin\.(first|middle|last)$/.exec(path);
  if (name) return `name.${name[1]}`;
  const street = /^(addresses\[\d+\]\.street[12])Latin$/.exec(path);
  return street ? street[1] : null;
}

// The wizard's shortcuts (ui/views/shortcuts.js): Ctrl+S saves now, Alt+→ and Alt+←
// go on and back as the buttons do (Next checks the step first).
window.addEventListener("wizard-key", (event) => {
  const form = /** @type {HTMLFormElement | null} */ (document.getElementById("step-form"));
  if (!form || !current) return;
  const what = /** @type {CustomEvent<"save" | "next" | "back">} */ (event).detail;
  if (what === "save") {
    clearTimeout(saveTimer);
    save(current);
  } else if (what === "next") form.requestSubmit();
  else {
    const back = /** @type {HTMLButtonElement | null} */ (document.getElementById("back"));
    if (back && !back.disabled) back.click();
  }
});

/** @param {Editing} state */
async function save(state) {
  if (state.gone) return;
  const saved = document.getElementById("saved");
  try {
    const at = await api.saveDraft(state.id, state.draft);
    if (saved) saved.textContent = t("onboard.saved", { time: at.savedAt });
  } catch (error) {
    if (/** @type {import("../api.js").CommandError} */ (error).code === "not_found") {
      // Deleted (from Drafts, say) while open: saving again can never work.
      state.gone = true;
      clearTimeout(saveTimer);
      const main = document.getElementById("main");
      if (main && current === state) showGone(main, state);
      return;
    }
    if (saved) saved.textContent = t("onboard.notSaved");
  }
}

/**
 * The draft on screen no longer exists: the form says so, saves nothing more, and offers
 * a new onboarding (what was typed stays on screen to copy from).
 * @param {HTMLElement} main
 * @param {Editing} state
 */
function showGone(main, state) {
  const form = main.querySelector("#step-form");
  if (!form || main.querySelector("#draft-gone")) return;
  const name = nameOf(state.draft);
  const again = el("button", { type: "button", id: "start-new" }, [t("onboard.startNew")]);
  again.addEventListener("click", () => {
    current = null;
    main.replaceChildren();
    renderStart(main);
  });
  const notice = el("div", { id: "draft-gone", class: "gone", role: "alert" }, [el("p", {}, [name ? t("onboard.goneNamed", { name }) : t("onboard.gone")]), again]);
  form.before(notice);
  for (const button of form.querySelectorAll("button[type='submit']")) /** @type {HTMLButtonElement} */ (button).disabled = true;
  const saved = main.querySelector("#saved");
  if (saved) saved.textContent = "";
  again.focus();
}

/** @param {Editing} state */
async function validate(state) {
  const local = await api.validateDraft(state.draft);
  state.issues = [...(state.provider ? [state.provider] : []), ...(state.reasons ?? []), ...local.issues];
  state.suggestions = local.suggestions;
  // A Latin form left behind by a change of its name or street is flagged on its field
  // straight away, not only once staff have been in that field.
  for (const s of local.suggestions) if (s.stale) state.touched.add(s.field);
  state.required = new Set(local.required);
  state.tidy = local.tidy;
  state.slots = local.slots;
  state.masked = local.masked;
  state.slotsOf = slotsKey(state.draft);
  return state.issues;
}

/**
 * What the Scans step's slots depend on: the provider, the primary document's type, and a
 * BVNK company's people (each one's id, document and name).
 * @param {Draft} draft
 */
function slotsKey(draft) {
  const document = draft.identityDocuments.find((d) => d.isPrimary) ?? draft.identityDocuments[0];
  const people = draft.associates.map((a) => [a.id, a.document.idType, a.name.first, a.name.last].join(":"));
  return `${draft.provider}|${document?.idType ?? ""}|${people.join(",")}`;
}

/**
 * @param {Editing} state
 * @param {string} field
 */
function isTouched(state, field) {
  return [...state.touched].some((path) => under(field, path));
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {HTMLElement} status
 */
async function submit(main, state, status) {
  clearTimeout(saveTimer);
  const issues = (await validate(state)).filter((i) => i.severity === "error");
  if (issues.length > 0) {
    for (const issue of issues) state.touched.add(issue.field);
    status.textContent = t("onboard.fix");
    return;
  }
  try {
    forgetUploads(state.id);
    await api.submitDraft(state.id, state.draft);
    const id = state.id;
    const provider = state.draft.provider;
    current = null;
    main.replaceChildren();
    showSubmission(main, id, provider);
  } catch (error) {
    const e = /** @type {import("../api.js").CommandError} */ (error);
    status.textContent = e.detail;
    // Rules checked only at Submit (which scans a document needs, say) name their field:
    // keep it on the field, like a provider's refusal, until it is changed.
    if (e.field) {
      state.provider = { field: e.field, code: e.code, message: e.detail, severity: "error" };
      state.touched.add(e.field);
      goTo(main, state, state.step);
      const shown = document.getElementById("form-status");
      if (shown) shown.textContent = e.detail;
    }
  }
}

/**
 * Saves the draft on screen now, rather than after the autosave's pause, before the wizard
 * moves to another draft. Throws when it could not be saved, so nothing is left behind.
 * @param {Editing} state
 */
async function leaveFor(state) {
  clearTimeout(saveTimer);
  if (state.gone) return;
  await api.saveDraft(state.id, state.draft);
}

/**
 * "Onboard a new owner": the business is saved as it stands (it stays in Drafts) and a new
 * Personal onboarding starts, remembered as this business's owner so the way back is offered;
 * once that person is submitted they are among the customers the business's pickers list.
 * @param {HTMLElement} main
 * @param {Editing} state
 */
async function onboardOwner(main, state) {
  await leaveFor(state);
  const record = await api.createDraft("person");
  rememberOwnerOf(record.id, state.id, nameOf(state.draft));
  current = { id: record.id, draft: record.draft, issues: [], touched: new Set(), step: 0 };
  main.replaceChildren();
  renderWizard(main, current);
}
