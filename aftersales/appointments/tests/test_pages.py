"""Pages: generated permission tests, the day view, booking through the form, actions, capacity."""

import datetime as dt

from django.test import TestCase

from aftersales.appointments.models import Appointment, Holiday
from aftersales.appointments.services import appointment_book
from aftersales.core.testing import StandardViewTests, make_user

from .factories import appointment
from .helpers import Setup, at


class AppointmentViewTests(StandardViewTests):
    model = Appointment
    list_url = "/appointments/all/"
    permission_patterns = ["appointments.*", "customers.view_customer"]

    @classmethod
    def make_object(cls, point):
        return appointment(point)

    def edit_url(self, obj):
        return f"/appointments/{obj.pk}/edit/"

    def edit_data(self, obj):
        return {"service_type": "repair", "concerns": "换刹车片", "estimated_price": "500"}


class PageTests(Setup, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_setup()
        cls.booked = appointment_book(user=cls.advisor, data={
            "service_point_id": cls.point.pk, "customer_id": cls.customer.pk, "asset_id": cls.vehicle.pk,
            "service_type": "periodic_maintenance", "starts_at": at(cls.monday, 9, 30), "estimated_minutes": 60})

    def setUp(self):
        self.client.force_login(self.advisor)

    def test_day_view_shows_slots_bookings_and_remaining_capacity(self):
        response = self.client.get("/appointments/", {"date": self.monday.isoformat(), "point": self.point.pk})
        self.assertEqual(response.status_code, 200)
        board = response.context["board"]
        nine = [s for s in board.slots if s.start.hour == 9][0]
        self.assertEqual((nine.bays_left, [b.pk for b in nine.bookings]), (1, [self.booked.pk]))
        self.assertContains(response, self.booked.number)
        self.assertContains(response, 'data-bays-left="1"')
        self.assertContains(response, 'data-bays-left="2"')
        # check-in leads to reception (the advisor may open work orders)
        self.assertContains(response, f"?appointment={self.booked.pk}")

    def test_day_view_of_a_holiday_and_bad_parameters(self):
        Holiday.objects.create(date=self.monday, name="清明节")
        response = self.client.get("/appointments/", {"date": self.monday.isoformat(), "point": self.point.pk})
        self.assertContains(response, "清明节")
        response = self.client.get("/appointments/", {"date": "2027-99-01", "point": "x\x00"})
        self.assertEqual(response.status_code, 200)
        response = self.client.get("/appointments/", {"point": self.org["b"].pk})
        self.assertIsNone(response.context["board"])

    def test_booking_form_books_and_shows_errors_beside_the_field(self):
        url = f"/appointments/new/?customer={self.customer.pk}"
        self.assertEqual(self.client.get(url).status_code, 200)
        data = {"customer": self.customer.pk, "service_point": self.point.pk, "asset": self.vehicle.pk,
                "service_type": "periodic_maintenance", "channel": "phone", "estimated_minutes": 60,
                "starts_at": at(self.monday, 12, 30).strftime("%Y-%m-%dT%H:%M"), "concerns": "保养"}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("starts_at", response.context["form"].errors)
        self.assertContains(response, 'data-field="starts_at"')
        before = Appointment.objects.count()
        data["starts_at"] = at(self.monday, 14, 30).strftime("%Y-%m-%dT%H:%M")
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Appointment.objects.count(), before + 1)
        created = Appointment.objects.latest("id")
        self.assertEqual((created.starts_at, created.customer_id), (at(self.monday, 14, 30), self.customer.pk))

    def test_customer_step_finds_by_plate(self):
        response = self.client.get("/appointments/new/", {"q": "沪A12345"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"?customer={self.customer.pk}")

    def test_recommendations_partial_offers_three_slots_to_pick(self):
        response = self.client.get("/appointments/recommendations/", {"service_point": self.point.pk,
                                                                      "estimated_minutes": 60})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content.decode().count("data-pick-slot="), 3)
        response = self.client.get("/appointments/recommendations/", {"service_point": "abc"})
        self.assertContains(response, "text-danger")

    def test_actions_confirm_reschedule_cancel(self):
        url = f"/appointments/{self.booked.pk}/"
        self.assertContains(self.client.get(url), "confirm-appointment")
        self.assertEqual(self.client.post(url + "confirm/").status_code, 302)
        self.booked.refresh_from_db()
        self.assertEqual(self.booked.status, "confirmed")
        response = self.client.post(url + "reschedule/", {"starts_at": at(self.monday, 7, 30).strftime("%Y-%m-%dT%H:%M")},
                                    follow=True)
        self.assertContains(response, "not open")
        self.booked.refresh_from_db()
        self.assertEqual(self.booked.reschedule_count, 0)
        self.client.post(url + "reschedule/", {"starts_at": at(self.monday, 15, 30).strftime("%Y-%m-%dT%H:%M")})
        self.booked.refresh_from_db()
        self.assertEqual((self.booked.reschedule_count, self.booked.starts_at), (1, at(self.monday, 15, 30)))
        self.client.post(url + "cancel/", {"reason": ""})
        self.booked.refresh_from_db()
        self.assertEqual(self.booked.status, "confirmed")
        self.client.post(url + "cancel/", {"reason": "不来了"})
        self.booked.refresh_from_db()
        self.assertEqual(self.booked.status, "cancelled")
        ics = self.client.get(url + "invite.ics")
        self.assertEqual(ics.status_code, 200)
        self.assertIn(b"STATUS:CANCELLED", ics.content)

    def test_actions_of_other_roles_and_points(self):
        technician = make_user("tech", point=self.point, role="technician")
        self.client.force_login(technician)
        self.assertEqual(self.client.get("/appointments/").status_code, 403)
        self.assertEqual(self.client.post(f"/appointments/{self.booked.pk}/confirm/").status_code, 403)
        self.client.force_login(self.other_advisor)
        self.assertEqual(self.client.post(f"/appointments/{self.booked.pk}/confirm/").status_code, 404)
        self.assertEqual(self.client.get(f"/appointments/{self.booked.pk}/invite.ics").status_code, 404)
        self.booked.refresh_from_db()
        self.assertEqual(self.booked.status, "booked")

    def test_capacity_page_manager_edits_advisor_reads(self):
        response = self.client.get("/appointments/capacity/", {"point": self.point.pk})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["can_change"])
        self.assertEqual(self.client.post("/appointments/capacity/", {"point": self.point.pk, "slot_minutes": 30,
                                                                       "bays": 9, "technician_hours": 3}).status_code, 403)
        self.client.force_login(self.manager)
        response = self.client.post("/appointments/capacity/", {"point": self.point.pk, "slot_minutes": 30, "bays": 3,
                                                                "technician_hours": "3", "opening_hours": "{bad"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("opening_hours", response.context["form"].errors)
        response = self.client.post("/appointments/capacity/", {
            "point": self.point.pk, "slot_minutes": 30, "bays": 3, "technician_hours": "3",
            "opening_hours": '{"1": [["09:00", "12:00"]]}'})
        self.assertEqual(response.status_code, 302)
        self.point.capacity_plan.refresh_from_db()
        self.assertEqual((self.point.capacity_plan.slot_minutes, self.point.capacity_plan.bays), (30, 3))
        day = self.monday + dt.timedelta(days=14)
        self.client.post("/appointments/holidays/add/", {"point": self.point.pk, "date": day.isoformat(), "name": "端午节"})
        holiday = Holiday.objects.get(date=day)
        self.assertEqual(holiday.service_point_id, self.point.pk)
        self.client.post("/appointments/overrides/add/", {"point": self.point.pk, "date": day.isoformat(),
                                                          "opening_hours": '[["09:00", "11:00"]]', "bays": 1})
        self.assertEqual(self.point.capacity_overrides.get().opening_hours, [["09:00", "11:00"]])
        self.client.post(f"/appointments/holidays/{holiday.pk}/delete/", {"point": self.point.pk})
        self.assertFalse(Holiday.objects.filter(pk=holiday.pk).exists())
        other = Holiday.objects.create(date=day, name="B", service_point=self.org["b"])
        self.assertEqual(self.client.post(f"/appointments/holidays/{other.pk}/delete/").status_code, 404)
