"""The appointments API: generated permission tests, the day's slots, recommendations, .ics, roles."""

import datetime as dt

from django.test import TestCase
from icalendar import Calendar

from aftersales.appointments.models import Appointment, CapacityOverride, Holiday
from aftersales.appointments.services import appointment_book, appointment_confirm
from aftersales.assets.tests.factories import customer, vehicle
from aftersales.core.testing import StandardAPITests, bearer, make_user
from aftersales.crm.models import Notification

from .factories import appointment
from .helpers import HOURS, Setup, at, future_weekday

PERMS = ["appointments.*", "customers.view_customer"]


def _open(point):
    point.opening_hours, point.bays, point.technician_count = HOURS, 2, 2
    point.save()


class AppointmentStandardAPITests(StandardAPITests):
    model = Appointment
    api_url = "/api/v1/appointments"
    permission_patterns = PERMS
    actions = {"list", "detail", "create", "update"}

    @classmethod
    def make_object(cls, point):
        return appointment(point)

    def create_payload(self, point):
        _open(point)
        owner = customer(point, "李四")
        return {"service_point_id": point.pk, "customer_id": owner.pk, "asset_id": vehicle(owner).pk,
                "service_type": "repair", "starts_at": at(future_weekday(2), 9, 30).isoformat(),
                "estimated_minutes": 60, "estimated_price": "200.00", "channel": "walk_in"}

    def update_payload(self):
        return {"concerns": "刹车异响"}

    def bad_payload(self):
        payload = self.create_payload(self.point_a)
        payload["starts_at"] = "2027-02-30T09:30"
        return payload, "starts_at"


class HolidayStandardAPITests(StandardAPITests):
    model = Holiday
    api_url = "/api/v1/appointment-holidays"
    permission_patterns = ["appointments.*"]

    @classmethod
    def make_object(cls, point):
        return Holiday.objects.create(service_point=point, date=dt.date(2027, 10, 1), name="国庆节")

    def create_payload(self, point):
        return {"service_point_id": point.pk, "date": "2027-05-01", "name": "劳动节"}

    def update_payload(self):
        return {"name": "国庆"}

    def bad_payload(self):
        return {"service_point_id": self.point_a.pk, "date": "2027-02-30", "name": "x"}, "date"


class OverrideStandardAPITests(StandardAPITests):
    model = CapacityOverride
    api_url = "/api/v1/appointment-overrides"
    permission_patterns = ["appointments.*"]

    @classmethod
    def make_object(cls, point):
        return CapacityOverride.objects.create(service_point=point, date=dt.date(2027, 2, 7),
                                               opening_hours=[["09:00", "12:00"]])

    def create_payload(self, point):
        return {"service_point_id": point.pk, "date": "2027-02-20", "opening_hours": [["09:00", "15:00"]], "bays": 3}

    def update_payload(self):
        return {"bays": 1, "note": "调休"}

    def bad_payload(self):
        return {"service_point_id": self.point_a.pk, "date": "2027-02-21", "opening_hours": [["15:00", "09:00"]]}, \
            "opening_hours"


class AppointmentAPITests(Setup, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_setup()
        cls.auth = bearer(cls.advisor)
        cls.booked = appointment_book(user=cls.advisor, data={
            "service_point_id": cls.point.pk, "customer_id": cls.customer.pk, "asset_id": cls.vehicle.pk,
            "service_type": "periodic_maintenance", "starts_at": at(cls.monday, 9, 30), "estimated_minutes": 90,
            "estimated_price": "388.00", "concerns": "常规保养"})

    def post(self, url, data=None, user=None):
        headers = bearer(user) if user else self.auth
        return self.client.post(url, data=data or {}, content_type="application/json", **headers)

    def test_slots_of_a_day_with_bookings_and_capacity_left(self):
        response = self.client.get("/api/v1/appointment-slots",
                                   {"service_point_id": self.point.pk, "date": self.monday.isoformat()}, **self.auth)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["open"], body["slot_minutes"], len(body["slots"])), (True, 60, 7))
        nine, ten = body["slots"][1], body["slots"][2]
        self.assertEqual((nine["bays_left"], nine["technician_minutes_left"]), (1, 60))
        self.assertEqual((ten["bays_left"], ten["technician_minutes_left"]), (1, 90))
        self.assertEqual([b["number"] for b in nine["bookings"]], [self.booked.number])

    def test_slots_of_a_closed_day_and_bad_input(self):
        sunday = self.monday + dt.timedelta(days=6)
        body = self.client.get("/api/v1/appointment-slots", {"service_point_id": self.point.pk,
                                                              "date": sunday.isoformat()}, **self.auth).json()
        self.assertEqual((body["open"], body["slots"]), (False, []))
        for params, field in (({"service_point_id": self.point.pk, "date": "2027-13-01"}, "date"),
                              ({"service_point_id": 2**64, "date": "2027-01-01"}, "service_point_id"),
                              ({"service_point_id": self.org["b"].pk, "date": "2027-01-01"}, "service_point_id")):
            response = self.client.get("/api/v1/appointment-slots", params, **self.auth)
            self.assertEqual(response.status_code, 422, response.content)
            self.assertIn(field, response.json()["fields"])

    def test_recommendations_fit_and_are_three(self):
        response = self.client.get("/api/v1/appointments/recommendations", {
            "service_point_id": self.point.pk, "duration_minutes": 120,
            "from_date": self.monday.isoformat()}, **self.auth)
        self.assertEqual(response.status_code, 200, response.content)
        items = response.json()["items"]
        self.assertEqual(len(items), 3)
        for item in items:
            start = dt.datetime.fromisoformat(item["starts_at"])
            end = dt.datetime.fromisoformat(item["ends_at"])
            self.assertEqual(end - start, dt.timedelta(minutes=120))
            self.assertNotEqual(start.isoweekday(), 7)
            self.assertEqual(item["load"], 0.0)  # no history, free slots exist
        # the 09:30 slot has a booking: it is not among the lowest
        self.assertNotIn(at(self.monday, 9, 30).isoformat(), [i["starts_at"] for i in items])
        bad = self.client.get("/api/v1/appointments/recommendations",
                              {"service_point_id": self.point.pk, "duration_minutes": -1}, **self.auth)
        self.assertEqual(bad.status_code, 422)
        self.assertIn("duration_minutes", bad.json()["fields"])

    def test_full_slot_answers_409_naming_the_slot_and_manager_overbooks(self):
        payload = {"service_point_id": self.point.pk, "customer_id": self.customer.pk, "asset_id": self.vehicle.pk,
                   "service_type": "repair", "starts_at": at(self.monday, 13, 30).isoformat()}
        self.assertEqual(self.post("/api/v1/appointments", payload).status_code, 201)
        self.assertEqual(self.post("/api/v1/appointments", payload).status_code, 201)
        before = Appointment.objects.count()
        response = self.post("/api/v1/appointments", payload)
        self.assertEqual(response.status_code, 409)
        self.assertIn("13:30–14:30 is full", response.json()["fields"]["starts_at"][0])
        self.assertEqual(self.post("/api/v1/appointments", {**payload, "overbook": True}).status_code, 403)
        self.assertEqual(Appointment.objects.count(), before)
        response = self.post("/api/v1/appointments", {**payload, "overbook": True}, user=self.manager)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["overbooked"], response.json()["overbook_approved_by_id"]),
                         (True, self.manager.pk))

    def test_confirm_reschedule_cancel_no_show_over_the_api(self):
        url = f"/api/v1/appointments/{self.booked.pk}"
        response = self.post(f"{url}/confirm")
        self.assertEqual((response.status_code, response.json()["status"]), (200, "confirmed"))
        self.assertEqual(self.post(f"{url}/confirm").status_code, 409)
        response = self.post(f"{url}/reschedule", {"starts_at": at(self.monday, 14, 30).isoformat()})
        self.assertEqual((response.status_code, response.json()["reschedule_count"]), (200, 1), response.content)
        self.assertEqual([e["kind"] for e in response.json()["events"]], ["booked", "confirm", "rescheduled"])
        response = self.post(f"{url}/reschedule", {"starts_at": "tomorrow"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.post(f"{url}/no-show").status_code, 409)  # not started yet
        self.assertEqual(self.post(f"{url}/cancel", {"reason": ""}).status_code, 422)
        response = self.post(f"{url}/cancel", {"reason": "客户取消"})
        self.assertEqual((response.status_code, response.json()["status"]), (200, "cancelled"))

    def test_staff_ics_and_public_link(self):
        appointment_confirm(user=self.advisor, pk=self.booked.pk)
        response = self.client.get(f"/api/v1/appointments/{self.booked.pk}/invite.ics", **self.auth)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        event = Calendar.from_ical(response.content).walk("VEVENT")[0]
        self.assertEqual(event.decoded("dtstart"), at(self.monday, 9, 30))
        self.assertEqual(str(event["dtstart"].params["TZID"]), "Asia/Shanghai")
        self.assertIn(b"DTSTART;TZID=Asia/Shanghai:" + at(self.monday, 9, 30).strftime("%Y%m%dT%H%M%S").encode(),
                      response.content)
        self.assertIn(self.point.name, str(event["location"]))
        self.assertIn("上海市浦东新区张江路1号", str(event["location"]))
        self.assertIn(self.point.name, str(event["summary"]))
        note = Notification.objects.get(kind="appointment.confirmation", object_id=str(self.booked.pk))
        link = note.body[note.body.index("/api/v1/public/"):].split()[0]
        public = self.client.get(link)
        self.assertEqual(public.status_code, 200)
        self.assertEqual(public.content.split(b"DTSTAMP")[0], response.content.split(b"DTSTAMP")[0])
        self.assertEqual(self.client.get("/api/v1/public/appointments/" + "x" * 32 + "/invite.ics").status_code, 404)
        other = bearer(self.other_advisor)
        self.assertEqual(self.client.get(f"/api/v1/appointments/{self.booked.pk}/invite.ics", **other).status_code, 404)

    def test_roles_without_booking_rights_get_403_and_other_point_404(self):
        payload = {"service_point_id": self.point.pk, "customer_id": self.customer.pk, "asset_id": self.vehicle.pk,
                   "service_type": "repair", "starts_at": at(self.monday, 15, 30).isoformat()}
        before = Appointment.objects.count()
        for role in ("technician", "cashier", "qc_inspector", "parts_clerk"):
            user = make_user(f"u-{role}", point=self.point, role=role)
            self.assertEqual(self.post("/api/v1/appointments", payload, user=user).status_code, 403, role)
            self.assertEqual(self.post(f"/api/v1/appointments/{self.booked.pk}/confirm", user=user).status_code, 403)
        self.assertEqual(Appointment.objects.count(), before)
        other = bearer(self.other_advisor)
        self.assertEqual(self.client.get(f"/api/v1/appointments/{self.booked.pk}", **other).status_code, 404)
        response = self.client.post(f"/api/v1/appointments/{self.booked.pk}/cancel", data={"reason": "x"},
                                    content_type="application/json", **other)
        self.assertEqual(response.status_code, 404)
        self.booked.refresh_from_db()
        self.assertEqual(self.booked.status, "booked")

    def test_ids_beyond_bigint_are_unknown(self):
        self.assertEqual(self.client.get(f"/api/v1/appointments/{2**64}", **self.auth).status_code, 404)
        self.assertEqual(self.post(f"/api/v1/appointments/{2**63}/confirm").status_code, 404)
        response = self.client.get("/api/v1/appointments", {"customer_id": 2**64}, **self.auth)
        self.assertEqual(response.status_code, 422)

    def test_list_query_count_is_fixed(self):
        for hour in (13, 14, 15):
            appointment(self.point, starts_at=at(self.monday, hour, 30))
        self.client.get("/api/v1/appointments", {"limit": 1}, **self.auth)  # the token's last use is stamped
        # token, memberships, permissions, content types, points, the page (rows with their relations)
        with self.assertNumQueries(6):
            response = self.client.get("/api/v1/appointments", {"limit": 2}, **self.auth)
        self.assertEqual(len(response.json()["items"]), 2)
        with self.assertNumQueries(6):
            response = self.client.get("/api/v1/appointments", {"limit": 50}, **self.auth)
        self.assertEqual(len(response.json()["items"]), 4)

    def test_slots_query_count_does_not_grow_with_bookings(self):
        params = {"service_point_id": self.point.pk, "date": self.monday.isoformat()}
        self.client.get("/api/v1/appointment-slots", params, **self.auth)
        # token, memberships, permissions, content types, points, point, plan, holidays, overrides, bookings
        with self.assertNumQueries(10):
            self.client.get("/api/v1/appointment-slots", params, **self.auth)
        for hour in (13, 14, 15, 16):
            appointment(self.point, starts_at=at(self.monday, hour, 30))
        with self.assertNumQueries(10):
            response = self.client.get("/api/v1/appointment-slots", params, **self.auth)
        self.assertEqual(sum(len(s["bookings"]) for s in response.json()["slots"]), 6)  # 09:30 spans two

    def test_capacity_plan_get_and_set(self):
        url = f"/api/v1/appointment-capacity/{self.point.pk}"
        response = self.client.put(url, data={"slot_minutes": 30, "bays": 4, "technician_hours": "1.5",
                                              "opening_hours": {"1": [["09:00", "18:00"]]}},
                                   content_type="application/json", **bearer(self.manager))
        self.assertEqual(response.status_code, 200, response.content)
        body = self.client.get("/api/v1/appointment-capacity", {"service_point_id": self.point.pk}, **self.auth).json()
        self.assertEqual((body["slot_minutes"], body["bays"], body["technician_hours"]), (30, 4, "1.50"))
        self.assertEqual(body["effective_opening_hours"], {"1": [["09:00", "18:00"]]})
        # advisors may read, not change
        response = self.client.put(url, data={"bays": 9}, content_type="application/json", **self.auth)
        self.assertEqual(response.status_code, 403)
        for data, field in (({"slot_minutes": 25}, "slot_minutes"), ({"opening_hours": {"9": []}}, "opening_hours"),
                            ({"bays": -1}, "bays")):
            response = self.client.put(url, data=data, content_type="application/json", **bearer(self.manager))
            self.assertEqual(response.status_code, 422, response.content)
            self.assertIn(field, response.json()["fields"])
        response = self.client.put(f"/api/v1/appointment-capacity/{self.org['b'].pk}", data={"bays": 1},
                                   content_type="application/json", **bearer(self.manager))
        self.assertEqual(response.status_code, 422)
