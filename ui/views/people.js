// @ts-check
/**
 * Settings → People and the desk's review settings, for admins: add a person (name, role,
 * PIN), disable or enable one, give a new PIN (which also ends a lock), turn four-eyes
 * checks on or off for this environment, set the idle lock. Each change is Rust's to allow
 * and is in the audit log.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/**
 * @param {HTMLElement} status where outcomes are said
 * @returns {HTMLElement}
 */
export function peopleSection(status) {
  const section = el("section", { id: "settings-people", "aria-labelledby": "settings-people-title" }, [
    el("h2", { id: "settings-people-title" }, [t("people.title")]),
  ]);
  if (document.body.dataset.role !== "admin") {
    section.append(el("p", { class: "muted" }, [t("people.adminsOnly")]));
    return section;
  }
  /** @param {unknown} error */
  const say = (error) => {
    status.textContent = /** @type {api.CommandError} */ (error).detail ?? String(error);
  };

  const makerChecker = /** @type {HTMLInputElement} */ (el("input", { id: "maker-checker", type: "checkbox" }));
  const idle = /** @type {HTMLInputElement} */ (el("input", { id: "idle-minutes", type: "number", min: "1", max: "120", class: "short" }));
  const list = el("table", { id: "people-list", class: "people" }, [
    el("caption", {}, [t("people.list")]),
  ]);

  const name = /** @type {HTMLInputElement} */ (el("input", { id: "person-name", type: "text" }));
  const role = /** @type {HTMLSelectElement} */ (el("select", { id: "person-role" }, ["staff", "reviewer", "admin"].map((r) => el("option", { value: r }, [t(/** @type {any} */ (`role.${r}`))]))));
  const pin = /** @type {HTMLInputElement} */ (el("input", { id: "person-pin", type: "password", inputmode: "numeric" }));
  const add = el("button", { type: "submit", id: "person-add" }, [t("people.add")]);
  const form = el("form", { class: "person-add" }, [
    el("label", { for: "person-name" }, [t("people.name")]), name,
    el("label", { for: "person-role" }, [t("people.role")]), role,
    el("label", { for: "person-pin" }, [t("people.pin")]), pin,
    add,
  ]);

  const draw = async () => {
    try {
      const [settings, people] = await Promise.all([api.deskSettings(), api.listStaff()]);
      makerChecker.checked = settings.makerChecker;
      idle.value = String(settings.idleMinutes);
      const rows = people.map((p) => {
        const toggle = el("button", { type: "button", class: "link small", "data-toggle": p.name }, [t(p.disabled ? "people.enable" : "people.disable")]);
        toggle.addEventListener("click", async () => {
          try {
            await api.changeStaff(p.name, { disabled: !p.disabled });
            await draw();
          } catch (error) {
            say(error);
          }
        });
        const reset = el("button", { type: "button", class: "link small", "data-reset": p.name }, [t("people.newPin")]);
        reset.addEventListener("click", async () => {
          const fresh = /** @type {HTMLInputElement} */ (el("input", { type: "password", inputmode: "numeric", "aria-label": t("people.newPinFor", { name: p.name }) }));
          const save = el("button", { type: "button", class: "small" }, [t("people.save")]);
          save.addEventListener("click", async () => {
            try {
              await api.changeStaff(p.name, { pin: fresh.value });
              status.textContent = t("people.pinChanged", { name: p.name });
              await draw();
            } catch (error) {
              say(error);
            }
          });
          reset.replaceWith(fresh, save);
          fresh.focus();
        });
        const state = p.disabled ? t("people.disabled") : p.lockedUntil ? t("people.locked") : t("people.active");
        return el("tr", { "data-person": p.name }, [
          el("th", { scope: "row" }, [p.name]),
          el("td", {}, [t(/** @type {any} */ (`role.${p.role}`))]),
          el("td", {}, [state]),
          el("td", {}, [toggle, " ", reset]),
        ]);
      });
      list.replaceChildren(
        el("caption", {}, [t("people.list")]),
        el("thead", {}, [el("tr", {}, ["people.name", "people.role", "people.state", "people.actions"].map((k) => el("th", { scope: "col" }, [t(/** @type {any} */ (k))])))]),
        el("tbody", {}, rows),
      );
    } catch (error) {
      say(error);
    }
  };

  makerChecker.addEventListener("change", async () => {
    try {
      await api.setDeskSettings({ makerChecker: makerChecker.checked });
      status.textContent = t(makerChecker.checked ? "people.makerCheckerOn" : "people.makerCheckerOff");
    } catch (error) {
      say(error);
      makerChecker.checked = !makerChecker.checked;
    }
  });
  idle.addEventListener("change", async () => {
    try {
      await api.setDeskSettings({ idleMinutes: Number(idle.value) });
    } catch (error) {
      say(error);
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api.addStaff(name.value, /** @type {"staff" | "reviewer" | "admin"} */ (role.value), pin.value);
      status.textContent = t("people.added", { name: name.value.trim() });
      name.value = "";
      pin.value = "";
      await draw();
    } catch (error) {
      say(error);
      const field = /** @type {api.CommandError} */ (error).field;
      (field === "pin" ? pin : name).focus();
    }
  });

  section.append(
    el("div", { class: "check" }, [makerChecker, el("label", { for: "maker-checker" }, [t("people.makerChecker")])]),
    el("p", { class: "muted small" }, [t("people.makerCheckerHint")]),
    el("label", { for: "idle-minutes" }, [t("people.idle")]),
    idle,
    list,
    el("h3", {}, [t("people.addTitle")]),
    form,
  );
  draw();
  return section;
}
