// @ts-check
/**
 * The window's theme (the system's, light or dark) and text size: painted by the shell
 * before anything else, and again whenever Settings or Ctrl +/− change them.
 */

/** @typedef {import("../types/bindings").Theme} Theme */

const systemDark = window.matchMedia("(prefers-color-scheme: dark)");

/** @type {Theme} */
let theme = "system";

function applyTheme() {
  const dark = theme === "dark" || (theme === "system" && systemDark.matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}
// Left to the system, the window follows it as it changes.
systemDark.addEventListener("change", applyTheme);

/**
 * @param {Theme} chosen
 * @param {number} textSize in percent of the system's size
 */
export function paint(chosen, textSize) {
  theme = chosen;
  applyTheme();
  // Every size on the page is in rem: the root's size scales text and layout together.
  document.documentElement.style.fontSize = `${textSize}%`;
}
