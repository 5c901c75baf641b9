"""Deliberately broken variants of the sandbox, and what the contract suite says on each."""

# Every drift is WSGI middleware that changes answers after the sandbox's own response validation
# has passed them, so only the contract suite stands between the drift and a green run.

from __future__ import annotations

from tests.contracts.amount_drifts import AMOUNT_DRIFTS
from tests.contracts.asked_drifts import ASKED_DRIFTS
from tests.contracts.drift_table import OPERATIONS, ORDER_RULES, Drift
from tests.contracts.memory_drifts import (
    BookingsDownloadTheOtherSide,
    CancelledOrdersVanish,
    FilledThenNew,
    FinalOrdersListedActive,
    NewOrderNotFoundAtOnce,
    ReusedOrderIds,
    TradesNotConsumed,
)
from tests.contracts.middleware import Rewriting, rewriting
from tests.contracts.rewrites import (
    body_not_json_answers_415,
    cancelling_a_final_order_answers_202,
    echo_changes_side,
    error_without_error_code,
    errors_as_html,
    fresh_token_renews_as_expired,
    login_expires_before_it_answers,
    method_not_allowed_without_allow,
    no_request_id,
    order_without_user_full_name,
    place_answers_200,
    price_as_string,
    received_answered_as_new,
    rejected_answers_400,
    rejected_without_reason,
    request_id_not_echoed,
    resent_trades_come_back_as_new,
    trades_deal_twice_the_fill,
    unauthorized_answers_200,
    unsupported_method_answers_404,
)
from tests.contracts.rule_drift_table import RULE_DRIFTS
from tests.contracts.served_drifts import (
    CookieTokenRefused,
    LeaksOtherOrgsOrders,
    StaleQuotesFill,
    TokenNotRequired,
    UsedCoIdsTradeAgain,
)
from tests.contracts.value_drifts import VALUE_DRIFTS

DRIFTS: dict[str, Drift] = {
    # status codes
    "place_answers_200": Drift(
        rewriting(place_answers_200), ("placing_answers_202_received", "Undocumented status code")
    ),
    "unauthorized_answers_200": Drift(
        rewriting(unauthorized_answers_200),
        ("accepts requests without authentication", "Response violates schema"),
    ),
    "unsupported_method_answers_404": Drift(
        rewriting(unsupported_method_answers_404),
        ("Wrong response to undeclared method",),
        parts=OPERATIONS,
    ),
    "rejected_answers_400": Drift(rewriting(rejected_answers_400), ("rejected_order_has_reason",)),
    # bodies and types
    "price_as_string": Drift(rewriting(price_as_string), ("Response violates schema",)),
    "echo_changes_side": Drift(rewriting(echo_changes_side), ("placed_order_echoes_the_request",)),
    "order_without_user_full_name": Drift(
        rewriting(order_without_user_full_name), ("Response violates schema",)
    ),
    "error_without_error_code": Drift(
        rewriting(error_without_error_code),
        ("error_body_is_error_object", "Response violates schema"),
        parts=OPERATIONS,
    ),
    # headers and content types
    "no_request_id": Drift(
        rewriting(no_request_id), ("request_id_is_echoed", "Missing required response headers")
    ),
    "request_id_not_echoed": Drift(
        rewriting(request_id_not_echoed), ("request_id_is_echoed",), parts=OPERATIONS
    ),
    "method_not_allowed_without_allow": Drift(
        rewriting(method_not_allowed_without_allow),
        ("Wrong response to undeclared method", "Missing required response headers"),
        parts=OPERATIONS,
    ),
    "errors_as_html": Drift(
        rewriting(errors_as_html),
        ("error_body_is_error_object", "Undocumented Content-Type"),
        parts=OPERATIONS,
    ),
    # authentication and tenant isolation
    "cookie_token_refused": Drift(
        CookieTokenRefused, ("token_works_as_a_cookie",), parts=ORDER_RULES
    ),
    "token_not_required": Drift(TokenNotRequired, ("accepts requests without authentication",)),
    "leaks_other_orgs_orders": Drift(
        LeaksOtherOrgsOrders, ("other_org_cannot_see_order: another org asked",)
    ),
    # the order lifecycle
    "received_answered_as_new": Drift(
        rewriting(received_answered_as_new),
        ("placing_answers_202_received", "Response violates schema"),
    ),
    "filled_then_new": Drift(
        lambda app: Rewriting(app, FilledThenNew(set())), ("status_never_moves_backwards",)
    ),
    "stale_quotes_fill": Drift(StaleQuotesFill, ("stale_quote_is_rejected",)),
    "reuses_order_ids": Drift(
        lambda app: Rewriting(app, ReusedOrderIds()), ("order_ids_are_unique",)
    ),
    "new_order_not_found_at_once": Drift(
        lambda app: Rewriting(app, NewOrderNotFoundAtOnce(set())),
        ("placed_order_is_visible_at_once", "Created resource not found"),
    ),
    "cancelled_orders_vanish": Drift(
        lambda app: Rewriting(app, CancelledOrdersVanish(set())),
        ("cancelled_order_stays_readable",),
    ),
    "rejected_without_reason": Drift(
        rewriting(rejected_without_reason),
        ("rejected_order_has_reason", "Response violates schema"),
    ),
    # the trade download
    "resent_trades_come_back_as_new": Drift(
        rewriting(resent_trades_come_back_as_new), ("resent_trade_comes_back_as_resend",)
    ),
    "trades_deal_twice_the_fill": Drift(
        rewriting(trades_deal_twice_the_fill),
        ("trade_says_what_its_order_dealt", "trade_settles_at_its_rate"),
    ),
    "login_expires_before_it_answers": Drift(
        rewriting(login_expires_before_it_answers),
        ("token_expires_after_the_answer",),
        parts=OPERATIONS,
    ),
    "bookings_download_the_other_side": Drift(
        lambda app: Rewriting(app, BookingsDownloadTheOtherSide(set())),
        ("booked_trade_is_downloaded",),
        parts=(
            "contracts/test_bookings.py::test_a_booked_trade_is_downloaded_once_as_it_was_booked",
        ),
    ),
    "trades_not_consumed": Drift(
        lambda app: Rewriting(app, TradesNotConsumed()),
        ("trades_are_consumed",),
    ),
    # what retries and renewals meet
    "used_coids_trade_again": Drift(
        UsedCoIdsTradeAgain,
        ("coid_used_again_is_refused", "order_ids_are_unique"),
        parts=ORDER_RULES,
    ),
    "cancelling_a_final_order_answers_202": Drift(
        rewriting(cancelling_a_final_order_answers_202),
        ("final_order_cannot_be_cancelled",),
        parts=ORDER_RULES,
    ),
    "body_not_json_answers_415": Drift(
        rewriting(body_not_json_answers_415),
        ("body_not_json_is_a_400",),
        parts=ORDER_RULES,
    ),
    "fresh_token_renews_as_expired": Drift(
        rewriting(fresh_token_renews_as_expired),
        ("fresh_token_renews_as_valid",),
        parts=ORDER_RULES,
    ),
    "final_orders_listed_active": Drift(
        FinalOrdersListedActive, ("active_orders_are_active", "Response violates schema")
    ),
    **VALUE_DRIFTS,
    **RULE_DRIFTS,
    **AMOUNT_DRIFTS,
    **ASKED_DRIFTS,
}
