// @ts-check
/**
 * The review's document viewer: a scan at full resolution in a modal dialog, FRONT and
 * BACK side by side and a PDF's pages one after another, to zoom (wheel, + and -, Fit,
 * 100 %), move (drag, arrow keys) and turn a quarter (on screen only: the stored scan does
 * not change). Rust decrypts the scan and hands its pictures over as `data:` URLs only
 * when the viewer opens; closing it drops them. Nothing is kept in the page.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").ScanPage} ScanPage */
/** @typedef {string | [string, string]} SlotChoice a slot, or a slot and its label */

/** Zoom from one key press or button. */
const STEP = 1.25;
const MIN_SCALE = 0.05;
const MAX_SCALE = 8;
/** CSS pixels an arrow key moves the scan; with Shift, a screenful's share. */
const NUDGE = 60;
const BIG_NUDGE = 300;
/** Room between FRONT and BACK, and between a PDF's pages. */
const GAP = 24;

let opened = 0;

/**
 * Opens the viewer on `slots` of a draft (e.g. `["FRONT", "BACK"]`, or `[slot, label]`
 * pairs as `slotLabels` gives them) under the title `label`. Focus goes back to what opened
 * it when it closes.
 * @param {{ draftId: string, slots: SlotChoice[], label: string }} what
 * @returns {Promise<void>} settles when the viewer closes
 */
export function openViewer({ draftId, slots, label }) {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  opened += 1;
  const ids = {
    title: `viewer-title-${opened}`,
    help: `viewer-help-${opened}`,
    stage: `viewer-stage-${opened}`,
  };

  /** What is shown: scale, turn and where the content's corner is in the stage. */
  const view = { scale: 1, turns: 0, x: 0, y: 0, fit: true };

  /**
   * @param {string} text
   * @param {string} title
   * @param {string} action
   * @param {string} [name] the accessible name, when the visible text is a sign
   */
  const button = (text, title, action, name) => {
    const attributes = { type: "button", class: "secondary small", title, "data-action": action };
    if (name) Object.assign(attributes, { "aria-label": name });
    return el("button", attributes, [text]);
  };
  const fitButton = button(t("viewer.fit"), t("viewer.fit.title"), "fit");
  const actualButton = button(t("viewer.actual"), t("viewer.actual.title"), "actual");
  const outButton = button("−", t("viewer.zoomOut"), "zoom-out", t("viewer.zoomOut"));
  const inButton = button("+", t("viewer.zoomIn"), "zoom-in", t("viewer.zoomIn"));
  const turnButton = button(`↻ ${t("viewer.rotate")}`, t("viewer.rotate.title"), "rotate");
  const closeButton = el("button", { type: "button", class: "small", "data-action": "close" }, [t("viewer.close")]);
  const state = el("p", { class: "viewer-state", role: "status", "aria-live": "polite" });
  const tools = el("div", { class: "viewer-tools", role: "group", "aria-label": t("viewer.tools") }, [
    fitButton,
    actualButton,
    outButton,
    inButton,
    turnButton,
  ]);

  const canvas = el("div", { class: "viewer-canvas" });
  const stage = el("div", {
    id: ids.stage,
    class: "viewer-stage",
    tabindex: "0",
    role: "group",
    "aria-roledescription": t("viewer.stage.role"),
    "aria-label": t("viewer.stage", { what: label }),
    "aria-describedby": ids.help,
    "aria-busy": "true",
  }, [canvas]);
  const loading = el("p", { class: "viewer-loading" }, [t("viewer.loading")]);
  canvas.append(loading);

  const dialog = el("dialog", { class: "viewer", "aria-modal": "true", "aria-labelledby": ids.title, "aria-describedby": ids.help }, [
    el("div", { class: "viewer-bar" }, [el("h2", { id: ids.title }, [label]), tools, state, closeButton]),
    el("p", { id: ids.help, class: "visually-hidden" }, [t("viewer.help")]),
    stage,
  ]);
  document.body.append(dialog);

  /** @type {HTMLImageElement[]} */
  const images = [];
  /** @type {HTMLElement[]} the first page of each slot, which Fit fits */
  const firsts = [];
  let closed = false;

  // ---- What is shown ------------------------------------------------------------------

  /** The content's size at 100 %: its layout, which the transform does not change. */
  const natural = () => ({ width: canvas.offsetWidth, height: canvas.offsetHeight });

  /** Keeps the scan in reach: centred while it is smaller than the stage, else never off an edge. */
  const clamp = () => {
    const { width, height } = natural();
    const w = width * view.scale;
    const h = height * view.scale;
    const sw = stage.clientWidth;
    const sh = stage.clientHeight;
    view.x = w <= sw ? (sw - w) / 2 : Math.min(0, Math.max(sw - w, view.x));
    view.y = h <= sh ? (sh - h) / 2 : Math.min(0, Math.max(sh - h, view.y));
  };

  const draw = () => {
    clamp();
    canvas.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
    const percent = String(Math.round(view.scale * 100));
    const degrees = String(view.turns * 90);
    state.textContent = view.turns ? t("viewer.state.turned", { percent, degrees }) : t("viewer.state", { percent });
    fitButton.setAttribute("aria-pressed", String(view.fit));
    actualButton.setAttribute("aria-pressed", String(!view.fit && Math.abs(view.scale - 1) < 0.001));
    outButton.disabled = view.scale <= MIN_SCALE;
    inButton.disabled = view.scale >= MAX_SCALE;
    stage.dataset.movable = String(movable());
  };

  /** Whether there is more of the scan than the stage shows, so it can be moved. */
  const movable = () => {
    const { width, height } = natural();
    return width * view.scale > stage.clientWidth + 1 || height * view.scale > stage.clientHeight + 1;
  };

  /** The whole width, and the first page of each slot whole, in the stage. */
  const fit = () => {
    const { width } = natural();
    // Down to the foot of the first page, side's heading included.
    const tallest = firsts.length ? Math.max(...firsts.map((page) => page.offsetTop + page.offsetHeight)) : natural().height;
    const sw = stage.clientWidth - GAP;
    const sh = stage.clientHeight - GAP;
    // A small scan is brought up to twice its size at most: beyond, it only blurs.
    view.scale = clampScale(Math.min(sw / Math.max(1, width), sh / Math.max(1, tallest), 2));
    view.fit = true;
    view.x = 0;
    view.y = GAP / 2;
    draw();
  };

  /**
   * Zooms to `scale`, keeping the point at (`px`, `py`) of the stage where it is.
   * @param {number} scale
   * @param {number} [px]
   * @param {number} [py]
   */
  const zoomTo = (scale, px = stage.clientWidth / 2, py = stage.clientHeight / 2) => {
    const next = clampScale(scale);
    view.x = px - ((px - view.x) * next) / view.scale;
    view.y = py - ((py - view.y) * next) / view.scale;
    view.scale = next;
    view.fit = false;
    draw();
  };

  /**
   * @param {number} dx
   * @param {number} dy
   */
  const move = (dx, dy) => {
    view.fit = false;
    view.x += dx;
    view.y += dy;
    draw();
  };

  const turn = () => {
    view.turns = (view.turns + 1) % 4;
    for (const image of images) layOut(image, view.turns);
    if (view.fit) fit();
    else draw();
  };

  // ---- The pages ----------------------------------------------------------------------

  /**
   * @param {string} slot
   * @param {string} what the slot in words
   * @param {HTMLElement} column
   */
  const load = async (slot, what, column) => {
    /** @type {ScanPage[]} */
    let pages;
    try {
      pages = await api.scanPages(draftId, slot);
    } catch (error) {
      if (closed) return;
      column.append(el("p", { class: "error", role: "alert" }, [/** @type {import("../api.js").CommandError} */ (error).detail ?? String(error)]));
      return;
    }
    if (closed) return;
    const several = pages.length > 1 || (pages[0]?.pages ?? 1) > 1;
    let first = true;
    for (const page of pages) {
      const name = several ? t("viewer.page", { what, page: String(page.page), pages: String(page.pages) }) : what;
      /** @type {HTMLElement} */
      let box;
      if (page.dataUrl) {
        const image = el("img", { alt: name, draggable: "false", decoding: "async" });
        image.dataset.width = String(page.width);
        image.dataset.height = String(page.height);
        box = el("figure", { class: "viewer-page" }, [image]);
        layOut(image, view.turns);
        image.src = page.dataUrl;
        images.push(image);
      } else {
        box = el("figure", { class: "viewer-page viewer-missing" }, [el("p", {}, [t("viewer.noPicture", { what: name })])]);
      }
      column.append(box);
      if (first) firsts.push(box);
      first = false;
    }
    const last = pages.at(-1);
    if (last && last.page < last.pages) {
      column.append(el("p", { class: "viewer-note" }, [t("viewer.morePages", { shown: String(last.page), pages: String(last.pages) })]));
    }
  };

  const columns = slots.map((choice) => {
    const [slot, what] = Array.isArray(choice) ? choice : [choice, sideOf(choice, label)];
    const column = el("section", { class: "viewer-column", "aria-label": what, "data-slot": slot }, [el("h3", { class: "viewer-side" }, [what])]);
    return { column, done: load(slot, what, column) };
  });

  Promise.all(columns.map((c) => c.done)).then(() => {
    if (closed) return;
    loading.remove();
    canvas.append(...columns.map((c) => c.column));
    stage.removeAttribute("aria-busy");
    fit();
  });

  // ---- Pointer and keys ---------------------------------------------------------------

  stage.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const lines = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 16 : event.deltaMode === WheelEvent.DOM_DELTA_PAGE ? 400 : 1;
      const bounds = stage.getBoundingClientRect();
      zoomTo(view.scale * Math.exp(-event.deltaY * lines * 0.0015), event.clientX - bounds.left, event.clientY - bounds.top);
    },
    { passive: false },
  );

  /** @type {{ id: number, x: number, y: number } | null} */
  let drag = null;
  stage.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY };
    stage.setPointerCapture(event.pointerId);
    stage.dataset.dragging = "true";
    stage.focus({ preventScroll: true });
  });
  stage.addEventListener("pointermove", (event) => {
    if (!drag || drag.id !== event.pointerId) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    drag.x = event.clientX;
    drag.y = event.clientY;
    move(dx, dy);
  });
  /** @param {PointerEvent} event */
  const endDrag = (event) => {
    if (!drag || drag.id !== event.pointerId) return;
    drag = null;
    delete stage.dataset.dragging;
    if (stage.hasPointerCapture(event.pointerId)) stage.releasePointerCapture(event.pointerId);
  };
  stage.addEventListener("pointerup", endDrag);
  stage.addEventListener("pointercancel", endDrag);

  fitButton.addEventListener("click", fit);
  actualButton.addEventListener("click", () => zoomTo(1));
  inButton.addEventListener("click", () => zoomTo(view.scale * STEP));
  outButton.addEventListener("click", () => zoomTo(view.scale / STEP));
  turnButton.addEventListener("click", turn);

  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Tab") {
      trap(event);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const big = event.shiftKey ? BIG_NUDGE : NUDGE;
    /** @type {Record<string, () => void>} */
    const keys = {
      "+": () => zoomTo(view.scale * STEP),
      "=": () => zoomTo(view.scale * STEP),
      "-": () => zoomTo(view.scale / STEP),
      _: () => zoomTo(view.scale / STEP),
      "0": fit,
      "1": () => zoomTo(1),
      r: turn,
      R: turn,
      ArrowLeft: () => move(big, 0),
      ArrowRight: () => move(-big, 0),
      ArrowUp: () => move(0, big),
      ArrowDown: () => move(0, -big),
      PageUp: () => move(0, stage.clientHeight * 0.9),
      PageDown: () => move(0, -stage.clientHeight * 0.9),
      Home: () => move(0, Infinity),
      End: () => move(0, -Infinity),
    };
    const action = keys[event.key];
    if (!action) return;
    // Arrows move the scan only when there is more of it than the stage shows; on a button
    // they are left to the button.
    const moving = /^(Arrow|Page|Home|End)/.test(event.key);
    if (moving && (!movable() || event.target !== stage)) return;
    event.preventDefault();
    action();
  });

  /** Tab and Shift+Tab go round the dialog's controls; nothing behind it takes focus. @param {KeyboardEvent} event */
  const trap = (event) => {
    const focusable = [...dialog.querySelectorAll("button:not([disabled]), [tabindex='0']")].filter(
      (node) => node instanceof HTMLElement && node.offsetParent !== null,
    );
    const first = /** @type {HTMLElement | undefined} */ (focusable[0]);
    const last = /** @type {HTMLElement | undefined} */ (focusable.at(-1));
    if (!first || !last) return;
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const resized = new ResizeObserver(() => {
    if (view.fit) fit();
    else draw();
  });
  resized.observe(stage);

  return new Promise((resolve) => {
    const close = () => {
      if (closed) return;
      closed = true;
      resized.disconnect();
      // The pictures go with the dialog: no data URL outlives it.
      for (const image of images) {
        image.removeAttribute("src");
        image.src = "";
        image.remove();
      }
      images.length = 0;
      firsts.length = 0;
      canvas.replaceChildren();
      dialog.close();
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      else document.getElementById("main")?.focus();
      resolve();
    };
    closeButton.addEventListener("click", close);
    // Escape closes (the dialog's own cancel event, so it is never left half-closed).
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close();
    });
    dialog.showModal();
    stage.focus();
  });
}

/**
 * Lays a picture out turned by `turns` quarter turns: its box takes the turned size, the
 * picture is turned about the box's centre.
 * @param {HTMLImageElement} image
 * @param {number} turns
 */
function layOut(image, turns) {
  const width = Number(image.dataset.width);
  const height = Number(image.dataset.height);
  const across = turns % 2 === 1;
  const box = /** @type {HTMLElement | null} */ (image.parentElement);
  image.style.width = `${width}px`;
  image.style.height = `${height}px`;
  image.style.transform = `translate(-50%, -50%) rotate(${turns * 90}deg)`;
  if (box) {
    box.style.width = `${across ? height : width}px`;
    box.style.height = `${across ? width : height}px`;
  }
}

/**
 * A side in words, when the caller gave a slot alone.
 * @param {string} slot
 * @param {string} label
 */
function sideOf(slot, label) {
  if (/(^|:)BACK$/.test(slot)) return t("viewer.back");
  if (/(^|:)FRONT$/.test(slot)) return t("viewer.front");
  return label;
}

/** @param {number} scale */
function clampScale(scale) {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, Number.isFinite(scale) ? scale : 1));
}
