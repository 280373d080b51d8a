"""The list API (filters, keyset pages, pinned query count) and the pages (form, live VIN check, detail)."""

import datetime as dt

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from aftersales.assets.models import Asset, Coverage, MeterReading
from aftersales.assets.services import meter_reading_add
from aftersales.core.testing import bearer, make_org, make_user
from aftersales.customers.models import Customer

from .factories import customer, new_vin, product, vehicle

PERMS = ["assets.*", "customers.view_customer"]


class AssetListAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.user = make_user("adv", point=cls.org["a"], perms=PERMS)
        cls.owner = customer(cls.org["a"], "张三")
        cls.cars = [vehicle(cls.owner, plate=f"京A1234{i}", brand="大众" if i % 2 else "丰田") for i in range(5)]
        cls.fridge = product(cls.owner, serial="BCD-001", brand="海尔")
        cls.elsewhere = vehicle(customer(cls.org["b"]), plate="沪B99999")

    def ids(self, query: str) -> list[int]:
        response = self.client.get(f"/api/v1/assets{query}", **bearer(self.user))
        self.assertEqual(response.status_code, 200, response.content)
        return [item["id"] for item in response.json()["items"]]

    def test_filters(self):
        self.assertEqual(self.ids("?kind=product"), [self.fridge.pk])
        self.assertEqual(self.ids("?brand=丰田"), [c.pk for c in reversed(self.cars) if c.brand == "丰田"])
        self.assertEqual(self.ids("?q=a12343"), [self.cars[3].pk])
        self.assertEqual(self.ids(f"?q={self.cars[2].vin[-6:]}"), [self.cars[2].pk])
        self.assertEqual(self.ids(f"?owner_id={self.owner.pk}&kind=vehicle"), [c.pk for c in reversed(self.cars)])
        self.assertEqual(self.ids(f"?service_point_id={self.org['b'].pk}"), [])

    def test_keyset_pages_walk_the_list_newest_first(self):
        seen, cursor = [], None
        while True:
            url = "/api/v1/assets?kind=vehicle&limit=2" + (f"&cursor={cursor}" if cursor else "")
            body = self.client.get(url, **bearer(self.user)).json()
            seen += [i["id"] for i in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, [c.pk for c in reversed(self.cars)])

    def test_a_bad_cursor_is_422(self):
        response = self.client.get("/api/v1/assets?cursor=%%%", **bearer(self.user))
        self.assertEqual((response.status_code, list(response.json()["fields"])), (422, ["cursor"]))

    def test_the_list_query_count_does_not_grow_with_rows(self):
        first, second = bearer(self.user), bearer(self.user)
        with CaptureQueriesContext(connection) as few:
            self.client.get("/api/v1/assets?limit=2", **first)
        for i in range(10):
            vehicle(customer(self.org["a"], f"客户{i}"))
        with CaptureQueriesContext(connection) as many:
            response = self.client.get("/api/v1/assets?limit=50", **second)
        self.assertEqual(len(response.json()["items"]), 16)
        # a fresh token: look-up and first-use stamp (2) + access rights (4) + one page query (owner and point joined)
        self.assertEqual(len(many), 7, [q["sql"] for q in many.captured_queries])
        self.assertEqual(len(few), len(many))


class AssetPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.user = make_user("adv", point=cls.org["a"], perms=PERMS)
        cls.owner = customer(cls.org["a"], "张三")
        Customer.objects.filter(pk=cls.owner.pk).update(name_pinyin="zhangsan", name_initials="zs")

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_form_has_the_documented_ids_and_takes_the_owner_from_the_url(self):
        response = self.client.get(f"/assets/new/?kind=vehicle&owner={self.owner.pk}")
        for box in ("id_vin", "id_plate", "id_brand", "id_model", "id_owner", "id_kind"):
            self.assertContains(response, f'id="{box}"')
        self.assertContains(response, f'<option value="{self.owner.pk}" selected>张三</option>', html=True)
        self.assertContains(response, 'hx-get="/assets/vin-check/"')

    def test_a_wrong_vin_is_shown_beside_the_field_and_nothing_is_saved(self):
        data = {"kind": "vehicle", "owner": self.owner.pk, "service_point": self.org["a"].pk, "brand": "大众",
                "vin": "LSVAU2180N2183294", "meter_unit": "km"}
        response = self.client.post("/assets/new/?kind=vehicle", data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["vin"], ["The check digit (9th character) should be X, not 0."])
        self.assertContains(response, 'data-field="vin"')
        self.assertFalse(Asset.objects.exists())
        data["vin"] = "LSVAU2180N2183294"[:8] + "X" + "LSVAU2180N2183294"[9:]
        response = self.client.post("/assets/new/?kind=vehicle", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Asset.objects.get().vin, "LSVAU218XN2183294")

    def test_an_owner_from_another_point_is_refused_beside_the_owner_box(self):
        stranger = customer(self.org["b"], "李四")
        data = {"kind": "vehicle", "owner": stranger.pk, "service_point": self.org["a"].pk, "brand": "大众",
                "vin": new_vin(), "meter_unit": "km"}
        response = self.client.post("/assets/new/?kind=vehicle", data)
        self.assertEqual(response.context["form"].errors["owner"], ["Unknown customer."])

    def test_live_vin_check_answers_beside_the_box(self):
        bad = self.client.get("/assets/vin-check/", {"vin": "LSVAU2180"}).content.decode()
        self.assertIn('data-vin="error"', bad)
        self.assertIn("A VIN has 17 characters; this one has 9.", bad)
        good = self.client.get("/assets/vin-check/", {"vin": "LRW3E7FS5PC695355"}).content.decode()
        self.assertIn('data-vin="ok"', good)
        self.assertIn("Tesla Shanghai (特斯拉上海) · China · 2023", good)
        foreign = self.client.get("/assets/vin-check/", {"vin": "WVWZZZ1JZXW000001"}).content.decode()
        self.assertIn('data-vin="warning"', foreign)
        self.assertEqual(self.client.get("/assets/vin-check/", {"vin": ""}).content, b"")

    def test_owner_search_finds_by_initials_and_not_other_points(self):
        customer(self.org["b"], "张四")
        options = self.client.get("/assets/owner-options/", {"owner_q": "zs"}).content.decode()
        self.assertIn(f'<option value="{self.owner.pk}">张三 (#{self.owner.pk})</option>', options)
        self.assertNotIn("张四", self.client.get("/assets/owner-options/", {"owner_q": "张"}).content.decode())

    def test_product_form_has_serial_not_vin(self):
        response = self.client.get("/assets/new/?kind=product")
        self.assertContains(response, 'id="id_serial_number"')
        self.assertNotContains(response, 'id="id_vin"')

    def test_detail_shows_owner_link_readings_chart_forecast_coverages_and_history(self):
        car = vehicle(self.owner, sale_date=dt.date(2025, 1, 1))
        MeterReading.objects.create(asset=car, read_on=dt.date(2025, 1, 31), value=1500)
        meter_reading_add(user=self.user, asset_id=car.pk, read_on=dt.date(2025, 3, 2), value=3000)
        Coverage.objects.create(asset=car, kind="base_warranty", starts_on=dt.date(2025, 1, 1),
                                ends_on=dt.date(2099, 1, 1), distance_limit=100000)
        self.client.post(f"/assets/{car.pk}/edit/", {"service_point": car.service_point_id, "brand": car.brand,
                                                     "vin": car.vin, "colour": "白", "meter_unit": "km"})
        response = self.client.get(f"/assets/{car.pk}/")
        self.assertContains(response, f'href="/customers/{self.owner.pk}/"')
        self.assertContains(response, 'id="reading-chart"')
        self.assertContains(response, '"2025-03-02", 3000')
        self.assertContains(response, '<div class="fs-5" id="avg-daily">50.0</div>', html=True)
        self.assertContains(response, "in force")
        self.assertContains(response, '<tr><td title="colour">colour</td><td class="text-break">—</td>'
                                      '<td class="text-break">白</td></tr>', html=True)  # label, before, after
        self.assertContains(response, "echarts.min.js")
        self.assertContains(response, "Meter reading: 3000 @ 2025-03-02")  # the timeline includes its readings

    def test_the_list_exports_with_its_filters(self):
        vehicle(self.owner, brand="丰田")
        vehicle(self.owner, brand="大众")
        response = self.client.get("/assets/vehicles/", {"brand": "丰田", "export": "xlsx"})
        from io import BytesIO

        from openpyxl import load_workbook
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][2], "丰田")

    def test_the_product_list_shows_products_only_with_masked_addresses_in_the_export(self):
        fridge = product(self.owner, serial="BCD-218", installation_address="浙江省杭州市西湖区文三路100号")
        car = vehicle(self.owner)
        response = self.client.get("/assets/products/", {"q": "bcd-218"})
        self.assertContains(response, f'href="/assets/{fridge.pk}/"')
        self.assertNotContains(response, f'href="/assets/{car.pk}/"')
        from io import BytesIO

        from openpyxl import load_workbook
        exported = self.client.get("/assets/products/", {"export": "xlsx"})
        rows = list(load_workbook(BytesIO(exported.content)).active.values)
        self.assertEqual((rows[1][0], rows[1][-1]), ("BCD-218", "浙江省杭州市****"))

    def test_a_reading_form_error_is_shown_beside_the_value(self):
        car = vehicle(self.owner)
        MeterReading.objects.create(asset=car, read_on=dt.date(2025, 3, 1), value=10000)
        response = self.client.post(f"/assets/{car.pk}/readings/new/", {"read_on": "2025-04-01", "value": 10})
        self.assertEqual(response.context["form"].errors["value"],
                         ["Lower than 10000 on 2025-03-01. Tick “meter replaced” if a new meter was fitted."])
        response = self.client.post(f"/assets/{car.pk}/readings/new/",
                                    {"read_on": "2025-04-01", "value": 10, "is_meter_replacement": "on"})
        self.assertEqual(response.status_code, 302)

    def test_coverage_form_and_transfer_page(self):
        car = vehicle(self.owner, sale_date=dt.date(2024, 1, 1))
        response = self.client.post(f"/assets/{car.pk}/coverages/new/", {"kind": "insurance", "starts_on": "2025-01-01",
                                                                          "ends_on": "2025-12-31", "provider": "平安"})
        self.assertEqual(list(response.context["form"].errors), ["policy_number"])
        buyer = customer(self.org["a"], "王五")
        response = self.client.post(f"/assets/{car.pk}/transfer/", {"owner": buyer.pk, "on_date": "2025-05-01"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Asset.objects.get(pk=car.pk).owner_id, buyer.pk)
