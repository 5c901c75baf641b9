// The dashboard: reads the /__admin JSON API once a second; every value goes in as text.
"use strict";

const IM = (window.IM = { panels: [] });

IM.el = (tag, attrs, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
};

IM.api = async (method, path, body) => {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const json = (response.headers.get("Content-Type") || "").includes("json");
  const data = json ? await response.json() : null;
  if (response.status === 401) window.location.reload(); // the token form, from the server
  // `next`: a paged list (/__admin/orders) has more than this answer, its Link header says.
  return { status: response.status, ok: response.ok, data, next: response.headers.has("Link") };
};

IM.notice = (text, bad) => {
  const box = document.getElementById("notice");
  box.textContent = text;
  box.classList.toggle("bad", Boolean(bad));
  box.hidden = !text;
};

IM.failed = (answer, what) => {
  const why = (answer.data && answer.data.errorMessage) || `HTTP ${answer.status}`;
  IM.notice(`${what}: ${why}`, true);
};

IM.time = (ms) => new Date(ms).toISOString().slice(11, 23);
IM.badge = (status) => IM.el("span", { class: `status s-${status}` }, status);

IM.query = (form) => {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) if (value !== "") params.set(key, value);
  return params;
};

// -- the clock ---------------------------------------------------------------------------

async function refreshClock() {
  const answer = await IM.api("GET", "/__admin/clock");
  if (!answer.ok) return;
  document.getElementById("clock-iso").textContent = answer.data.iso;
  document.getElementById("clock-mode").textContent = answer.data.mode;
  const manual = answer.data.mode === "manual";
  document.getElementById("advance-form").hidden = !manual;
  document.getElementById("clock-system").hidden = manual;
}

document.getElementById("advance-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const ms = Number(new FormData(event.target).get("ms"));
  const answer = await IM.api("POST", "/__admin/clock/advance", { ms });
  if (answer.ok) IM.notice(`Clock advanced by ${ms} ms, to ${answer.data.iso}`);
  else IM.failed(answer, "Advancing the clock failed");
  IM.refresh();
});

// -- orders, by org, each with its status timeline ----------------------------------------

function timeline(order) {
  const steps = order.timeline || [{ status: order.status, time: null }];
  const start = steps[0].time;
  const parts = steps.map((step, index) =>
    IM.el(
      "li",
      {},
      IM.badge(step.status),
      IM.el("small", {}, index === 0 ? IM.time(step.time) : `+${step.time - start} ms`),
    ),
  );
  return IM.el("ol", { class: "timeline" }, ...parts);
}

function orderRow(order) {
  const what = `${order.side} ${Number(order.size).toLocaleString("en-US")} ${order.symbol}`;
  return IM.el(
    "tr",
    { "data-order-id": order.orderId, "data-co-id": order.coId },
    IM.el("td", {}, order.orderId),
    IM.el("td", {}, order.coId),
    IM.el("td", {}, `${order.type} ${order.timeInForce || ""}`),
    IM.el("td", {}, what),
    IM.el("td", { class: "current" }, IM.badge(order.status)),
    IM.el("td", {}, timeline(order), order.reason ? IM.el("small", {}, order.reason) : null),
  );
}

IM.ORDERS_SHOWN = 200;

async function refreshOrders() {
  const org = document.querySelector("#orders select[name=org]").value;
  // The newest page only: it is read every second, and an org may hold many thousand orders.
  const query = new URLSearchParams({ order: "newest", limit: String(IM.ORDERS_SHOWN) });
  if (org) query.set("org", org);
  const answer = await IM.api("GET", `/__admin/orders?${query}`);
  if (!answer.ok) return;
  const byOrg = new Map();
  for (const order of answer.data) byOrg.set(order.org, [...(byOrg.get(order.org) || []), order]);
  const body = document.getElementById("orders-body");
  if (!byOrg.size) return body.replaceChildren(IM.el("p", { class: "hint" }, "No orders yet."));
  const head = ["id", "coId", "type", "order", "status", "timeline"].map((h) => IM.el("th", {}, h));
  const more = answer.next ? IM.el("p", { class: "hint" }, `The newest ${answer.data.length} orders; the admin API pages on (its Link header).`) : null;
  body.replaceChildren(
    ...(more ? [more] : []),
    ...[...byOrg].map(([name, orders]) =>
      IM.el(
        "div",
        { class: "org-orders", "data-org": name },
        IM.el("h3", {}, name, IM.el("small", {}, ` ${orders.length} order(s)`)),
        IM.el("table", { class: "data" }, IM.el("thead", {}, IM.el("tr", {}, ...head.map((h) => h.cloneNode(true)))),
          IM.el("tbody", {}, ...orders.map(orderRow))),
      ),
    ),
  );
}
document.querySelector("#orders select[name=org]").addEventListener("change", () => IM.refresh());

// -- the journal, newest first, filtered by org, path glob and status ---------------------

async function refreshJournal() {
  const params = IM.query(document.getElementById("journal-filters"));
  params.set("limit", "50");
  const answer = await IM.api("GET", `/__admin/journal?${params}`);
  const rows = document.getElementById("journal-rows");
  if (!answer.ok) return rows.replaceChildren(IM.el("tr", {}, IM.el("td", { colSpan: 8 }, answer.data?.errorMessage || "")));
  const entry = (e) =>
    IM.el(
      "tr",
      { "data-status": e.status ?? "" },
      IM.el("td", {}, IM.time(e.time)),
      IM.el("td", {}, e.org ?? "—"),
      IM.el("td", {}, e.method),
      IM.el("td", { class: "path" }, e.path + (e.query ? `?${e.query}` : "")),
      IM.el("td", {}, e.status === null ? "dropped" : e.status),
      IM.el("td", {}, e.fault ?? ""),
      IM.el("td", {}, e.latencyMs ? `${e.latencyMs} ms` : ""),
      IM.el("td", { class: "rid" }, e.requestId ?? ""),
    );
  rows.replaceChildren(...answer.data.slice().reverse().map(entry));
}
const journalForm = document.getElementById("journal-filters");
journalForm.addEventListener("input", () => refreshJournal());
journalForm.addEventListener("submit", (event) => event.preventDefault());

// -- conformance verdicts (GET /__admin/conformance?org=…, where the sandbox has it) ------

const field = (item, names) => names.map((n) => item[n]).find((v) => v !== undefined && v !== null);

function verdictRows(data) {
  // The live verdict is a report of one scenario, "live": its rules are the verdicts.
  const rules = data?.scenarios?.[0]?.rules;
  if (!Array.isArray(rules)) return IM.el("pre", { class: "json" }, JSON.stringify(data, null, 2));
  const row = (rule) => IM.el("tr", {},
    IM.el("td", {}, rule.id), IM.el("td", {}, rule.level),
    IM.el("td", {}, IM.el("span", { class: `verdict v-${String(rule.verdict).toLowerCase()}` }, rule.verdict)),
    IM.el("td", {}, rule.detail ?? ""));
  const summary = IM.el("p", { class: data.passed ? "notice good" : "notice bad" },
    data.passed ? "No must rule failed." : "A must rule failed: see the rows marked fail.");
  return IM.el("div", {}, summary, IM.el("table", { class: "data" }, IM.el("tbody", {}, ...rules.map(row))));
}

async function refreshConformance() {
  const org = document.querySelector("#conformance select[name=org]").value;
  const answer = await IM.api("GET", `/__admin/conformance?org=${encodeURIComponent(org)}`);
  const body = document.getElementById("conformance-body");
  if (answer.status === 404) {
    return body.replaceChildren(IM.el("p", { class: "hint", id: "conformance-missing" },
      "Conformance verdicts are not available on this sandbox (GET /__admin/conformance answered 404)."));
  }
  if (!answer.ok) return body.replaceChildren(IM.el("p", { class: "notice bad" }, answer.data?.errorMessage || `HTTP ${answer.status}`));
  body.replaceChildren(verdictRows(answer.data));
}
document.querySelector("#conformance select[name=org]").addEventListener("change", () => refreshConformance());

// -- every panel, once a second -----------------------------------------------------------

let ticks = 0;
IM.refresh = async () => {
  const conformance = ticks++ % 5 === 0 ? [refreshConformance()] : [];
  await Promise.allSettled([refreshClock(), refreshOrders(), refreshJournal(), ...conformance, ...IM.panels.map((p) => p())]);
  document.body.dataset.refreshed = String(ticks);
};
window.addEventListener("load", () => {
  IM.refresh();
  setInterval(IM.refresh, 1000);
});
