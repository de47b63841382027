// @ts-check
/**
 * Reading and writing a draft by field path, the same paths the Rust rules use in
 * their issues (`addresses[0].postalCode`), so an issue lands on its input.
 */

/**
 * @param {string} path
 * @returns {(string | number)[]}
 */
function parts(path) {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * @param {any} root
 * @param {string} path
 * @returns {any}
 */
export function getPath(root, path) {
  let value = root;
  for (const part of parts(path)) {
    if (value == null) return undefined;
    value = value[part];
  }
  return value;
}

/**
 * Sets a value, creating objects and array slots on the way.
 * @param {any} root
 * @param {string} path
 * @param {unknown} value
 */
export function setPath(root, path, value) {
  const keys = parts(path);
  let node = root;
  keys.slice(0, -1).forEach((key, i) => {
    if (node[key] == null) node[key] = typeof keys[i + 1] === "number" ? [] : {};
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
}
