"""The rule book: each rule's id, level, summary and hint, and judging traffic by all of them."""

from __future__ import annotations

from collections.abc import Sequence

from integral_mock.conformance import call_rules, order_rules, polling_rules, token_rules, traffic
from integral_mock.conformance.final_status import final_status
from integral_mock.conformance.settings import Settings
from integral_mock.conformance.verdicts import Entry, Judgment, Rule, RuleResult

FINAL_STATUS = "final-status-reported"
NO_DOUBLE = "no-double-placement"
__all__ = ["BY_ID", "FINAL_STATUS", "NO_DOUBLE", "RULES", "final_status", "judge"]


def _certification_only(entries: Sequence[Entry], settings: Settings) -> Judgment:
    return Judgment.unexercised("judged in certification runs only (it needs the exit code)")


RULES: tuple[Rule, ...] = (
    Rule(
        NO_DOUBLE,
        "must",
        "never gets two orders accepted for one intent after an ambiguous placement "
        "(certification: at all, the task being one order)",
        "When POST /v2/orders ends without a usable answer (connection lost, timeout, 5xx), "
        "the order may exist. Look it up by its coId (GET /v2/orders?coId=…) or in the active "
        "list, and place again only if it is not there, with the same coId, so the server "
        "refuses a duplicate (DUPLICATE_COID) instead of filling twice.",
        order_rules.no_double_placement,
    ),
    Rule(
        "lookup-before-replace",
        "should",
        "after an ambiguous placement, looks the order up before any new POST",
        "After an ambiguous answer to POST /v2/orders, make the next call about that order a "
        "lookup by coId (or the active list), never a second POST.",
        order_rules.lookup_before_replace,
    ),
    Rule(
        "poll-interval",
        "must",
        "polls one order (or a rate) no more often than the configured rate",
        "Wait between reads of an order (start near 50-100 ms and back off towards a second); "
        "never read one order (or a rate) more than max_reads_per_second times in a second.",
        polling_rules.poll_interval,
    ),
    Rule(
        "stop-at-final",
        "must",
        "stops polling (and cancelling) an order once shown a final status",
        "FILLED, REJECTED, EXPIRED and CANCELLED are final: once a read shows one, stop reading "
        "that order, and do not cancel it (the cancel is refused and changes nothing).",
        polling_rules.stop_at_final,
    ),
    Rule(
        "retry-after",
        "must",
        "waits out Retry-After on 429 and 503 before calling that operation again",
        "A 429 or 503 with Retry-After: N means no call to that operation for N seconds; sleep "
        "at least that long before the retry.",
        call_rules.retry_after,
    ),
    Rule(
        "backoff",
        "should",
        "paces its retries after failures (not all at once) and gives up within a bound",
        "Retry a failed safe call after a short, jittered delay that grows with each attempt "
        "(e.g. 100 ms, 200 ms, 400 ms, capped; full jitter, a random wait in [0, cap·2^n], is "
        "fine), and give up after a few attempts.",
        call_rules.backoff,
    ),
    Rule(
        "token-reuse",
        "must",
        "logs in once and reuses the token",
        "Log in once, keep the SSO_TOKEN the login answered and send it on every call until "
        "it nears expiry; do not log in (or renew) per call.",
        token_rules.token_reuse,
    ),
    Rule(
        "token-renewal",
        "should",
        "renews before expiry; after a 401 re-authenticates once and retries",
        "Renew (GET /v2/sso/token/renew) before expiryTime; if a call still answers 401 "
        "TOKEN_EXPIRED, log in or renew once and retry the call, and stop if that fails too.",
        token_rules.token_renewal,
    ),
    Rule(
        "fresh-quote",
        "must",
        "places a PQ order on a rateId issued to it, still valid, at the quoted price",
        "Take a spot rate, then place the PQ order citing that answer's rateId within the "
        "quote lifetime, at its offer to buy the base currency or its bid to sell it.",
        order_rules.fresh_quote,
    ),
    Rule(
        "json-requests",
        "must",
        "sends JSON as application/json and the token as header or cookie, never a secret in a URL",
        "Send every body with Content-Type: application/json, the token as the SSO_TOKEN "
        "header (or cookie) and the password in the login body only; a token or password in "
        "a URL ends up in logs and proxies.",
        call_rules.json_requests,
    ),
    Rule(
        "request-id",
        "should",
        "sends an X-Request-ID unique per request",
        "Send X-Request-ID with a fresh value (a UUID) on every request; a retry of the same "
        "request may repeat it. The sandbox (and Integral's support) can then find the call.",
        call_rules.request_id,
    ),
    Rule(
        FINAL_STATUS,
        "must",
        "(certification only) places the order asked for, sees it to a final status, exits 0 "
        "if it FILLED, else not",
        "Place the one PQ order the task asks for (INTEGRAL_SYMBOL, _SIDE, _SIZE, _CURRENCY), "
        "poll it until an answer shows it final (RECEIVED and NEW are not), retrying calls "
        "that failed (every scenario lets it end), then exit 0 only when it ended FILLED and "
        "non-zero when it was rejected, expired or cancelled, so that scripts and schedulers "
        "can trust it.",
        _certification_only,
    ),
)
BY_ID = {rule.id: rule for rule in RULES}


def judge(entries: Sequence[Entry], settings: Settings) -> list[RuleResult]:
    """Every rule's verdict on some traffic (oldest entry first)."""
    ordered = traffic.in_sending_order(entries)
    return [RuleResult(rule, rule.judge(ordered, settings)) for rule in RULES]
