// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").ScanSlot} ScanSlot */
/** @typedef {import("../types/bindings").Draft} Draft */

/**
 * The slots a document type needs, with the side printed on each.
 * @param {string} idType
 * @returns {[string, string][]} slot and its label's message key
 */
function slotsFor(idType) {
  const document = idType === "Passport" ? "passport" : idType === "IdCard" ? "idCard" : "licence";
  /** @type {[string, string][]} */
  const slots = idType === "Passport" ? [["FRONT", "scan.passportPage"]] : [["FRONT", `scan.front.${document}`], ["BACK", `scan.back.${document}`]];
  slots.push(["SELFIE", "scan.selfie"], ["PROOF_OF_ADDRESS", "scan.proofOfAddress"]);
  return slots;
}

/** @param {number} bytes */
function size(bytes) {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * Renders the scan slots of a draft. Files are chosen with the system's dialog, checked
 * and encrypted in Rust; the page only ever shows their thumbnails.
 * @param {HTMLElement} container
 * @param {string} draftId
 * @param {Draft} draft
 * @param {(scans: ScanSlot[]) => void} changed
 */
export function renderScans(container, draftId, draft, changed) {
  const idType = draft.identityDocuments[0]?.idType ?? "DriversLicense";
  const grid = el("div", { class: "slots" });
  for (const [slot, label] of slotsFor(idType)) {
    const filled = draft.scans.find((s) => s.slot === slot);
    const box = el("section", { class: "slot", "data-slot": slot, "data-filled": String(Boolean(filled)), "aria-label": t(/** @type {any} */ (label)) });
    box.append(el("h3", {}, [t(/** @type {any} */ (label))]));
    const error = el("p", { class: "error", role: "alert" });
    if (filled) {
      const image = el("img", { class: "thumb", alt: t("scan.thumbnailOf", { name: filled.fileName }) });
      if (filled.thumbnailId) api.scanThumbnail(filled.thumbnailId).then((url) => (image.src = url));
      const pixels = filled.width && filled.height ? `${filled.width}×${filled.height} px` : filled.pages ? t("scan.pages", { pages: String(filled.pages) }) : "";
      box.append(
        image,
        el("p", { class: "muted small" }, [[filled.fileName, filled.format, pixels, size(Number(filled.bytes))].filter(Boolean).join(" · ")]),
        el(
          "ul",
          { class: "chips" },
          filled.checks.map((c) => el("li", { "data-ok": String(c.ok), "data-check": c.check }, [`${c.ok ? "✓" : "⚠"} ${c.message}`])),
        ),
      );
    } else {
      box.append(el("p", { class: "muted" }, [t("scan.empty")]));
    }
    const choose = el("button", { type: "button", class: filled ? "secondary" : "", "data-action": "choose" }, [t(filled ? "scan.replace" : "scan.choose")]);
    choose.addEventListener("click", async () => {
      error.textContent = "";
      choose.disabled = true;
      choose.textContent = t("scan.checking");
      try {
        const scans = await api.chooseScan(draftId, slot);
        if (scans) changed(scans);
        else choose.textContent = t(filled ? "scan.replace" : "scan.choose");
      } catch (e) {
        error.textContent = /** @type {import("../api.js").CommandError} */ (e).detail;
        choose.textContent = t(filled ? "scan.replace" : "scan.choose");
      } finally {
        choose.disabled = false;
      }
    });
    const actions = el("div", { class: "actions" }, [choose]);
    if (filled) {
      const remove = el("button", { type: "button", class: "danger small", "data-action": "remove" }, [t("scan.remove")]);
      remove.addEventListener("click", async () => changed(await api.removeScan(draftId, slot)));
      actions.append(remove);
    }
    box.append(actions, error);
    grid.append(box);
  }
  container.append(grid);
}
