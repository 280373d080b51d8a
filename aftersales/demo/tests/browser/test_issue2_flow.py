"""Issue 2, end to end in Chromium: an advisor logs in, creates a customer, registers a vehicle for
that customer with a wrong VIN, sees the error beside the VIN field, corrects it, saves, and finds
the customer again by the pinyin initials of the name in the search box."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.assets.models import Asset
from aftersales.assets.vin import with_check_digit
from aftersales.core.testing import make_org, make_user
from aftersales.customers.models import Customer

pytestmark = pytest.mark.browser

GOOD_VIN = with_check_digit("LSVAU2180N2183294")  # SAIC Volkswagen, model year 2022
WRONG_VIN = GOOD_VIN[:8] + ("1" if GOOD_VIN[8] != "1" else "2") + GOOD_VIN[9:]


@pytest.fixture
def advisor(live_server):
    org = make_org()
    return make_user("advisor", point=org["a"], role="service_advisor")


def test_advisor_registers_a_customer_and_vehicle_then_finds_them_by_initials(
        page, live_server, advisor, log_in, screenshot):
    log_in(page, "advisor")
    expect(page).to_have_url(f"{live_server.url}/")

    # 1. A new customer archive.
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name="New customer").click()
    page.fill("#id_name", "龚晓燕")
    page.fill("#id_phones-0-number", "139 1234 5678")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    expect(page.locator("h1")).to_contain_text("龚晓燕")
    customer = Customer.objects.get(name="龚晓燕")
    assert customer.home_point_id == advisor.memberships.get().service_point_id
    assert list(customer.phones.values_list("number", flat=True)) == ["13912345678"]

    # 2. A vehicle for this customer, first with a VIN whose check digit is wrong.
    page.goto(f"{live_server.url}/assets/new/?kind=vehicle&owner={customer.pk}")
    expect(page.locator("#id_owner")).to_have_value(str(customer.pk))
    page.fill("#id_brand", "上汽大众")
    page.fill("#id_model", "朗逸")
    page.fill("#id_plate", "沪AD12345")
    page.locator("#id_vin").press_sequentially(WRONG_VIN)

    # …the box checks itself while the advisor types,
    expect(page.locator("#vin-feedback [data-vin=error]")).to_contain_text(f"should be {GOOD_VIN[8]}")
    page.get_by_role("button", name="Save").click()

    # …and the service refuses it, with the reason beside the VIN field.
    expect(page).to_have_url(re.compile(r"/assets/new/"))
    vin_error = page.locator(".invalid-feedback[data-field=vin]")
    expect(vin_error).to_contain_text(f"should be {GOOD_VIN[8]}, not {WRONG_VIN[8]}")
    screenshot(page, "issue2-wrong-vin")
    assert not Asset.objects.exists()

    # 3. Corrected, it saves.
    page.fill("#id_vin", "")
    page.locator("#id_vin").press_sequentially(GOOD_VIN.lower())
    expect(page.locator("#vin-feedback [data-vin=ok]")).to_contain_text("SAIC Volkswagen")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/assets/\d+/$"))
    expect(page.locator("main")).to_contain_text(GOOD_VIN)
    vehicle = Asset.objects.get()
    assert (vehicle.vin, vehicle.plate, vehicle.owner_id) == (GOOD_VIN, "沪AD12345", customer.pk)

    # 4. The customer is found again by the initials of 龚晓燕 in the navigation bar's search box.
    page.goto(f"{live_server.url}/")
    search = page.locator("nav input[name=q]")
    search.fill("gxy")
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=gxy"))
    hit = page.locator("main").get_by_role("link", name=re.compile("龚晓燕"))
    expect(hit).to_be_visible()
    screenshot(page, "issue2-search-by-initials")
    hit.first.click()
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator("main")).to_contain_text(vehicle.plate)
