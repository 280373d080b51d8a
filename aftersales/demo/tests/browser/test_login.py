"""Logging in through the browser: a wrong password shows the error, the right one opens the app,
and repeated failures lock the account."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.core.testing import make_org, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def advisor(live_server):
    org = make_org()
    return make_user("advisor", point=org["a"], role="service_advisor")


def test_wrong_password_shows_the_error_then_the_right_one_logs_in(page, live_server, advisor, log_in, screenshot):
    log_in(page, "advisor", "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("form .alert-danger")).to_contain_text("correct username and password")
    expect(page.locator("#id_username")).to_have_value("advisor")
    screenshot(page, "login-wrong-password")

    log_in(page, "advisor")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("nav")).to_contain_text("advisor")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_five_failures_lock_the_account_even_for_the_right_password(page, live_server, advisor, log_in, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, "advisor", "wrong")

    expect(page.locator("main")).to_contain_text("Too many failed log-in attempts")

    log_in(page, "advisor")

    expect(page.locator("main")).to_contain_text("Too many failed log-in attempts")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_a_page_behind_login_sends_the_visitor_to_the_login_form_and_back(page, live_server, advisor):
    page.goto(f"{live_server.url}/accounts/points/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/points/$"))
    page.fill("#id_username", "advisor")
    page.fill("#id_password", "advisor")
    page.click("form button[type=submit]")

    expect(page).to_have_url(f"{live_server.url}/accounts/points/")
