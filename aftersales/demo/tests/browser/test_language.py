"""The interface follows the browser's language and can be switched between 简体中文 and English."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def _bad_login(page):
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click("form button[type=submit]")


def test_switching_between_chinese_and_english_changes_the_interface(page, live_server, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    _bad_login(page)
    # Django's own catalogue: "请输入一个正确的 用户名 和密码…"
    expect(page.locator("form .alert-danger")).to_contain_text("正确的")
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
    expect(page.locator("form .alert-danger")).to_contain_text("正确的")
    expect(page.locator("form .alert-danger")).not_to_contain_text("Please enter")
