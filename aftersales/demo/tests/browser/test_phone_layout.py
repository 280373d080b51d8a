"""The pages fit a phone screen (390 × 844, an iPhone 12–15): nothing scrolls sideways but tables
inside their own .table-responsive box."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
OVERFLOW = "() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"


@pytest.fixture
def demo(live_server):
    call_command("load_demo_data", customers=25, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True,
            "device_scale_factor": 2}


def assert_fits(page):
    document_width, body_width, screen = page.evaluate(OVERFLOW)
    assert screen == PHONE["width"]
    assert document_width <= screen, f"the page is {document_width}px wide on a {screen}px screen"
    assert body_width <= screen, f"the body is {body_width}px wide on a {screen}px screen"


@pytest.mark.parametrize("path", ["/customers/", "/customers/new/", "/search/?q=zs", "/accounts/points/", "/"])
def test_pages_fit_a_phone_screen(page, live_server, demo, log_in, screenshot, path):
    log_in(page, "advisor")
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{path}")

    expect(page.locator("main")).to_be_visible()
    assert_fits(page)
    if path == "/customers/":
        expect(page.locator("table tbody tr").first).to_be_visible()
        screenshot(page, "phone-customer-list")


def test_the_menu_opens_from_the_toggler_on_a_phone(page, live_server, demo, log_in):
    log_in(page, "advisor")
    page.goto(f"{live_server.url}/customers/")
    search_box = page.locator("nav input[name=q]")
    expect(search_box).to_be_hidden()

    page.click(".navbar-toggler")

    expect(search_box).to_be_visible()
    assert_fits(page)
