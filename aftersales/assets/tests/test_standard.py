"""The generated API and page tests for assets, meter readings, coverages and maintenance intervals."""

import datetime as dt

from aftersales.assets.models import Asset, Coverage, MaintenanceInterval, MeterReading
from aftersales.core.testing import StandardAPITests, StandardViewTests, make_user

from .factories import customer, new_vin, vehicle

ASSET_PERMS = ["assets.*", "customers.view_customer"]


def _reading(point):
    asset = vehicle(customer(point))
    return MeterReading.objects.create(asset=asset, read_on=dt.date(2025, 3, 1), value=12000)


def _coverage(point):
    asset = vehicle(customer(point))
    return Coverage.objects.create(asset=asset, kind="base_warranty", starts_on=dt.date(2024, 1, 1),
                                   ends_on=dt.date(2027, 1, 1), distance_limit=100000)


class AssetAPITests(StandardAPITests):
    model = Asset
    api_url = "/api/v1/assets"
    permission_patterns = ASSET_PERMS

    @classmethod
    def make_object(cls, point):
        return vehicle(customer(point))

    def create_payload(self, point):
        return {"kind": "vehicle", "owner_id": customer(point, "李四").pk, "brand": "比亚迪", "model": "秦PLUS",
                "vin": new_vin("LGXC16DF4N"), "plate": "粤B D12345", "sale_date": "2024-05-01"}

    def update_payload(self):
        return {"colour": "白色", "plate": "京A12345"}

    def bad_payload(self):
        return {"kind": "vehicle", "owner_id": self.obj_a.owner_id, "brand": "大众", "vin": "LSVAU2180I2183294"}, "vin"


class AssetViewTests(StandardViewTests):
    model = Asset
    list_url = "/assets/vehicles/"
    create_url = "/assets/new/?kind=vehicle"
    permission_patterns = ASSET_PERMS

    @classmethod
    def make_object(cls, point):
        return vehicle(customer(point))

    def edit_url(self, obj):
        return f"/assets/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/assets/{obj.pk}/delete/"

    def form_data(self, point):
        return {"kind": "vehicle", "owner": customer(point, "王五").pk, "service_point": point.pk, "brand": "吉利",
                "model": "星越L", "vin": new_vin("L6T7844S5N"), "plate": "浙A88888", "meter_unit": "km"}

    def edit_data(self, obj):
        return {"service_point": obj.service_point_id, "brand": obj.brand, "model": obj.model, "vin": obj.vin,
                "colour": "黑色", "meter_unit": "km"}


class MeterReadingAPITests(StandardAPITests):
    model = MeterReading
    api_url = "/api/v1/readings"
    permission_patterns = ASSET_PERMS
    actions = {"list", "detail", "create", "delete"}

    @classmethod
    def make_object(cls, point):
        return _reading(point)

    def create_payload(self, point):
        asset = vehicle(customer(point))
        return {"asset_id": asset.pk, "read_on": "2025-06-01", "value": 15000, "source": "service"}

    def bad_payload(self):
        return {"asset_id": self.obj_a.asset_id, "read_on": "2025-06-01", "value": 100}, "value"


class MeterReadingViewTests(StandardViewTests):
    model = MeterReading
    list_url = "/assets/readings/"
    permission_patterns = ASSET_PERMS

    @classmethod
    def make_object(cls, point):
        return _reading(point)

    def delete_url(self, obj):
        return f"/assets/readings/{obj.pk}/delete/"


class CoverageAPITests(StandardAPITests):
    model = Coverage
    api_url = "/api/v1/coverages"
    permission_patterns = ASSET_PERMS

    @classmethod
    def make_object(cls, point):
        return _coverage(point)

    def create_payload(self, point):
        asset = vehicle(customer(point))
        return {"asset_id": asset.pk, "kind": "insurance", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
                "provider": "中国人保", "policy_number": "PDAA2025110100001"}

    def update_payload(self):
        return {"ends_on": "2028-01-01", "provider": "厂家"}

    def bad_payload(self):
        return {"asset_id": self.obj_a.asset_id, "kind": "base_warranty", "starts_on": "2025-01-01",
                "ends_on": "2024-01-01"}, "ends_on"


class CoverageViewTests(StandardViewTests):
    model = Coverage
    list_url = "/assets/coverages/"
    permission_patterns = ASSET_PERMS

    @classmethod
    def make_object(cls, point):
        return _coverage(point)

    def edit_url(self, obj):
        return f"/assets/coverages/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/assets/coverages/{obj.pk}/delete/"

    def edit_data(self, obj):
        return {"kind": obj.kind, "starts_on": "2024-01-01", "ends_on": "2029-01-01", "distance_limit": 150000}


class _NetworkWideReferenceData:
    """Maintenance intervals belong to no service point: every point sees them, only HQ-wide roles write.

    The generated "other point" tests therefore become: a point-level user sees the other rows but may
    not change them (403), and the permitted user is an HQ-wide one.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.point_user = cls.permitted
        cls.permitted = make_user("permitted-hq", point=cls.org["hq"], perms=["assets.*"], scope="all")

    @classmethod
    def make_object(cls, point):
        return MaintenanceInterval.objects.create(brand=f"品牌{point.code}", model="", months=6, distance=5000)


class MaintenanceIntervalAPITests(_NetworkWideReferenceData, StandardAPITests):
    model = MaintenanceInterval
    api_url = "/api/v1/maintenance-intervals"

    def create_payload(self, point):
        return {"brand": "大众", "model": "朗逸", "months": 12, "distance": 7500, "first_months": 6,
                "first_distance": 5000}

    def update_payload(self):
        return {"distance": 10000}

    def bad_payload(self):
        return {"brand": "大众", "months": 0, "distance": 0}, "months"

    def test_list_shows_own_points_only(self):
        ids = {i["id"] for i in self.call("get", self.api_url, self.point_user).json()["items"]}
        self.assertEqual({self.obj_a.pk, self.obj_b.pk} <= ids, True)

    def test_detail_of_other_point_is_404(self):
        self.assertEqual(self.call("get", self.detail_url(self.obj_b), self.point_user).status_code, 200)

    def test_create_at_other_point_is_refused_and_writes_nothing(self):
        before = MaintenanceInterval.objects.count()
        response = self.call("post", self.api_url, self.point_user, self.create_payload(self.point_b))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(MaintenanceInterval.objects.count(), before)

    def test_update_of_other_point_is_404_and_changes_nothing(self):
        before = self.snapshot(self.obj_b)
        response = self.call("patch", self.detail_url(self.obj_b), self.point_user, self.update_payload())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.snapshot(self.obj_b), before)

    def test_delete_of_other_point_is_404_and_deletes_nothing(self):
        self.assertEqual(self.call("delete", self.detail_url(self.obj_b), self.point_user).status_code, 403)
        self.assertTrue(MaintenanceInterval.objects.filter(pk=self.obj_b.pk).exists())

    def test_duplicate_brand_and_model_is_409_naming_model(self):
        payload = {"brand": self.obj_a.brand.upper(), "model": "", "months": 6, "distance": 5000}
        response = self.call("post", self.api_url, self.permitted, payload)
        self.assertEqual(response.status_code, 409)
        self.assertIn("model", response.json()["fields"])


class MaintenanceIntervalViewTests(_NetworkWideReferenceData, StandardViewTests):
    model = MaintenanceInterval
    list_url = "/assets/intervals/"
    create_url = "/assets/intervals/new/"

    def edit_url(self, obj):
        return f"/assets/intervals/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/assets/intervals/{obj.pk}/delete/"

    def form_data(self, point):
        return {"brand": "丰田", "model": "卡罗拉", "months": 6, "distance": 5000}

    def edit_data(self, obj):
        return {"brand": obj.brand, "model": "", "months": 12, "distance": 10000}

    def test_list_shows_own_points_only(self):
        self._login(self.point_user)
        response = self.client.get(self.list_url)
        self.assertContains(response, self.obj_a.get_absolute_url())
        self.assertContains(response, self.obj_b.get_absolute_url())

    def test_detail_of_other_point_is_404(self):
        self._login(self.point_user)
        self.assertEqual(self.client.get(self.obj_b.get_absolute_url()).status_code, 200)

    def test_edit_of_other_point_is_404_and_changes_nothing(self):
        self._login(self.point_user)
        before = self.snapshot(self.obj_b)
        self.assertEqual(self.client.post(self.edit_url(self.obj_b), self.edit_data(self.obj_b)).status_code, 403)
        self.assertEqual(self.snapshot(self.obj_b), before)

    def test_delete_of_other_point_is_404(self):
        self._login(self.point_user)
        self.assertEqual(self.client.post(self.delete_url(self.obj_b)).status_code, 403)
        self.assertTrue(MaintenanceInterval.objects.filter(pk=self.obj_b.pk).exists())
