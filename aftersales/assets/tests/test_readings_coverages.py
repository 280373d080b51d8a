"""Rules of meter readings, coverages, the forecast endpoint and the VIN endpoint."""

import datetime as dt
import json

from django.test import TestCase

from aftersales.assets.coverage import coverage_status_on, coverages_in_force
from aftersales.assets.models import Coverage, MaintenanceInterval, MeterReading
from aftersales.assets.services import coverage_create, meter_reading_add, meter_reading_delete
from aftersales.core.errors import ApplicationError
from aftersales.core.models import AuditLog
from aftersales.core.testing import bearer, make_org, make_user

from .factories import customer, vehicle

D = dt.date
PERMS = ["assets.*", "customers.view_customer"]


class ReadingRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.user = make_user("adv", point=cls.org["a"], perms=PERMS)
        cls.car = vehicle(customer(cls.org["a"]))
        cls.other_car = vehicle(customer(cls.org["b"]))

    def add(self, day, value, **extra):
        return meter_reading_add(user=self.user, asset_id=self.car.pk, read_on=day, value=value, **extra)

    def refused(self, day, value, **extra) -> ApplicationError:
        before = MeterReading.objects.count()
        with self.assertRaises(ApplicationError) as caught:
            self.add(day, value, **extra)
        self.assertEqual(MeterReading.objects.count(), before)
        self.assertEqual(caught.exception.status, 422)
        return caught.exception

    def test_a_reading_lower_than_the_last_is_refused_naming_value(self):
        self.add(D(2025, 3, 1), 10000)
        error = self.refused(D(2025, 4, 1), 9000)
        self.assertEqual(error.fields, {"value": [
            "Lower than 10000 on 2025-03-01. Tick “meter replaced” if a new meter was fitted."]})

    def test_a_meter_replacement_may_start_lower(self):
        self.add(D(2025, 3, 1), 10000)
        reading = self.add(D(2025, 4, 1), 50, is_meter_replacement=True)
        self.add(D(2025, 5, 1), 1500)
        self.assertTrue(reading.is_meter_replacement)
        self.assertEqual(self.car.readings.count(), 3)

    def test_a_back_dated_reading_must_fit_between_its_neighbours(self):
        self.add(D(2025, 3, 1), 10000)
        self.add(D(2025, 5, 1), 12000)
        error = self.refused(D(2025, 4, 1), 13000)
        self.assertEqual(error.fields, {"value": ["Higher than the later reading 12000 on 2025-05-01."]})
        self.refused(D(2025, 2, 1), 10001)
        self.assertEqual(self.add(D(2025, 4, 1), 11000).value, 11000)
        self.assertEqual(self.add(D(2025, 3, 1), 10000).value, 10000)  # the same value on the same day is fine

    def test_dates_and_values_are_checked(self):
        self.assertEqual(list(self.refused("2025-02-30", 1).fields), ["read_on"])
        self.assertEqual(list(self.refused(dt.date.today() + dt.timedelta(days=3), 1).fields), ["read_on"])
        self.assertEqual(list(self.refused(D(2025, 1, 1), -1).fields), ["value"])
        self.assertEqual(list(self.refused(D(2025, 1, 1), "12.5km").fields), ["value"])
        self.assertEqual(list(self.refused(D(2025, 1, 1), 1, source="a\x00").fields), ["source"])

    def test_readings_are_audited_and_recorded_by_the_user(self):
        reading = self.add(D(2025, 3, 1), 10000, source="service")
        self.assertEqual(reading.recorded_by_id, self.user.pk)
        log = AuditLog.objects.get(object_id=str(reading.pk), content_type__model="meterreading")
        self.assertEqual((log.action, log.after["value"]), ("create", 10000))

    def test_deleting_a_replacement_that_would_leave_a_drop_is_refused(self):
        self.add(D(2025, 3, 1), 10000)
        swap = self.add(D(2025, 4, 1), 50, is_meter_replacement=True)
        self.add(D(2025, 5, 1), 1500)
        with self.assertRaises(ApplicationError):
            meter_reading_delete(user=self.user, pk=swap.pk)
        last = self.car.readings.get(read_on=D(2025, 5, 1))
        meter_reading_delete(user=self.user, pk=last.pk)
        meter_reading_delete(user=self.user, pk=swap.pk)
        self.assertEqual(list(self.car.readings.values_list("value", flat=True)), [10000])

    def test_readings_of_another_points_asset_are_404(self):
        with self.assertRaises(ApplicationError) as caught:
            meter_reading_add(user=self.user, asset_id=self.other_car.pk, read_on=D(2025, 1, 1), value=1)
        self.assertEqual(caught.exception.status, 404)
        response = self.client.get(f"/api/v1/assets/{self.other_car.pk}/readings", **bearer(self.user))
        self.assertEqual(response.status_code, 404)

    def test_the_api_refuses_a_lower_reading_with_422_naming_value(self):
        self.add(D(2025, 3, 1), 10000)
        response = self.client.post(f"/api/v1/assets/{self.car.pk}/readings",
                                    data=json.dumps({"read_on": "2025-04-01", "value": 5}),
                                    content_type="application/json", **bearer(self.user))
        self.assertEqual((response.status_code, list(response.json()["fields"])), (422, ["value"]))
        listed = self.client.get(f"/api/v1/assets/{self.car.pk}/readings", **bearer(self.user)).json()["items"]
        self.assertEqual([r["value"] for r in listed], [10000])


class CoverageRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.user = make_user("claims", point=cls.org["a"], perms=PERMS)
        cls.car = vehicle(customer(cls.org["a"]))
        cls.base = Coverage.objects.create(asset=cls.car, kind="base_warranty", starts_on=D(2024, 1, 1),
                                           ends_on=D(2026, 12, 31), distance_limit=100000)
        cls.sanbao = Coverage.objects.create(asset=cls.car, kind="three_guarantee", starts_on=D(2024, 1, 1),
                                             ends_on=D(2025, 12, 31), distance_limit=50000)
        cls.insurance = Coverage.objects.create(asset=cls.car, kind="insurance", starts_on=D(2025, 3, 1),
                                                ends_on=D(2026, 2, 28), provider="平安", policy_number="P1")

    def in_force(self, day, distance=None):
        return {c.kind for c in coverages_in_force(self.car, day, distance)}

    def test_which_coverages_are_in_force_by_day_and_distance(self):
        self.assertEqual(self.in_force(D(2025, 6, 1), 30000), {"base_warranty", "three_guarantee", "insurance"})
        self.assertEqual(self.in_force(D(2025, 6, 1), 60000), {"base_warranty", "insurance"})
        self.assertEqual(self.in_force(D(2025, 6, 1), 100001), {"insurance"})
        self.assertEqual(self.in_force(D(2024, 6, 1), 1000), {"base_warranty", "three_guarantee"})
        self.assertEqual(self.in_force(D(2027, 1, 1), 1000), set())

    def test_the_limits_are_inclusive_and_an_unknown_distance_is_not_checked(self):
        self.assertEqual(self.in_force(D(2025, 12, 31), 50000), {"base_warranty", "three_guarantee", "insurance"})
        self.assertEqual(self.in_force(D(2026, 1, 1), None), {"base_warranty", "insurance"})

    def test_status_says_why_a_coverage_is_not_in_force(self):
        statuses = {s.coverage.kind: s for s in coverage_status_on(self.car, D(2026, 3, 1), 60000)}
        self.assertEqual(statuses["three_guarantee"].reason, "Ended on 2025-12-31.")
        self.assertEqual(statuses["insurance"].reason, "Ended on 2026-02-28.")
        self.assertTrue(statuses["base_warranty"].in_force)
        statuses = {s.coverage.kind: s for s in coverage_status_on(self.car, D(2025, 1, 1), 60000)}
        self.assertEqual(statuses["three_guarantee"].reason, "Beyond 50000.")
        self.assertEqual(statuses["insurance"].reason, "Starts on 2025-03-01.")

    def test_coverage_rules_name_the_field(self):
        cases = [
            ({"kind": "insurance", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "provider": "人保"},
             "policy_number"),
            ({"kind": "insurance", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "policy_number": "1"}, "provider"),
            ({"kind": "three_guarantee", "starts_on": "2025-01-01", "ends_on": "2026-12-31"}, "distance_limit"),
            ({"kind": "base_warranty", "starts_on": "2025-01-01", "ends_on": "2024-12-31"}, "ends_on"),
            ({"kind": "base_warranty", "starts_on": "2025-02-30", "ends_on": "2026-12-31"}, "starts_on"),
            ({"kind": "bogus", "starts_on": "2025-01-01", "ends_on": "2026-12-31"}, "kind"),
        ]
        for data, field in cases:
            with self.assertRaises(ApplicationError) as caught:
                coverage_create(user=self.user, asset_id=self.car.pk, data=data)
            self.assertEqual(list(caught.exception.fields), [field], data)

    def test_the_api_answers_the_status_on_a_day_at_a_distance(self):
        url = f"/api/v1/assets/{self.car.pk}/coverages?on=2025-06-01&distance=60000"
        items = self.client.get(url, **bearer(self.user)).json()["items"]
        self.assertEqual({i["kind"]: i["in_force"] for i in items},
                         {"base_warranty": True, "three_guarantee": False, "insurance": True})

    def test_the_api_uses_the_latest_reading_by_default(self):
        MeterReading.objects.create(asset=self.car, read_on=D(2025, 1, 1), value=70000)
        items = self.client.get(f"/api/v1/coverages?asset_id={self.car.pk}", **bearer(self.user)).json()["items"]
        sanbao = next(i for i in items if i["kind"] == "three_guarantee")
        self.assertEqual(sanbao["in_force"], False)


class ForecastAndVinEndpointTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.user = make_user("adv", point=cls.org["a"], perms=PERMS)
        cls.tech = make_user("tech", point=cls.org["a"], role="technician")
        cls.nobody = make_user("nobody", point=cls.org["a"], perms=[])
        cls.car = vehicle(customer(cls.org["a"]), brand="大众", model="朗逸", sale_date=D(2025, 1, 1))
        MaintenanceInterval.objects.create(brand="大众", model="", months=6, distance=5000)
        MaintenanceInterval.objects.create(brand="大众", model="朗逸", months=12, distance=10000, first_months=6,
                                           first_distance=5000)
        for day, value in ((D(2025, 1, 31), 1500), (D(2025, 3, 2), 3000), (D(2025, 4, 1), 4500)):
            MeterReading.objects.create(asset=cls.car, read_on=day, value=value)

    def test_forecast_uses_the_models_first_service_interval(self):
        body = self.client.get(f"/api/v1/assets/{self.car.pk}/forecast", **bearer(self.user)).json()
        self.assertEqual(body["average_daily"], 50.0)
        self.assertEqual((body["interval_months"], body["interval_distance"]), (6, 5000))
        self.assertEqual((body["due_date"], body["due_reason"], body["due_reading"]), ("2025-04-11", "distance", 5000))
        self.assertEqual(body["due_by_time"], "2025-07-01")

    def test_vin_endpoint_decodes_any_well_formed_vin(self):
        body = self.client.get("/api/v1/vin/LSVAU2180N2183294", **bearer(self.tech)).json()
        self.assertEqual(body, {
            "vin": "LSVAU2180N2183294", "well_formed": True, "check_digit_valid": False,
            "check_digit_mandatory": True, "region": "Asia", "country": "China",
            "manufacturer": "SAIC Volkswagen (上汽大众)", "model_year": 2022,
            "warnings": ["The check digit (9th character) should be X, not 0."]})

    def test_vin_endpoint_names_the_reason_of_a_malformed_vin(self):
        response = self.client.get("/api/v1/vin/LSVAU2180Q2183294", **bearer(self.user))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"], {"vin": ["A VIN never contains the letters I, O or Q (found Q)."]})
        response = self.client.get("/api/v1/vin/ABC", **bearer(self.user))
        self.assertEqual(response.json()["fields"], {"vin": ["A VIN has 17 characters; this one has 3."]})

    def test_vin_endpoint_needs_authentication_and_asset_view(self):
        self.assertEqual(self.client.get("/api/v1/vin/LSVAU2180N2183294").status_code, 401)
        self.assertEqual(self.client.get("/api/v1/vin/LSVAU2180N2183294", **bearer(self.nobody)).status_code, 403)
