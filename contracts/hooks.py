"""What `pytest contracts` and `st run` both register: SSO login, in-rule requests, our checks."""

# Importing this module registers all three for the whole process (schemathesis.toml names it).

from __future__ import annotations

import datetime as dt
import re
import zlib
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, HookContext, Response
from schemathesis.auths import AuthContext
from schemathesis.schemas import BaseSchema

from integral_mock.contracts import (
    answer_checks,
    asked_checks,
    calls,
    checks,
    credentials,
    fill_checks,
    placement_checks,
    position_checks,
    rules,
    session_checks,
    value_checks,
    visibility_checks,
)

EXECUTION_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} [+-]\d{4}$")
A_REAL_TIME = "2024-10-24 12:00:00,000 +0000"


@schemathesis.auth()
class SsoLogin:
    """Logs in through the login operation and sends the token as the SSO_TOKEN header.

    Schemathesis caches the token, fetches a new one every few minutes and on any 401.
    """

    def get(self, case: Case, context: AuthContext) -> str:
        return calls.login(context.operation.schema, credentials.caller())

    def set(self, case: Case, data: str, context: AuthContext) -> None:
        if case.headers is None:
            case.headers = {}
        case.headers[calls.TOKEN] = data


@schemathesis.hook
def before_call(context: HookContext, case: Case, kwargs: dict[str, Any]) -> None:
    """Keep a request inside the rules the spec states in prose only, valid fields valid.

    A coId is unique within the org, the symbol one the org trades, the currency one side of it,
    a `yyyy-MM-dd HH:mm:ss,SSS Z` time a real one, a range's start not after its end: generated
    data cannot know these, and the sandbox answers a breach 400, so positive_data_acceptance
    would flag Hypothesis' favourite coId "0", symbol "AAA/AAA" and 30 February rather than any
    drift. A field that is already invalid is left alone, so a negative case stays negative.
    """
    if case.operation.path == "/marketdataset" and isinstance(case.query, dict):
        case.query = rules.within_market_data_rules(case.query)
    body = case.body
    if not isinstance(body, dict):
        return
    if case.operation.path == "/v2/trades" and case.method.upper() == "POST":
        if case.meta is not None:  # generated: the suite's own keep the rules (or break one)
            case.body = rules.within_booking_rules(body, live=checks.over_http(case))
    elif checks.is_place_order(case) and case.meta is not None:
        # Generated orders only (the suite's own are in the rules, and its retry test sends a
        # coId again on purpose).
        case.body = within_order_rules(body, live=checks.over_http(case))
    elif case.operation.path == "/v2/trades/stp/resend":
        case.body = with_real_times(body)
    elif case.operation.path == "/v2/sso/login" and _is_valid_stateful(case):
        # Only a login that succeeds has links to follow, and following them is what the stateful
        # phase is for; the other phases keep sending made-up logins, for their 401s and 404s.
        case.body = {**body, **credentials.caller().as_login()}


def _is_valid_stateful(case: Case) -> bool:
    """Whether `case` is a schema-valid request of the stateful phase."""
    meta = case.meta
    return meta is not None and meta.phase.name == "stateful" and meta.generation.mode.is_positive


def within_order_rules(order: dict[str, Any], *, live: bool) -> dict[str, Any]:
    """A copy of `order` with a fresh coId, a traded symbol, a currency of that symbol and
    a real clientOrderTime."""
    order = _made_real(order, ("clientOrderTime",))
    co_id, symbol, currency = order.get("coId"), order.get("symbol"), order.get("currency")
    if isinstance(co_id, str) and 1 <= len(co_id) <= rules.MAX_ID:
        order["coId"] = rules.fresh_coid(co_id, live=live)
    if isinstance(symbol, str) and rules.SYMBOL.match(symbol) and symbol not in rules.TRADED:
        # crc32, not hash(): the same generated symbol maps to the same pair in every process.
        order["symbol"] = symbol = rules.TRADED[zlib.crc32(symbol.encode()) % len(rules.TRADED)]
    if isinstance(symbol, str) and symbol in rules.TRADED and isinstance(currency, str):
        if rules.CURRENCY.match(currency) and currency not in symbol.split("/"):
            order["currency"] = rules.base_of(symbol)
    return order


def with_real_times(body: dict[str, Any]) -> dict[str, Any]:
    """A copy of `body` whose times of the spec's pattern are real ones, start before end."""
    body = _made_real(body, ("startDate", "endDate"))
    start, end = real_time(body.get("startDate")), real_time(body.get("endDate"))
    if start and end and start > end:
        body["startDate"], body["endDate"] = body["endDate"], body["startDate"]
    return body


def _made_real(body: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """A copy of `body` where each of `fields` that has the time pattern names a real time."""
    body = dict(body)
    for field in fields:
        value = body.get(field)
        if isinstance(value, str) and EXECUTION_TIME.match(value) and not real_time(value):
            body[field] = A_REAL_TIME
    return body


def real_time(value: Any) -> dt.datetime | None:
    """A `yyyy-MM-dd HH:mm:ss,SSS Z` string as the moment it names, or None if it names none."""
    if not isinstance(value, str) or not EXECUTION_TIME.match(value):
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S,%f %z")
    except ValueError:
        return None


for _check in (
    checks.error_body_is_error_object,
    checks.request_id_is_echoed,
    checks.placing_answers_202_received,
    placement_checks.placed_order_echoes_the_request,
    placement_checks.placed_order_names_its_placer,
    answer_checks.spot_rate_is_for_the_symbol_asked,
    answer_checks.order_is_the_one_asked,
    answer_checks.book_is_for_the_callers_org,
    answer_checks.book_is_of_the_type_asked,
    answer_checks.book_is_best_first,
    answer_checks.times_are_epoch_milliseconds,
    answer_checks.booking_echoes_its_client_request_id,
    answer_checks.download_keeps_to_max_count,
    session_checks.token_expires_after_the_answer,
    session_checks.token_cookie_is_the_token,
    checks.rejected_order_has_reason,
    checks.active_orders_are_active,
    fill_checks.order_fill_adds_up,
    position_checks.position_children_add_up,
    position_checks.position_pnl_agrees_with_net_amounts,
    value_checks.quote_is_not_crossed,
    value_checks.trade_settles_at_its_rate,
    value_checks.data_set_rates_are_timed_on_their_date,
    value_checks.data_set_is_the_one_asked,
    asked_checks.positions_are_the_ones_asked,
    asked_checks.order_trades_are_the_orders,
):
    schemathesis.check(_check)


@schemathesis.check
class OrderHistory:
    """Judges every order answer against the ones before it, and looks orders up after a 202.

    After a placement it asks for the order by id and by coId as the caller, and as another org
    (INTEGRAL_OTHER_*; set INTEGRAL_OTHER_USER empty where no second org exists); after a cancel,
    it reads the cancelled order back.
    """

    def __init__(self) -> None:
        self.ledger = checks.OrderLedger()
        self.other_token: str | None = None

    def after_response(self, ctx: CheckContext, response: Response, case: Case) -> None:
        orders = checks.orders_in(response, case)
        for order in orders:
            self.ledger.see(order)
        if response.status_code != 202:
            return
        if checks.is_place_order(case) and orders:
            self._look_up(case, orders[0])
        elif checks.is_cancel_order(case):
            self._read_back(case, str(case.path_parameters["id"]))

    def _look_up(self, case: Case, order: dict[str, Any]) -> None:
        schema = case.operation.schema
        by_id, by_coid = calls.look_up(schema, calls.token_of(case), order)
        visibility_checks.placed_order_is_visible_at_once(order, by_id, by_coid)
        for found in (by_id, by_coid):
            self.ledger.see(found.json())
        other = credentials.other_org()
        if other is not None:
            visibility_checks.other_org_cannot_see_order(
                order, *self._as_other_org(schema, other, order)
            )

    def _read_back(self, case: Case, order_id: str) -> None:
        by_id = calls.send(
            case.operation.schema,
            "getOrder",
            calls.token_of(case),
            path_parameters={"id": order_id},
        )
        visibility_checks.cancelled_order_stays_readable(order_id, by_id)
        self.ledger.see(by_id.json())

    def _as_other_org(
        self, schema: BaseSchema, other: credentials.Credentials, order: dict[str, Any]
    ) -> tuple[Response, Response, Response, Response]:
        """The other org's answers about `order`, logging in again once if its token expired."""
        for attempt in range(2):
            if self.other_token is None or attempt:
                self.other_token = calls.login(schema, other)
            answers = calls.look_everywhere(schema, self.other_token, order)
            if all(answer.status_code != 401 for answer in answers):
                break
        return answers
