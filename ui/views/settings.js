// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { ask } from "./confirm.js";
import { peopleSection } from "./people.js";
import { appearanceSection } from "./appearance.js";
import { el } from "./dom.js";

/** @typedef {import("../types/bindings").SettingsView} SettingsView */
/** @typedef {import("../types/bindings").ConnectionInput} ConnectionInput */

/** Whether staff really mean to move onto the bank's production connection. */
const askProduction = () => ask({ title: t("settings.confirmProduction.title"), question: t("settings.confirmProduction"), confirmLabel: t("settings.confirmProduction.yes") });

/** Tells the top bar that the environment may have changed. */
function announceEnvironment() {
  window.dispatchEvent(new CustomEvent("environment-changed"));
}

/**
 * Settings: Training mode, and the provider connections (secrets go to the system keyring
 * and are never shown again).
 * @param {HTMLElement} main
 * @param {import("../types/bindings").AppInfo} info
 */
export async function renderSettings(main, info) {
  const status = el("p", { id: "settings-status", role: "status", "aria-live": "polite" });
  main.append(el("h1", {}, [t("settings.title")]), status);
  const section = el("section", { "aria-labelledby": "settings-env-title" });
  main.append(section);
  main.append(appearanceSection(status, () => window.dispatchEvent(new CustomEvent("language-changed"))));
  const scanner = el("section", { "aria-labelledby": "settings-scanner-title", id: "settings-scanner" });
  main.append(scanner);
  const connections = el("section", { "aria-labelledby": "settings-conn-title" });
  main.append(connections);
  main.append(peopleSection(status));
  main.append(backupSection(status, async () => {
    announceEnvironment();
    await draw(await api.settings());
  }));
  main.append(el("p", { class: "muted" }, [t("settings.version", { version: info.version })]));

  /**
   * @param {SettingsView} view
   * @returns {Promise<void>} settled once the Training line and any problem are shown
   */
  const draw = (view) => {
    section.replaceChildren(
      el("h2", { id: "settings-env-title" }, [t("settings.environment")]),
      el("p", { id: "settings-environment" }, [t(`env.${view.environment}`)]),
    );
    const training = el("input", { id: "training-mode", type: "checkbox" });
    training.checked = view.training;
    training.addEventListener("change", async () => {
      const cos = view.connections.find((c) => c.provider === "cos");
      if (!training.checked && cos?.environment === "PRODUCTION" && !(await askProduction())) {
        training.checked = true;
        return;
      }
      const wanted = training.checked;
      try {
        // The box shows the mode the app is in, as Rust reports it, not the click.
        const next = await api.setTraining(wanted);
        announceEnvironment();
        await draw(next);
        if (next.training === wanted) status.textContent = t(next.training ? "settings.trainingOn" : "settings.trainingOff");
      } catch (error) {
        const reason = /** @type {import("../api.js").CommandError} */ (error).detail;
        await draw(await api.settings());
        status.textContent = t("settings.trainingRefused", { reason });
      }
    });
    section.append(
      el("div", { class: "field checkbox" }, [training, el("label", { for: "training-mode" }, [t("settings.trainingMode")])]),
      el("p", { class: "hint" }, [t("settings.trainingHint")]),
    );
    const trainingLine = el("p", { id: "settings-training-url" });
    section.append(trainingLine);
    const showTrainingUrl = async () => {
      const now = await api.appInfo();
      trainingLine.hidden = !now.trainingUrl;
      if (now.trainingUrl) {
        trainingLine.dataset.url = now.trainingUrl;
        trainingLine.textContent = t("settings.training", { url: now.trainingUrl });
      }
      if (now.problem) status.textContent = t("settings.problem", { problem: now.problem });
    };
    const shown = showTrainingUrl();

    drawScanner(scanner, view.scannerFolder ?? null, status);
    connections.replaceChildren(el("h2", { id: "settings-conn-title" }, [t("settings.connections")]));
    const list = el("ul", { id: "connections", class: "draft-list" });
    if (view.connections.length === 0) list.append(el("li", { class: "muted" }, [t("settings.noConnections")]));
    for (const c of view.connections) {
      const test = el("button", { type: "button", class: "secondary small", "data-test": c.id }, [t("settings.test")]);
      const result = el("span", { class: "muted", role: "status" });
      test.addEventListener("click", async () => {
        result.textContent = t("settings.testing");
        try {
          result.textContent = (await api.testConnection(c.id)).message;
        } catch (error) {
          result.textContent = /** @type {import("../api.js").CommandError} */ (error).detail;
        }
      });
      const remove = el("button", { type: "button", class: "danger small", "data-remove": c.id }, [t("settings.remove")]);
      remove.addEventListener("click", async () => {
        const question = t("settings.confirmRemove", { provider: t(/** @type {any} */ (`provider.${c.provider}`)), url: c.baseUrl });
        if (!(await ask({ title: t("settings.confirmRemove.title"), question, confirmLabel: t("settings.remove") }))) return;
        try {
          draw(await api.removeConnection(c.id));
          announceEnvironment();
        } catch (error) {
          status.textContent = /** @type {import("../api.js").CommandError} */ (error).detail;
        }
      });
      list.append(
        el("li", { class: "connection-row", "data-provider": c.provider }, [
          el("strong", {}, [t(/** @type {any} */ (`provider.${c.provider}`))]),
          el("span", {}, [c.environment]),
          el("span", { class: "muted" }, [c.baseUrl]),
          el("span", { class: "muted" }, [c.clientId ?? c.hawkId ?? ""]),
          ...(c.finSelfieRequired ? [el("span", { class: "muted", "data-selfie": "required" }, [t("settings.finSelfieOn")])] : []),
          test,
          remove,
          result,
        ]),
      );
    }
    connections.append(list, connectionForm(draw, status));
    return shown;
  };
  draw(await api.settings());
}

/**
 * @param {(view: SettingsView) => void} draw
 * @param {HTMLElement} status
 */
function connectionForm(draw, status) {
  const form = el("form", { id: "connection-form", novalidate: "" });
  /** @type {[keyof ConnectionInput, string, string[]?][]} */
  const fields = [
    ["provider", "settings.provider", ["cos", "fin", "bvnk"]],
    ["environment", "settings.environmentField", ["SANDBOX", "PRODUCTION"]],
    ["baseUrl", "settings.baseUrl"],
    ["authUrl", "settings.authUrl"],
    ["clientId", "settings.clientId"],
    ["partnerId", "settings.partnerId"],
    ["hawkId", "settings.hawkId"],
    ["secret", "settings.secret"],
  ];
  /**
   * Which fields each provider's connection has; the others are hidden and sent empty.
   * @type {Record<string, string[]>}
   */
  const used = {
    cos: ["baseUrl", "authUrl", "clientId", "partnerId", "secret"],
    fin: ["baseUrl", "clientId", "secret"],
    bvnk: ["baseUrl", "hawkId", "secret"],
  };
  /** @param {string} name @param {string} provider */
  const applies = (name, provider) => name === "provider" || name === "environment" || (used[provider] ?? []).includes(name);
  form.append(el("h3", {}, [t("settings.addConnection")]));
  for (const [name, label, options] of fields) {
    const id = `conn-${name}`;
    /** @type {HTMLInputElement | HTMLSelectElement} */
    let input;
    if (options) {
      input = el("select", { id, name, "aria-describedby": `${id}-error` });
      for (const o of options) {
        input.append(el("option", { value: o }, [name === "provider" ? t(/** @type {any} */ (`provider.${o}`)) : o]));
      }
    } else {
      input = el("input", {
        id,
        name,
        type: name === "secret" ? "password" : "text",
        autocomplete: "off",
        spellcheck: "false",
        "aria-describedby": `${id}-error`,
      });
    }
    form.append(
      el("div", { class: "field", "data-field": name }, [el("label", { for: id, id: `${id}-label` }, [t(/** @type {any} */ (label))]), input, el("p", { class: "error", id: `${id}-error` })]),
    );
  }
  // Fin.com's client configuration; the other providers have no such setting. (The wrapper
  // is what hides: `.field.checkbox` sets its own display.)
  const selfie = el("input", { id: "conn-finSelfieRequired", name: "finSelfieRequired", type: "checkbox" });
  const selfieField = el("div", { id: "conn-finSelfieRequired-field" }, [
    el("div", { class: "field checkbox" }, [selfie, el("label", { for: "conn-finSelfieRequired" }, [t("settings.finSelfieRequired")])]),
  ]);
  const provider = /** @type {HTMLSelectElement} */ (form.querySelector("#conn-provider"));
  // Only the chosen provider's fields are shown; BVNK calls its secret the Hawk key.
  const showFields = () => {
    selfieField.hidden = provider.value !== "fin";
    for (const [name] of fields) {
      const block = /** @type {HTMLElement} */ (form.querySelector(`[data-field="${name}"]`));
      block.hidden = !applies(name, provider.value);
    }
    /** @type {HTMLElement} */ (form.querySelector("#conn-secret-label")).textContent = t(provider.value === "bvnk" ? "settings.hawkKey" : "settings.secret");
  };
  provider.addEventListener("change", showFields);
  showFields();
  form.append(selfieField);
  const save = el("button", { type: "submit", id: "connection-save" }, [t("settings.save")]);
  form.append(el("div", { class: "actions" }, [save]));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const error of form.querySelectorAll(".error")) error.textContent = "";
    /** @type {Record<string, string>} */
    const typed = {};
    for (const [name] of fields) {
      const value = /** @type {HTMLInputElement} */ (form.querySelector(`#conn-${name}`)).value;
      // A value typed before another provider was chosen is hidden, and not sent.
      typed[name] = applies(name, provider.value) ? value : "";
    }
    /** @type {ConnectionInput} */
    const input = {
      .../** @type {ConnectionInput} */ (/** @type {unknown} */ (typed)),
      // A box ticked before another provider was chosen is hidden, and not sent.
      finSelfieRequired: typed.provider === "fin" && selfie.checked,
    };
    const current = await api.settings();
    if (!current.training && input.environment === "PRODUCTION" && !(await askProduction())) {
      /** @type {HTMLInputElement} */ (form.querySelector("#conn-secret")).value = "";
      return;
    }
    try {
      const view = await api.saveConnection(input);
      announceEnvironment();
      status.textContent = t("settings.saved");
      draw(view);
    } catch (error) {
      const e = /** @type {import("../api.js").CommandError} */ (error);
      const target = e.field ? form.querySelector(`#conn-${e.field}-error`) : null;
      if (target) target.textContent = e.detail;
      else status.textContent = e.detail;
      /** @type {HTMLElement | null} */ (form.querySelector(`#conn-${e.field}`))?.focus();
    } finally {
      // The secret is typed once; it never stays on screen.
      /** @type {HTMLInputElement} */ (form.querySelector("#conn-secret")).value = "";
    }
  });
  return form;
}

/**
 * The scanner folder: chosen with the system's folder dialog (from Rust), watched for new
 * scans, which then appear in the scans step's "From scanner" tray.
 * @param {HTMLElement} section
 * @param {string | null} folder
 * @param {HTMLElement} status
 */
function drawScanner(section, folder, status) {
  const choose = el("button", { type: "button", id: "scanner-choose", class: "secondary" }, [t("settings.scannerChoose")]);
  choose.addEventListener("click", async () => {
    try {
      const view = await api.chooseScannerFolder();
      if (view) drawScanner(section, view.folder, status);
      if (view?.problem) status.textContent = view.problem;
    } catch (error) {
      status.textContent = /** @type {import("../api.js").CommandError} */ (error).detail;
    }
  });
  const actions = el("div", { class: "actions" }, [choose]);
  if (folder) {
    const clear = el("button", { type: "button", id: "scanner-clear", class: "secondary" }, [t("settings.scannerClear")]);
    clear.addEventListener("click", async () => drawScanner(section, (await api.clearScannerFolder()).folder, status));
    actions.append(clear);
  }
  section.replaceChildren(
    el("h2", { id: "settings-scanner-title" }, [t("settings.scanner")]),
    el("p", { id: "scanner-folder", "data-folder": folder ?? "" }, [folder ? t("settings.scannerFolder", { folder }) : t("settings.scannerNone")]),
    el("p", { class: "hint" }, [t("settings.scannerHint")]),
    actions,
  );
}

/**
 * Backup and restore. A backup is written from here: the passphrase typed twice, the file
 * chosen with the system's save dialog (from Rust). A backup is restored from here only over
 * a fresh installation, as Rust decides and explains; otherwise the section says how to
 * restore from the command line.
 * @param {HTMLElement} status
 * @param {() => Promise<void>} refresh redraws Settings once a restore changed them
 */
function backupSection(status, refresh) {
  const form = el("form", { id: "backup-form", novalidate: "" });
  const field = (/** @type {string} */ name, /** @type {import("../i18n/index.js").MessageKey} */ label) => {
    const input = /** @type {HTMLInputElement} */ (el("input", { id: name, name, type: "password", autocomplete: "off", "aria-describedby": `${name}-error` }));
    form.append(el("div", { class: "field" }, [el("label", { for: name }, [t(label)]), input, el("p", { id: `${name}-error`, class: "error", role: "alert" })]));
    return input;
  };
  const passphrase = field("backupPassphrase", "settings.backupPassphrase");
  const again = field("backupPassphraseAgain", "settings.backupPassphraseAgain");
  const result = el("p", { id: "backup-result", role: "status", "aria-live": "polite" });
  const save = el("button", { type: "submit", id: "backup-create", class: "secondary" }, [t("settings.backupCreate")]);
  form.append(el("p", { class: "hint" }, [t("settings.backupHint")]), el("div", { class: "actions" }, [save]), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const error of form.querySelectorAll(".error")) error.textContent = "";
    result.textContent = "";
    save.setAttribute("disabled", "");
    try {
      const written = await api.createBackup(passphrase.value, again.value);
      if (written) {
        result.textContent = t("settings.backupDone", {
          file: written.file,
          drafts: String(written.drafts),
          scans: String(written.scans),
        });
      }
    } catch (error) {
      const e = /** @type {import("../api.js").CommandError} */ (error);
      const target = e.field ? form.querySelector(`#${e.field}-error`) : null;
      if (target) target.textContent = e.detail;
      else status.textContent = e.detail;
      /** @type {HTMLElement | null} */ (e.field ? form.querySelector(`#${e.field}`) : null)?.focus();
    } finally {
      save.removeAttribute("disabled");
      // Typed for this backup only; it never stays on screen.
      passphrase.value = "";
      again.value = "";
    }
  });
  const restore = el("div", { id: "restore-here" });
  const restoreResult = el("div", { id: "restore-result", role: "status", "aria-live": "polite" });
  drawRestore(restore, restoreResult, refresh);
  return el("section", { "aria-labelledby": "settings-backup-title", id: "settings-backup" }, [
    el("h2", { id: "settings-backup-title" }, [t("settings.backup")]),
    form,
    el("h3", {}, [t("settings.restore")]),
    restore,
    restoreResult,
    el("p", { class: "hint", id: "restore-how" }, [t("settings.restoreHow")]),
    el("pre", {}, [el("code", {}, ["branchdesk-cli --data-dir EMPTY-FOLDER restore FILE.bdbackup"])]),
  ]);
}

/**
 * The restore form when Rust says this installation is fresh, or Rust's reason why not.
 * @param {HTMLElement} section
 * @param {HTMLElement} result
 * @param {() => Promise<void>} refresh
 */
async function drawRestore(section, result, refresh) {
  /** @type {import("../types/bindings").RestoreCheck} */
  let check;
  try {
    check = await api.restoreCheck();
  } catch (error) {
    check = { possible: false, reason: /** @type {import("../api.js").CommandError} */ (error).detail };
  }
  if (!check.possible) {
    section.replaceChildren(el("p", { class: "hint", id: "restore-unavailable" }, [check.reason ?? ""]));
    return;
  }
  const form = el("form", { id: "restore-form", novalidate: "" });
  const passphrase = /** @type {HTMLInputElement} */ (el("input", { id: "restorePassphrase", name: "restorePassphrase", type: "password", autocomplete: "off", "aria-describedby": "restorePassphrase-error" }));
  const fieldError = el("p", { id: "restorePassphrase-error", class: "error", role: "alert" });
  const problem = el("p", { id: "restore-error", class: "error", role: "alert" });
  const start = el("button", { type: "submit", id: "backup-restore", class: "secondary" }, [t("settings.restoreStart")]);
  form.append(
    el("p", { class: "hint" }, [t("settings.restoreHint")]),
    el("div", { class: "field" }, [el("label", { for: "restorePassphrase" }, [t("settings.restorePassphrase")]), passphrase, fieldError]),
    el("div", { class: "actions" }, [start]),
    problem,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    fieldError.textContent = "";
    problem.textContent = "";
    if (!(await ask({ title: t("settings.confirmRestore.title"), question: t("settings.confirmRestore"), confirmLabel: t("settings.confirmRestore.yes") }))) return;
    start.setAttribute("disabled", "");
    start.setAttribute("aria-busy", "true");
    start.textContent = t("settings.restoreBusy");
    result.replaceChildren(el("p", { id: "restore-running" }, [t("settings.restoreRunning")]));
    try {
      const restored = await api.restoreBackup(passphrase.value);
      result.replaceChildren();
      if (!restored) return;
      const lines = [
        t("settings.restoreDone", {
          date: new Date(restored.backupOf).toLocaleString(),
          file: restored.file,
          drafts: String(restored.drafts),
          scans: String(restored.scans),
          audit: String(restored.auditEntries),
        }),
      ];
      if (restored.secretsMissing.length > 0) {
        const names = restored.secretsMissing.map((c) => `${t(/** @type {any} */ (`provider.${c.provider}`))} (${c.baseUrl})`);
        lines.push(t("settings.restoreNextSecrets", { connections: names.join(", ") }));
      } else {
        lines.push(t("settings.restoreNothingNext"));
      }
      lines.push(t("settings.restoreNextTraining"));
      result.replaceChildren(...lines.map((line, i) => el("p", { "data-restore-line": String(i) }, [line])));
      await refresh();
      await drawRestore(section, result, refresh);
    } catch (error) {
      result.replaceChildren();
      const e = /** @type {import("../api.js").CommandError} */ (error);
      if (e.field === "restorePassphrase") {
        fieldError.textContent = e.detail;
        passphrase.focus();
      } else {
        problem.textContent = e.detail;
      }
    } finally {
      start.removeAttribute("disabled");
      start.removeAttribute("aria-busy");
      start.textContent = t("settings.restoreStart");
      // Typed for this restore only; it never stays on screen.
      passphrase.value = "";
    }
  });
  section.replaceChildren(form);
}
