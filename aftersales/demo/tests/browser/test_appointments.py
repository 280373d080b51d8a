"""Appointments in Chromium: the advisor books a periodic maintenance by phone for a demo customer's
vehicle in one of the three recommended slots, confirms it, downloads the .ics and sees the booking
in the day view with that slot's remaining capacity one lower."""

import datetime as dt
import random
import re
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from aftersales.appointments.models import Appointment
from aftersales.appointments.selectors import day_board
from aftersales.assets.models import Asset
from aftersales.crm.models import Notification
from aftersales.demo.appointments import create_appointments_demo
from aftersales.demo.archives import create_archives
from aftersales.demo.organisation import create_organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server):
    today = timezone.localdate()
    rng = random.Random(5)
    org = create_organisation()
    create_archives(rng=rng, org=org, customers=24, today=today)
    create_appointments_demo(rng=rng, org=org, today=today)
    point = org["points"]["SH-PD-4S"]
    vehicle = Asset.objects.filter(service_point=point, kind="vehicle").exclude(plate="").order_by("id").first()
    return {"org": org, "point": point, "vehicle": vehicle, "advisor": org["users"]["advisor"]}


def test_advisor_books_a_recommended_slot_confirms_and_sees_it_in_the_day_view(
        page, live_server, demo, log_in, screenshot):
    point, vehicle, advisor = demo["point"], demo["vehicle"], demo["advisor"]
    page.set_default_timeout(45_000)  # the set-up is a small demo data set; the machine may be busy
    log_in(page, "advisor")
    expect(page).to_have_url(f"{live_server.url}/")

    # 1. Find the customer by the vehicle's plate.
    page.goto(f"{live_server.url}/appointments/new/")
    page.fill("#customer-q", vehicle.plate)
    page.click("#find-customer")
    page.locator(f"#customer-results a[href='?customer={vehicle.owner_id}']").click()

    # 2. The booking form: periodic maintenance by phone, 60 minutes; three recommended slots.
    expect(page.locator("#id_service_point")).to_have_value(str(point.pk))
    page.select_option("#id_asset", str(vehicle.pk))
    page.select_option("#id_service_type", "periodic_maintenance")
    page.select_option("#id_channel", "phone")
    page.fill("#id_concerns", "定期保养：更换机油、机滤")
    page.fill("#id_estimated_price", "680")
    slots = page.locator("[data-pick-slot]")
    expect(slots).to_have_count(3)
    chosen = slots.nth(1).get_attribute("data-pick-slot")
    starts_at = timezone.make_aware(dt.datetime.strptime(chosen, "%Y-%m-%dT%H:%M"))
    before = next(s for s in day_board(user=advisor, service_point_id=point.pk, date=starts_at.date()).slots
                  if s.start == starts_at)
    slots.nth(1).click()
    expect(page.locator("#id_starts_at")).to_have_value(chosen)
    screenshot(page, "appointments-1-booking-form")
    page.click("#book-submit")

    # 3. Booked; confirm it (the customer is sent the details and the invitation link).
    expect(page).to_have_url(re.compile(r"/appointments/\d+/$"))
    appointment = Appointment.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert (appointment.starts_at, appointment.customer_id, appointment.asset_id, appointment.channel,
            appointment.service_type) == (starts_at, vehicle.owner_id, vehicle.pk, "phone", "periodic_maintenance")
    page.click("#confirm-appointment")
    expect(page.locator("#appointment-status")).to_have_text(re.compile("Confirmed|已确认"))
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    assert Notification.objects.filter(kind="appointment.confirmation", object_id=str(appointment.pk)).count() == 1

    # 4. The .ics invitation.
    with page.expect_download() as download_info:
        page.click("#download-ics")
    content = Path(download_info.value.path()).read_bytes()
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == starts_at
    assert event.decoded("dtend") == starts_at + dt.timedelta(minutes=60)
    assert f"DTSTART;TZID=Asia/Shanghai:{timezone.localtime(starts_at):%Y%m%dT%H%M%S}".encode() in content
    assert point.name in str(event["summary"]) and point.name in str(event["location"])
    assert appointment.number in str(event["description"])

    # 5. The day view: the booking is in its slot, which has one bay fewer left.
    page.goto(f"{live_server.url}/appointments/?date={starts_at.date():%Y-%m-%d}&point={point.pk}")
    row = page.locator(f"[data-slot='{timezone.localtime(starts_at):%H:%M}']")
    expect(row).to_contain_text(appointment.number)
    expect(row.locator("[data-bays-left]")).to_have_attribute("data-bays-left", str(before.bays_left - 1))
    screenshot(page, "appointments-2-day-view")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "appointments-3-day-view-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
