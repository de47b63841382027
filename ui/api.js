// @ts-check
/**
 * Every call from the page to Rust goes through here. Errors arrive as
 * `{code, message, field?}` and are rethrown as CommandError naming the command.
 */

/** @typedef {import("./types/bindings").AppInfo} AppInfo */
/** @typedef {import("./types/bindings").Connectivity} Connectivity */
/** @typedef {import("./types/bindings").CosOutcome} CosOutcome */
/** @typedef {import("./types/bindings").Issue} Issue */
/** @typedef {import("./types/bindings").Person} Person */
/** @typedef {import("./types/bindings").UiError} UiError */

export class CommandError extends Error {
  /**
   * @param {string} command
   * @param {UiError} error
   */
  constructor(command, error) {
    super(`${command}: ${error.message}`);
    this.name = "CommandError";
    this.command = command;
    this.code = error.code;
    this.field = error.field;
    this.detail = error.message;
  }
}

/**
 * @template T
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<T>}
 */
async function call(command, args) {
  try {
    return await window.__TAURI__.core.invoke(command, args);
  } catch (error) {
    if (error && typeof error === "object" && "code" in error && "message" in error) {
      throw new CommandError(command, /** @type {UiError} */ (error));
    }
    throw new CommandError(command, { code: "internal", message: String(error) });
  }
}

/** @returns {Promise<AppInfo>} */
export const appInfo = () => call("app_info");

/** @returns {Promise<void>} */
export const uiReady = () => call("ui_ready");

/** @returns {Promise<Connectivity>} */
export const connectivity = () => call("connectivity");

/**
 * @param {Person} person
 * @returns {Promise<Issue[]>}
 */
export const validateCosPersonal = (person) => call("validate_cos_personal", { person });

/**
 * @param {Person} person
 * @returns {Promise<CosOutcome>}
 */
export const submitCosPersonal = (person) => call("submit_cos_personal", { person });

/**
 * @param {string} customerId
 * @returns {Promise<CosOutcome>}
 */
export const cosCustomerStatus = (customerId) => call("cos_customer_status", { customerId });
