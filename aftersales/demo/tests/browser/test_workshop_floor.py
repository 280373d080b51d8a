"""The workshop floor in Chromium on a phone-sized window: the technician clocks on, pauses, clocks on
again and marks the job done; the QC inspector fails the check with a reason; the technician redoes
the job; the check passes; the cashier settles with WeChat Pay and cash and the balance shows 0.

The order is set up "approved, with a technician assigned" through the services."""

import re
import urllib.request
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aftersales.workshop.choices import JobStatus, WorkOrderStatus
from aftersales.workshop.models import Payment, QcChecklist, TimeEntry, WorkOrder
from aftersales.workshop.services.jobs import job_assign
from aftersales.workshop.tests import factories

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHECKS = ["Road test: brakes, steering and no unusual noise", "No warning lights on the dashboard",
          "Vehicle clean, protective covers removed"]
S = WorkOrderStatus


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True,
            "device_scale_factor": 2}


@pytest.fixture
def shop(live_server):
    org = factories.org(labour_rate="100.00")
    advisor = factories.staff(org["a"], "service_advisor", username="advisor", display_name="王晓燕")
    technician = factories.staff(org["a"], "technician", username="technician", display_name="李强")
    factories.staff(org["a"], "qc_inspector", username="inspector", display_name="郭明")
    factories.staff(org["a"], "cashier", username="cashier", display_name="林婷婷")
    QcChecklist.objects.create(service_type="repair", name="Repair", items=CHECKS)
    owner = factories.customer(org["a"], name="李建华", phone="13812345678")
    car = factories.vehicle(owner, plate="沪A66E88", mileage=18200)
    order = factories.work_order(org["a"], status=S.APPROVED, asset=car, advisor=advisor,
                                 concerns="刹车时有吱吱声",
                                 lines=[{"kind": "labour", "quantity": "1.50", "description": "更换前刹车片"}])
    line = order.lines.get()
    job_assign(user=advisor, order_id=order.pk, line_id=line.pk, technician_ids=[technician.pk])
    # The live server's first answer imports the whole site (slow on a busy machine): warm it up.
    urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=120).read()
    return {"order": order, "line": line}


def as_user(page, log_in, live_server, username):
    page.context.clear_cookies()
    log_in(page, username)
    expect(page).to_have_url(f"{live_server.url}/")


def fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"


def test_clock_rework_and_settle_on_a_phone(page, live_server, shop, log_in, screenshot):
    order, line = shop["order"], shop["line"]
    card = page.locator(f'.job-card[data-job="{line.pk}"]')

    # 1. The technician: clock on, pause, clock on again, done, repair finished.
    as_user(page, log_in, live_server, "technician")
    page.goto(f"{live_server.url}/workshop/jobs/")
    expect(card).to_contain_text("沪A66E88")
    expect(card).to_contain_text("刹车时有吱吱声")
    expect(card).to_contain_text("standard 1.50 h")
    fits(page)
    card.locator("[data-action=clock_on]").click()
    expect(card.locator("[data-timer]")).to_have_text(re.compile(r"^0:00:0\d$"))
    expect(page.locator("#current-job")).to_contain_text("更换前刹车片")
    screenshot(page, "floor-phone-clocked-on")
    card.locator("[data-action=pause]").click()
    expect(card).to_have_attribute("data-job-status", "paused")
    card.locator("[data-action=clock_on]").click()
    expect(card.locator("[data-timer]")).to_be_visible()  # clocked on again (the swap came back)
    card.locator("[data-action=done]").click()
    expect(page.locator("#job-notice")).to_contain_text("Job done")
    expect(card).to_have_attribute("data-job-status", "done")
    assert list(TimeEntry.objects.filter(line=line).order_by("id").values_list("end_reason", flat=True)) == [
        "pause", "done"]
    card.locator("[data-action=finish]").click()
    expect(page.locator("#job-notice")).to_contain_text("ready for the quality check")
    assert WorkOrder.objects.get(pk=order.pk).status == S.QUALITY_CHECK

    # 2. The inspector fails the road test, with a reason.
    as_user(page, log_in, live_server, "inspector")
    page.goto(f"{live_server.url}/workshop/qc/")
    page.locator(f'#qc-queue tr[data-order="{order.pk}"]').get_by_role("link", name="Inspect").click()
    expect(page.locator("#inspection-form")).to_contain_text(CHECKS[0])
    page.locator("label[for=id_ok_0_1]").click()          # Not OK
    page.fill("input[name=note_0]", "左前轮仍有异响")
    page.locator("label[for=id_ok_1_0]").click()          # OK
    page.locator("label[for=id_ok_2_0]").click()          # OK
    page.fill("#id_reasons", "Squeal from the front left wheel under braking")
    fits(page)
    screenshot(page, "floor-phone-qc-fail")
    page.locator("#record-inspection").click()
    expect(page).to_have_url(f"{live_server.url}/workshop/qc/")
    expect(page.locator(".alert-warning")).to_contain_text("goes back to repair")
    order.refresh_from_db()
    assert (order.status, order.rework_count) == (S.IN_REPAIR, 1)

    # 3. The technician redoes the job.
    as_user(page, log_in, live_server, "technician")
    page.goto(f"{live_server.url}/workshop/jobs/")
    expect(card).to_have_attribute("data-job-status", "waiting")
    card.locator("[data-action=clock_on]").click()
    expect(card.locator("[data-timer]")).to_be_visible()
    card.locator("[data-action=done]").click()
    expect(card).to_have_attribute("data-job-status", "done")
    card.locator("[data-action=finish]").click()
    expect(page.locator("#job-notice")).to_contain_text("ready for the quality check")

    # 4. The inspector passes it.
    as_user(page, log_in, live_server, "inspector")
    page.goto(f"{live_server.url}/workshop/qc/{order.pk}/")
    for i in range(len(CHECKS)):
        page.locator(f"label[for=id_ok_{i}_0]").click()
    page.locator("#record-inspection").click()
    expect(page.locator(".alert-success")).to_contain_text("ready for settlement")
    line.refresh_from_db()
    assert line.job_status == JobStatus.DONE

    # 5. The cashier: WeChat Pay 100.00 and cash 50.00, then settle; the balance shows 0.
    as_user(page, log_in, live_server, "cashier")
    page.goto(f"{live_server.url}/workshop/cashier/")
    page.locator(f'#cashier-list tr[data-order="{order.pk}"]').get_by_role("link", name="Settle").click()
    expect(page.locator("#balance")).to_have_text("¥150.00")
    fits(page)
    page.select_option("#payment-form select[name=method]", "wechat")
    page.fill("#payment-form input[name=amount]", "100.00")
    page.fill("#payment-form input[name=reference]", "4200002026112012345")
    page.locator("#take-payment").click()
    expect(page.locator("#balance")).to_have_text("¥50.00")
    page.select_option("#payment-form select[name=method]", "cash")
    page.fill("#payment-form input[name=amount]", "50.00")
    page.locator("#take-payment").click()
    expect(page.locator("#balance")).to_have_text("¥0.00")
    expect(page.locator("#payments [data-method=wechat]")).to_contain_text("¥100.00")
    expect(page.locator("#payments [data-method=cash]")).to_contain_text("¥50.00")
    page.locator("#settle").click()
    expect(page.locator(".alert-success").first).to_contain_text("settled")
    expect(page.locator("#balance")).to_have_text("¥0.00")
    fits(page)
    screenshot(page, "floor-phone-settled")
    order.refresh_from_db()
    assert (order.status, order.balance, order.paid_total) == (S.SETTLED, Decimal("0.00"), Decimal("150.00"))
    assert sorted(Payment.objects.filter(work_order=order).values_list("method", flat=True)) == ["cash", "wechat"]
