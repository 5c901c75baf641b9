"""The pages in a real browser: place an order over HTTP, watch it fill, steer the sandbox."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import expect

from integral_mock.config import Config
from integral_mock.testing import LiveSandbox, running_sandbox
from tests.helpers import EXAMPLE_LOGIN
from tests.pages.support import open_tab, place_pq_order


def test_an_order_appears_and_fills_when_the_clock_is_advanced(
    page: Any, live: LiveSandbox, screenshot_dir: Path
) -> None:
    placed = place_pq_order(live.base_url, "browser-pq-1")
    page.goto(f"{live.base_url}/__admin/")
    row = page.locator('#orders tr[data-co-id="browser-pq-1"]')
    expect(row.locator(".current .status")).to_have_text("RECEIVED")
    expect(row).to_contain_text(placed["orderId"])
    expect(page.locator('#orders .org-orders[data-org="apiOrganizationId"]')).to_be_visible()
    expect(page.locator("#clock-mode")).to_have_text("manual")
    before = page.locator("#clock-iso").inner_text()

    page.fill("#advance-form input[name=ms]", "2000")
    page.click("#advance")

    expect(row.locator(".current .status")).to_have_text("FILLED")
    expect(row.locator(".timeline li .status")).to_have_text(["RECEIVED", "NEW", "FILLED"])
    expect(page.locator("#clock-iso")).not_to_have_text(before)
    expect(page.locator("#notice")).to_contain_text("Clock advanced by 2000 ms")
    expect(page.locator("#journal-rows tr").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)


def test_the_journal_filters_by_org_path_and_status(page: Any, live: LiveSandbox) -> None:
    place_pq_order(live.base_url, "browser-journal-1")
    page.goto(f"{live.base_url}/__admin/")
    rows = page.locator("#journal-rows tr")
    expect(rows).to_have_count(3)  # login, quote, order
    page.fill("#journal-filters input[name=status]", "202")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("/v2/orders")
    page.fill("#journal-filters input[name=status]", "")
    page.fill("#journal-filters input[name=path]", "/v2/rates/*")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("/v2/rates/spot")
    page.select_option("#journal-filters select[name=org]", "orgB")
    expect(rows).to_have_count(0)


def test_a_fault_rule_is_added_fires_and_is_cleared_from_the_page(
    page: Any, live: LiveSandbox
) -> None:
    admin = f"{live.base_url}/__admin"
    page.goto(f"{admin}/")
    form = page.locator("#fault-form")
    form.locator("input[name=path]").fill("/v2/rates/*")
    form.locator("select[name=fault]").select_option("503")
    form.locator("input[name=times]").fill("1")
    form.locator("button[type=submit]").click()

    rule = page.locator("#fault-rows tr[data-rule-id]")
    expect(rule).to_have_count(1)
    expect(rule).to_contain_text("path=/v2/rates/*")
    expect(rule).to_contain_text("fault=503")
    rules = requests.get(f"{admin}/faults", timeout=5).json()
    assert [(r["path"], r["fault"], r["times"]) for r in rules] == [("/v2/rates/*", "503", 1)]

    spot = requests.get(f"{live.base_url}/v2/rates/spot?symbol=EUR%2FUSD", timeout=5)
    assert spot.status_code == 503
    expect(rule.locator("td").nth(3)).to_have_text("1 of 1")

    page.click("[data-clear=faults]")
    expect(rule).to_have_count(0)
    expect(page.locator("#fault-rows")).to_contain_text("No rules.")
    assert requests.get(f"{admin}/faults", timeout=5).json() == []


def test_an_outcome_rule_is_added_and_removed_from_the_page(page: Any, live: LiveSandbox) -> None:
    page.goto(f"{live.base_url}/__admin/")
    form = page.locator("#outcome-form")
    form.locator("input[name=coId]").fill("doomed-*")
    form.locator("select[name=outcome]").select_option("REJECTED")
    form.locator("input[name=reason]").fill("CREDIT_LIMIT")
    form.locator("button[type=submit]").click()
    rule = page.locator("#outcome-rows tr[data-rule-id]")
    expect(rule).to_contain_text("coId=doomed-*")
    expect(rule).to_contain_text("outcome=REJECTED reason=CREDIT_LIMIT")

    place_pq_order(live.base_url, "doomed-1")
    live.clock.advance(2000)
    order = page.locator('#orders tr[data-co-id="doomed-1"]')
    expect(order.locator(".current .status")).to_have_text("REJECTED")
    expect(order).to_contain_text("CREDIT_LIMIT")

    rule.get_by_role("button", name="Remove").click()
    expect(rule).to_have_count(0)
    assert requests.get(f"{live.base_url}/__admin/outcomes", timeout=5).json() == []


def test_conformance_shows_the_live_verdicts_and_says_not_available_on_404(
    page: Any, live: LiveSandbox
) -> None:
    requests.post(f"{live.base_url}/v2/sso/login", json=EXAMPLE_LOGIN, timeout=10)
    page.goto(f"{live.base_url}/__admin/")
    body = page.locator("#conformance-body")
    row = body.locator("tr", has_text="no-double-placement")
    expect(row).to_contain_text("must")
    expect(row.locator(".verdict")).to_have_text("not-exercised")
    expect(body).to_contain_text("No must rule failed.")

    asked: list[str] = []

    def missing(route: Any) -> None:  # a sandbox of a version without the live verdict
        asked.append(route.request.url)
        route.fulfill(status=404, json={"status": "ERROR", "errorCode": "NOT_FOUND"})

    page.route(re.compile(r".*/__admin/conformance\?.*"), missing)
    page.select_option("#conformance select[name=org]", "orgB")
    expect(page.locator("#conformance-missing")).to_contain_text("not available")
    assert asked[-1].endswith("/__admin/conformance?org=orgB")


def test_docs_render_both_specs_from_this_machine(
    page: Any, live: LiveSandbox, screenshot_dir: Path
) -> None:
    page.goto(f"{live.base_url}/docs")
    title = page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("Integral FX Inside REST API")
    expect(page.locator(".opblock-summary-path", has_text="/v2/sso/login")).to_be_visible()
    # "Try it out" reaches this sandbox (on its own port), not the spec's default address.
    servers = page.locator(".servers select option")
    expect(servers.first).to_have_attribute("value", live.base_url)
    assert "http://127.0.0.1:8080" in servers.all_inner_texts()[1]
    page.screenshot(path=str(screenshot_dir / "docs.png"))

    page.select_option(".topbar select", label="Sandbox control API (/__admin)")
    expect(title).to_contain_text("integral-mock sandbox control API")
    expect(page.locator(".opblock-summary-path", has_text="/__admin/clock/advance")).to_be_visible()
    # The page fixture fails the test on any request that left 127.0.0.1 (no CDN, no badge).


def test_the_landing_page_shows_the_example_login_and_leads_on(
    page: Any, live: LiveSandbox, screenshot_dir: Path
) -> None:
    page.goto(f"{live.base_url}/")
    page.screenshot(path=str(screenshot_dir / "landing.png"), full_page=True)
    login = page.locator("#example-login")
    expect(login.locator("[data-field=user]")).to_have_text("apiUserId")
    expect(login.locator("[data-field=pass]")).to_have_text("This is a long password!")
    expect(login.locator("[data-field=org]")).to_have_text("apiOrganizationId")
    links = page.locator("main a")
    expect(links).to_have_count(4)
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert {"/docs", "/__admin/", "/openapi.json"} <= hrefs
    page.click("main a[href='/docs']")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()


def test_with_an_admin_token_the_dashboard_asks_for_it_once(browser: Any) -> None:
    config = Config.default(validate_responses=True, admin_token="browser-s3cret")
    with running_sandbox(config) as live, open_tab(browser) as page:
        page.goto(f"{live.base_url}/__admin/")
        token = page.locator("input[name=token]")
        token.fill("wrong")
        page.get_by_role("button", name="Open the dashboard").click()
        expect(page.locator("#refused")).to_contain_text("That is not the admin token")

        page.locator("input[name=token]").fill("browser-s3cret")
        page.get_by_role("button", name="Open the dashboard").click()
        expect(page.locator("#clock-mode")).to_have_text("manual")
        assert "s3cret" not in page.url
        cookie = next(c for c in page.context.cookies() if c["name"] == "integral_mock_admin")
        assert cookie["httpOnly"]
        assert cookie["sameSite"] == "Strict"
        assert "browser-s3cret" not in cookie["value"]

        page.get_by_role("button", name="Forget token").click()
        expect(page.locator("input[name=token]")).to_be_visible()
        refused = requests.get(f"{live.base_url}/__admin/faults", timeout=5)
        assert refused.status_code == 401
