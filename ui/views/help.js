// @ts-check
/**
 * Help: every keyboard shortcut (the same list as the `?` sheet) and what each state of a
 * draft means, in the words the Drafts list uses.
 */
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { SHEET } from "./shortcuts.js";

/** @typedef {import("../i18n/index.js").MessageKey} MessageKey */

/** A draft's states in the order a draft meets them: the word shown, and what it means. */
const STATES = /** @type {[MessageKey, MessageKey][]} */ ([
  ["draftState.draft", "help.state.draft"],
  ["draftState.ready", "help.state.ready"],
  ["draftState.awaiting_check", "help.state.awaitingCheck"],
  ["draftState.waiting", "help.state.waiting"],
  ["draftState.sending", "help.state.sending"],
  ["draftState.needs_attention", "help.state.needsAttention"],
  ["draftState.submitted", "help.state.submitted"],
  ["draftState.approved", "help.state.approved"],
  ["draftState.rejected", "help.state.rejected"],
  ["help.archived", "help.state.archived"],
]);

/** @param {HTMLElement} main */
export function renderHelp(main) {
  const title = el("h1", { id: "help-title", tabindex: "-1" }, [t("help.title")]);
  main.append(
    title,
    el("p", { class: "muted" }, [t("help.intro")]),
    el("section", { id: "help-shortcuts", "aria-labelledby": "help-shortcuts-title" }, [
      el("h2", { id: "help-shortcuts-title" }, [t("shortcuts.title")]),
      el("table", { class: "help-table" }, [
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col" }, [t("shortcuts.keys")]), el("th", { scope: "col" }, [t("shortcuts.does")])])]),
        el("tbody", {}, SHEET.map(([keys, does]) => el("tr", {}, [el("td", {}, [el("kbd", {}, [keys])]), el("td", {}, [t(does)])]))),
      ]),
    ]),
    el("section", { id: "help-states", "aria-labelledby": "help-states-title" }, [
      el("h2", { id: "help-states-title" }, [t("help.statesTitle")]),
      el(
        "dl",
        { class: "help-states" },
        STATES.flatMap(([word, means]) => [el("dt", {}, [t(word)]), el("dd", {}, [t(means)])]),
      ),
    ]),
  );
  title.focus();
}
