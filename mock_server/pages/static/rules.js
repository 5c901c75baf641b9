// Fault and outcome rules: add from a form, list with what each has fired, remove, clear.
"use strict";

(() => {
  const { el, api, notice, failed } = window.IM;
  const NUMBERS = new Set(["probability", "times", "fillDelayMs", "latencyMs"]);
  const MATCH = { faults: ["method", "path", "org"], outcomes: ["org", "symbol", "side", "type", "coId", "minSize", "maxSize"] };
  const EFFECT = { faults: ["fault", "latency", "probability", "retryAfter"], outcomes: ["outcome", "reason", "newDelayMs", "fillDelayMs", "progression"] };

  const describe = (rule, keys) =>
    keys.filter((k) => rule[k] !== undefined && rule[k] !== null).map((k) => `${k}=${rule[k]}`).join(" ") || "everything";

  function formBody(form) {
    const body = {};
    for (const [key, value] of new FormData(form)) {
      if (value !== "") body[key] = NUMBERS.has(key) ? Number(value) : value;
    }
    return body;
  }

  function rows(kind, rules) {
    const row = (rule) =>
      el("tr", { "data-rule-id": rule.id },
        el("td", {}, rule.id),
        el("td", {}, describe(rule, MATCH[kind])),
        el("td", {}, describe(rule, EFFECT[kind])),
        el("td", {}, rule.times === null ? `${rule.fired}` : `${rule.fired} of ${rule.times}`),
        el("td", {}, el("button", { type: "button", class: "quiet", onclick: () => remove(kind, rule.id) }, "Remove")));
    if (!rules.length) return [el("tr", {}, el("td", { colSpan: 5, class: "hint" }, "No rules."))];
    return rules.map(row);
  }

  async function refresh(kind) {
    const answer = await api("GET", `/__admin/${kind}`);
    if (answer.ok) document.getElementById(`${kind.slice(0, -1)}-rows`).replaceChildren(...rows(kind, answer.data));
  }

  async function remove(kind, id) {
    const answer = await api("DELETE", `/__admin/${kind}/${id}`);
    if (answer.ok) notice(`Removed ${kind.slice(0, -1)} rule ${id}`);
    else failed(answer, "Removing the rule failed");
    refresh(kind);
  }

  for (const kind of ["faults", "outcomes"]) {
    document.getElementById(`${kind.slice(0, -1)}-form`).addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await api("POST", `/__admin/${kind}`, formBody(event.target));
      if (answer.ok) notice(`Added ${kind.slice(0, -1)} rule ${answer.data.id}`);
      else failed(answer, `Adding the ${kind.slice(0, -1)} rule failed`);
      refresh(kind);
    });
    document.querySelector(`[data-clear=${kind}]`).addEventListener("click", async () => {
      const answer = await api("DELETE", `/__admin/${kind}`);
      if (answer.ok) notice(`Cleared ${answer.data.removed} ${kind.slice(0, -1)} rule(s)`);
      else failed(answer, "Clearing failed");
      refresh(kind);
    });
    window.IM.panels.push(() => refresh(kind));
  }
})();
