"""The parts catalogue: generated permission tests for the API and the pages, and its rules."""

from decimal import Decimal

from django.test import TestCase

from aftersales.core.errors import ApplicationError
from aftersales.core.testing import StandardAPITests, StandardViewTests, bearer, make_org, make_user
from aftersales.parts.models import Part, Stock
from aftersales.parts.services import part_create, part_delete, part_update, stock_receive

from .factories import part, short_line, stock, work_order


class _Catalogue:
    """The catalogue belongs to no service point: every holder of ``parts.view_part`` sees every part,
    holders of ``parts.*_part`` (HQ, point managers, parts clerks) keep it. The generated "other
    point" checks therefore become "the same catalogue"."""

    permission_patterns = ["parts.*"]

    @classmethod
    def make_object(cls, point):
        return part(f"PT-{point.code}", name=f"空气滤清器 {point.code}")


class PartAPITests(_Catalogue, StandardAPITests):
    model = Part
    api_url = "/api/v1/parts"

    def create_payload(self, point):
        return {"number": "1k0 698 151 ", "name": "刹车片 前", "category": "brake", "unit": "set",
                "sale_price": "480.00", "cost_price": "300.00", "is_wear_part": True}

    def update_payload(self):
        return {"sale_price": "99.50", "is_wear_part": True}

    def bad_payload(self):
        return {"number": "X1", "name": "机油", "sale_price": "-1"}, "sale_price"

    def test_list_shows_own_points_only(self):
        ids = {i["id"] for i in self.call("get", self.api_url, self.permitted).json()["items"]}
        self.assertTrue({self.obj_a.pk, self.obj_b.pk} <= ids)

    def test_detail_of_other_point_is_404(self):
        self.assertEqual(self.call("get", self.detail_url(self.obj_b), self.permitted).status_code, 200)

    def test_create_at_other_point_is_refused_and_writes_nothing(self):
        self.skipTest("a part belongs to no service point")

    def test_update_of_other_point_is_404_and_changes_nothing(self):
        self.assertEqual(self.call("patch", self.detail_url(self.obj_b), self.permitted, {"brand": "博世"})
                         .status_code, 200)

    def test_delete_of_other_point_is_404_and_deletes_nothing(self):
        self.assertEqual(self.call("delete", self.detail_url(self.obj_b), self.permitted).status_code, 204)

    def test_created_number_is_kept_in_capitals_and_money_is_a_string(self):
        body = self.call("post", self.api_url, self.permitted, self.create_payload(self.point_a)).json()
        self.assertEqual(body["number"], "1K0 698 151")
        self.assertEqual(body["sale_price"], "480.00")
        self.assertEqual((body["unit"], body["is_wear_part"], body["warranty_eligible"]), ("set", True, True))

    def test_duplicate_number_is_409(self):
        response = self.call("post", self.api_url, self.permitted, {"number": "pt-a", "name": "重复"})
        self.assertEqual(response.status_code, 409)
        self.assertIn("number", response.json()["fields"])

    def test_detail_lists_stock_at_the_points_the_user_sees(self):
        at_a = stock(self.point_a, self.obj_a, on_hand="5", reserved="2")
        stock(self.point_b, self.obj_a, on_hand="9")
        body = self.call("get", self.detail_url(self.obj_a), self.permitted).json()
        self.assertEqual(body["stock"], [{"stock_id": at_a.pk, "service_point_id": self.point_a.pk,
                                         "service_point_name": "Point A", "on_hand": "5.00", "reserved": "2.00",
                                         "available": "3.00", "bin_location": ""}])

    def test_search_filters_and_keyset_paging(self):
        part("06A115561B", name="机油滤清器", category="filter", is_wear_part=True)
        part("06A115562", name="机油滤清器 长效", category="filter")
        part("5Q0129620", name="空气滤清器", category="filter", is_wear_part=True, is_active=False)
        user = self.permitted

        def numbers(query):
            return [i["number"] for i in self.call("get", f"{self.api_url}?{query}", user).json()["items"]]

        self.assertEqual(numbers("q=06a"), ["06A115561B", "06A115562"])
        self.assertEqual(numbers("q=空气"), ["5Q0129620", "PT-A", "PT-B"])
        self.assertEqual(numbers("wear_part=true"), ["06A115561B", "5Q0129620"])
        self.assertEqual(numbers("is_active=false"), ["5Q0129620"])
        page = self.call("get", f"{self.api_url}?category=filter&limit=2", user).json()
        self.assertEqual([i["number"] for i in page["items"]], ["06A115561B", "06A115562"])
        rest = self.call("get", f"{self.api_url}?category=filter&limit=2&cursor={page['next_cursor']}", user).json()
        self.assertEqual([i["number"] for i in rest["items"]], ["5Q0129620", "PT-A"])

    def test_list_query_count_does_not_grow_with_rows(self):
        headers = bearer(self.permitted)
        self.client.get(self.api_url, **headers)  # the first use of a token also records when it was used
        with self.assertNumQueries(6):  # token, access rights (4), the page
            self.client.get(self.api_url, **headers)
        for i in range(30):
            part(f"BULK{i:03d}")
        with self.assertNumQueries(6):
            response = self.client.get(self.api_url, **headers)
        self.assertEqual(len(response.json()["items"]), 32)

    def test_forged_cursors_and_ids_are_bad_input_not_errors(self):
        from aftersales.core.api import encode_cursor

        for cursor in (encode_cursor({"k": 5}), encode_cursor({"k": "a\x00b"}), "%%%", encode_cursor([1])):
            with self.subTest(cursor=cursor):
                response = self.call("get", f"{self.api_url}?cursor={cursor}", self.permitted)
                self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(self.call("get", f"{self.api_url}/{2**64}", self.permitted).status_code, 404)

    def test_advisor_reads_the_catalogue_but_cannot_change_it(self):
        advisor = make_user("adv", point=self.point_a, role="service_advisor")
        self.assertEqual(self.call("get", self.detail_url(self.obj_a), advisor).status_code, 200)
        before = self.snapshot(self.obj_a)
        self.assertEqual(self.call("patch", self.detail_url(self.obj_a), advisor, {"name": "x"}).status_code, 403)
        self.assertEqual(self.call("post", self.api_url, advisor, self.create_payload(self.point_a)).status_code, 403)
        self.assertEqual(self.snapshot(self.obj_a), before)

    def test_part_with_history_cannot_be_deleted(self):
        row = stock(self.point_a, self.obj_a)
        stock_receive(stock=row, quantity=1)
        response = self.call("delete", self.detail_url(self.obj_a), self.permitted)
        self.assertEqual(response.status_code, 409)
        self.assertIn("is_active", response.json()["fields"])
        self.assertTrue(Part.objects.filter(pk=self.obj_a.pk).exists())


class PartViewTests(_Catalogue, StandardViewTests):
    model = Part
    list_url = "/parts/"
    create_url = "/parts/new/"

    def edit_url(self, obj):
        return f"/parts/{obj.pk}/edit/"

    def delete_url(self, obj):
        return f"/parts/{obj.pk}/delete/"

    def form_data(self, point):
        return {"number": "L-5W30", "name": "机油 5W-30", "category": "fluid", "unit": "litre", "sale_price": "85",
                "cost_price": "50", "is_wear_part": "on", "warranty_eligible": "", "is_active": "on"}

    def edit_data(self, obj):
        return {"number": obj.number, "name": obj.name, "category": "engine", "unit": "piece", "sale_price": "1",
                "cost_price": "0", "is_active": "on", "warranty_eligible": "on"}

    def test_list_shows_own_points_only(self):
        self._login(self.permitted)
        response = self.client.get(self.list_url)
        self.assertContains(response, self.obj_a.get_absolute_url())
        self.assertContains(response, self.obj_b.get_absolute_url())

    def test_detail_of_other_point_is_404(self):
        self._login(self.permitted)
        self.assertEqual(self.client.get(self.obj_b.get_absolute_url()).status_code, 200)

    def test_edit_of_other_point_is_404_and_changes_nothing(self):
        self.skipTest("a part belongs to no service point")

    def test_delete_of_other_point_is_404(self):
        self.skipTest("a part belongs to no service point")

    def test_duplicate_number_is_shown_beside_the_number(self):
        self._login(self.permitted)
        response = self.client.post(self.create_url, {**self.form_data(self.point_a), "number": "pt-b"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["number"],
                         ["A part with this number is already in the catalogue."])

    def test_detail_shows_stock_only_at_the_users_points(self):
        stock(self.point_a, self.obj_a, on_hand="7")
        stock(self.point_b, self.obj_a, on_hand="3")
        self._login(self.permitted)
        response = self.client.get(self.obj_a.get_absolute_url())
        self.assertEqual([s.service_point_id for s in response.context["stock"]], [self.point_a.pk])
        self.assertNotContains(response, "Point B")

    def test_filters_search_and_inactive_parts(self):
        part("ZZ-OLD", name="旧件", is_active=False, is_wear_part=True)
        self._login(self.permitted)
        self.assertNotContains(self.client.get(self.list_url), "ZZ-OLD")
        self.assertContains(self.client.get(self.list_url, {"active": "0"}), "ZZ-OLD")
        page = self.client.get(self.list_url, {"active": "", "wear": "1"}).context["page"]
        self.assertEqual([p.number for p in page], ["ZZ-OLD"])
        page = self.client.get(self.list_url, {"q": "pt-"}).context["page"]
        self.assertEqual([p.number for p in page], ["PT-A", "PT-B"])

    def test_delete_of_a_used_part_says_why(self):
        order = work_order(self.point_a)
        short_line(order, self.obj_a)
        self._login(self.permitted)
        response = self.client.post(self.delete_url(self.obj_a), follow=True)
        self.assertContains(response, "mark it inactive instead of deleting it")
        self.assertTrue(Part.objects.filter(pk=self.obj_a.pk).exists())


class CatalogueRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.clerk = make_user("clerk", point=cls.org["a"], role="parts_clerk")

    def test_bad_input_names_the_field(self):
        cases = [
            ({"number": "", "name": "x"}, "number"),
            ({"number": "A\x00", "name": "x"}, "number"),
            ({"number": "A" * 41, "name": "x"}, "number"),
            ({"number": "A1", "name": ""}, "name"),
            ({"number": "A1", "name": "x", "category": "food"}, "category"),
            ({"number": "A1", "name": "x", "unit": "bucket"}, "unit"),
            ({"number": "A1", "name": "x", "sale_price": "1.005"}, "sale_price"),
            ({"number": "A1", "name": "x", "cost_price": "NaN"}, "cost_price"),
        ]
        for data, field in cases:
            with self.subTest(data=data), self.assertRaises(ApplicationError) as caught:
                part_create(user=self.clerk, data=data)
            self.assertEqual(caught.exception.status, 422)
            self.assertIn(field, caught.exception.fields)
        self.assertFalse(Part.objects.exists())

    def test_renaming_to_an_existing_number_is_409_and_changes_nothing(self):
        first = part_create(user=self.clerk, data={"number": "A1", "name": "一"})
        second = part_create(user=self.clerk, data={"number": "B1", "name": "二"})
        with self.assertRaises(ApplicationError) as caught:
            part_update(user=self.clerk, pk=second.pk, data={"number": "a1"})
        self.assertEqual(caught.exception.status, 409)
        second.refresh_from_db()
        self.assertEqual(second.number, "B1")
        self.assertEqual(first.number, "A1")

    def test_delete_takes_empty_stock_rows_with_it(self):
        fresh = part_create(user=self.clerk, data={"number": "NEW1", "name": "新件"})
        stock(self.org["a"], fresh)
        part_delete(user=self.clerk, pk=fresh.pk)
        self.assertFalse(Stock.objects.filter(part_id=fresh.pk).exists())

    def test_delete_refused_while_stock_is_on_hand(self):
        kept = part_create(user=self.clerk, data={"number": "KEPT", "name": "库存件"})
        stock(self.org["a"], kept, on_hand="1")
        with self.assertRaises(ApplicationError) as caught:
            part_delete(user=self.clerk, pk=kept.pk)
        self.assertEqual(caught.exception.code, "in_use")

    def test_technician_cannot_add_parts(self):
        technician = make_user("tech", point=self.org["a"], role="technician")
        with self.assertRaises(ApplicationError) as caught:
            part_create(user=technician, data={"number": "T1", "name": "x"})
        self.assertEqual(caught.exception.status, 403)

    def test_prices_are_decimal(self):
        created = part_create(user=self.clerk, data={"number": "M1", "name": "蓄电池", "sale_price": "899.9"})
        created.refresh_from_db()
        self.assertEqual(created.sale_price, Decimal("899.90"))
