"""The virtual clock: GET /__admin/clock, POST /__admin/clock/advance, and what follows it."""

from __future__ import annotations

from integral_mock.clock import ManualClock, SystemClock
from integral_mock.config import Config
from tests.control.support import Admin, made_app
from tests.helpers import Api, assert_error


def test_clock_shows_the_manual_time(admin: Admin, clock: ManualClock) -> None:
    assert admin.ok("GET", "/clock") == {
        "mode": "manual",
        "now": clock.now_ms(),
        "iso": "2026-01-01T10:00:00.000Z",
    }


def test_advance_moves_the_clock(admin: Admin, clock: ManualClock) -> None:
    before = clock.now_ms()
    moved = admin.ok("POST", "/clock/advance", {"ms": 1500})
    assert moved["now"] == before + 1500 == clock.now_ms()
    assert moved["iso"] == "2026-01-01T10:00:01.500Z"


def test_order_lifecycle_follows_the_clock(api: Api, admin: Admin, token: str) -> None:
    placed = api.placed(token, api.pq_order(api.spot(token)))
    assert api.order(token, placed["orderId"])["status"] == "RECEIVED"
    admin.ok("POST", "/clock/advance", {"ms": 10_000})
    assert api.order(token, placed["orderId"])["status"] == "FILLED"


def test_quote_lifetime_follows_the_clock(api: Api, admin: Admin, token: str) -> None:
    quote = api.spot(token)
    admin.ok("POST", "/clock/advance", {"ms": 60_001})
    placed = api.placed(token, api.pq_order(quote))
    admin.ok("POST", "/clock/advance", {"ms": 10_000})
    assert api.order(token, placed["orderId"])["reason"].startswith("QUOTE_EXPIRED")


def test_token_expiry_follows_the_clock(api: Api, admin: Admin, token: str) -> None:
    admin.ok("POST", "/clock/advance", {"ms": 30 * 60 * 1000})
    assert_error(api.get("/v2/orders", token), 401, "TOKEN_EXPIRED")


def test_rate_timestamps_follow_the_clock(api: Api, admin: Admin, token: str) -> None:
    admin.ok("POST", "/clock/advance", {"ms": 42})
    assert api.spot(token)["time"] == admin.ok("GET", "/clock")["now"]


def test_a_clock_never_goes_back(admin: Admin) -> None:
    assert_error(admin.call("POST", "/clock/advance", {"ms": -1}), 400, "INVALID_REQUEST")
    assert_error(admin.call("POST", "/clock/advance", {}), 400, "INVALID_REQUEST")


def test_the_system_clock_cannot_be_advanced() -> None:
    with made_app(Config.default(validate_responses=True), clock=SystemClock()) as app:
        admin = Admin(app.test_client())
        assert admin.ok("GET", "/clock")["mode"] == "system"
        assert_error(admin.call("POST", "/clock/advance", {"ms": 1}), 409, "CLOCK_NOT_MANUAL")


def test_config_clock_manual_makes_a_manual_clock() -> None:
    with made_app(Config.default(clock="manual")) as app:
        assert isinstance(app.extensions["integral-mock"].clock, ManualClock)
        assert Admin(app.test_client()).ok("POST", "/clock/advance", {"ms": 5})["mode"] == "manual"
