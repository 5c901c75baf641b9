// A client in another language (Node 18+, its built-in fetch), certified unchanged:
// log in, quote, place one PQ order, poll it; exit 0 if FILLED, 1 otherwise.
import { randomUUID } from "node:crypto";

const env = process.env;
const base = env.INTEGRAL_BASE_URL.replace(/\/$/, "");
const FINAL = new Set(["FILLED", "REJECTED", "EXPIRED", "CANCELLED"]);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
let token = null;

class Ambiguous extends Error {
  constructor(message, retryAfter = 0) {
    super(message);
    this.retryAfter = retryAfter;
  }
}
class Answer extends Error {
  constructor(status, body, retryAfter) {
    super(`HTTP ${status}`);
    Object.assign(this, { status, body, retryAfter });
  }
}

async function send(method, path, body) {
  const headers = { "X-Request-ID": randomUUID(), Accept: "application/json" };
  if (token && path !== "/v2/sso/login") headers["SSO_TOKEN"] = token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response, text;
  try {
    response = await fetch(base + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
    });
    text = await response.text();
  } catch (error) {
    throw new Ambiguous(String(error)); // dropped, timed out or cut short
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { throw new Ambiguous("not JSON"); }
  const retryAfter = Number(response.headers.get("retry-after") || 0);
  if (response.status >= 500) throw new Ambiguous(`HTTP ${response.status}`, retryAfter);
  if (!response.ok) throw new Answer(response.status, data, retryAfter);
  if (path === "/v2/sso/login") token = response.headers.get("sso_token");
  return data;
}

async function call(method, path) {
  let relogged = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(method, path);
    } catch (error) {
      if (error instanceof Answer && error.status === 401 && !relogged) {
        relogged = true;
        await login();
        continue;
      }
      const again = error instanceof Ambiguous || (error instanceof Answer && error.status === 429);
      if (!again || attempt >= 4) throw error;
      await sleep(Math.max((error.retryAfter || 0) * 1000, 100 * 2 ** attempt));
    }
  }
}

const login = () =>
  send("POST", "/v2/sso/login", { user: env.INTEGRAL_USER, pass: env.INTEGRAL_PASSWORD, org: env.INTEGRAL_ORG });

async function place(order) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await send("POST", "/v2/orders", order);
    } catch (error) {
      if (!(error instanceof Ambiguous)) throw error;
      await sleep(100 * 2 ** attempt);
      try {
        return await call("GET", `/v2/orders?coId=${encodeURIComponent(order.coId)}`);
      } catch (lookup) {
        if (!(lookup instanceof Answer && lookup.status === 404)) throw lookup;
      }
    }
  }
  throw new Error("gave up placing");
}

await login();
const symbol = env.INTEGRAL_SYMBOL, side = env.INTEGRAL_SIDE, currency = env.INTEGRAL_CURRENCY;
const rate = await call("GET", `/v2/rates/spot?symbol=${encodeURIComponent(symbol)}`);
const buysBase = (side === "Buy") === (currency === symbol.split("/")[0]);
const placed = await place({
  coId: `node-${randomUUID()}`, type: "PQ", timeInForce: "FOK", side, symbol, currency,
  size: Number(env.INTEGRAL_SIZE), price: buysBase ? rate.offer : rate.bid, rateId: rate.rateId,
});
let order = placed;
for (;;) {
  order = await call("GET", `/v2/orders/${placed.orderId}`);
  if (FINAL.has(order.status)) break;
  await sleep(200);
}
console.log("order", placed.orderId, order.status);
process.exit(order.status === "FILLED" ? 0 : 1);
