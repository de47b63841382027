// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { choicesOf } from "./choices.js";
import { offerIn } from "./prefill.js";
import { el } from "./dom.js";
import { fieldId } from "./fields.js";
import { labelFor } from "./steps.js";

/** @typedef {import("../types/bindings").ScanSlot} ScanSlot */
/** @typedef {import("../types/bindings").SlotSpec} SlotSpec */
/** @typedef {import("../types/bindings").Draft} Draft */
/** @typedef {import("../types/bindings").TrayView} TrayView */
/** @typedef {import("../types/bindings").DropEvent} DropEvent */
/** @typedef {import("../types/bindings").ScanPreview} ScanPreview */
/** @typedef {(preview: ScanPreview) => void} OnPreview */

/** The MIME-like type an in-page drag of a tray file carries. */
const TRAY_DRAG = "application/x-branchdesk-tray";

/**
 * Each slot Rust says the draft's Scans step has, with its label in words: the side of
 * which document (and, for a BVNK company's people, whose); the selfie and the proof of
 * address marked optional unless the provider needs them.
 * @param {SlotSpec[]} specs
 * @param {Draft} [draft] names a BVNK company's people and its document's kind
 * @returns {[string, string][]} slot and its label
 */
export function slotLabels(specs, draft) {
  return specs.map((spec) => {
    const side = /:BACK$|^BACK$/.test(spec.slot) ? "back" : "front";
    /** @type {string} */
    let key;
    if (spec.document === "passport") key = "scan.passportPage";
    else if (spec.document === "selfie") key = spec.required ? "scan.selfie.required" : "scan.selfie";
    else if (spec.document === "proofOfAddress") key = spec.required ? "scan.proofOfAddress.fin" : "scan.proofOfAddress";
    else if (spec.document === "companyDocument") {
      const kind = draft ? choicesOf("bvnkCompanyDocuments").find((c) => c.value === draft.bvnk.companyDocumentType)?.label : undefined;
      return [spec.slot, kind ? t("scan.companyDocument.of", { kind }) : t("scan.companyDocument")];
    } else key = `scan.${side}.${spec.document}`;
    const what = t(/** @type {any} */ (key));
    const person = spec.person === undefined ? undefined : personOf(spec, draft);
    return [spec.slot, person ? t("scan.ofPerson", { what, person }) : what];
  });
}

/**
 * Whose document a BVNK associate's slot is: their name as typed, "Person 2" before it is
 * (in the staff's language), or as Rust said it when the draft does not say.
 * @param {SlotSpec} spec
 * @param {Draft} [draft]
 */
function personOf(spec, draft) {
  const key = /^ASSOCIATE:(.+):(FRONT|BACK)$/.exec(spec.slot)?.[1];
  const index = draft?.associates.findIndex((a, i) => (a.id.trim() || `A${i}`) === key) ?? -1;
  const associate = index >= 0 ? draft?.associates[index] : undefined;
  if (!associate) return spec.person;
  const name = [associate.name.first, associate.name.last].map((n) => n.trim()).filter(Boolean).join(" ");
  return name || t("associates.person", { n: String(index + 1) });
}

/** @param {number} bytes */
function size(bytes) {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** @param {unknown} error */
const detail = (error) => /** @type {import("../api.js").CommandError} */ (error).detail;

/**
 * Where files dragged from the desktop go: the scans step that is on screen, if any. The
 * channel is opened once per page; each render of the step takes it over.
 * @type {((event: DropEvent) => void) | null}
 */
let dropHandler = null;
let watchingDrops = false;

function watchDrops() {
  if (watchingDrops) return;
  watchingDrops = true;
  api.watchDrops((event) => dropHandler?.(event)).catch(() => (watchingDrops = false));
}

/**
 * Renders the scan slots of a draft and the scanner tray. Files are chosen with the
 * system's dialog, dropped from the desktop, or taken from the scanner folder; Rust checks
 * and encrypts them, and the page only ever shows their thumbnails.
 * @param {HTMLElement} container
 * @param {string} draftId
 * @param {Draft} draft
 * @param {SlotSpec[]} specs the slots Rust says this draft has
 * @param {(scans: ScanSlot[]) => void} changed
 * @param {import("../types/bindings").Issue[]} [requests] what the provider asked to have
 *   replaced, shown on the slot it concerns (`scans.FRONT`)
 * @param {((record: import("../types/bindings").DraftRecord) => void) | null} [prefilled]
 *   the draft once staff accepted values read from a scan (the offer is shown only then)
 */
export function renderScans(container, draftId, draft, specs, changed, requests = [], prefilled = null) {
  const slots = slotLabels(specs, draft);
  const grid = el("div", { class: "slots" });
  const status = el("p", { class: "muted", role: "status", "aria-live": "polite", id: "scan-status" });
  /** @type {Map<string, {box: HTMLElement, body: HTMLElement, error: HTMLElement}>} */
  const boxes = new Map();

  /**
   * Runs one change of a slot, showing what it is doing and any refusal in the slot. A new
   * file's checks and thumbnail are shown as soon as they are known, while its upload copy
   * is still being made. Another slot's change finishing redraws the step; the slot's
   * state lives in `pending` so the redraw keeps it.
   * @param {string} slot
   * @param {(onPreview: OnPreview) => Promise<ScanSlot[] | null>} work
   */
  const act = async (slot, work) => {
    const key = `${draftId}:${slot}`;
    const first = boxes.get(slot);
    if (!first || pending.has(key)) return;
    const before = [...first.body.childNodes];
    first.error.textContent = "";
    pending.set(key, null);
    first.box.setAttribute("aria-busy", "true");
    status.textContent = t("scan.checking");
    /** The slot's box as the step is drawn now. */
    const current = () => {
      const box = /** @type {HTMLElement | null} */ (grid.querySelector(`.slot[data-slot="${slot}"]`));
      return box?.isConnected ? box : null;
    };
    /** @type {OnPreview} */
    const onPreview = (preview) => {
      pending.set(key, preview);
      const body = /** @type {HTMLElement | null} */ (current()?.querySelector(".slot-body") ?? null);
      if (body) showPreview(body, preview);
      status.textContent = t("scan.preparing", { name: preview.fileName });
    };
    /** @type {ScanSlot[] | null} */
    let scans = null;
    try {
      scans = await work(onPreview);
      status.textContent = "";
    } catch (e) {
      status.textContent = "";
      const box = current();
      const body = box?.querySelector(".slot-body");
      // The preview was of a file that is not attached after all.
      if (body instanceof HTMLElement && body.dataset.preview) {
        body.replaceChildren(...before);
        delete body.dataset.preview;
      }
      const error = box?.querySelector(".error");
      if (error) error.textContent = detail(e);
    } finally {
      pending.delete(key);
      current()?.removeAttribute("aria-busy");
    }
    if (scans) changed(scans);
  };

  for (const [slot, label] of slots) {
    const filled = draft.scans.find((s) => s.slot === slot);
    const box = el("section", { class: "slot", "data-slot": slot, "data-filled": String(Boolean(filled)), "aria-label": label });
    box.append(el("h3", {}, [label]));
    const error = el("p", { class: "error", role: "alert" });
    const body = el("div", { class: "slot-body" });
    boxes.set(slot, { box, body, error });
    const asked = requests.filter((r) => r.field === `scans.${slot}`);
    if (asked.length > 0) {
      box.dataset.requested = "true";
      box.append(el("ul", { class: "requests", "aria-label": t("scan.requested") }, asked.map((r) => el("li", {}, [r.message]))));
    }
    if (filled) body.append(...describe(filled, null, filled.thumbnailId));
    else body.append(el("p", { class: "muted" }, [t("scan.empty")]));
    box.append(body);
    // A side that carries the document's data (a licence's barcode, a passport's zone):
    // what it gives, offered beside the draft.
    if (filled && prefilled && specs.find((s) => s.slot === slot)?.prefill) {
      offerIn(box, draftId, slot, prefilled, (path) => labelFor(path, draft.kind, draft.provider, (key) => t(/** @type {any} */ (key))));
    }
    const inFlight = pending.get(`${draftId}:${slot}`);
    if (inFlight !== undefined) {
      box.setAttribute("aria-busy", "true");
      if (inFlight) showPreview(body, inFlight);
    }

    // The rules' word on the slot (a scan missing, one too large) is shown under it, as on
    // a field, and "go to the problem" lands on its button.
    const path = `scans.${slot}`;
    const ruleId = fieldId(path);
    const choose = el("button", { type: "button", id: ruleId, class: filled ? "secondary" : "", "data-action": "choose", "data-path": path, "data-exact": "true", "aria-describedby": `${ruleId}-error` }, [
      t(filled ? "scan.replace" : "scan.choose"),
    ]);
    choose.addEventListener("click", () => act(slot, (onPreview) => api.chooseScan(draftId, slot, onPreview)));
    const actions = el("div", { class: "actions" }, [choose]);
    if (filled && filled.format !== "PDF") {
      for (const [turns, key] of /** @type {const} */ ([[-1, "scan.rotateLeft"], [1, "scan.rotateRight"]])) {
        const rotate = el("button", { type: "button", class: "secondary small", "data-action": turns < 0 ? "rotate-left" : "rotate-right", title: t(key), "aria-label": t(key) }, [turns < 0 ? "↺" : "↻"]);
        rotate.addEventListener("click", () => act(slot, () => api.rotateScan(draftId, slot, turns)));
        actions.append(rotate);
      }
    }
    if (filled) {
      const remove = el("button", { type: "button", class: "danger small", "data-action": "remove" }, [t("scan.remove")]);
      remove.addEventListener("click", () => act(slot, () => api.removeScan(draftId, slot)));
      actions.append(remove);
    }
    box.append(actions);
    if (filled && filled.checks.some((c) => !c.ok)) box.append(overrideBlock(filled, (reason) => act(slot, () => api.acceptScanWarnings(draftId, slot, reason))));
    box.append(el("p", { class: "error", id: `${ruleId}-error` }), error);

    // A file from the scanner tray dragged within the page.
    box.addEventListener("dragover", (event) => {
      if (event.dataTransfer?.types.includes(TRAY_DRAG)) {
        event.preventDefault();
        box.dataset.dropHover = "true";
      }
    });
    box.addEventListener("dragleave", () => delete box.dataset.dropHover);
    box.addEventListener("drop", (event) => {
      const name = event.dataTransfer?.getData(TRAY_DRAG);
      delete box.dataset.dropHover;
      if (!name) return;
      event.preventDefault();
      act(slot, (onPreview) => assign(draftId, slot, name, status, onPreview));
    });
    grid.append(box);
  }

  /** @param {number} x @param {number} y */
  const slotAt = (x, y) => /** @type {HTMLElement | null} */ (document.elementFromPoint(x, y)?.closest(".slot[data-slot]") ?? null);
  dropHandler = (event) => {
    if (!grid.isConnected) return;
    for (const { box } of boxes.values()) delete box.dataset.dropHover;
    if (event.kind === "leave") return;
    const box = slotAt(event.x, event.y);
    if (event.kind === "over") {
      if (box) box.dataset.dropHover = "true";
      return;
    }
    const slot = box?.dataset.slot;
    if (!slot) {
      status.textContent = t("scan.dropOnSlot");
      return;
    }
    act(slot, (onPreview) => api.attachDrop(draftId, slot, event.id, onPreview));
  };
  watchDrops();

  container.append(el("p", { class: "hint" }, [t("scan.hint")]), grid, status, tray(draftId, slots, status, act));
}

/**
 * Changes of slots still under way, kept across redraws of the step: `draftId:slot` → the
 * new file's preview, or null until it comes.
 * @type {Map<string, ScanPreview | null>}
 */
const pending = new Map();

/**
 * @param {HTMLElement} body
 * @param {ScanPreview} preview
 */
function showPreview(body, preview) {
  body.replaceChildren(...describe(preview, preview.thumbnail));
  body.dataset.preview = "true";
}

/**
 * The thumbnail, the file's facts and what the checks found: of a stored scan (its
 * thumbnail fetched by id) or of a preview (its thumbnail given, its size not known yet).
 * @param {ScanSlot | ScanPreview} filled
 * @param {string | null} thumbnail a data: URL
 * @param {string} [thumbnailId]
 * @returns {HTMLElement[]}
 */
function describe(filled, thumbnail, thumbnailId = "") {
  const image = el("img", { class: "thumb", alt: t("scan.thumbnailOf", { name: filled.fileName }) });
  if (thumbnail) image.src = thumbnail;
  else if (thumbnailId) api.scanThumbnail(thumbnailId).then((url) => (image.src = url));
  const pixels = filled.width && filled.height ? `${filled.width}×${filled.height} px` : "";
  const pages = filled.pages ? t("scan.pages", { pages: String(filled.pages) }) : "";
  const bytes = "bytes" in filled ? size(Number(filled.bytes)) : "";
  return [
    thumbnail || thumbnailId ? image : el("div", { class: "thumb pdf-tile", "aria-hidden": "true" }, ["PDF"]),
    el("p", { class: "muted small" }, [[filled.fileName, filled.format, pixels, pages, bytes].filter(Boolean).join(" · ")]),
    el(
      "ul",
      { class: "chips" },
      filled.checks.map((c) => el("li", { "data-ok": String(c.ok), "data-check": c.check }, [`${c.ok ? "✓" : "⚠"} ${c.message}`])),
    ),
  ];
}

/**
 * "Keep anyway": staff may accept a scan with warnings, saying why; the reason is audited.
 * @param {ScanSlot} filled
 * @param {(reason: string) => void} accept
 */
function overrideBlock(filled, accept) {
  if (filled.overrideReason) {
    return el("p", { class: "override", "data-overridden": "true" }, [t("scan.kept", { reason: filled.overrideReason })]);
  }
  const id = `override-${filled.slot}`;
  const reason = el("input", { id, type: "text", maxlength: "500", autocomplete: "off" });
  const keep = el("button", { type: "button", class: "secondary small", "data-action": "keep" }, [t("scan.keep")]);
  const submit = () => accept(reason.value);
  keep.addEventListener("click", submit);
  reason.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      submit();
    }
  });
  return el("div", { class: "field override" }, [el("label", { for: id }, [t("scan.keepReason")]), reason, keep]);
}

/**
 * @param {string} draftId
 * @param {string} slot
 * @param {string} name
 * @param {HTMLElement} status
 * @param {OnPreview} onPreview
 */
async function assign(draftId, slot, name, status, onPreview) {
  const answer = await api.assignFromScanner(draftId, slot, name, onPreview);
  if (!answer.removed) status.textContent = t("scan.notRemoved", { name });
  return answer.scans;
}

/**
 * The "From scanner" tray: files that appeared in the scanner folder, each assignable to a
 * slot by keyboard (a list of slots) or by dragging it onto one.
 * @param {string} draftId
 * @param {[string, string][]} slots
 * @param {HTMLElement} status
 * @param {(slot: string, work: (onPreview: OnPreview) => Promise<ScanSlot[] | null>) => Promise<void>} act
 */
function tray(draftId, slots, status, act) {
  const section = el("section", { class: "tray", id: "scanner-tray", "aria-labelledby": "tray-title" });
  /** @param {TrayView} view */
  const draw = (view) => {
    section.replaceChildren(el("h2", { id: "tray-title" }, [t("scan.tray")]));
    if (!view.folder) {
      section.append(el("p", { class: "muted" }, [t("scan.trayNoFolder")]));
      return;
    }
    section.append(el("p", { class: "muted small" }, [t("scan.trayFolder", { folder: view.folder })]));
    if (view.problem) section.append(el("p", { class: "error" }, [view.problem]));
    if (view.files.length === 0) {
      section.append(el("p", { class: "muted", "data-empty": "true" }, [t("scan.trayEmpty")]));
      return;
    }
    const list = el("ul", { class: "tray-files" });
    for (const file of view.files) {
      const item = el("li", { draggable: "true", "data-name": file.name });
      item.addEventListener("dragstart", (event) => event.dataTransfer?.setData(TRAY_DRAG, file.name));
      const when = new Date(Number(file.modified) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      const selectId = `tray-slot-${list.children.length}`;
      const target = el("select", { id: selectId, "aria-label": t("scan.assignTo", { name: file.name }) }, slots.map(([slot, label]) => el("option", { value: slot }, [label])));
      const go = el("button", { type: "button", class: "small", "data-action": "assign" }, [t("scan.assign")]);
      go.addEventListener("click", () => act(target.value, (onPreview) => assign(draftId, target.value, file.name, status, onPreview)));
      item.append(el("span", { class: "tray-name" }, [file.name]), el("span", { class: "muted small" }, [`${size(Number(file.bytes))} · ${when}`]), target, go);
      list.append(item);
    }
    section.append(list, el("p", { class: "hint" }, [t("scan.trayHint")]));
  };
  api
    .scannerTray((view) => {
      if (section.isConnected) draw(view);
    })
    .then(draw)
    .catch((e) => section.replaceChildren(el("p", { class: "error" }, [detail(e)])));
  return section;
}
