// @ts-check
/**
 * Prefill from the document itself: once a licence's BACK (or a passport's photo page) is
 * attached, the slot says what its barcode or zone gave ("Read from the barcode: 11 fields") and a panel lists each value beside
 * the draft's — empty fields ticked to fill, differing ones offered unticked, agreeing ones
 * noted — with what staff should know first (expired, a name or birth date that differs).
 * Nothing is filled until staff accept; Rust reads, matches and fills.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").Offer} Offer */
/** @typedef {import("../types/bindings").DraftRecord} DraftRecord */

/**
 * Asks Rust what the scan in `slot` offers and, when it offers anything, puts the line and
 * the button that opens the panel into `box`.
 * @param {HTMLElement} box the slot
 * @param {string} draftId
 * @param {string} slot
 * @param {(record: DraftRecord) => void} filled called with the draft once staff accepted
 * @param {(path: string) => string} label a field's name in the staff's words
 */
export async function offerIn(box, draftId, slot, filled, label) {
  // The line's room is taken at once, so that its words arriving later (the read takes a
  // moment) move nothing on the page under the pointer.
  const line = el("p", { class: "prefill-line", "aria-live": "polite" });
  box.append(line);
  /** @type {Offer | null} */
  let offer = null;
  try {
    offer = await api.prefillOffer(draftId, slot);
  } catch {
    return;
  }
  if (!offer || !box.isConnected) return;
  const key = offer.source === "mrz" ? "prefill.readMrz" : "prefill.readBarcode";
  const open = el("button", { type: "button", class: "secondary small", "data-action": "prefill" }, [t("prefill.review")]);
  const shown = /** @type {Offer} */ (offer);
  open.addEventListener("click", () => panel(draftId, slot, shown, filled, label));
  line.dataset.prefill = String(offer.fields.length);
  line.append(t(key, { count: String(offer.fields.length) }), " ", open);
}

/**
 * The panel: each value found beside the draft's, a box each, accept the ticked or all.
 * @param {string} draftId
 * @param {string} slot
 * @param {Offer} offer
 * @param {(record: DraftRecord) => void} filled
 * @param {(path: string) => string} label
 */
function panel(draftId, slot, offer, filled, label) {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const status = el("p", { id: "prefill-status", role: "status", "aria-live": "polite" });
  const flags = offer.flags.map((flag) => {
    if (flag.flag === "expired") return el("li", { class: "warn" }, [t("prefill.expired", { on: flag.on })]);
    return el("li", { class: "warn" }, [t(flag.flag === "nameDiffers" ? "prefill.nameDiffers" : "prefill.birthDateDiffers")]);
  });
  /** @type {HTMLInputElement[]} */
  const boxes = [];
  const rows = offer.fields.map((field, index) => {
    const id = `prefill-${index}`;
    const box = /** @type {HTMLInputElement} */ (el("input", { type: "checkbox", id, "data-path": field.path }));
    box.checked = field.kind === "fill";
    if (field.kind === "same") box.disabled = true;
    boxes.push(box);
    const says = field.kind === "differs" ? t("prefill.differs", { found: field.value, current: field.current }) : field.kind === "same" ? t("prefill.same") : t("prefill.empty");
    return el("tr", {}, [
      el("td", {}, [box]),
      el("th", { scope: "row" }, [el("label", { for: id }, [label(field.path)])]),
      el("td", {}, [field.value]),
      el("td", { class: "muted" }, [says]),
    ]);
  });
  const accept = el("button", { type: "button", id: "prefill-accept" }, [t("prefill.accept")]);
  const acceptAll = el("button", { type: "button", id: "prefill-accept-all", class: "secondary", "aria-keyshortcuts": "A" }, [t("prefill.acceptAll")]);
  const cancel = el("button", { type: "button", id: "prefill-cancel", class: "secondary" }, [t("confirm.cancel")]);
  const dialog = el("dialog", { id: "prefill-dialog", class: "prefill", "aria-labelledby": "prefill-title" }, [
    el("h2", { id: "prefill-title" }, [t("prefill.title")]),
    el("ul", { class: "flags" }, flags),
    el("table", { class: "prefill-fields" }, [
      el("thead", {}, [el("tr", {}, [el("th", { scope: "col" }, [t("prefill.use")]), el("th", { scope: "col" }, [t("case.field")]), el("th", { scope: "col" }, [t("prefill.found")]), el("th", { scope: "col" }, [t("prefill.draftHas")])])]),
      el("tbody", {}, rows),
    ]),
    status,
    el("div", { class: "actions" }, [cancel, acceptAll, accept]),
  ]);
  const close = () => {
    dialog.close();
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  };
  /** @param {string[]} paths */
  const fill = async (paths) => {
    try {
      const record = await api.acceptPrefill(draftId, slot, paths);
      close();
      filled(record);
    } catch (error) {
      status.textContent = /** @type {api.CommandError} */ (error).detail;
    }
  };
  accept.addEventListener("click", () => fill(boxes.filter((b) => b.checked).map((b) => b.dataset.path ?? "")));
  acceptAll.addEventListener("click", () => fill(boxes.filter((b) => !b.disabled).map((b) => b.dataset.path ?? "")));
  cancel.addEventListener("click", close);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    close();
  });
  // One key accepts all: "a", when no field has the focus for typing.
  dialog.addEventListener("keydown", (event) => {
    if (event.key.toLowerCase() === "a" && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      acceptAll.click();
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  acceptAll.focus();
}
