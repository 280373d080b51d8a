"""Booking rules: capacity, opening hours, holidays, overbooking, reschedule, confirm, cancel."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from aftersales.appointments.models import Appointment, AppointmentEvent, Holiday
from aftersales.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_no_show,
    appointment_reschedule,
    appointment_update,
    capacity_override_create,
)
from aftersales.assets.tests.factories import customer, vehicle
from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError
from aftersales.core.models import AuditLog
from aftersales.core.tokens import token_hash
from aftersales.crm.models import Notification

from .factories import appointment
from .helpers import Setup, at


class BookingTests(Setup, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_setup()

    def test_booking_within_capacity(self):
        start = at(self.monday, 9, 30)
        appt = appointment_book(user=self.advisor, data=self.booking_data(start, estimated_minutes=90,
                                                                          estimated_price="388.50"))
        self.assertEqual((appt.starts_at, appt.ends_at), (start, start + dt.timedelta(minutes=90)))
        self.assertEqual((appt.status, appt.advisor_id, appt.overbooked), ("booked", self.advisor.pk, False))
        self.assertEqual(str(appt.estimated_price), "388.50")
        self.assertTrue(appt.number.startswith(f"YY{self.point.code}"))
        self.assertEqual(list(appt.events.values_list("kind", flat=True)), ["booked"])
        self.assertEqual(AuditLog.objects.filter(content_type__model="appointment", object_id=str(appt.pk), action="create").count(), 1)

    def test_numbers_follow_each_other(self):
        a = appointment_book(user=self.advisor, data=self.booking_data(at(self.monday, 8, 30)))
        b = appointment_book(user=self.advisor, data=self.booking_data(at(self.monday, 8, 30)))
        self.assertEqual(int(b.number[-5:]), int(a.number[-5:]) + 1)

    def assertRefused(self, data, field, status=422, user=None):
        before = Appointment.objects.count()
        with self.assertRaises(ApplicationError) as ctx:
            appointment_book(user=user or self.advisor, data=data)
        self.assertEqual(ctx.exception.status, status, ctx.exception.fields)
        self.assertIn(field, ctx.exception.fields)
        self.assertEqual(Appointment.objects.count(), before)
        return ctx.exception

    def test_outside_opening_hours_or_on_sunday_is_refused(self):
        self.assertRefused(self.booking_data(at(self.monday, 12, 30)), "starts_at")
        self.assertRefused(self.booking_data(at(self.monday, 7, 30)), "starts_at")
        self.assertRefused(self.booking_data(at(self.monday + dt.timedelta(days=6), 9, 30)), "starts_at")
        error = self.assertRefused(self.booking_data(at(self.monday, 11, 30)), "starts_at")  # no full slot
        self.assertIn("not open", error.fields["starts_at"][0])

    def test_running_past_closing_or_off_the_slot_grid_is_refused(self):
        error = self.assertRefused(self.booking_data(at(self.monday, 10, 30), estimated_minutes=120), "starts_at")
        self.assertIn("closing time (11:30)", error.fields["starts_at"][0])
        self.assertRefused(self.booking_data(at(self.monday, 9, 0)), "starts_at")

    def test_holidays_of_the_company_and_of_the_point_are_refused(self):
        Holiday.objects.create(date=self.monday, name="元旦")
        error = self.assertRefused(self.booking_data(at(self.monday, 9, 30)), "starts_at")
        self.assertIn("元旦", error.fields["starts_at"][0])
        tuesday = self.monday + dt.timedelta(days=1)
        Holiday.objects.create(date=tuesday, name="盘点", service_point=self.point)
        self.assertRefused(self.booking_data(at(tuesday, 9, 30)), "starts_at")
        Holiday.objects.create(date=tuesday, name="other point", service_point=self.org["b"])
        wednesday = tuesday + dt.timedelta(days=1)
        Holiday.objects.create(date=wednesday, name="B only", service_point=self.org["b"])
        self.assertEqual(appointment_book(user=self.advisor, data=self.booking_data(at(wednesday, 9, 30))).status,
                         "booked")

    def test_an_override_opens_a_working_sunday(self):
        sunday = self.monday + dt.timedelta(days=6)
        capacity_override_create(user=self.manager, data={"service_point_id": self.point.pk, "date": sunday,
                                                          "opening_hours": [["09:00", "12:00"]], "bays": 1})
        appointment_book(user=self.advisor, data=self.booking_data(at(sunday, 9)))
        self.assertRefused(self.booking_data(at(sunday, 9)), "starts_at", status=409)

    def test_the_past_is_refused(self):
        past = timezone.localdate() - dt.timedelta(days=7)
        past += dt.timedelta(days=(1 - past.isoweekday()) % 7 - 7 if past.isoweekday() != 1 else 0)
        self.assertRefused(self.booking_data(at(past, 9, 30)), "starts_at")

    def test_full_slot_needs_a_manager(self):
        start = at(self.monday, 13, 30)
        appointment_book(user=self.advisor, data=self.booking_data(start))
        appointment_book(user=self.advisor, data=self.booking_data(start))
        error = self.assertRefused(self.booking_data(start), "starts_at", status=409)
        self.assertIn(f"{self.monday.isoformat()} 13:30–14:30 is full", error.fields["starts_at"][0])
        self.assertIn("0 of 2 bays", error.message)
        self.assertRefused(self.booking_data(start, overbook=True), "overbook", status=403)
        self.assertRefused(self.booking_data(start), "overbook", status=409, user=self.manager)
        appt = appointment_book(user=self.manager, data=self.booking_data(start, overbook=True))
        self.assertEqual((appt.overbooked, appt.overbook_approved_by_id), (True, self.manager.pk))

    def test_a_slot_is_full_when_technician_hours_run_out(self):
        start = at(self.monday, 8, 30)
        appointment_book(user=self.advisor, data=self.booking_data(start, estimated_minutes=90))
        appointment_book(user=self.advisor, data=self.booking_data(at(self.monday, 9, 30), estimated_minutes=60))
        # 09:30 slot: 2 bays used (the 90-minute job's tail and this one) → full
        self.assertRefused(self.booking_data(at(self.monday, 9, 30), estimated_minutes=30), "starts_at", status=409)
        # 08:30 slot: one bay left and 60 technician minutes left: 60 fits
        appointment_book(user=self.advisor, data=self.booking_data(start, estimated_minutes=60))

    def test_cancelled_bookings_free_their_capacity(self):
        start = at(self.monday, 14, 30)
        first = appointment_book(user=self.advisor, data=self.booking_data(start))
        appointment_book(user=self.advisor, data=self.booking_data(start))
        appointment_cancel(user=self.advisor, pk=first.pk, reason="客户改期")
        appointment_book(user=self.advisor, data=self.booking_data(start))

    def test_bad_references_name_the_field(self):
        start = at(self.monday, 9, 30)
        stranger = customer(self.org["b"], "外店客户")
        self.assertRefused(self.booking_data(start, customer_id=stranger.pk, asset_id=None), "customer_id")
        other_car = vehicle(customer(self.point, "赵六"))
        self.assertRefused(self.booking_data(start, asset_id=other_car.pk), "asset_id")
        self.assertRefused(self.booking_data(start, advisor_id=self.other_advisor.pk), "advisor_id")
        self.assertRefused(self.booking_data(start, service_point_id=self.org["b"].pk), "service_point_id")
        self.assertRefused(self.booking_data(start, service_type="oil"), "service_type")
        self.assertRefused(self.booking_data(start, estimated_minutes=-5), "estimated_minutes")
        self.assertRefused(self.booking_data(start, estimated_minutes=0), "estimated_minutes")
        self.assertRefused(self.booking_data(start, estimated_price="-1"), "estimated_price")
        self.assertRefused(self.booking_data(start, concerns="a\x00b"), "concerns")
        self.assertRefused(self.booking_data("2027-02-30T09:30"), "starts_at")
        self.assertRefused(self.booking_data(start, customer_id=2**64), "customer_id")


class ChangeTests(Setup, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_setup()

    def book(self, hour, **extra):
        return appointment_book(user=self.advisor, data=self.booking_data(at(self.monday, hour, 30), **extra))

    def test_update_changes_content_and_is_audited(self):
        appt = self.book(9)
        appointment_update(user=self.advisor, pk=appt.pk, data={"concerns": "异响", "estimated_price": "120"})
        appt.refresh_from_db()
        self.assertEqual((appt.concerns, str(appt.estimated_price)), ("异响", "120.00"))
        self.assertEqual(AuditLog.objects.filter(content_type__model="appointment", object_id=str(appt.pk), action="update").count(), 1)
        self.assertTrue(appt.events.filter(kind="changed").exists())

    def test_reschedule_rechecks_capacity_without_itself(self):
        a = self.book(9)
        self.book(9)
        b = self.book(10)
        self.book(10)
        with self.assertRaises(ConflictError) as ctx:
            appointment_reschedule(user=self.advisor, pk=a.pk, starts_at=at(self.monday, 10, 30))
        self.assertIn("starts_at", ctx.exception.fields)
        a.refresh_from_db()
        self.assertEqual((a.starts_at, a.reschedule_count), (at(self.monday, 9, 30), 0))
        # the same full slot, longer: only itself is excluded
        appointment_reschedule(user=self.advisor, pk=b.pk, starts_at=at(self.monday, 10, 30), estimated_minutes=60)
        b.refresh_from_db()
        self.assertEqual(b.reschedule_count, 1)

    def test_reschedule_counts_resets_the_reminder_and_reconfirms(self):
        appt = self.book(9)
        appointment_confirm(user=self.advisor, pk=appt.pk)
        Appointment.objects.filter(pk=appt.pk).update(reminder_sent_at=timezone.now())
        old_hash = Appointment.objects.get(pk=appt.pk).invite_token_hash
        appointment_reschedule(user=self.advisor, pk=appt.pk, starts_at=at(self.monday, 14, 30), note="客户要求")
        appt.refresh_from_db()
        self.assertEqual((appt.status, appt.reschedule_count, appt.reminder_sent_at), ("confirmed", 1, None))
        self.assertEqual(appt.starts_at, at(self.monday, 14, 30))
        self.assertNotEqual(appt.invite_token_hash, old_hash)
        self.assertEqual(Notification.objects.filter(kind="appointment.confirmation", object_id=str(appt.pk)).count(), 2)
        event = appt.events.get(kind="rescheduled")
        self.assertEqual(event.data["from"]["starts_at"], at(self.monday, 9, 30).isoformat())
        self.assertEqual(event.note, "客户要求")

    def test_confirm_sends_the_details_and_a_working_link(self):
        appt = self.book(9, estimated_price="388.00")
        with self.captureOnCommitCallbacks(execute=True):
            appointment_confirm(user=self.advisor, pk=appt.pk)
        appt.refresh_from_db()
        self.assertEqual(appt.status, "confirmed")
        self.assertIsNotNone(appt.confirmed_at)
        note = Notification.objects.get(kind="appointment.confirmation", object_id=str(appt.pk))
        self.assertEqual((note.customer_id, note.service_point_id, note.recipient, note.status),
                         (self.customer.pk, self.point.pk, "13812345678", "sent"))
        self.assertIn(f"{self.monday.isoformat()} 09:30–10:30", note.body)
        self.assertIn("388.00", note.body)
        self.assertIn("60", note.body)
        raw = note.body.split("/api/v1/public/appointments/")[1].split("/")[0]
        self.assertEqual(token_hash(raw), appt.invite_token_hash)
        with self.assertRaises(ConflictError):
            appointment_confirm(user=self.advisor, pk=appt.pk)

    def test_cancel_needs_a_reason_and_closes(self):
        appt = self.book(9)
        with self.assertRaises(ApplicationError) as ctx:
            appointment_cancel(user=self.advisor, pk=appt.pk, reason="  ")
        self.assertIn("reason", ctx.exception.fields)
        appointment_cancel(user=self.advisor, pk=appt.pk, reason="车已卖")
        appt.refresh_from_db()
        self.assertEqual((appt.status, appt.cancel_reason), ("cancelled", "车已卖"))
        self.assertIsNotNone(appt.cancelled_at)
        with self.assertRaises(ConflictError):
            appointment_reschedule(user=self.advisor, pk=appt.pk, starts_at=at(self.monday, 14, 30))
        with self.assertRaises(ConflictError):
            appointment_update(user=self.advisor, pk=appt.pk, data={"concerns": "x"})

    def test_manual_no_show_only_after_the_start(self):
        appt = self.book(9)
        with self.assertRaises(ConflictError):
            appointment_no_show(user=self.advisor, pk=appt.pk)
        started = appointment(self.point, starts_at=timezone.now() - dt.timedelta(minutes=5))
        appointment_no_show(user=self.advisor, pk=started.pk, note="未到")
        started.refresh_from_db()
        self.assertEqual(started.status, "no_show")
        self.assertEqual(AppointmentEvent.objects.get(appointment=started).actor_id, self.advisor.pk)

    def test_other_point_is_not_found(self):
        appt = self.book(9)
        for call in (lambda: appointment_confirm(user=self.other_advisor, pk=appt.pk),
                     lambda: appointment_cancel(user=self.other_advisor, pk=appt.pk, reason="x"),
                     lambda: appointment_update(user=self.other_advisor, pk=appt.pk, data={"concerns": "x"}),
                     lambda: appointment_reschedule(user=self.other_advisor, pk=appt.pk,
                                                    starts_at=at(self.monday, 14, 30))):
            with self.assertRaises(NotFoundError):
                call()
        appt.refresh_from_db()
        self.assertEqual((appt.status, appt.concerns), ("booked", "常规保养"))
