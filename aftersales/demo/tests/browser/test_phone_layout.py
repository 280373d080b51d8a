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


def overflow(page) -> str | None:
    """Why the page does not fit the phone's width, or None."""
    document_width, body_width, screen = page.evaluate(OVERFLOW)
    if screen != PHONE["width"]:
        return f"the window is {screen}px wide, not a phone's {PHONE['width']}px"
    if document_width > screen:
        return f"the page is {document_width}px wide on a {screen}px screen"
    if body_width > screen:
        return f"the body is {body_width}px wide on a {screen}px screen"
    return None


PAGES = ["/customers/", "/customers/new/", "/search/?q=zs", "/accounts/points/", "/", "/workshop/"]


def test_pages_fit_a_phone_screen_and_the_menu_opens(page, live_server, demo, log_in, screenshot):
    """One demo load for every page (loading it takes longer than looking at a page)."""
    log_in(page, "advisor")
    expect(page).to_have_url(f"{live_server.url}/")

    too_wide = {}
    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_be_visible()
        if path == "/customers/":
            expect(page.locator("table tbody tr").first).to_be_visible()
            screenshot(page, "phone-customer-list")
        reason = overflow(page)
        if reason:
            too_wide[path] = reason
    assert not too_wide, too_wide

    # the menu, folded away behind the toggler
    page.goto(f"{live_server.url}/customers/")
    search_box = page.locator("nav input[name=q]")
    expect(search_box).to_be_hidden()
    page.click(".navbar-toggler")
    expect(search_box).to_be_visible()
    assert overflow(page) is None, overflow(page)
