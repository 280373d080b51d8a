"""Rules of registering, changing and transferring assets (service and API), given/when/then."""

import datetime as dt
import json

from django.test import TestCase
from django.utils import timezone

from aftersales.assets.models import Asset, MeterReading, Ownership
from aftersales.assets.services import asset_create, asset_transfer, asset_update
from aftersales.assets.vin import with_check_digit
from aftersales.core.errors import ApplicationError
from aftersales.core.models import AuditLog
from aftersales.core.testing import bearer, make_org, make_user

from .factories import customer, new_vin, product, vehicle

PERMS = ["assets.*", "customers.view_customer"]


class AssetRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.advisor = make_user("adv", point=cls.a, perms=PERMS)
        cls.owner = customer(cls.a, "张三")
        cls.other_owner = customer(cls.b, "李四")

    def create(self, **data):
        base = {"kind": "vehicle", "owner_id": self.owner.pk, "brand": "大众", "model": "朗逸", "vin": new_vin()}
        return asset_create(user=self.advisor, data={**base, **data})

    def refused(self, status: int, **data) -> ApplicationError:
        before = Asset.objects.count()
        with self.assertRaises(ApplicationError) as caught:
            self.create(**data)
        self.assertEqual(caught.exception.status, status)
        self.assertEqual(Asset.objects.count(), before)
        return caught.exception

    def post(self, url, data, user=None):
        return self.client.post(url, data=json.dumps(data), content_type="application/json",
                                **bearer(user or self.advisor))

    # creation
    def test_a_vehicle_is_created_at_the_owners_home_point_with_ownership_and_audit(self):
        asset = self.create(plate="京a 12345", sale_date="2024-05-01")
        self.assertEqual((asset.service_point_id, asset.plate), (self.a.pk, "京A12345"))
        self.assertEqual(asset.model_year, 2022)  # from the VIN's 10th character N
        self.assertEqual(list(Ownership.objects.filter(asset=asset).values_list("customer_id", "started_on", "ended_on")),
                         [(self.owner.pk, dt.date(2024, 5, 1), None)])
        log = AuditLog.objects.get(object_id=str(asset.pk), action="create", content_type__model="asset")
        self.assertEqual((log.user_id, log.after["vin"]), (self.advisor.pk, asset.vin))
        self.assertEqual(asset.warnings, [])

    def test_a_wrong_mandatory_check_digit_is_refused_naming_vin_and_the_reason(self):
        error = self.refused(422, vin="LSVAU2180N2183294")
        self.assertEqual(error.fields, {"vin": ["The check digit (9th character) should be X, not 0."]})

    def test_a_wrong_check_digit_outside_china_and_north_america_is_saved_with_a_warning(self):
        response = self.post("/api/v1/assets", {"kind": "vehicle", "owner_id": self.owner.pk, "brand": "大众",
                                                "vin": "WVWZZZ1JZXW000001"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(len(response.json()["warnings"]), 1)
        self.assertIn("should be 0, not Z", response.json()["warnings"][0])
        detail = self.client.get(f"/api/v1/assets/{response.json()['id']}", **bearer(self.advisor)).json()
        self.assertEqual(detail["warnings"], response.json()["warnings"])

    def test_malformed_vins_are_refused_with_distinct_reasons(self):
        self.assertEqual(self.refused(422, vin="LSVAU2180").fields["vin"],
                         ["A VIN has 17 characters; this one has 9."])
        self.assertEqual(self.refused(422, vin="LSVAU2180O2183294").fields["vin"],
                         ["A VIN never contains the letters I, O or Q (found O)."])
        self.assertEqual(self.refused(422, vin="").fields["vin"], ["A vehicle needs its VIN."])

    def test_a_vin_is_unique(self):
        vin = new_vin()
        self.create(vin=vin)
        error = self.refused(409, vin=vin.lower())
        self.assertEqual(list(error.fields), ["vin"])
        response = self.post("/api/v1/assets", {"kind": "vehicle", "owner_id": self.owner.pk, "brand": "x", "vin": vin})
        self.assertEqual((response.status_code, list(response.json()["fields"])), (409, ["vin"]))

    def test_a_serial_number_is_unique_per_brand(self):
        product(self.owner, serial="GL-0001", brand="格力")
        self.assertEqual(list(self.refused(409, kind="product", vin="", brand="格力", serial_number="GL-0001").fields),
                         ["serial_number"])
        other = self.create(kind="product", vin="", brand="美的", serial_number="GL-0001")
        self.assertEqual(other.meter_unit, "h")

    def test_a_product_needs_its_serial_and_has_no_vin(self):
        self.assertEqual(list(self.refused(422, kind="product", vin="").fields), ["serial_number"])
        self.assertEqual(list(self.refused(422, kind="product", serial_number="S1").fields), ["vin"])

    def test_a_vehicle_has_no_installation_address(self):
        self.assertEqual(list(self.refused(422, installation_address="杭州市").fields), ["installation_address"])

    def test_a_bad_plate_is_refused_naming_plate(self):
        error = self.refused(422, plate="京I12345")
        self.assertEqual(error.fields, {"plate": ["The second character is the issuing authority's letter (A–Z, not I or O)."]})

    def test_the_owner_must_be_visible_to_the_user(self):
        self.assertEqual(self.refused(422, owner_id=self.other_owner.pk).fields, {"owner_id": ["Unknown customer."]})
        self.assertEqual(list(self.refused(422, owner_id="abc").fields), ["owner_id"])
        self.assertEqual(list(self.refused(422, owner_id=10**20).fields), ["owner_id"])
        self.assertEqual(list(self.refused(422, service_point_id=10**20).fields), ["service_point_id"])
        response = self.post("/api/v1/readings", {"asset_id": 2**62, "read_on": "2025-01-01", "value": 1})
        self.assertEqual((response.status_code, list(response.json()["fields"])), (422, ["asset_id"]))

    def test_the_service_point_must_be_one_of_the_users(self):
        error = self.refused(422, service_point_id=self.b.pk)
        self.assertEqual(list(error.fields), ["service_point_id"])

    def test_nul_bytes_and_bad_dates_are_422_naming_the_field(self):
        self.assertEqual(list(self.refused(422, brand="大\x00众").fields), ["brand"])
        self.assertEqual(self.refused(422, sale_date="2025-13-01").fields, {"sale_date": ["Enter a real date as YYYY-MM-DD."]})
        future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
        self.assertEqual(self.refused(422, sale_date=future).fields, {"sale_date": ["This date is in the future."]})
        self.assertEqual(list(self.refused(422, model_year="nineteen").fields), ["model_year"])
        response = self.post("/api/v1/assets", {"kind": "vehicle", "owner_id": self.owner.pk, "brand": "a\x00",
                                                "vin": new_vin()})
        self.assertEqual((response.status_code, list(response.json()["fields"])), (422, ["brand"]))
        response = self.post("/api/v1/assets", {"kind": "vehicle", "owner_id": self.owner.pk, "brand": "a",
                                                "vin": new_vin(), "sale_date": "2025-02-30"})
        self.assertEqual((response.status_code, list(response.json()["fields"])), (422, ["sale_date"]))

    def test_an_initial_reading_is_recorded_with_the_asset(self):
        asset = self.create(initial_reading={"read_on": "2025-01-05", "value": "1234"})
        self.assertEqual(list(asset.readings.values_list("read_on", "value")), [(dt.date(2025, 1, 5), 1234)])

    def test_a_bad_initial_reading_rolls_the_asset_back(self):
        self.assertEqual(list(self.refused(422, initial_reading={"read_on": "x", "value": 1}).fields),
                         ["initial_reading.read_on"])

    # changes
    def test_kind_and_owner_do_not_change_by_update(self):
        asset = self.create()
        for data, field in (({"kind": "product"}, "kind"), ({"owner_id": self.owner.pk + 999}, "owner_id")):
            with self.assertRaises(ApplicationError) as caught:
                asset_update(user=self.advisor, pk=asset.pk, data=data)
            self.assertEqual(list(caught.exception.fields), [field])

    def test_update_revalidates_the_vin_and_records_only_the_change(self):
        asset = self.create()
        with self.assertRaises(ApplicationError) as caught:
            asset_update(user=self.advisor, pk=asset.pk, data={"vin": "LSVAU2180N2183294"})
        self.assertEqual(list(caught.exception.fields), ["vin"])
        asset_update(user=self.advisor, pk=asset.pk, data={"colour": "红色"})
        log = AuditLog.objects.get(object_id=str(asset.pk), action="update", content_type__model="asset")
        self.assertEqual((log.before, log.after), ({"colour": ""}, {"colour": "红色"}))

    def test_a_technician_can_add_a_reading_but_not_change_the_asset(self):
        tech = make_user("tech", point=self.a, role="technician")
        asset = vehicle(self.owner)
        response = self.post(f"/api/v1/assets/{asset.pk}/readings", {"read_on": "2025-01-01", "value": 100}, tech)
        self.assertEqual(response.status_code, 201, response.content)
        response = self.client.patch(f"/api/v1/assets/{asset.pk}", data=json.dumps({"colour": "x"}),
                                     content_type="application/json", **bearer(tech))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Asset.objects.get(pk=asset.pk).colour, "")
        self.client.force_login(tech)
        self.assertEqual(self.client.get(f"/assets/{asset.pk}/edit/").status_code, 403)

    # transfer
    def test_transfer_ends_the_current_ownership_and_starts_the_new_one(self):
        asset = self.create(sale_date="2023-03-01")
        buyer = customer(self.a, "王五")
        asset_transfer(user=self.advisor, pk=asset.pk, new_owner_id=buyer.pk, on_date="2025-06-01")
        asset.refresh_from_db()
        self.assertEqual(asset.owner_id, buyer.pk)
        self.assertEqual(list(asset.ownerships.order_by("started_on").values_list("customer_id", "started_on", "ended_on")),
                         [(self.owner.pk, dt.date(2023, 3, 1), dt.date(2025, 6, 1)), (buyer.pk, dt.date(2025, 6, 1), None)])
        self.assertEqual(asset.ownerships.filter(ended_on__isnull=True).count(), 1)
        log = AuditLog.objects.get(object_id=str(asset.pk), action="transfer")
        self.assertEqual((log.before, log.after), ({"owner_id": self.owner.pk},
                                                   {"owner_id": buyer.pk, "on_date": "2025-06-01"}))

    def test_transfer_refusals_name_the_field(self):
        asset = self.create(sale_date="2023-03-01")
        buyer = customer(self.a, "王五")
        cases = [
            ({"new_owner_id": self.owner.pk, "on_date": "2025-01-01"}, "new_owner_id"),
            ({"new_owner_id": self.other_owner.pk, "on_date": "2025-01-01"}, "new_owner_id"),
            ({"new_owner_id": buyer.pk, "on_date": "2023-02-28"}, "on_date"),
            ({"new_owner_id": buyer.pk, "on_date": "not a date"}, "on_date"),
            ({"new_owner_id": buyer.pk, "on_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "on_date"),
        ]
        for args, field in cases:
            with self.assertRaises(ApplicationError) as caught:
                asset_transfer(user=self.advisor, pk=asset.pk, **args)
            self.assertEqual((caught.exception.status, list(caught.exception.fields)), (422, [field]), args)
        self.assertEqual(Asset.objects.get(pk=asset.pk).owner_id, self.owner.pk)

    def test_transfer_through_the_api(self):
        asset = self.create(sale_date="2024-01-01")
        buyer = customer(self.a, "赵六")
        response = self.post(f"/api/v1/assets/{asset.pk}/transfer", {"new_owner_id": buyer.pk, "on_date": "2025-02-01"})
        self.assertEqual((response.status_code, response.json()["owner_id"]), (200, buyer.pk))
        other = vehicle(self.other_owner)
        response = self.post(f"/api/v1/assets/{other.pk}/transfer", {"new_owner_id": buyer.pk, "on_date": "2025-02-01"})
        self.assertEqual(response.status_code, 404)

    def test_deleting_an_asset_removes_its_readings_and_is_audited(self):
        asset = self.create(initial_reading={"read_on": "2025-01-05", "value": 10})
        response = self.client.delete(f"/api/v1/assets/{asset.pk}", **bearer(self.advisor))
        self.assertEqual(response.status_code, 204)
        self.assertFalse(MeterReading.objects.filter(asset_id=asset.pk).exists())
        self.assertTrue(AuditLog.objects.filter(object_id=str(asset.pk), action="delete",
                                                content_type__model="asset").exists())

    def test_the_installation_address_is_masked_for_roles_without_personal_data(self):
        item = product(self.owner, installation_address="浙江省杭州市西湖区文三路100号")
        viewer = make_user("viewer", point=self.a, perms=["assets.view_asset"], pii=False)
        masked = self.client.get(f"/api/v1/assets/{item.pk}", **bearer(viewer)).json()["installation_address"]
        clear = self.client.get(f"/api/v1/assets/{item.pk}", **bearer(self.advisor)).json()["installation_address"]
        self.assertEqual((masked, clear), ("浙江省杭州市****", "浙江省杭州市西湖区文三路100号"))
        listed = self.client.get("/api/v1/assets?kind=product", **bearer(self.advisor)).json()["items"][0]
        self.assertEqual(listed["installation_address"], "浙江省杭州市****")

    def test_vin_with_computed_check_digit_in_china(self):
        self.assertEqual(self.create(vin=with_check_digit("LFV2A21K0N4000001")).vin[8],
                         with_check_digit("LFV2A21K0N4000001")[8])
