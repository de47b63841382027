// @ts-check
/**
 * What the Fin.com and BVNK result pages both show while a submission goes on: the
 * provider's terms (or agreements) for the customer to accept at the counter, as a link
 * and a QR code, and each scan's upload with a way to stop it.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { copyButton } from "./copy.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").UploadView} UploadView */
/** @typedef {import("../i18n/index.js").MessageKey} MessageKey */

/**
 * The words of a terms panel, so each provider's names its own terms.
 * @typedef {{ title: MessageKey, explain: MessageKey, qrAlt: MessageKey, link: MessageKey, confirm: MessageKey }} TermsWords
 */

/**
 * The terms panel: the customer opens the provider's terms on their phone (QR code) or on
 * this screen, accepts them there, and staff confirm it here. Drawn once per page; the
 * panel's heading is `<panel id>-title`.
 * @param {HTMLElement} panel
 * @param {string} draftId
 * @param {TermsWords} words
 * @param {() => void} accepted called once staff have confirmed and the provider took it
 */
export async function showTerms(panel, draftId, words, accepted) {
  if (panel.dataset.shown === "true") return;
  const headingId = `${panel.id}-title`;
  /** @type {import("../types/bindings").Terms | null} */
  let terms;
  try {
    terms = await api.finTerms(draftId);
  } catch (e) {
    const error = /** @type {import("../api.js").CommandError} */ (e);
    // A link not on the provider's own domain is neither drawn nor offered: only the reason.
    if (error.code === "terms_link_refused") {
      panel.dataset.shown = "true";
      panel.replaceChildren(el("h2", { id: headingId, tabindex: "-1" }, [t(words.title)]), el("p", { id: "terms-refused", class: "error", role: "alert" }, [error.detail]));
      panel.hidden = false;
    }
    return;
  }
  if (!terms || terms.accepted) return;
  panel.dataset.shown = "true";
  // A code made in Training leads to the built-in sandbox: it says so, for no one to mistake it.
  const practice = (await api.appInfo().catch(() => null))?.environment === "TRAINING";
  const heading = el("h2", { id: headingId, tabindex: "-1" }, [t(words.title)]);
  const qr = el("img", { id: "terms-qr", src: terms.qr, alt: t(words.qrAlt), width: "220", height: "220" });
  const url = el("p", { id: "terms-url", class: "terms-url" }, [terms.url]);
  const open = el("button", { type: "button", id: "terms-open", class: "secondary" }, [t("terms.open")]);
  const confirm = el("button", { type: "button", id: "terms-confirm" }, [t(words.confirm)]);
  const status = el("p", { id: "terms-status", class: "muted", role: "status", "aria-live": "polite" });
  const copy = copyButton("terms-copy", t("terms.copy"), () => terms?.url ?? "");
  open.addEventListener("click", async () => {
    status.textContent = "";
    try {
      await api.openFinTerms(draftId);
      status.textContent = t("terms.opened");
    } catch (e) {
      const error = /** @type {import("../api.js").CommandError} */ (e);
      status.textContent = error.code === "no_browser" ? t("terms.noBrowser") : error.detail;
      if (error.code === "no_browser") /** @type {HTMLElement} */ (copy.querySelector("button")).focus();
    }
  });
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      const now = await api.confirmFinTerms(draftId);
      if (now?.accepted) {
        panel.hidden = true;
        accepted();
      }
    } catch (e) {
      status.textContent = /** @type {import("../api.js").CommandError} */ (e).detail;
    } finally {
      confirm.disabled = false;
    }
  });
  panel.replaceChildren(
    heading,
    el("p", { class: "intro" }, [t(words.explain)]),
    el("div", { class: "terms-body" }, [
      el("figure", { class: "terms-code" }, [qr, ...(practice ? [el("figcaption", { id: "terms-practice", class: "practice" }, [t("terms.practice")])] : [])]),
      el("div", {}, [el("p", { class: "muted small" }, [t(words.link)]), url, copy]),
    ]),
    el("div", { class: "actions" }, [open, confirm]),
    status,
  );
  panel.hidden = false;
  heading.focus();
}

/**
 * Where upload progress goes: the submission on screen, if any. The channel is opened once
 * per page; each render of a result page takes it over.
 * @type {((view: UploadView) => void) | null}
 */
let uploadHandler = null;
let watchingUploads = false;

/**
 * The latest progress of each scan of each draft's submission, `draftId` → slot → view:
 * the runner starts sending as soon as Submit is answered, so a short upload can be over
 * before its result page is drawn; the page shows what it missed from here.
 * @type {Map<string, Map<string, UploadView>>}
 */
const uploadsSeen = new Map();

/** Opens the progress channel; called once the page is up, before any Submit. */
export function watchUploads() {
  if (watchingUploads) return;
  watchingUploads = true;
  api
    .watchUploads((view) => {
      const slots = uploadsSeen.get(view.draftId) ?? new Map();
      slots.set(view.slot, view);
      uploadsSeen.set(view.draftId, slots);
      uploadHandler?.(view);
    })
    .catch(() => (watchingUploads = false));
}

/**
 * Forgets a draft's earlier uploads as it is submitted again, so its result page shows only
 * what this submission sends.
 * @param {string} draftId
 */
export function forgetUploads(draftId) {
  uploadsSeen.delete(draftId);
}

/** @param {bigint | number} bytes */
function size(bytes) {
  const n = Number(bytes);
  return n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${Math.max(0, Math.round(n / 1024))} KB`;
}

/**
 * The uploads panel of a draft's submission, hidden until a scan is sent: a bar per slot
 * with the bytes sent, and Cancel (shown by the page while stopping makes sense).
 * @param {string} draftId
 * @param {(slot: string) => string} label the words of a slot
 * @param {MessageKey} [title]
 */
export function uploadsPanel(draftId, label, title = "upload.title") {
  const cancel = el("button", { type: "button", id: "upload-cancel", class: "danger small", hidden: "" }, [t("upload.cancel")]);
  const uploadStatus = el("p", { class: "muted small", role: "status", "aria-live": "polite" });
  const uploads = el("section", { id: "upload-progress", class: "panel", hidden: "", "aria-labelledby": "upload-title" }, [
    el("h2", { id: "upload-title" }, [t(title)]),
    el("div", { class: "upload-rows" }),
    el("div", { class: "actions" }, [cancel, uploadStatus]),
  ]);
  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    uploadStatus.textContent = t("upload.stopping");
    try {
      const stopped = await api.cancelUpload(draftId);
      uploadStatus.textContent = stopped ? t("upload.stopped") : t("upload.nothingToStop");
    } catch (e) {
      uploadStatus.textContent = /** @type {import("../api.js").CommandError} */ (e).detail;
    } finally {
      cancel.disabled = false;
    }
  });
  uploadHandler = (upload) => {
    if (upload.draftId === draftId && uploads.isConnected) showUpload(uploads, upload, label);
  };
  watchUploads();
  // Once the caller has put the panel on the page (its `label` may name what it builds
  // after this returns).
  queueMicrotask(() => {
    if (!uploads.isConnected) return;
    for (const upload of uploadsSeen.get(draftId)?.values() ?? []) showUpload(uploads, upload, label);
  });
  return { uploads, cancel };
}

/**
 * One scan's upload: a bar per slot, with the running total.
 * @param {HTMLElement} uploads
 * @param {UploadView} upload
 * @param {(slot: string) => string} label
 */
function showUpload(uploads, upload, label) {
  uploads.hidden = false;
  uploads.dataset.slot = upload.slot;
  const rows = /** @type {HTMLElement} */ (uploads.querySelector(".upload-rows"));
  let row = /** @type {HTMLElement | null} */ (rows.querySelector(`.upload-row[data-slot="${CSS.escape(upload.slot)}"]`));
  if (!row) {
    const id = `upload-${upload.slot.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    row = el("div", { class: "upload-row", "data-slot": upload.slot }, [
      el("label", { for: id }, [label(upload.slot)]),
      el("progress", { id, "data-slot": upload.slot, max: "1", value: "0" }),
      el("span", { class: "muted small upload-bytes" }),
    ]);
    rows.append(row);
  }
  const bar = /** @type {HTMLProgressElement} */ (row.querySelector("progress"));
  bar.max = Math.max(1, Number(upload.total));
  bar.value = Number(upload.sent);
  const done = upload.sent >= upload.total;
  row.dataset.done = String(done);
  const retry = upload.attempt > 1 ? ` · ${t("upload.retry", { attempt: String(upload.attempt) })}` : "";
  /** @type {HTMLElement} */ (row.querySelector(".upload-bytes")).textContent = `${size(upload.sent)} / ${size(upload.total)}${retry}`;
}
