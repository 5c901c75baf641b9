"""Drifts from the rules the suite missed at first: a token's life, a resend, quotes, bookings."""

from __future__ import annotations

from tests.contracts.drift_table import Drift, lifecycle, order_rule
from tests.contracts.middleware import rewriting
from tests.contracts.rule_drifts import (
    BookingsReuseClientRequestIds,
    BookingsRoundFineRates,
    FokLimitsRest,
    GttLimitsExpireAtOnce,
    GttLimitsRest,
    IocLimitsRest,
    RenewalExtendsNothing,
    ResendsTradesNeverDownloaded,
    TermCurrencyDealsTheBaseSide,
)
from tests.contracts.rule_rewrites import (
    code_renamed,
    duplicate_coid_is_an_invalid_request,
    limit_buys_fill_over_their_price,
    login_promises_a_longer_life,
    malformed_login_is_a_401,
    malformed_symbol_is_a_404,
    quotes_understate_their_limits,
)
from tests.contracts.served_drifts import LiveRenewalsRotate, ReplacedTokensRenewAgain


def _test(module: str, test: str) -> tuple[str, ...]:
    return (f"contracts/{module}.py::test_{test}",)


TOKEN_LIFE = _test(
    "test_sessions", "a_token_works_until_its_expiry_time_and_a_renewal_moves_that_on"
)
LIMIT_IOC = _test("test_quote_rules", "a_limit_ioc_fills_no_worse_than_its_price_or_expires")
LIMIT_FOK = _test("test_quote_rules", "a_limit_fok_fills_no_worse_than_its_price_or_expires")
LIMIT_GTT = _test("test_quote_rules", "a_limit_gtt_rests_then_expires_after_its_expiry_time")

RULE_DRIFTS: dict[str, Drift] = {
    # a token's life: what its login and renewals say
    "login_promises_a_longer_life": Drift(
        rewriting(login_promises_a_longer_life),
        ("token_lives_until_its_expiry_time",),
        parts=TOKEN_LIFE,
    ),
    "renewal_extends_nothing": Drift(
        RenewalExtendsNothing, ("renewal_moves_the_expiry_on",), parts=TOKEN_LIFE
    ),
    "live_renewals_rotate": Drift(
        LiveRenewalsRotate,
        ("live_token_keeps_its_value",),
        parts=order_rule("a_live_token_renewed_keeps_its_value_and_works"),
    ),
    "replaced_tokens_renew_again": Drift(
        ReplacedTokensRenewAgain,
        ("replaced_token_is_revoked",),
        parts=order_rule("an_expired_token_once_renewed_renews_no_more"),
    ),
    # status codes and error codes the spec names
    "malformed_login_is_a_401": Drift(
        rewriting(malformed_login_is_a_401),
        ("malformed_login_is_a_400",),
        parts=_test("test_sessions", "a_login_without_a_password_is_a_400_error_object"),
    ),
    "malformed_symbol_is_a_404": Drift(
        rewriting(malformed_symbol_is_a_404),
        ("symbol_answers_as_decided",),
        parts=_test("test_quote_rules", "a_malformed_symbol_is_a_400_and_an_unknown_one_a_404"),
    ),
    "order_final_is_an_invalid_request": Drift(
        rewriting(code_renamed("ORDER_FINAL", "INVALID_REQUEST")),
        ("final_order_cannot_be_cancelled",),
        parts=order_rule("cancelling_a_final_order_is_a_400_and_leaves_it_as_it_was"),
    ),
    "body_not_json_is_an_invalid_request": Drift(
        rewriting(code_renamed("UNSUPPORTED_MEDIA_TYPE", "INVALID_REQUEST")),
        ("body_not_json_is_a_400",),
        parts=order_rule("an_order_body_that_is_not_json_is_a_400_error_object"),
    ),
    "forbidden_says_not_permitted": Drift(
        rewriting(code_renamed("FORBIDDEN", "NOT_PERMITTED")),
        ("trading_needs_permission",),
        parts=_test("test_permissions", "a_user_without_trading_permission_places_nothing"),
    ),
    "expired_token_says_invalid": Drift(
        rewriting(code_renamed("TOKEN_EXPIRED", "INVALID_TOKEN")),
        ("expired_token_says_so",),
        parts=order_rule("an_expired_token_is_refused_as_expired"),
    ),
    "duplicate_coid_is_an_invalid_request": Drift(
        rewriting(duplicate_coid_is_an_invalid_request),
        ("coid_used_again_is_refused",),
        parts=order_rule("a_coid_used_again_is_a_400_and_the_first_order_stands"),
    ),
    # the trade download
    "resends_trades_never_downloaded": Drift(
        ResendsTradesNeverDownloaded,
        ("resend_leaves_trades_never_downloaded_alone",),
        parts=lifecycle("a_resend_before_the_first_download_leaves_the_trade_to_come_once_as_new"),
    ),
    # what a quote allows, and a Limit IOC
    "term_currency_deals_the_base_side": Drift(
        TermCurrencyDealsTheBaseSide,
        ("pq_trades_the_quoted_side",),
        parts=_test("test_quote_rules", "a_pq_order_trades_the_side_its_side_and_currency_say"),
    ),
    "quotes_understate_their_limits": Drift(
        rewriting(quotes_understate_their_limits),
        ("pq_over_the_quoted_size_is_rejected",),
        parts=_test("test_quote_rules", "a_pq_order_over_the_quoted_size_is_rejected"),
    ),
    "ioc_limits_rest": Drift(IocLimitsRest, ("limit_ioc_is_now_or_never",), parts=LIMIT_IOC),
    "fok_limits_rest": Drift(FokLimitsRest, ("limit_fok_is_now_or_never",), parts=LIMIT_FOK),
    "gtt_limits_rest": Drift(GttLimitsRest, ("limit_gtt_lives_its_expiry_time",), parts=LIMIT_GTT),
    "gtt_limits_expire_at_once": Drift(
        GttLimitsExpireAtOnce, ("limit_gtt_lives_its_expiry_time",), parts=LIMIT_GTT
    ),
    "limit_buys_fill_over_their_price": Drift(
        rewriting(limit_buys_fill_over_their_price), ("order_fill_adds_up",), parts=LIMIT_IOC
    ),
    # bookings
    "bookings_reuse_client_request_ids": Drift(
        BookingsReuseClientRequestIds,
        ("client_request_id_used_again_is_refused",),
        parts=_test("test_bookings", "a_client_request_id_used_again_is_a_400"),
    ),
    "bookings_round_fine_rates": Drift(
        BookingsRoundFineRates,
        ("rate_precision_is_refused",),
        parts=_test(
            "test_bookings", "a_booking_at_a_rate_finer_than_the_pairs_convention_is_refused"
        ),
    ),
}
