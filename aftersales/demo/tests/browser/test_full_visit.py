"""Issue 3's full visit in Chromium, each person in a browser context of their own, all through the UI.

The advisor books a periodic maintenance by phone in a recommended slot and confirms it; on the
day view checks it in (mileage, fuel), adds a labour operation and a part and puts the estimate to
the customer with a link; the customer (no login, on a phone) opens the link, signs and approves;
the part is reserved. The advisor assigns the technician, who clocks on and off on a phone and
reports the repair finished; the QC inspector fails it, the technician redoes it, the inspector
passes it (one rework). The cashier settles with WeChat Pay and cash, balance 0; the advisor
delivers the vehicle (old part returned, next service proposed). The work order (维修委托书) and the
settlement statement (结算单) are downloaded with the page's buttons, turned into images and read
back by Tesseract; the customer's status page shows the order delivered.

Only what a front desk has before the day starts is set up directly: the demo organisation and
users, customers and vehicles, parts and stock, warranty exclusions, the labour catalogue, the
quality checklists and the store's appointment capacity (no history of arrivals: the forecast then
proposes the earliest free slots; test_appointments.py books against a history).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import urllib.request
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.appointments.models import Appointment
from aftersales.appointments.services import capacity_plan_set
from aftersales.assets.models import Asset
from aftersales.crm.models import Notification
from aftersales.demo.appointments import PLANS
from aftersales.demo.archives import create_archives
from aftersales.demo.floor import create_floor_demo
from aftersales.demo.organisation import create_organisation
from aftersales.demo.parts import create_parts_demo
from aftersales.demo.warranty import create_warranty_demo
from aftersales.demo.workshop import OPERATIONS
from aftersales.parts.models import Stock
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import LabourOperation, Payment, TimeEntry, WorkOrder
from aftersales.workshop.services.catalogue import labour_operation_create
from aftersales.workshop.tests.test_documents_ocr import ocr

from .test_workshop_reception import draw

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("tesseract")),
                       reason="pdftoppm and tesseract are needed to read the PDFs back"),
]

S = WorkOrderStatus
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
STEP_TIMEOUT = 45_000  # ms; the machine is shared with other test runs
CONCERNS = "定期保养：更换机油、机滤"
OIL_FILTER = "06A115561B"


@pytest.fixture
def patient_expect():
    """Assertions wait as long as actions do (the default 5 s is short on a busy machine)."""
    previous = getattr(expect, "_timeout", None)
    expect.set_options(timeout=STEP_TIMEOUT)
    yield
    expect.set_options(timeout=previous)


@pytest.fixture
def front_desk(live_server):
    today = timezone.localdate()
    rng = random.Random(11)
    org = create_organisation()
    create_archives(rng=rng, org=org, customers=24, today=today)
    create_parts_demo(rng=rng, org=org, today=today)
    create_warranty_demo(rng=rng, org=org, today=today)
    for code, name, category, hours, brand in OPERATIONS:  # the labour catalogue of the workshop demo
        labour_operation_create(user=org["admin"], data={
            "code": code, "name": name, "category": category, "standard_hours": Decimal(hours), "brand": brand})
    create_floor_demo(rng=rng, org=org, today=today)  # no orders yet: the checklists and discount limits
    point = org["points"]["SH-PD-4S"]
    hours, bays, technician_hours, _mean, _booker = PLANS[point.code]  # the store's appointment capacity
    capacity_plan_set(user=org["admin"], service_point_id=point.pk, data={
        "slot_minutes": 60, "bays": bays, "technician_hours": technician_hours, "opening_hours": hours})
    vehicle = (Asset.objects.filter(service_point=point, kind="vehicle", brand="上汽大众", owner__kind="person",
                                    owner__phones__isnull=False, is_active=True)
               .exclude(plate="").order_by("id").first())
    assert vehicle is not None, "the archives demo has a VW owned by a person with a phone at the Shanghai store"
    # The live server's first answer imports the whole site (slow on a busy machine): warm it up.
    urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=120).read()
    return {"org": org, "point": point, "vehicle": vehicle, "users": org["users"],
            "oil_change": LabourOperation.objects.get(code="PM-OIL"),
            "filter": Stock.objects.select_related("part").get(part__number=OIL_FILTER, service_point=point).part}


@pytest.fixture
def person(browser, browser_context_args, live_server, log_in):
    """``person("advisor")``: a page in a browser context of its own, logged in as that user (``None``:
    nobody logged in). The contexts close before the live server stops, so no request is left open."""
    contexts = []

    def open_page(username: str | None, **options):
        context = browser.new_context(**{**browser_context_args, **options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT)
        if username:
            log_in(page, username)
            expect(page).to_have_url(f"{live_server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_one_full_visit(live_server, front_desk, person, screenshot, patient_expect):
    point, vehicle, users = front_desk["point"], front_desk["vehicle"], front_desk["users"]
    url = live_server.url

    def order_page():
        advisor.goto(f"{url}/workshop/orders/{order.pk}/")
        return advisor

    def fits_phone(page):
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide on a 390px screen"

    advisor = person("advisor")

    # 1. The customer phones: a periodic maintenance in one of the three recommended slots, confirmed.
    advisor.goto(f"{url}/appointments/new/")
    advisor.fill("#customer-q", vehicle.plate)
    advisor.click("#find-customer")
    advisor.locator(f"#customer-results a[href='?customer={vehicle.owner_id}']").click()
    expect(advisor.locator("#id_service_point")).to_have_value(str(point.pk))
    advisor.select_option("#id_asset", str(vehicle.pk))
    advisor.select_option("#id_service_type", "periodic_maintenance")
    advisor.select_option("#id_channel", "phone")
    advisor.fill("#id_concerns", CONCERNS)
    advisor.fill("#id_estimated_price", "180")
    slots = advisor.locator("[data-pick-slot]")
    expect(slots).to_have_count(3)
    chosen = slots.first.get_attribute("data-pick-slot")
    slots.first.click()
    expect(advisor.locator("#id_starts_at")).to_have_value(chosen)
    screenshot(advisor, "full-visit-1-booking")
    advisor.click("#book-submit")
    expect(advisor).to_have_url(re.compile(r"/appointments/\d+/$"))
    appointment = Appointment.objects.get(pk=int(advisor.url.rstrip("/").rsplit("/", 1)[1]))
    starts_at = timezone.make_aware(dt.datetime.strptime(chosen, "%Y-%m-%dT%H:%M"))
    assert (appointment.starts_at, appointment.asset_id, appointment.channel) == (starts_at, vehicle.pk, "phone")
    advisor.click("#confirm-appointment")
    expect(advisor.locator("#appointment-status")).to_have_text(re.compile("Confirmed"))

    # 2. On the day, from the day view: check-in prefilled from the appointment; mileage and fuel.
    day = timezone.localtime(starts_at)
    advisor.goto(f"{url}/appointments/?date={day:%Y-%m-%d}&point={point.pk}")
    row = advisor.locator(f"[data-slot='{day:%H:%M}']")
    expect(row).to_contain_text(appointment.number)
    row.locator(f"a[href$='?appointment={appointment.pk}']").click()
    expect(advisor).to_have_url(re.compile(rf"/workshop/orders/new/\?appointment={appointment.pk}$"))
    form = advisor.locator("#reception-form")
    expect(form).to_contain_text(vehicle.owner.name)
    expect(form).to_contain_text(vehicle.plate)
    expect(advisor.locator("#id_service_type")).to_have_value("periodic_maintenance")
    expect(advisor.locator("#id_concerns")).to_have_value(CONCERNS)
    last = vehicle.readings.order_by("-read_on", "-id").values_list("value", flat=True).first() or 0
    mileage = last + 1520
    advisor.fill("#id_mileage", str(mileage))
    advisor.locator("#id_fuel_level").fill("40")
    screenshot(advisor, "full-visit-2-check-in")
    advisor.locator("#open-order").click()
    expect(advisor).to_have_url(re.compile(r"/workshop/orders/\d+/$"))
    order = WorkOrder.objects.get(appointment=appointment)
    assert (order.mileage_in, order.fuel_level, order.asset_id, order.status) == (mileage, 40, vehicle.pk, S.RECEPTION)
    assert vehicle.readings.filter(value=mileage).exists()

    # …a labour operation from the catalogue and the oil filter from stock (HTMX, no reload)
    stock = Stock.objects.get(part=front_desk["filter"], service_point=point)
    advisor.select_option("#id_operation", str(front_desk["oil_change"].pk))
    advisor.locator("#add-line").click()
    expect(advisor.locator("#lines tbody tr[data-kind=labour]")).to_contain_text("更换机油及机油滤清器")
    advisor.select_option("#id_kind", "part")
    advisor.locator("input[name=part_q]").press_sequentially(OIL_FILTER[:4])
    expect(advisor.locator("#id_part option", has_text="机油滤清器")).to_have_count(1)
    advisor.select_option("#id_part", str(front_desk["filter"].pk))
    advisor.fill("#id_quantity", "1")
    advisor.locator("#add-line").click()
    expect(advisor.locator("#lines tbody tr[data-kind=part]")).to_contain_text("机油滤清器")
    expect(advisor.locator("#amount-due")).to_have_text("¥158.00")  # 0.5 h × ¥180 + ¥68

    # …and the estimate put to the customer with a link sent to their phone, shown once on the page
    advisor.locator("[data-step=submit_estimate]").click()
    advisor.locator("#submit-panel input[name=send_link]").check()
    advisor.locator("#submit-estimate").click()
    expect(advisor.locator("[data-approval-status=pending]")).to_be_visible()
    link = advisor.locator("#approval-link").get_attribute("href")
    assert re.fullmatch(rf"{re.escape(url)}/p/approve/[^/]+/", link), link
    message = Notification.objects.get(kind="workshop.approval_link", customer=vehicle.owner)
    assert link in message.body
    screenshot(advisor, "full-visit-3-estimate-sent")

    # 3. The customer, on their phone and not logged in, reads the estimate, signs and approves.
    customer = person(None, **PHONE)
    customer.goto(link)
    expect(customer.locator("#order-number")).to_have_text(order.number)
    expect(customer.locator("#approval-lines")).to_contain_text("更换机油及机油滤清器")
    expect(customer.locator("#approval-lines")).to_contain_text("机油滤清器")
    expect(customer.locator("#you-pay")).to_have_text("¥158.00")
    customer.locator("#approval-form input[name=approver_name]").fill(vehicle.owner.name)
    draw(customer, customer.locator("#approval-form canvas[data-signature-pad]"))
    fits_phone(customer)
    screenshot(customer, "full-visit-4-customer-signs")
    customer.locator("#approve").click()
    expect(customer.locator("#link-message")).to_contain_text("Approved")

    order_page()
    expect(advisor.locator("#order-header [data-status]")).to_have_text("Approved")
    expect(advisor.locator("#lines tr[data-kind=part] [data-stock]")).to_have_text("Reserved")
    expect(advisor.locator("[data-approval-status=approved]")).to_be_visible()
    expect(advisor.locator("#order-timeline")).to_contain_text("through the link")
    stock_after = Stock.objects.get(pk=stock.pk)
    assert (stock_after.on_hand, stock_after.reserved) == (stock.on_hand, stock.reserved + 1)

    # 4. The advisor assigns the technician; he clocks on and off (done) on a phone, repair finished.
    technician_user = users["technician"]
    labour = order.lines.get(kind="labour")
    job = advisor.locator(f"#jobs-card [data-job='{labour.pk}']")
    job.locator(f"#technicians-{labour.pk}").select_option(str(technician_user.pk))
    job.locator(".assign-form button[type=submit]").click()
    expect(advisor.locator(f"#jobs-card [data-job='{labour.pk}'] [data-technician='{technician_user.pk}']"))\
        .to_be_visible()

    technician = person("technician", **PHONE)
    card = technician.locator(f'.job-card[data-job="{labour.pk}"]')

    def repair():
        technician.goto(f"{url}/workshop/jobs/")
        expect(card).to_contain_text(vehicle.plate)
        card.locator("[data-action=clock_on]").click()
        expect(card.locator("[data-timer]")).to_be_visible()
        card.locator("[data-action=done]").click()
        expect(card).to_have_attribute("data-job-status", "done")
        card.locator("[data-action=finish]").click()
        expect(technician.locator("#job-notice")).to_contain_text("ready for the quality check")

    repair()
    fits_phone(technician)
    screenshot(technician, "full-visit-5-technician-phone")
    assert WorkOrder.objects.get(pk=order.pk).status == S.QUALITY_CHECK

    # 5. The inspector fails the check with a reason; the job is redone; the inspector passes it.
    inspector = person("inspector")
    inspector.goto(f"{url}/workshop/qc/")
    inspector.locator(f'#qc-queue tr[data-order="{order.pk}"]').get_by_role("link", name="Inspect").click()
    checks = inspector.locator("#inspection-form input[type=radio][id$='_0']")
    expect(checks.first).to_be_attached()
    count = checks.count()
    assert count >= 3, count
    inspector.locator("label[for=id_ok_0_1]").click()  # Not OK
    inspector.fill("input[name=note_0]", "机油液位偏低")
    for i in range(1, count):
        inspector.locator(f"label[for=id_ok_{i}_0]").click()
    inspector.fill("#id_reasons", "Oil level below the mark after the change")
    screenshot(inspector, "full-visit-6-qc-fail")
    inspector.locator("#record-inspection").click()
    expect(inspector.locator(".alert-warning")).to_contain_text("goes back to repair")
    assert WorkOrder.objects.get(pk=order.pk).status == S.IN_REPAIR

    repair()
    inspector.goto(f"{url}/workshop/qc/{order.pk}/")
    for i in range(count):
        inspector.locator(f"label[for=id_ok_{i}_0]").click()
    inspector.locator("#record-inspection").click()
    expect(inspector.locator(".alert-success")).to_contain_text("ready for settlement")
    assert list(TimeEntry.objects.filter(line=labour).values_list("end_reason", flat=True)) == ["done", "done"]
    order_page()
    expect(advisor.locator("#order-header")).to_contain_text("1 rework")
    expect(advisor.locator("#order-header [data-status]")).to_have_text("Ready for settlement")

    # 6. The cashier: WeChat Pay ¥100.00 and cash ¥58.00; settled, balance 0.
    cashier = person("cashier")
    cashier.goto(f"{url}/workshop/cashier/")
    cashier.locator(f'#cashier-list tr[data-order="{order.pk}"]').get_by_role("link", name="Settle").click()
    expect(cashier.locator("#balance")).to_have_text("¥158.00")
    cashier.select_option("#payment-form select[name=method]", "wechat")
    cashier.fill("#payment-form input[name=amount]", "100.00")
    cashier.fill("#payment-form input[name=reference]", "4200002026112098765")
    cashier.locator("#take-payment").click()
    expect(cashier.locator("#balance")).to_have_text("¥58.00")
    cashier.select_option("#payment-form select[name=method]", "cash")
    cashier.fill("#payment-form input[name=amount]", "58.00")
    cashier.locator("#take-payment").click()
    expect(cashier.locator("#balance")).to_have_text("¥0.00")
    cashier.locator("#settle").click()
    expect(cashier.locator(".alert-success").first).to_contain_text("settled")
    expect(cashier.locator("#balance")).to_have_text("¥0.00")
    screenshot(cashier, "full-visit-7-settled")
    order.refresh_from_db()
    assert (order.status, order.balance, order.paid_total) == (S.SETTLED, Decimal("0.00"), Decimal("158.00"))
    assert sorted(Payment.objects.filter(work_order=order).values_list("method", "amount")) == [
        ("cash", Decimal("58.00")), ("wechat", Decimal("100.00"))]

    # 7. The advisor delivers: the old filter goes back to the customer, the next service is proposed.
    order_page()
    advisor.locator("#open-delivery").click()
    part_line = order.lines.get(kind="part")
    expect(advisor.locator(f"select[name=old_part_{part_line.pk}]")).to_have_value("returned")
    expect(advisor.locator("#id_notes")).to_contain_text("更换机油及机油滤清器")
    proposed_date = advisor.locator("#id_next_service_date").input_value()
    proposed_km = advisor.locator("#id_next_service_mileage").input_value()
    assert proposed_date and int(proposed_km) > mileage, (proposed_date, proposed_km)
    advisor.locator("#deliver").click()
    expect(advisor).to_have_url(f"{url}/workshop/orders/{order.pk}/")
    expect(advisor.locator("#order-header [data-status]")).to_have_text("Delivered")
    expect(advisor.locator(f"#delivery-card [data-old-part='{part_line.pk}']")).to_contain_text("机油滤清器")
    expect(advisor.locator("#delivery-card")).to_contain_text(f"{proposed_date} · {proposed_km} km")
    screenshot(advisor, "full-visit-8-delivered")
    order.refresh_from_db()
    assert (order.status, order.next_service_date, order.next_service_mileage) == (
        S.DELIVERED, dt.date.fromisoformat(proposed_date), int(proposed_km))

    # 8. The work order and the settlement statement, downloaded with the buttons, read back in Chinese.
    panel = advisor.locator("#order-documents-panel")
    for kind, title in (("work-order", "维修委托书"), ("statement", "结算单")):
        text = ocr(download(advisor, panel.locator(f"a[data-document='{kind}']")),
                   expect=(title, "更换机油", order.number[-10:]))
        assert title in text, (kind, text)
        assert "更换机油" in text, (kind, text)
        assert order.number[-10:] in text, (kind, text)  # the digits (OCR reads the "S" of "4S" as "$")

    # …and the customer's status page, from the link on the order's page, shows the order delivered.
    status_link = panel.locator(f"#status-link-{order.pk}").input_value()
    assert re.fullmatch(rf"{re.escape(url)}/p/status/[^/]+/", status_link), status_link
    customer.goto(status_link)
    expect(customer.locator("#order-number")).to_have_text(order.number)
    expect(customer.locator("#order-state")).to_have_text("Delivered")
    expect(customer.locator("#balance")).to_have_text("¥ 0.00")
    expect(customer.locator("#public-status")).not_to_contain_text(vehicle.owner.name)
    fits_phone(customer)
    screenshot(customer, "full-visit-9-status")


def download(page, button) -> bytes:
    """The PDF a document button opens in a new tab, as the browser received it. Chromium shows it in
    its viewer (no download event), so the document's response is taken on its way to the tab."""
    received = []

    def keep(route):
        response = route.fetch()
        received.append((response.status, response.headers.get("content-type", ""), response.body()))
        route.fulfill(response=response)

    pattern = re.compile(r"/workshop/orders/\d+/documents/[a-z-]+\.pdf")
    page.context.route(pattern, keep)
    try:
        with page.context.expect_page() as tab_info:
            button.click()
        tab = tab_info.value
        tab.wait_for_load_state()
        tab.close()
    finally:
        page.context.unroute(pattern, keep)
    assert len(received) == 1, [r[:2] for r in received]
    status, content_type, body = received[0]
    assert (status, content_type, body[:5]) == (200, "application/pdf", b"%PDF-"), (status, content_type, body[:40])
    return body
