"""Reception rules: numbering, the appointment check-in, mileage, photos, who may open orders."""

import json
import threading
import unittest

from django.db import connection, connections
from django.test import TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.appointments.models import Appointment
from aftersales.appointments.tests.factories import appointment as make_appointment
from aftersales.assets.models import MeterReading
from aftersales.core.errors import ApplicationError
from aftersales.core.testing import bearer
from aftersales.workshop.models import WorkOrder, WorkOrderPhoto
from aftersales.workshop.services.orders import work_order_open, work_order_photo_add, work_order_update

from . import factories


class NumberingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.advisor_a = factories.staff(cls.org["a"], "service_advisor")
        cls.advisor_b = factories.staff(cls.org["b"], "service_advisor")

    def open(self, user, point):
        _owner, car = factories.customer_with_vehicle(point, mileage=None)
        return work_order_open(user=user, data={"asset_id": car.pk, "service_type": "repair"})

    def test_numbers_run_per_point_and_year(self):
        year = timezone.localdate().year
        numbers = [self.open(self.advisor_a, self.org["a"]).number for _ in range(3)]
        numbers.append(self.open(self.advisor_b, self.org["b"]).number)
        self.assertEqual(numbers, [f"WOA{year}000001", f"WOA{year}000002", f"WOA{year}000003", f"WOB{year}000001"])

    def test_a_failed_check_in_gives_its_number_back(self):
        _owner, car = factories.customer_with_vehicle(self.org["a"], mileage=9000)
        with self.assertRaises(ApplicationError):
            work_order_open(user=self.advisor_a, data={"asset_id": car.pk, "service_type": "repair", "mileage": 1})
        self.assertTrue(self.open(self.advisor_a, self.org["a"]).number.endswith("000001"))

    def test_the_only_point_is_the_default(self):
        order = self.open(self.advisor_a, self.org["a"])
        self.assertEqual(order.service_point, self.org["a"])
        manager = factories.staff(self.org["east"], "point_manager")  # East and the points below it
        _owner, car = factories.customer_with_vehicle(self.org["a"])
        with self.assertRaises(ApplicationError) as caught:
            work_order_open(user=manager, data={"asset_id": car.pk, "service_type": "repair"})
        self.assertIn("service_point_id", caught.exception.fields)


@unittest.skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
class ConcurrentNumberingTests(TransactionTestCase):
    def test_numbers_stay_unique_under_concurrency(self):
        org = factories.org()
        advisor = factories.staff(org["a"], "service_advisor")
        cars = [factories.customer_with_vehicle(org["a"], mileage=None)[1] for _ in range(8)]
        numbers, errors = [], []
        start = threading.Barrier(len(cars))

        def worker(car):
            try:
                start.wait()
                numbers.append(work_order_open(user=advisor, data={"asset_id": car.pk,
                                                                   "service_type": "repair"}).number)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(car,)) for car in cars]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        year = timezone.localdate().year
        self.assertEqual(sorted(numbers), [f"WOA{year}{n:06d}" for n in range(1, 9)])


class MileageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.advisor = factories.staff(cls.org["a"], "service_advisor")

    def test_a_reading_below_the_last_is_refused_on_the_mileage_field(self):
        _owner, car = factories.customer_with_vehicle(self.org["a"], mileage=80000)
        with self.assertRaises(ApplicationError) as caught:
            work_order_open(user=self.advisor, data={"asset_id": car.pk, "service_type": "repair", "mileage": 79999})
        self.assertEqual(list(caught.exception.fields), ["mileage"])
        self.assertEqual((WorkOrder.objects.count(), MeterReading.objects.filter(asset=car).count()), (0, 1))

    def test_the_reading_is_made_at_reception_and_can_be_corrected_there(self):
        _owner, car = factories.customer_with_vehicle(self.org["a"], mileage=10000)
        order = work_order_open(user=self.advisor, data={"asset_id": car.pk, "service_type": "repair",
                                                         "mileage": 12000})
        reading = MeterReading.objects.get(pk=order.meter_reading_id)
        self.assertEqual((reading.value, reading.source, reading.read_on), (12000, "reception", timezone.localdate()))
        work_order_update(user=self.advisor, pk=order.pk, data={"mileage": 12100})
        order.refresh_from_db()
        self.assertEqual(list(car.readings.order_by("value").values_list("value", flat=True)), [10000, 12100])
        self.assertEqual(order.mileage_in, 12100)
        with self.assertRaises(ApplicationError) as caught:
            work_order_update(user=self.advisor, pk=order.pk, data={"mileage": 9000})
        self.assertEqual(list(caught.exception.fields), ["mileage"])
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).mileage_in, 12100)

    def test_no_mileage_correction_after_reception(self):
        order = factories.work_order(self.org["a"], status="approved")
        with self.assertRaises(ApplicationError) as caught:
            work_order_update(user=self.advisor, pk=order.pk, data={"mileage": 99999})
        self.assertEqual((caught.exception.status, list(caught.exception.fields)), (409, ["mileage"]))


class AppointmentCheckInTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.advisor = factories.staff(cls.org["a"], "service_advisor")
        cls.other_advisor = factories.staff(cls.org["a"], "service_advisor")

    def test_the_appointment_gives_its_data_and_is_marked_arrived(self):
        booked = make_appointment(self.org["a"], service_type="periodic_maintenance", concerns="保养并检查空调",
                                  advisor=self.other_advisor)
        order = work_order_open(user=self.advisor, data={"appointment_id": booked.pk, "mileage": 5000})
        self.assertEqual((order.service_point, order.customer, order.asset, order.service_type, order.concerns,
                          order.advisor, order.appointment),
                         (self.org["a"], booked.customer, booked.asset, "periodic_maintenance", "保养并检查空调",
                          self.other_advisor, booked))
        booked.refresh_from_db()
        self.assertEqual(booked.status, "arrived")
        self.assertIsNotNone(booked.arrived_at)
        with self.assertRaises(ApplicationError) as caught:
            work_order_open(user=self.advisor, data={"appointment_id": booked.pk})
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "appointment_used"))

    def test_closed_or_foreign_appointments(self):
        cancelled = make_appointment(self.org["a"], status="cancelled")
        with self.assertRaises(ApplicationError) as caught:
            work_order_open(user=self.advisor, data={"appointment_id": cancelled.pk})
        self.assertEqual(caught.exception.status, 409)
        foreign = make_appointment(self.org["b"])
        for value in (foreign.pk, 2**64, "x"):
            with self.subTest(value=value), self.assertRaises(ApplicationError) as caught:
                work_order_open(user=self.advisor, data={"appointment_id": value})
            self.assertEqual((caught.exception.status, list(caught.exception.fields)), (422, ["appointment_id"]))
        self.assertEqual(Appointment.objects.get(pk=foreign.pk).status, "booked")
        self.assertEqual(WorkOrder.objects.count(), 0)

    def test_the_form_is_prefilled_from_the_appointment(self):
        booked = make_appointment(self.org["a"], concerns="雨刮异响")
        self.client.force_login(self.advisor)
        page = self.client.get(f"/workshop/orders/new/?appointment={booked.pk}")
        self.assertContains(page, "雨刮异响")
        self.assertContains(page, booked.number)
        response = self.client.post("/workshop/orders/new/", {"appointment": booked.pk, "service_type": "repair",
                                                              "concerns": "雨刮异响", "mileage": 100})
        order = WorkOrder.objects.get()
        self.assertRedirects(response, order.get_absolute_url())
        self.assertEqual(order.appointment, booked)
        foreign = make_appointment(self.org["b"])
        self.assertEqual(self.client.get(f"/workshop/orders/new/?appointment={foreign.pk}").status_code, 404)


class WhoMayOpenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.owner, cls.car = factories.customer_with_vehicle(cls.org["a"])

    def test_only_advisors_and_managers_open_orders(self):
        payload = {"service_point_id": self.org["a"].pk, "asset_id": self.car.pk, "service_type": "repair"}
        for role in ("technician", "cashier", "qc_inspector", "parts_clerk", "claims_clerk", "dispatcher"):
            with self.subTest(role):
                user = factories.staff(self.org["a"], role)
                response = self.client.post("/api/v1/work-orders", data=json.dumps(payload),
                                            content_type="application/json", **bearer(user))
                self.assertEqual(response.status_code, 403)
        self.assertEqual(WorkOrder.objects.count(), 0)
        for role in ("service_advisor", "point_manager"):
            user = factories.staff(self.org["a"], role)
            response = self.client.post("/api/v1/work-orders", data=json.dumps(payload),
                                        content_type="application/json", **bearer(user))
            self.assertEqual(response.status_code, 201, response.content)

    def test_an_advisor_of_another_point_gets_404(self):
        order = factories.work_order(self.org["a"], status="awaiting_approval")
        stranger = factories.staff(self.org["b"], "service_advisor")
        headers = bearer(stranger)
        for method, url, data in [("get", f"/api/v1/work-orders/{order.pk}", None),
                                  ("patch", f"/api/v1/work-orders/{order.pk}", {"concerns": "x"}),
                                  ("get", f"/api/v1/work-orders/{order.pk}/events", None),
                                  ("post", f"/api/v1/work-orders/{order.pk}/revise", {}),
                                  ("post", f"/api/v1/work-orders/{order.pk}/damages", {"area": "roof", "kind": "dent"}),
                                  ("post", f"/api/v1/work-orders/{order.pk}/lines", {"kind": "other"})]:
            with self.subTest(f"{method} {url}"):
                response = getattr(self.client, method)(url, data=json.dumps(data) if data else None,
                                                        content_type="application/json", **headers)
                self.assertEqual(response.status_code, 404)
        order.refresh_from_db()
        self.assertEqual((order.status, order.concerns, order.damages.count()), ("awaiting_approval", "发动机异响", 0))


class DamageAndPhotoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.advisor = factories.staff(cls.org["a"], "service_advisor")

    def test_damage_through_the_api(self):
        order = factories.work_order(self.org["a"])
        url = f"/api/v1/work-orders/{order.pk}/damages"
        ok = self.client.post(url, data=json.dumps({"area": "rear_bumper", "kind": "scratch", "description": "2cm"}),
                              content_type="application/json", **bearer(self.advisor))
        self.assertEqual((ok.status_code, ok.json()["area"]), (201, "rear_bumper"))
        bad = self.client.post(url, data=json.dumps({"area": "moon", "kind": "scratch"}),
                               content_type="application/json", **bearer(self.advisor))
        self.assertEqual((bad.status_code, list(bad.json()["fields"])), (422, ["area"]))
        gone = self.client.delete(f"{url}/{ok.json()['id']}", **bearer(self.advisor))
        self.assertEqual(gone.status_code, 204)
        self.assertEqual(order.damages.count(), 0)

    def test_photo_upload_through_the_api(self):
        order = factories.work_order(self.org["a"])
        damage = order.damages.create(area="bonnet", kind="dent")
        response = self.client.post(f"/api/v1/work-orders/{order.pk}/photos", {
            "image": factories.jpeg_upload(), "caption": "引擎盖", "damage_id": damage.pk}, **bearer(self.advisor))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["damage_id"], body["caption"], body["url"]),
                         (damage.pk, "引擎盖", f"/workshop/orders/{order.pk}/photos/{body['id']}/"))
        self.assertTrue(WorkOrderPhoto.objects.get().image.name.endswith(".jpg"))

    @override_settings(WORKSHOP_PHOTO_MAX_BYTES=1000)
    def test_photos_are_checked(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        order = factories.work_order(self.org["a"])
        cases = {
            "too large": factories.jpeg_upload(width=400, height=400),
            "not an image": SimpleUploadedFile("a.jpg", b"GIF89a nope", content_type="image/jpeg"),
            "empty": SimpleUploadedFile("a.jpg", b"", content_type="image/jpeg"),
            "gif": SimpleUploadedFile("a.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
        }
        for label, upload in cases.items():
            with self.subTest(label), self.assertRaises(ApplicationError) as caught:
                work_order_photo_add(user=self.advisor, order_id=order.pk, image=upload)
            self.assertEqual((caught.exception.status, list(caught.exception.fields)), (422, ["image"]))
        with self.assertRaises(ApplicationError) as caught:
            work_order_photo_add(user=self.advisor, order_id=order.pk, image=factories.jpeg_upload(width=8, height=8),
                                 damage_id=2**63 - 1)
        self.assertIn("damage_id", caught.exception.fields)
        self.assertEqual(WorkOrderPhoto.objects.count(), 0)
        technician = factories.staff(self.org["a"], "technician")
        response = self.client.post(f"/api/v1/work-orders/{order.pk}/photos", {"image": factories.jpeg_upload(width=8, height=8)},
                                    **bearer(technician))
        self.assertEqual(response.status_code, 403)


class ArchiveStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.advisor = factories.staff(cls.org["a"], "service_advisor")

    def test_opening_counts_the_visit_and_the_open_order_of_that_customer_only(self):
        owner, car = factories.customer_with_vehicle(self.org["a"], mileage=None)
        bystander = factories.customer(self.org["a"], name="李四")
        factories.work_order(self.org["a"], customer=bystander, asset=factories.vehicle(bystander))
        with CaptureQueriesContext(connection) as queries, self.captureOnCommitCallbacks(execute=True):
            work_order_open(user=self.advisor, data={"asset_id": car.pk, "service_type": "repair"})
        owner.refresh_from_db()
        bystander.refresh_from_db()
        self.assertEqual((owner.visit_count, owner.open_orders), (1, 1))
        self.assertEqual((bystander.visit_count, bystander.open_orders), (0, 0))  # not refreshed: untouched
        # the business is aggregated for this customer only, never over every work order, and only that
        # archive is written
        business = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "GROUP BY" in q["sql"]
                    and 'FROM "workshop_workorder"' in q["sql"]]
        self.assertEqual(len(business), 1, business)
        self.assertIn(f'"customer_id" IN ({owner.pk})', business[0])
        writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "customers_customer"')]
        self.assertEqual(len(writes), 1, writes)
        self.assertTrue(writes[0].endswith(f'WHERE "customers_customer"."id" = {owner.pk}'), writes[0])
