// @ts-check
/**
 * The one way a call reaches Rust: errors arrive as `{code, message, field?}` and are
 * rethrown as CommandError naming the command. Apart from `api.js` (which builds every
 * other call on it) so the window's shell, drawn before anything else, loads only this.
 */

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
export async function call(command, args) {
  try {
    return await window.__TAURI__.core.invoke(command, args);
  } catch (error) {
    if (error && typeof error === "object" && "code" in error && "message" in error) {
      throw new CommandError(command, /** @type {UiError} */ (error));
    }
    throw new CommandError(command, { code: "internal", message: String(error) });
  }
}

/**
 * How far the page has come: "shell" once it takes keys and clicks, "open" once it shows
 * the open desk.
 * @param {import("./types/bindings").ReadyStage} stage
 * @returns {Promise<void>}
 */
export const uiReady = (stage) => call("ui_ready", { stage, pageMs: Math.round(performance.now()) });

/**
 * Resolves once the desk is open (the vault, Training and the outbox started beside the
 * window); nothing that needs them is called before.
 * @returns {Promise<void>}
 */
export const appOpen = () => call("app_open");
