// @ts-check
/**
 * A BVNK company's associates: the people behind it, each with who they are, how to reach
 * them, their part in the company as three plain questions, and their identity document.
 * Added, edited and removed by keyboard; each keeps the id it was given when added, so its
 * scans stay its own when another is removed. What is acceptable (someone who controls the
 * company, someone who signs) is decided in Rust and shown here on its field or the list.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { ask } from "./confirm.js";
import { choicesOf } from "./choices.js";
import { el } from "./dom.js";
import { fieldBlock, fieldId } from "./fields.js";
import { getPath } from "./draft_paths.js";

/** @typedef {import("../types/bindings").Associate} Associate */
/** @typedef {import("../types/bindings").Draft} Draft */
/** @typedef {import("./onboard.js").Editing} Editing */
/** @typedef {import("./fields.js").Change} Change */
/** @typedef {import("./steps.js").FieldSpec} FieldSpec */

/** The draft path of the associates, where issues about the list as a whole go. */
export const ASSOCIATES = "associates";

/** @param {number} i */
const rowPath = (i) => `${ASSOCIATES}[${i}]`;

/** The three questions of a person's part in the company, by their field in the draft. */
const QUESTIONS = /** @type {const} */ ([
  ["hasOwnership", "associates.owns"],
  ["hasControl", "associates.controls"],
  ["isSigner", "associates.signs"],
]);

/**
 * A person's fields, in groups, each path under the person's own (`associates[0]`).
 * @type {[string, FieldSpec[]][]}
 */
const GROUPS = [
  [
    "associates.who",
    [
      { path: "name.first", label: "field.firstName" },
      { path: "name.last", label: "field.lastName" },
      { path: "title", label: "field.associateTitle", hint: "field.associateTitle.hint" },
      { path: "birthDate", label: "field.birthDate", hint: "field.birthDate.hint", width: "short" },
      { path: "birthCountry", label: "field.birthCountry", hint: "field.country.hint", width: "short" },
      { path: "email", label: "field.email", hint: "field.email.hint", width: "long" },
      { path: "phone", label: "field.phone", hint: "field.phone.e164.hint" },
      { path: "riskScore", label: "field.riskScore", hint: "field.riskScore.hint", type: "select", choices: "bvnkRiskScores" },
    ],
  ],
  [
    "associates.document",
    [
      { path: "document.idType", label: "field.idType", hint: "field.choices.hint", type: "select", choices: "bvnkDocumentTypes", required: true },
      { path: "document.number", label: "field.idNumber", sensitive: true },
      { path: "document.issuingCountry", label: "field.issuingCountry", hint: "field.country.hint", width: "short" },
    ],
  ],
  [
    "associates.homeAndTax",
    [
      { path: "address.street1", label: "field.homeStreet1", width: "long" },
      { path: "address.city", label: "field.city" },
      { path: "address.postalCode", label: "field.postalCodeAny", width: "short" },
      { path: "address.country", label: "field.country", hint: "field.country.hint", width: "short" },
      { path: "taxId.number", label: "field.taxNumberOptional", hint: "field.taxNumberOptional.hint", sensitive: true, width: "short" },
      { path: "taxId.country", label: "field.taxCountry", hint: "field.country.hint", width: "short" },
    ],
  ],
];

/** @param {Draft} draft */
const associatesOf = (draft) => draft.associates ?? [];

/**
 * A person as staff know them: their name as typed, or "Person 2" before it is.
 * @param {Associate} associate
 * @param {number} index
 */
export function associateName(associate, index) {
  return typedName(associate) || t("associates.person", { n: String(index + 1) });
}

/** @param {Associate} associate */
const typedName = (associate) => [associate.name.first, associate.name.last].map((n) => n.trim()).filter(Boolean).join(" ");

/**
 * The scan slots that belong to a person: the two sides (or the page) of their document,
 * filed under their id (or, for one saved before ids were given, their place).
 * @param {Draft} draft
 * @param {Associate} associate
 * @param {number} index
 */
function slotsOf(draft, associate, index) {
  const key = associate.id.trim() || `A${index}`;
  return draft.scans.filter((s) => s.slot.startsWith(`ASSOCIATE:${key}:`)).map((s) => s.slot);
}

/**
 * "Owns 25 % or more?": Yes or No, as a pair of radio buttons under the question.
 * @param {Editing} state
 * @param {string} path
 * @param {string} question message key
 * @param {Change} change
 */
function question(state, path, question, change) {
  const id = fieldId(path);
  const value = getPath(state.draft, path) === true;
  const legendId = `${id}-legend`;
  /** @param {boolean} answer */
  const choice = (answer) => {
    const radioId = answer ? id : `${id}-no`;
    const radio = el("input", { id: radioId, type: "radio", name: id, value: answer ? "yes" : "no", "data-path": path, "aria-describedby": `${id}-error` });
    radio.checked = value === answer;
    radio.addEventListener("change", () => {
      if (radio.checked) change(state, path, answer);
    });
    return el("span", { class: "answer" }, [radio, el("label", { for: radioId }, [t(answer ? "review.yes" : "review.no")])]);
  };
  return el("fieldset", { class: "field question", role: "radiogroup", "aria-labelledby": legendId }, [
    el("legend", { id: legendId }, [t(/** @type {any} */ (question))]),
    el("div", { class: "answers" }, [choice(true), choice(false)]),
    el("p", { class: "error", id: `${id}-error` }),
  ]);
}

/**
 * @typedef {{ redraw: (focus: string[]) => Promise<void> }} AssociateActions
 */

/**
 * The Associates step.
 * @param {HTMLFormElement} form
 * @param {Editing} state
 * @param {Change} change
 * @param {AssociateActions} actions
 */
export function renderAssociates(form, state, change, actions) {
  form.append(el("p", { class: "hint required-legend" }, [el("span", { class: "required-mark", "aria-hidden": "true" }, ["*"]), ` ${t("field.requiredLegend")}`]));
  const associates = associatesOf(state.draft);
  const listId = fieldId(ASSOCIATES);
  const group = el("fieldset", { id: listId, class: "associates", tabindex: "-1", "data-path": ASSOCIATES, "data-exact": "true", "aria-describedby": `${listId}-error` }, [
    el("legend", {}, [t("associates.legend")]),
    el("p", { class: "error", id: `${listId}-error`, role: "alert" }),
  ]);
  if (associates.length === 0) group.append(el("p", { class: "muted", id: "associates-none" }, [t("associates.none")]));
  const problem = el("p", { id: "associates-problem", class: "error", role: "alert" });
  associates.forEach((associate, i) => {
    const titleId = `associate-${i}-title`;
    const name = associateName(associate, i);
    const row = el("section", { class: "associate-row", "data-row": String(i), "data-associate": associate.id, "aria-labelledby": titleId }, [
      el("h3", { id: titleId }, [typedName(associate) ? t("associates.row", { n: String(i + 1), name }) : name]),
    ]);
    for (const [legend, fields] of GROUPS) {
      const part = el("fieldset", { class: "associate-part" }, [el("legend", {}, [t(/** @type {any} */ (legend))])]);
      for (const field of fields) part.append(fieldBlock(state, { ...field, path: `${rowPath(i)}.${field.path}` }, change));
      if (legend === "associates.who") {
        // Their part in the company, asked as BVNK's rules name it.
        const roles = el("fieldset", { class: "associate-part roles" }, [el("legend", {}, [t("associates.roles")])]);
        for (const [key, words] of QUESTIONS) roles.append(question(state, `${rowPath(i)}.${key}`, words, change));
        row.append(part, roles);
      } else row.append(part);
    }
    const remove = el("button", { type: "button", class: "danger small", "data-action": "remove-associate", "data-row": String(i) }, [t("associates.remove", { name })]);
    remove.addEventListener("click", () => removeAssociate(state, i, change, actions, problem));
    row.append(el("div", { class: "actions" }, [remove]));
    group.append(row);
  });
  const add = el("button", { type: "button", id: "add-associate", class: "secondary" }, [t("associates.add")]);
  add.addEventListener("click", () => addAssociate(state, change, actions));
  group.append(el("div", { class: "actions" }, [add]), problem);
  form.append(group);
}

/** @returns {Associate} */
function emptyAssociate() {
  const names = { prefix: "", first: "", middle: "", last: "", suffix: "", preferred: "", latin: { first: "", middle: "", last: "", firstFrom: "", middleFrom: "", lastFrom: "" } };
  const address = {
    addressType: "Home",
    classification: "Residential",
    isPrimary: true,
    street1: "",
    street2: "",
    street1Latin: "",
    street2Latin: "",
    street1LatinFrom: "",
    street2LatinFrom: "",
    city: "",
    state: "",
    postalCode: "",
    country: "",
  };
  return {
    // Fixed now, so the person's scans stay theirs whatever else is removed.
    id: crypto.randomUUID(),
    name: names,
    birthDate: "",
    title: "",
    ownershipPercentage: "",
    hasControl: false,
    isSigner: false,
    email: "",
    phone: "",
    taxId: { idType: "", number: "", country: "" },
    address,
    hasOwnership: false,
    birthCountry: "",
    document: { idType: "", number: "", issuingCountry: "" },
    riskScore: "",
  };
}

/**
 * A new person, focused on their first name.
 * @param {Editing} state
 * @param {Change} change
 * @param {AssociateActions} actions
 */
async function addAssociate(state, change, actions) {
  const associates = [...associatesOf(state.draft), emptyAssociate()];
  change(state, ASSOCIATES, associates);
  await actions.redraw([`#${fieldId(`${rowPath(associates.length - 1)}.name.first`)}`]);
}

/**
 * Takes a person out, once staff confirm: their scans are wiped with them (they are of no
 * one else). What staff had been told about later people moves up with them; focus goes to
 * the person who took their place, or else to "Add".
 * @param {Editing} state
 * @param {number} index
 * @param {Change} change
 * @param {AssociateActions} actions
 * @param {HTMLElement} problem
 */
async function removeAssociate(state, index, change, actions, problem) {
  const associate = associatesOf(state.draft)[index];
  if (!associate) return;
  const name = associateName(associate, index);
  const scans = slotsOf(state.draft, associate, index);
  const sure = await ask({
    title: t("associates.confirmRemove.title"),
    question: t(scans.length > 0 ? "associates.confirmRemove.scans" : "associates.confirmRemove", { name }),
    confirmLabel: t("associates.confirmRemove.yes"),
  });
  if (!sure) return;
  problem.textContent = "";
  try {
    for (const slot of scans) state.draft.scans = await api.removeScan(state.id, slot);
  } catch (error) {
    problem.textContent = t("associates.notRemoved", { name, reason: /** @type {import("../api.js").CommandError} */ (error).detail ?? "" });
    return;
  }
  const associates = associatesOf(state.draft).filter((_, i) => i !== index);
  /** @type {Set<string>} */
  const touched = new Set();
  for (const path of state.touched) {
    const moved = shifted(path, index);
    if (moved !== null) touched.add(moved);
  }
  state.touched = touched;
  if (state.provider) {
    const field = shifted(state.provider.field, index);
    state.provider = field === null ? undefined : { ...state.provider, field };
  }
  change(state, ASSOCIATES, associates);
  const next = index < associates.length ? `#${fieldId(`${rowPath(index)}.name.first`)}` : "#add-associate";
  await actions.redraw([next, "#add-associate"]);
}

/**
 * A path after person `removed` is taken out: `null` for the person's own fields, one up
 * for those after them, unchanged otherwise.
 * @param {string} path
 * @param {number} removed
 * @returns {string | null}
 */
function shifted(path, removed) {
  const match = /^associates\[(\d+)\](.*)$/.exec(path);
  if (!match) return path;
  const row = Number(match[1]);
  if (row === removed) return null;
  return row > removed ? `${rowPath(row - 1)}${match[2]}` : path;
}

/**
 * The people on Review: each by name and title, their part in the company in words, and
 * their document.
 * @param {Draft} draft
 */
export function reviewAssociates(draft) {
  const associates = associatesOf(draft);
  if (associates.length === 0) return el("p", { class: "muted" }, [t("review.nothing")]);
  const list = el("dl", { class: "facts review", id: "review-associates" });
  /**
   * @param {import("./choices.js").ListName} name
   * @param {string} value
   */
  const word = (name, value) => choicesOf(name).find((c) => c.value === value)?.label ?? value;
  associates.forEach((a, i) => {
    const roles = QUESTIONS.filter(([key]) => a[key]).map(([key]) => t(/** @type {any} */ (`associates.role.${key}`)));
    const document = [a.document.idType ? word("bvnkDocumentTypes", a.document.idType) : "", a.document.issuingCountry.trim()].filter(Boolean).join(", ");
    const details = [
      a.title.trim(),
      a.birthDate.trim() ? t("associates.born", { date: a.birthDate.trim() }) : "",
      roles.length > 0 ? roles.join(" · ") : t("associates.role.none"),
      document,
    ].filter(Boolean);
    list.append(
      el("dt", {}, [associateName(a, i)]),
      el("dd", { "data-associate": a.id }, details.map((d) => el("span", { class: "associate-detail" }, [d]))),
    );
  });
  return list;
}
