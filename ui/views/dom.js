// @ts-check
/**
 * Small DOM helpers. Text always goes in through textContent: customer names and
 * provider messages are untrusted input and must never be parsed as markup.
 */

/** Elements the webview's autofill looks at. */
const FIELD_TAGS = new Set(["form", "input", "textarea", "select"]);

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  // Forms and fields hold customer data: the webview's autofill neither offers nor
  // remembers entries for them unless a field asks otherwise.
  if (FIELD_TAGS.has(tag)) element.setAttribute("autocomplete", "off");
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}
