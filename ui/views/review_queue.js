// @ts-check
/**
 * The Review section: every case waiting for a person, in a dense list — customer,
 * provider, why it waits (in words), how long, who has it. Filters, a name search (`/`),
 * j/k or the arrows to move and Enter to open. Which cases are here is Rust's rule.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { renderCase } from "./review_case.js";

/** @typedef {import("../types/bindings").CaseSummary} CaseSummary */

const PROVIDERS = { cos: "Cross River", fin: "Fin.com", bvnk: "BVNK" };

/**
 * Why a case waits, in words.
 * @param {CaseSummary} row
 */
export function reasonWords(row) {
  switch (row.reason) {
    case "awaiting_check":
      return t("queue.reason.awaitingCheck", { maker: row.detail[0] ?? "" });
    case "compliance":
      return row.detail.map((d) => {
        const [check, status] = d.split(":");
        return t("queue.reason.compliance", { check: t(/** @type {any} */ (`queue.check.${check}`)), status: t(/** @type {any} */ (`queue.status.${status}`)) });
      }).join(" · ");
    case "fin_reviewing":
      return t("queue.reason.finReviewing");
    case "fin_action_required":
      return t("queue.reason.finActionRequired");
    case "bvnk_pending":
      return t("queue.reason.bvnkPending");
    default:
      return t("queue.reason.unknownOutcome");
  }
}

/**
 * How long since `since`, in words ("3 h 5 min").
 * @param {string} since RFC 3339
 */
export function waited(since) {
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 60_000));
  if (minutes < 1) return t("queue.waited.now");
  if (minutes < 60) return t("queue.waited.minutes", { minutes: String(minutes) });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t("queue.waited.hours", { hours: String(hours), minutes: String(minutes % 60) });
  return t("queue.waited.days", { days: String(Math.floor(hours / 24)) });
}

/**
 * @param {HTMLElement} main
 */
export async function renderQueue(main) {
  const me = document.body.dataset.person ?? "";
  const search = /** @type {HTMLInputElement} */ (el("input", { id: "queue-search", type: "search", "aria-keyshortcuts": "/" }));
  const provider = /** @type {HTMLSelectElement} */ (el("select", { id: "queue-provider" }, [
    el("option", { value: "" }, [t("queue.filter.any")]),
    ...Object.entries(PROVIDERS).map(([value, name]) => el("option", { value }, [name])),
  ]));
  const reason = /** @type {HTMLSelectElement} */ (el("select", { id: "queue-reason" }, [
    el("option", { value: "" }, [t("queue.filter.any")]),
    ...["awaiting_check", "compliance", "fin_reviewing", "fin_action_required", "bvnk_pending", "unknown_outcome"].map((value) =>
      el("option", { value }, [t(/** @type {any} */ (`queue.reasonName.${value}`))]),
    ),
  ]));
  const claim = /** @type {HTMLSelectElement} */ (el("select", { id: "queue-claim" }, [
    el("option", { value: "" }, [t("queue.filter.any")]),
    el("option", { value: "mine" }, [t("queue.filter.mine")]),
    el("option", { value: "unclaimed" }, [t("queue.filter.unclaimed")]),
  ]));
  const count = el("p", { id: "queue-count", class: "muted", "aria-live": "polite" });
  const list = el("ul", { id: "queue-list", class: "queue-list", role: "listbox", "aria-label": t("queue.title"), tabindex: "0" });
  main.append(
    el("h1", {}, [t("queue.title")]),
    el("p", { class: "muted" }, [t("queue.intro")]),
    el("div", { class: "filters" }, [
      el("label", { for: "queue-search" }, [t("queue.search")]), search,
      el("label", { for: "queue-provider" }, [t("queue.filter.provider")]), provider,
      el("label", { for: "queue-reason" }, [t("queue.filter.reason")]), reason,
      el("label", { for: "queue-claim" }, [t("queue.filter.claim")]), claim,
    ]),
    count,
    list,
  );

  /** @type {CaseSummary[]} */
  let cases = [];
  let selected = 0;
  try {
    cases = await api.reviewQueue();
  } catch (error) {
    count.textContent = /** @type {api.CommandError} */ (error).detail;
    return;
  }

  const visible = () => {
    const words = search.value.trim().toLocaleLowerCase();
    return cases.filter((row) =>
      (!words || row.customer.toLocaleLowerCase().includes(words)) &&
      (!provider.value || row.provider === provider.value) &&
      (!reason.value || row.reason === reason.value) &&
      (!claim.value || (claim.value === "mine" ? row.claimedBy === me : !row.claimedBy)),
    );
  };

  /** @param {CaseSummary} row */
  const open = (row) => {
    main.replaceChildren();
    renderCase(main, row.draftId, () => {
      main.replaceChildren();
      renderQueue(main);
    });
  };

  const draw = () => {
    const rows = visible();
    selected = Math.min(selected, Math.max(0, rows.length - 1));
    count.textContent = t("queue.count", { count: String(rows.length) });
    list.replaceChildren(...rows.map((row, index) => {
      const item = el("li", { role: "option", id: `case-${row.draftId}`, "data-case": row.draftId, "aria-selected": String(index === selected) }, [
        el("span", { class: "case-customer" }, [row.customer]),
        el("span", { class: "case-provider" }, [PROVIDERS[row.provider]]),
        el("span", { class: "case-reason" }, [reasonWords(row)]),
        el("span", { class: "case-waited" }, [waited(row.waitingSince)]),
        el("span", { class: "case-claim" }, [row.claimedBy ? t("queue.claimedBy", { name: row.claimedBy }) : t("queue.unclaimed")]),
      ]);
      item.addEventListener("click", () => open(row));
      return item;
    }));
    if (rows.length === 0) list.append(el("li", { class: "muted", role: "option", "aria-selected": "false" }, [t("queue.empty")]));
    else list.setAttribute("aria-activedescendant", `case-${rows[selected].draftId}`);
  };

  list.addEventListener("keydown", (event) => {
    const rows = visible();
    if (["ArrowDown", "j"].includes(event.key)) selected = Math.min(rows.length - 1, selected + 1);
    else if (["ArrowUp", "k"].includes(event.key)) selected = Math.max(0, selected - 1);
    else if (event.key === "Enter" && rows[selected]) return open(rows[selected]);
    else return;
    event.preventDefault();
    draw();
    document.getElementById(`case-${rows[selected]?.draftId}`)?.scrollIntoView({ block: "nearest" });
  });
  main.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== search) {
      event.preventDefault();
      search.focus();
    }
  });
  for (const control of [search, provider, reason, claim]) control.addEventListener("input", draw);
  draw();
  list.focus();
}
