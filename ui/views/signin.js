// @ts-check
/**
 * Who is at the desk: the sign-in screen (a short list of names and a PIN), the first
 * admin on a new desk, and the idle lock. While nobody is signed in, the window's content
 * is hidden (inert and aria-hidden) behind the screen. Who may do what is Rust's rule; the
 * screen only asks and says what Rust answered.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").SessionView} SessionView */

/** How often the page tells Rust the person is still at the desk, at most. */
const TOUCH_EVERY_MS = 30_000;

/** @type {SessionView | null} */
let current = null;
let lastSeen = Date.now();
let lastTouch = 0;
/** @type {((session: SessionView) => void) | null} */
let onSignedIn = null;

/** The parts of the window hidden behind the screen. */
function behind() {
  return /** @type {HTMLElement[]} */ ([".topbar", ".rail", "#main", ".skip-link"].map((s) => document.querySelector(s)).filter(Boolean));
}

/** @param {boolean} hidden */
function hideWindow(hidden) {
  for (const part of behind()) {
    if (hidden) {
      part.setAttribute("inert", "");
      part.setAttribute("aria-hidden", "true");
    } else {
      part.removeAttribute("inert");
      part.removeAttribute("aria-hidden");
    }
  }
}

/** @returns {SessionView | null} */
export function currentSession() {
  return current;
}

/**
 * Shows the screen for `session` when nobody is signed in, and hides it once someone is.
 * @param {SessionView} session
 */
function apply(session) {
  const before = current?.person?.name ?? null;
  current = session;
  document.getElementById("signin")?.remove();
  const who = document.getElementById("who");
  if (session.person) {
    hideWindow(false);
    if (who) who.textContent = t("signin.who", { name: session.person.name });
    document.body.dataset.person = session.person.name;
    document.body.dataset.role = session.person.role;
    // Only a person newly at the desk starts afresh; the same person stays where they were
    // (a change of environment or a restore must not redraw what they are looking at).
    if (before !== session.person.name) onSignedIn?.(session);
    return;
  }
  delete document.body.dataset.person;
  delete document.body.dataset.role;
  if (who) who.textContent = "";
  // Whatever a dialog showed (a scan in the viewer, a question) goes with the person: each
  // closes as Escape would, and any left is removed.
  for (const open of document.querySelectorAll("dialog[open]")) {
    open.dispatchEvent(new Event("cancel", { cancelable: true }));
  }
  for (const left of document.querySelectorAll("dialog")) {
    if (left instanceof HTMLDialogElement && left.open) left.close();
    left.remove();
  }
  hideWindow(true);
  document.body.append(screen(session));
  /** @type {HTMLElement | null} */ (document.querySelector("#signin button, #signin input"))?.focus();
}

/**
 * @param {SessionView} session
 * @returns {HTMLElement}
 */
function screen(session) {
  const message = el("p", { id: "signin-message", class: "error", role: "alert" });
  const title = el("h1", { id: "signin-title" }, [t("signin.title")]);
  const box = el("section", { id: "signin", class: "signin", role: "dialog", "aria-modal": "true", "aria-labelledby": "signin-title" }, [title]);
  if (session.firstAdminNeeded && !session.training) {
    box.append(firstAdmin(message));
    return box;
  }
  const pinLabel = el("label", { for: "signin-pin" }, [t("signin.pin")]);
  const pin = /** @type {HTMLInputElement} */ (el("input", { id: "signin-pin", type: "password", inputmode: "numeric", "aria-describedby": "signin-message" }));
  const chosen = el("p", { id: "signin-chosen", class: "muted", "aria-live": "polite" });
  const go = el("button", { type: "submit", id: "signin-go" }, [t("signin.go")]);
  const pinForm = el("form", { class: "signin-pin", hidden: "" }, [chosen, pinLabel, pin, go]);
  let name = "";
  /** @param {string} who */
  const signIn = async (who) => {
    message.textContent = "";
    try {
      apply(await api.signIn(who, pin.value));
    } catch (error) {
      pin.value = "";
      message.textContent = /** @type {api.CommandError} */ (error).detail ?? String(error);
      pin.focus();
    }
  };
  const list = el("ul", { class: "signin-people", "aria-label": t("signin.people") });
  for (const person of session.people) {
    const button = el("button", { type: "button", "data-person": person.name }, [person.name, el("span", { class: "muted small" }, [t(`role.${person.role}`)])]);
    if (person.disabled) button.setAttribute("disabled", "");
    button.addEventListener("click", () => {
      name = person.name;
      if (!person.hasPin) {
        signIn(person.name);
        return;
      }
      chosen.textContent = t("signin.as", { name: person.name });
      pinForm.removeAttribute("hidden");
      pin.value = "";
      pin.focus();
    });
    list.append(el("li", {}, [button]));
  }
  pinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    signIn(name);
  });
  box.append(el("p", { class: "muted" }, [t("signin.intro")]), list, pinForm, message);
  if (session.firstAdminNeeded) box.append(firstAdmin(message));
  return box;
}

/**
 * The form that makes the desk's first person, an admin.
 * @param {HTMLElement} message
 * @returns {HTMLElement}
 */
function firstAdmin(message) {
  const name = /** @type {HTMLInputElement} */ (el("input", { id: "first-name", type: "text" }));
  const pin = /** @type {HTMLInputElement} */ (el("input", { id: "first-pin", type: "password", inputmode: "numeric" }));
  const again = /** @type {HTMLInputElement} */ (el("input", { id: "first-pin-again", type: "password", inputmode: "numeric" }));
  const form = el("form", { class: "first-admin", "aria-labelledby": "first-title" }, [
    el("h2", { id: "first-title" }, [t("signin.firstTitle")]),
    el("p", { class: "muted" }, [t("signin.firstIntro")]),
    el("label", { for: "first-name" }, [t("people.name")]),
    name,
    el("label", { for: "first-pin" }, [t("people.pin")]),
    pin,
    el("label", { for: "first-pin-again" }, [t("people.pinAgain")]),
    again,
    el("button", { type: "submit", id: "first-go" }, [t("signin.firstGo")]),
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    if (pin.value !== again.value) {
      message.textContent = t("people.pinMismatch");
      again.focus();
      return;
    }
    try {
      apply(await api.addFirstAdmin(name.value, pin.value));
    } catch (error) {
      message.textContent = /** @type {api.CommandError} */ (error).detail ?? String(error);
      (/** @type {api.CommandError} */ (error).field === "pin" ? pin : name).focus();
    }
  });
  return form;
}

/** Locks the window: nobody is signed in until someone signs in again. */
export async function lock() {
  apply(await api.signOut());
}

/**
 * Starts the desk's sign-in: the screen now if nobody is signed in, the idle lock, and
 * "Switch person" in the top bar. `signedIn` runs each time someone signs in.
 * @param {(session: SessionView) => void} signedIn
 */
export async function startSession(signedIn) {
  onSignedIn = signedIn;
  const bar = document.querySelector(".topbar");
  if (bar && !document.getElementById("who")) {
    const switcher = el("button", { type: "button", id: "switch-person", class: "link small" }, [t("signin.switch")]);
    switcher.addEventListener("click", () => lock());
    bar.append(el("span", { id: "who", class: "who", "aria-live": "polite" }), switcher);
  }
  const seen = () => {
    lastSeen = Date.now();
    if (current?.person && lastSeen - lastTouch > TOUCH_EVERY_MS) {
      lastTouch = lastSeen;
      api.touchSession().catch(() => {});
    }
  };
  for (const kind of ["keydown", "pointerdown", "wheel"]) document.addEventListener(kind, seen, { passive: true });
  const idleMs = () => (current?.idleSeconds ?? 600) * 1000;
  setInterval(() => {
    if (current?.person && Date.now() - lastSeen >= idleMs()) lock();
  }, 1_000);
  window.addEventListener("environment-changed", async () => apply(await api.session()));
  window.addEventListener("language-changed", () => {
    const switcher = document.getElementById("switch-person");
    if (switcher) switcher.textContent = t("signin.switch");
  });
  apply(await api.session());
}
