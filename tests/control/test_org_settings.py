"""Per-org token lifetime through PUT /__admin/orgs/{org}: set, used, forgotten on reset."""

from __future__ import annotations

from tests.control.support import Admin
from tests.helpers import Api, assert_error

B = {"user": "traderB", "pass": "traderB-pass", "org": "orgB"}


def test_an_org_gets_a_short_token_lifetime_and_loses_it_on_reset(api: Api, admin: Admin) -> None:
    default = admin.ok("GET", "/orgs/orgB")["tokenLifetimeMs"]
    assert admin.ok("PUT", "/orgs/orgB", {"tokenLifetimeMs": 2000}) == {
        "org": "orgB",
        "tokenLifetimeMs": 2000,
    }
    short = api.login(B).json
    other = api.login().json  # another org keeps the config's lifetime
    assert short["expiryTime"] - short["serverUTCTime"] == 2000
    assert other["expiryTime"] - other["serverUTCTime"] == default
    admin.ok("POST", "/reset", {"org": "orgB"})
    assert admin.ok("GET", "/orgs/orgB")["tokenLifetimeMs"] == default


def test_null_goes_back_to_the_config_and_bad_input_is_refused(admin: Admin) -> None:
    admin.ok("PUT", "/orgs/orgB", {"tokenLifetimeMs": 5})
    assert admin.ok("PUT", "/orgs/orgB", {"tokenLifetimeMs": None})["tokenLifetimeMs"] == 1_800_000
    assert_error(admin.call("PUT", "/orgs/nope", {"tokenLifetimeMs": 5}), 404, "UNKNOWN_ORG")
    assert admin.call("PUT", "/orgs/orgB", {"tokenLifetimeMs": 0}).status_code == 400
    assert admin.call("PUT", "/orgs/orgB", {}).status_code == 400


def test_a_renewal_gets_the_orgs_lifetime(api: Api, admin: Admin) -> None:
    admin.ok("PUT", "/orgs/orgB", {"tokenLifetimeMs": 3000})
    token = api.token(B)
    renewed = api.get("/v2/sso/token/renew", token).json
    assert renewed["expiryTime"] - renewed["serverUTCTime"] == 3000
