"""Drifts in values a schema cannot judge, and in who may do what: each was missed at first."""

from __future__ import annotations

from tests.contracts.drift_table import (
    DOWNLOAD,
    FILL,
    OPERATIONS,
    ORDER_RULES,
    ORDER_TRADES,
    Drift,
    lifecycle,
    order_rule,
)
from tests.contracts.memory_drifts import OrderLookupsAnswerTheLatest
from tests.contracts.middleware import rewriting
from tests.contracts.request_drifts import (
    AnyPasswordLogsIn,
    BooksForAnyOrg,
    CancelAllCancelsEveryOrgs,
    CancelAllCancelsNothing,
    DownloadHandsOutOtherOrgsTrades,
    DownloadIgnoresMaxCount,
    OrderTradesConsumeTheDownload,
    OtherOrgsCancelOrders,
    OtherOrgsReadOrderTrades,
    SpotIgnoresSymbol,
    TokensNeverExpire,
    UsersWithoutPermissionTrade,
)
from tests.contracts.value_rewrites import (
    active_list_newest_first,
    book_worst_first,
    booking_without_client_request_id,
    cookie_of_another_token,
    expired_tokens_cannot_renew,
    faults_without_retry_after,
    filled_orders_leave_their_size,
    full_book_answered_as_top_of_book,
    order_trades_always_empty,
    orders_placed_by_another_user,
    queried_orders_flip_side,
    raw_book_says_full,
    rejected_orders_show_a_fill,
    server_errors_as_html,
    spot_time_in_seconds,
    top_of_book_answered_as_book,
    trades_for_another_customer,
    trades_without_rate_id,
    transact_time_in_seconds,
    unknown_org_login_is_a_401,
    working_orders_show_a_full_fill,
)

VALUE_DRIFTS: dict[str, Drift] = {
    # values
    "cookie_of_another_token": Drift(
        rewriting(cookie_of_another_token), ("token_cookie_is_the_token",), parts=ORDER_RULES
    ),
    "orders_placed_by_another_user": Drift(
        rewriting(orders_placed_by_another_user), ("placed_order_names_its_placer",), parts=FILL
    ),
    "transact_time_in_seconds": Drift(
        rewriting(transact_time_in_seconds), ("times_are_epoch_milliseconds",), parts=FILL
    ),
    "spot_time_in_seconds": Drift(
        rewriting(spot_time_in_seconds), ("times_are_epoch_milliseconds",), parts=FILL
    ),
    "spot_ignores_symbol": Drift(
        SpotIgnoresSymbol,
        ("spot_rate_is_for_the_symbol_asked",),
        parts=OPERATIONS,
        keyword="GET and rates and not type",
    ),
    "book_worst_first": Drift(
        rewriting(book_worst_first),
        ("book_is_best_first",),
        parts=OPERATIONS,
        keyword="GET and rates and type and not org",
    ),
    "booking_without_client_request_id": Drift(
        rewriting(booking_without_client_request_id),
        ("booking_echoes_its_client_request_id",),
        parts=OPERATIONS,
        keyword="POST and trades and not stp",
    ),
    "trades_without_rate_id": Drift(
        rewriting(trades_without_rate_id), ("trade_says_what_its_order_dealt",), parts=DOWNLOAD
    ),
    "trades_for_another_customer": Drift(
        rewriting(trades_for_another_customer),
        ("trade_says_what_its_order_dealt",),
        parts=DOWNLOAD,
    ),
    "order_trades_always_empty": Drift(
        rewriting(order_trades_always_empty),
        ("order_trades_are_its_downloaded_trades",),
        parts=ORDER_TRADES,
    ),
    "order_trades_consume_the_download": Drift(
        OrderTradesConsumeTheDownload,
        ("order_trades_are_its_downloaded_trades", "trade was never downloaded"),
        parts=ORDER_TRADES,
    ),
    # books
    "full_book_answered_as_top_of_book": Drift(
        rewriting(full_book_answered_as_top_of_book),
        ("book_is_of_the_type_asked",),
        parts=OPERATIONS,
        keyword="GET and rates and type and not org",
    ),
    "top_of_book_answered_as_book": Drift(
        rewriting(top_of_book_answered_as_book),
        ("book_is_of_the_type_asked",),
        parts=OPERATIONS,
        keyword="GET and rates and type and not org",
    ),
    "raw_book_says_full": Drift(
        rewriting(raw_book_says_full),
        ("book_is_of_the_type_asked",),
        parts=OPERATIONS,
        keyword="GET and rates and type and not org",
    ),
    # refusals and failures (the sandbox's X-Sandbox-Fault makes them)
    "faults_without_retry_after": Drift(
        rewriting(faults_without_retry_after),
        ("retry_after_is_sent",),
        parts=order_rule("a_refused_or_failed_request_answers_the_error_object"),
    ),
    "server_errors_as_html": Drift(
        rewriting(server_errors_as_html),
        ("error_body_is_error_object",),
        parts=order_rule("a_refused_or_failed_request_answers_the_error_object"),
    ),
    # fills, lists and downloads
    "queried_orders_flip_side": Drift(
        rewriting(queried_orders_flip_side), ("order_keeps_what_it_trades",), parts=FILL
    ),
    "order_lookups_answer_the_latest": Drift(
        OrderLookupsAnswerTheLatest,
        ("order_is_the_one_asked",),
        parts=lifecycle("active_orders_are_listed_oldest_first"),
    ),
    "rejected_orders_show_a_fill": Drift(
        rewriting(rejected_orders_show_a_fill),
        ("order_fill_adds_up",),
        parts=lifecycle("order_off_the_quote_is_rejected_with_a_reason_at_http_200"),
    ),
    "working_orders_show_a_full_fill": Drift(
        rewriting(working_orders_show_a_full_fill), ("order_fill_adds_up",), parts=FILL
    ),
    "filled_orders_leave_their_size": Drift(
        rewriting(filled_orders_leave_their_size), ("order_fill_adds_up",), parts=FILL
    ),
    "active_list_newest_first": Drift(
        rewriting(active_list_newest_first),
        ("active_orders_are_oldest_first",),
        parts=lifecycle("active_orders_are_listed_oldest_first"),
    ),
    "download_ignores_max_count": Drift(
        DownloadIgnoresMaxCount,
        ("download_keeps_to_max_count",),
        parts=lifecycle("a_download_of_at_most_one_trade_leaves_the_next_one_waiting"),
    ),
    # who may do what
    "any_password_logs_in": Drift(
        AnyPasswordLogsIn,
        ("wrong_password_is_refused",),
        parts=order_rule("a_wrong_password_does_not_log_in"),
    ),
    "tokens_never_expire": Drift(
        TokensNeverExpire,
        ("expired_token_is_refused",),
        parts=order_rule("a_token_past_its_expiry_time_is_refused"),
    ),
    "other_orgs_cancel_orders": Drift(
        OtherOrgsCancelOrders,
        ("other_org_cannot_cancel_order",),
        parts=lifecycle("another_org_cannot_see_the_order"),
    ),
    "users_without_permission_trade": Drift(
        UsersWithoutPermissionTrade,
        ("trading_needs_permission: a user without trading permission",),
        parts=("contracts/test_permissions.py",),
    ),
    "other_orgs_read_order_trades": Drift(
        OtherOrgsReadOrderTrades,
        ("'s trades and got HTTP",),
        parts=lifecycle("another_org_cannot_see_the_order"),
    ),
    "books_for_any_org": Drift(
        BooksForAnyOrg,
        ("book_is_for_the_callers_org",),
        parts=OPERATIONS,
        keyword="GET and rates and org",
    ),
    "unknown_org_login_is_a_401": Drift(
        rewriting(unknown_org_login_is_a_401),
        ("unknown_org_is_a_404",),
        parts=order_rule("a_login_to_an_unknown_org_is_a_404_error_object"),
    ),
    "expired_tokens_cannot_renew": Drift(
        rewriting(expired_tokens_cannot_renew),
        ("expired_token_renews_as_a_new_one",),
        parts=order_rule("renewing_an_expired_token_issues_a_new_one_that_works"),
    ),
    "cancel_all_cancels_every_orgs": Drift(
        CancelAllCancelsEveryOrgs,
        ("cancel_all_spares_other_orgs",),
        parts=order_rule("cancelling_all_orders_leaves_another_orgs_working_order_alone"),
    ),
    "download_hands_out_other_orgs_trades": Drift(
        DownloadHandsOutOtherOrgsTrades,
        ("download_is_the_orgs_own",),
        parts=lifecycle("another_orgs_fill_is_not_in_the_download"),
    ),
    "cancel_all_cancels_nothing": Drift(
        CancelAllCancelsNothing,
        ("cancel_all_cancels_every_active_order",),
        parts=order_rule("cancelling_all_orders_cancels_a_working_one"),
    ),
}
