// @ts-check
// The open desk: the sections, the top bar's live figures, the shortcuts and the session.
// Loaded by main.js once the window is drawn, so the first paint waits on none of it.
import * as api from "./api.js";
import { t, translate } from "./i18n/index.js";
import { startSession } from "./views/signin.js";
import { el } from "./views/dom.js";
import { watchUploads } from "./views/submission_steps.js";
import { applyAppearance, stepTextSize } from "./views/appearance.js";
import { watchShortcuts } from "./views/shortcuts.js";

/** @typedef {"onboard" | "drafts" | "review" | "activity" | "settings" | "help"} View */

/** How often the online indicator asks whether the provider can be reached. */
const CONNECTIVITY_EVERY_MS = 15_000;
/** How often the top bar's queue count is refreshed. */
const QUEUE_EVERY_MS = 3_000;

/** @type {import("./types/bindings").AppInfo | null} */
let info = null;

/**
 * Adds a stylesheet of the page's own after the shell's; settles once it applies.
 * @param {string} href
 * @returns {Promise<void>}
 */
function stylesheet(href) {
  return new Promise((resolve, reject) => {
    const link = el("link", { rel: "stylesheet", href });
    link.addEventListener("load", () => resolve(), { once: true });
    link.addEventListener("error", () => reject(new Error(`${href} did not load`)), { once: true });
    document.head.append(link);
  });
}

/** The desk's screens' styles (the shell's are index.html's styles.css), asked for as this
 * module loads, so they come while the desk opens. */
const styled = stylesheet("desk.css");

/**
 * Each section's code, loaded the first time it is shown: the sign-in screen needs none of
 * it, and a desk that never opens Settings never parses it.
 * @type {Record<View, () => Promise<(main: HTMLElement) => unknown>>}
 */
const sections = {
  onboard: async () => {
    // The wizard hands a submitted draft to the result page, which registers itself with
    // nav.js as it loads (see there): the two come together.
    const [{ renderOnboard }] = await Promise.all([import("./views/onboard.js"), import("./views/submission.js")]);
    return renderOnboard;
  },
  drafts: async () => (await import("./views/drafts.js")).renderDrafts,
  review: async () => (await import("./views/review_queue.js")).renderQueue,
  activity: async () => (await import("./views/activity.js")).renderActivity,
  help: async () => (await import("./views/help.js")).renderHelp,
  settings: async () => {
    const { renderSettings } = await import("./views/settings.js");
    return (main) => info && renderSettings(main, info);
  },
};

/** The section asked for last: one asked for earlier and still loading is not drawn. */
let asked = 0;
/** @type {Promise<void>} */
let drawing = Promise.resolve();

/**
 * Draws `view`; the promise settles once the section asked for last is drawn.
 * @param {View} view
 * @returns {Promise<void>}
 */
function show(view) {
  drawing = draw(view, ++asked);
  return drawing;
}

/**
 * @param {View} view
 * @param {number} turn
 * @returns {Promise<void>}
 */
async function draw(view, turn) {
  const main = /** @type {HTMLElement} */ (document.getElementById("main"));
  for (const link of document.querySelectorAll(".rail a")) {
    const current = link.getAttribute("data-view") === view;
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const render = await sections[view]();
  if (turn !== asked) return drawing;
  main.replaceChildren();
  await render(main);
}

/** @returns {View} */
function viewFromHash() {
  const name = location.hash.replace("#", "");
  const views = ["onboard", "drafts", "review", "activity", "settings", "help"];
  return /** @type {View} */ (views.includes(name) ? name : "onboard");
}

/** @param {import("./types/bindings").Environment} environment */
function showEnvironment(environment) {
  const badge = /** @type {HTMLElement} */ (document.getElementById("env-badge"));
  badge.textContent = t(`env.${environment}`);
  badge.dataset.env = environment;
  badge.title = environment === "TRAINING" ? t("env.TRAINING.title") : "";
}

async function refreshConnectivity() {
  const indicator = /** @type {HTMLElement} */ (document.getElementById("online"));
  const text = /** @type {HTMLElement} */ (document.getElementById("online-text"));
  let online = false;
  try {
    online = (await api.connectivity()).online;
  } catch {
    online = false;
  }
  indicator.dataset.online = String(online);
  say(text, t(online ? "online.yes" : "online.no"));
}

/**
 * Puts `words` in `element` unless they are there already: the top bar's figures are asked
 * for every few seconds, and an unchanged answer should not redraw (or re-announce) them.
 * @param {HTMLElement} element
 * @param {string} words
 */
function say(element, words) {
  if (element.textContent !== words) element.textContent = words;
}

async function refreshQueue() {
  const queue = /** @type {HTMLAnchorElement} */ (document.getElementById("queue"));
  try {
    const q = await api.queueSummary();
    const parts = [t("queue.summary", { waiting: String(q.waiting), sending: String(q.sending) })];
    if (q.attention > 0) parts.push(t("queue.attention", { count: String(q.attention) }));
    say(queue, parts.join(" · "));
    // Hidden until its first count: an empty link names nothing.
    queue.hidden = false;
    queue.dataset.attention = String(q.attention > 0);
  } catch {
    // The last known count stays; the next tick tries again.
  }
}

/** The count of cases waiting for a person, on the rail's Review link. */
async function refreshReviewCount() {
  const link = document.querySelector('.rail a[data-view="review"]');
  if (!link || !document.body.dataset.person) return;
  try {
    const count = (await api.reviewQueue()).length;
    let badge = link.querySelector(".count");
    if (!badge) {
      badge = el("span", { class: "count" });
      link.append(badge);
    }
    say(/** @type {HTMLElement} */ (badge), count > 0 ? ` ${count}` : "");
    const label = t("nav.reviewCount", { count: String(count) });
    if (link.getAttribute("aria-label") !== label) link.setAttribute("aria-label", label);
  } catch {
    // The last count stays; the next tick tries again.
  }
}

/**
 * Shows the open desk in the window main.js drew.
 * @param {HTMLElement} main the page's main region, saying "Opening…"
 * @param {HTMLElement} help the top bar's shortcuts button
 */
export async function openDesk(main, help) {
  await styled;
  const text = /** @type {HTMLElement} */ (document.getElementById("online-text"));
  main.removeAttribute("aria-busy");
  info = await api.appInfo();
  await applyAppearance(info.appearance);
  text.textContent = t("online.checking");
  showEnvironment(info.environment);
  // Another language chosen in Settings: everything on screen is drawn again in it.
  window.addEventListener("language-changed", () => {
    help.setAttribute("aria-label", t("shortcuts.open"));
    help.title = t("shortcuts.open");
    window.dispatchEvent(new CustomEvent("environment-changed"));
    refreshQueue();
    refreshReviewCount();
    show(viewFromHash());
  });
  watchUploads();
  // Sections ask for a fresh draw of themselves with a hashchange of their own address.
  window.addEventListener("hashchange", () => show(viewFromHash()));
  window.addEventListener("environment-changed", async () => {
    info = await api.appInfo();
    showEnvironment(info.environment);
    refreshConnectivity();
  });
  // A click on the section already shown starts it afresh (e.g. Onboard after a submission).
  for (const link of document.querySelectorAll(".rail a")) {
    link.addEventListener("click", () => {
      if (location.hash === link.getAttribute("href")) show(viewFromHash());
    });
  }
  // "Opening…" goes; the section is drawn once somebody signs in (startSession below).
  main.replaceChildren();
  await refreshConnectivity();
  window.addEventListener("online", refreshConnectivity);
  window.addEventListener("offline", refreshConnectivity);
  setInterval(refreshConnectivity, CONNECTIVITY_EVERY_MS);
  await refreshQueue();
  setInterval(() => {
    refreshQueue();
    refreshReviewCount();
  }, QUEUE_EVERY_MS);
  watchShortcuts({
    // A new address draws its section (hashchange); the address shown already is drawn again.
    go: (view) => {
      if (viewFromHash() === view) show(view);
      else location.hash = `#${view}`;
    },
    search: () => {
      /** @type {Promise<void>} */
      const drawn =
        viewFromHash() === "drafts"
          ? Promise.resolve()
          : new Promise((resolve) => {
              // After the page's own hashchange listener: `drawing` is the Drafts list's.
              window.addEventListener("hashchange", () => resolve(drawing), { once: true });
              location.hash = "#drafts";
            });
      drawn.then(() => document.getElementById("drafts-search")?.focus());
    },
    textSize: (step) => {
      stepTextSize(step).catch(() => {});
    },
  });
  await startSession(() => {
    refreshReviewCount();
    show(viewFromHash());
  });
  document.body.dataset.ready = "true";
  await api.uiReady("open");
}

