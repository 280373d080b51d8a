"""The interface follows the browser's language and can be switched between 简体中文 and English."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.core.testing import make_org, make_user

pytestmark = pytest.mark.browser
# Chinese text, whatever the exact wording of the catalogue.
CHINESE = re.compile(r"[\u4e00-\u9fff]{2}")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def _bad_login(page):
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click("form button[type=submit]")


def test_the_login_page_switches_between_chinese_and_english(page, live_server, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    _bad_login(page)
    # Django's own catalogue: "请输入一个正确的 用户名 和密码…"
    expect(page.locator("form .alert-danger")).to_contain_text(CHINESE)
    screenshot(page, "login-zh-hans")

    page.select_option("select[name=language]", "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("select[name=language]")).to_have_value("en")
    _bad_login(page)
    expect(page.locator("form .alert-danger")).to_contain_text("Please enter a correct username and password")
    expect(page.locator("form button[type=submit]")).to_have_text("Log in")

    page.select_option("select[name=language]", "zh-hans")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    _bad_login(page)
    expect(page.locator("form .alert-danger")).to_contain_text(CHINESE)
    expect(page.locator("form .alert-danger")).not_to_contain_text("Please enter")


def test_the_choice_follows_the_user_through_the_application(page, live_server, log_in):
    make_user("advisor", point=make_org()["a"], role="service_advisor")
    log_in(page, "advisor")
    logout = page.locator("nav form[action$='/logout/'] button")
    search = page.locator("nav input[name=q]")
    expect(logout).to_have_text(CHINESE)
    expect(search).to_have_attribute("placeholder", CHINESE)

    page.select_option("select[name=language]", "en")

    expect(logout).to_have_text("Log out")
    expect(search).to_have_attribute("placeholder", "Search")
    page.goto(f"{live_server.url}/accounts/points/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(logout).to_have_text("Log out")

    page.select_option("select[name=language]", "zh-hans")

    expect(page).to_have_url(f"{live_server.url}/accounts/points/")
    expect(logout).to_have_text(CHINESE)
