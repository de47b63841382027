// @ts-check
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/**
 * @param {HTMLElement} main
 * @param {import("../i18n/index.js").MessageKey} title
 * @param {import("../i18n/index.js").MessageKey} body
 */
export function renderPlaceholder(main, title, body) {
  main.append(el("h1", {}, [t(title)]), el("p", { class: "muted" }, [t(body)]));
}

/**
 * @param {HTMLElement} main
 * @param {import("../types/bindings").AppInfo} info
 */
export function renderSettings(main, info) {
  main.append(
    el("h1", {}, [t("settings.title")]),
    el("h2", {}, [t("settings.environment")]),
    el("p", { id: "settings-environment" }, [t(`env.${info.environment}`)]),
  );
  if (info.trainingUrl) {
    main.append(
      el("p", { id: "settings-training-url", "data-url": info.trainingUrl }, [
        t("settings.training", { url: info.trainingUrl }),
      ]),
    );
  }
  main.append(el("p", { class: "muted" }, [t("settings.version", { version: info.version })]));
}
