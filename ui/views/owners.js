// @ts-check
/**
 * A Business's owners: the primary owner and any number of beneficial owners, each a
 * Personal customer already at Cross River, shown by name (never by bare id) with what
 * their latest compliance results say. Rows are added and removed by keyboard; an owner
 * who is not a customer yet can be onboarded from here, the business kept in Drafts.
 * What is acceptable, and what a result means (`standing`), is decided in Rust.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { fieldBlock, fieldId } from "./fields.js";
import { getPath } from "./draft_paths.js";

/** @typedef {import("../types/bindings").CosCustomer} CosCustomer */
/** @typedef {import("../types/bindings").CosBeneficialOwner} CosBeneficialOwner */
/** @typedef {import("../types/bindings").Draft} Draft */
/** @typedef {import("./onboard.js").Editing} Editing */
/** @typedef {import("./fields.js").Change} Change */

/** The draft path of the beneficial owners, where issues about the list as a whole go. */
export const OWNERS = "cos.beneficialOwners";
const PRIMARY = "cos.primaryOwnerCustomerId";

/** @param {number} i */
const rowPath = (i) => `${OWNERS}[${i}]`;

/** @param {Draft} draft */
function ownersOfDraft(draft) {
  return draft.cos.beneficialOwners ?? [];
}

/**
 * The customers the pickers offer, asked of Rust once per open draft.
 * @param {Editing} state
 * @returns {Promise<CosCustomer[]>}
 */
export function customersFor(state) {
  state.ownersLoading ??= api.cosCustomers().then(
    (list) => (state.owners = list),
    (error) => {
      // Asked again next time the step is drawn, rather than never.
      state.ownersLoading = undefined;
      throw error;
    },
  );
  return state.ownersLoading;
}

/**
 * @param {CosCustomer} customer
 * @returns {string[]} each check that did not come back clear, in words
 */
function checksInWords(customer) {
  /** @type {[string, import("../types/bindings").ScanStatus | null, string | null][]} */
  const checks = [
    ["result.ofac", customer.ofac, customer.received.ofac],
    ["result.pep", customer.pepScan, customer.received.pepScan],
    ["result.internal", customer.internalList, customer.received.internalList],
  ];
  const wanted = customer.standing === "hit" ? ["Positive"] : ["Failed", "Reviewing"];
  return checks
    .filter(([, status]) => status && wanted.includes(status))
    .map(([check, status, at]) => {
      const words = t("owners.check", { check: t(/** @type {any} */ (check)), status: t(/** @type {any} */ (`status.${status}`)) });
      return at ? `${words} (${t("result.receivedAt", { time: at })})` : words;
    });
}

/**
 * How a customer is named to staff: by name, with the CIF number to tell two of one name apart.
 * @param {CosCustomer} customer
 */
export function customerName(customer) {
  return customer.cifNumber ? t("owners.named", { name: customer.name, cif: customer.cifNumber }) : customer.name;
}

/**
 * The words an option of the picker carries after the name: nothing for a customer whose
 * checks are clear, the hit or the open question otherwise (words, not colour).
 * @param {CosCustomer} customer
 */
function optionFlag(customer) {
  switch (customer.standing) {
    case "hit":
      return ` — ${t("owners.flag.hit", { checks: checksInWords(customer).join("; ") })}`;
    case "attention":
      return ` — ${t("owners.flag.attention", { checks: checksInWords(customer).join("; ") })}`;
    case "pending":
      return ` — ${t("owners.flag.pending")}`;
    default:
      return "";
  }
}

/**
 * What a chosen customer's checks say, in a sentence for under the picker and on Review.
 * @param {CosCustomer | undefined} customer undefined: an id this workstation does not know
 */
export function standingWords(customer) {
  if (!customer) return t("owners.standing.unknown");
  switch (customer.standing) {
    case "hit":
      return t("owners.standing.hit", { checks: checksInWords(customer).join("; ") });
    case "attention":
      return t("owners.standing.attention", { checks: checksInWords(customer).join("; ") });
    case "pending":
      return t("owners.standing.pending");
    default: {
      const times = [customer.received.ofac, customer.received.pepScan, customer.received.internalList].filter(Boolean).sort();
      const last = times[times.length - 1];
      return last ? t("owners.standing.clearAt", { time: last }) : t("owners.standing.clear");
    }
  }
}

/**
 * Shows under a picker what its chosen customer's checks say.
 * @param {HTMLElement} line
 * @param {Editing} state
 * @param {string} id the chosen customer id, or "" for none
 */
function showStanding(line, state, id) {
  if (!id || !state.owners) {
    line.textContent = "";
    line.removeAttribute("data-standing");
    return;
  }
  const customer = state.owners.find((c) => c.customerId === id);
  line.dataset.standing = customer?.standing ?? "unknown";
  line.textContent = standingWords(customer);
}

/**
 * A picker of Personal customers for an owner field, drawn like the wizard's other fields
 * (label, hint, error under it) with the chosen customer's standing between.
 * @param {Editing} state
 * @param {string} path
 * @param {string} label message key
 * @param {string | undefined} hint message key
 * @param {Change} change
 */
function ownerPicker(state, path, label, hint, change) {
  const id = fieldId(path);
  const describedBy = [hint ? `${id}-hint` : "", `${id}-standing`, `${id}-error`].filter(Boolean).join(" ");
  const select = el("select", { id, "data-path": path, "data-owner-picker": "true", "aria-describedby": describedBy });
  const standing = el("p", { id: `${id}-standing`, class: "owner-standing" });
  select.addEventListener("change", () => {
    change(state, path, select.value);
    showStanding(standing, state, select.value);
  });
  const block = el("div", { class: "field" }, [el("label", { for: id }, [t(/** @type {any} */ (label))]), select]);
  if (hint) block.append(el("p", { class: "hint", id: `${id}-hint` }, [t(/** @type {any} */ (hint))]));
  block.append(standing, el("p", { class: "error", id: `${id}-error` }));
  return block;
}

/**
 * Fills every owner picker on the form with the customers, by name and standing. A chosen
 * id the list does not have (a customer made elsewhere, or since forgotten) stays chosen,
 * said in words, so nothing staff chose is lost.
 * @param {HTMLElement} form
 * @param {Editing} state
 */
export function fillOwnerPickers(form, state) {
  for (const picker of form.querySelectorAll("select[data-owner-picker]")) {
    const select = /** @type {HTMLSelectElement} */ (picker);
    const value = String(getPath(state.draft, select.dataset.path ?? "") ?? "");
    const options = [el("option", { value: "" }, [t("field.choose")])];
    for (const customer of state.owners ?? []) {
      const option = el("option", { value: customer.customerId, "data-standing": customer.standing }, [`${customerName(customer)}${optionFlag(customer)}`]);
      options.push(option);
    }
    if (value && !(state.owners ?? []).some((c) => c.customerId === value)) {
      options.push(el("option", { value, "data-standing": "unknown" }, [state.owners ? t("owners.unknown") : t("owners.loading")]));
    }
    select.replaceChildren(...options);
    select.value = value;
    const line = /** @type {HTMLElement | null} */ (form.querySelector(`#${fieldId(select.dataset.path ?? "")}-standing`));
    if (line) showStanding(line, state, value);
  }
}

/**
 * @typedef {{
 *   redraw: (focus: string[]) => Promise<void>,
 *   onboardOwner: () => Promise<void>,
 * }} OwnerActions
 */

/**
 * The Owners step.
 * @param {HTMLFormElement} form
 * @param {Editing} state
 * @param {Change} change
 * @param {OwnerActions} actions
 */
export function renderOwners(form, state, change, actions) {
  form.append(el("p", { class: "hint required-legend" }, [el("span", { class: "required-mark", "aria-hidden": "true" }, ["*"]), ` ${t("field.requiredLegend")}`]));
  form.append(ownerPicker(state, PRIMARY, "field.primaryOwner", "field.primaryOwner.hint", change));

  const owners = ownersOfDraft(state.draft);
  // An empty list still shows one row to fill in; it joins the draft once typed into.
  const shown = Math.max(1, owners.length);
  const listId = fieldId(OWNERS);
  const group = el("fieldset", { id: listId, class: "owners", tabindex: "-1", "data-path": OWNERS, "data-exact": "true", "aria-describedby": `${listId}-error` }, [
    el("legend", {}, [t("owners.beneficial")]),
    el("p", { class: "error", id: `${listId}-error`, role: "alert" }),
  ]);
  // Leaving any row's field checks the list as a whole too (the shares' total).
  group.addEventListener("focusout", () => state.touched.add(OWNERS));
  for (let i = 0; i < shown; i++) {
    const titleId = `owner-row-${i}-title`;
    const row = el("section", { class: "owner-row", "data-row": String(i), "aria-labelledby": titleId }, [
      el("h3", { id: titleId }, [t("owners.row", { n: String(i + 1) })]),
      ownerPicker(state, `${rowPath(i)}.ownerCustomerId`, "field.beneficialOwner", undefined, change),
      fieldBlock(state, { path: `${rowPath(i)}.title`, label: "field.ownerTitle", hint: "field.ownerTitle.hint" }, change),
      fieldBlock(state, { path: `${rowPath(i)}.ownershipPercentage`, label: "field.ownershipPercentage", hint: "field.percent.hint", width: "short" }, change),
    ]);
    if (i < owners.length) {
      const remove = el("button", { type: "button", class: "secondary small", "data-action": "remove-owner", "data-row": String(i) }, [t("owners.remove", { n: String(i + 1) })]);
      remove.addEventListener("click", () => removeOwner(state, i, change, actions));
      row.append(remove);
    }
    group.append(row);
  }
  const add = el("button", { type: "button", id: "add-owner", class: "secondary" }, [t("owners.add")]);
  add.addEventListener("click", () => addOwner(state, change, actions));
  group.append(el("div", { class: "actions" }, [add]));
  form.append(group);

  const onboard = el("button", { type: "button", id: "onboard-owner", class: "secondary", "aria-describedby": "onboard-owner-hint" }, [t("owners.onboardNew")]);
  const problem = el("p", { id: "onboard-owner-error", class: "error", role: "alert" });
  onboard.addEventListener("click", async () => {
    onboard.disabled = true;
    problem.textContent = "";
    try {
      await actions.onboardOwner();
    } catch (error) {
      problem.textContent = t("owners.notSaved", { reason: /** @type {import("../api.js").CommandError} */ (error).detail ?? "" });
      onboard.disabled = false;
      onboard.focus();
    }
  });
  form.append(el("div", { class: "onboard-owner" }, [el("p", { id: "onboard-owner-hint", class: "hint" }, [t("owners.onboardNew.hint")]), onboard, problem]));
  if (state.owners) fillOwnerPickers(form, state);
  else {
    fillOwnerPickers(form, state);
    customersFor(state)
      .then(() => {
        if (form.isConnected) fillOwnerPickers(form, state);
      })
      .catch(() => {});
  }
}

/** @returns {CosBeneficialOwner} */
const emptyOwner = () => ({ ownerCustomerId: "", title: "", ownershipPercentage: "" });

/**
 * A new row, focused on its picker. The row shown for an empty list joins the draft too,
 * as it is on screen.
 * @param {Editing} state
 * @param {Change} change
 * @param {OwnerActions} actions
 */
async function addOwner(state, change, actions) {
  const owners = [...ownersOfDraft(state.draft)];
  if (owners.length === 0) owners.push(emptyOwner());
  owners.push(emptyOwner());
  change(state, OWNERS, owners);
  await actions.redraw([`#${fieldId(`${rowPath(owners.length - 1)}.ownerCustomerId`)}`]);
}

/**
 * Takes a row out. What staff had been told about later rows moves up with them; focus goes
 * to the row that took its place, or else to "Add".
 * @param {Editing} state
 * @param {number} index
 * @param {Change} change
 * @param {OwnerActions} actions
 */
async function removeOwner(state, index, change, actions) {
  const owners = ownersOfDraft(state.draft).filter((_, i) => i !== index);
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
  change(state, OWNERS, owners);
  const next = index < owners.length ? `#${fieldId(`${rowPath(index)}.ownerCustomerId`)}` : "#add-owner";
  await actions.redraw([next, "#add-owner"]);
}

/**
 * A path after row `removed` is taken out: `null` for the row's own fields, one row up for
 * those after it, unchanged otherwise.
 * @param {string} path
 * @param {number} removed
 * @returns {string | null}
 */
function shifted(path, removed) {
  const match = /^cos\.beneficialOwners\[(\d+)\](.*)$/.exec(path);
  if (!match) return path;
  const row = Number(match[1]);
  if (row === removed) return null;
  return row > removed ? `${rowPath(row - 1)}${match[2]}` : path;
}

/**
 * The owners on Review: each by name and CIF with their standing in words, the beneficial
 * owners with title and share.
 * @param {Draft} draft
 * @param {Promise<CosCustomer[]>} customers
 */
export function reviewOwners(draft, customers) {
  const list = el("dl", { class: "facts review", id: "review-owners", "aria-busy": "true" });
  const primary = draft.cos.primaryOwnerCustomerId;
  const owners = ownersOfDraft(draft);
  if (!primary && owners.length === 0) return el("p", { class: "muted" }, [t("review.nothing")]);
  customers
    .catch(() => /** @type {CosCustomer[]} */ ([]))
    .then((known) => {
      /** @param {string} id */
      const who = (id) => {
        const customer = known.find((c) => c.customerId === id);
        const standing = customer?.standing ?? "unknown";
        return el("dd", { "data-standing": standing }, [
          el("span", { class: "owner-name" }, [customer ? customerName(customer) : t("owners.unknown")]),
          el("span", { class: "owner-standing" }, [standingWords(customer)]),
        ]);
      };
      if (primary) {
        const dd = who(primary);
        dd.dataset.owner = "primary";
        list.append(el("dt", {}, [t("field.primaryOwner")]), dd);
      }
      owners.forEach((owner, i) => {
        const dd = owner.ownerCustomerId ? who(owner.ownerCustomerId) : el("dd", {}, [el("span", { class: "owner-name" }, [t("owners.notChosen")])]);
        dd.dataset.ownerRow = String(i);
        const share = owner.ownershipPercentage.trim();
        const details = [owner.title.trim(), share ? t("owners.share", { share: share.replace(/\s*%$/, "") }) : ""].filter(Boolean).join(", ");
        if (details) dd.append(el("span", { class: "owner-details" }, [details]));
        list.append(el("dt", {}, [t("owners.row", { n: String(i + 1) })]), dd);
      });
      list.removeAttribute("aria-busy");
    });
  return list;
}

/**
 * Owners being onboarded from a business's Owners step, by the person's draft id: the
 * business to go back to. Kept on this screen only (both drafts are in Drafts whatever
 * happens): it adds a way back, nothing more.
 * @type {Map<string, { businessId: string, businessName: string }>}
 */
const ownerOf = new Map();

/**
 * @param {string} personId
 * @param {string} businessId
 * @param {string} businessName
 */
export function rememberOwnerOf(personId, businessId, businessName) {
  ownerOf.set(personId, { businessId, businessName });
}

/**
 * The business a person's draft was started for, if any.
 * @param {string} personId
 */
export function businessOf(personId) {
  return ownerOf.get(personId);
}

/**
 * A button back to the business a person is being onboarded for.
 * @param {{ businessName: string }} link
 * @param {() => Promise<void> | void} go
 */
export function backToBusiness(link, go) {
  const name = link.businessName || t("owners.theBusiness");
  const button = el("button", { type: "button", id: "back-to-business" }, [t("owners.backTo", { name })]);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await go();
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
