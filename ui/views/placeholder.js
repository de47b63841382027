// @ts-check
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/**
 * A page still to come: its title and a sentence saying what it will hold.
 * @param {HTMLElement} main
 * @param {import("../i18n/index.js").MessageKey} title
 * @param {import("../i18n/index.js").MessageKey} body
 */
export function renderPlaceholder(main, title, body) {
  main.append(el("h1", {}, [t(title)]), el("p", { class: "muted" }, [t(body)]));
}
