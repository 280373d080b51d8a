"""Stock per point: generated permission tests, receipts, counts, the stock card, roles."""

from decimal import Decimal

from django.test import TestCase

from aftersales.core.errors import ApplicationError
from aftersales.core.testing import StandardAPITests, StandardViewTests, bearer, make_org, make_user
from aftersales.parts.models import Stock, StockMovement
from aftersales.parts.services import (
    InsufficientStockError,
    stock_count,
    stock_issue,
    stock_receipt,
    stock_reserve,
)

from .factories import part, stock

PERMS = ["parts.*"]


class StockAPITests(StandardAPITests):
    model = Stock
    api_url = "/api/v1/stock"
    permission_patterns = PERMS
    actions = {"list", "detail", "create", "update"}

    @classmethod
    def make_object(cls, point):
        return stock(point, on_hand="10", reserved="2", reorder_point="5")

    def create_payload(self, point):
        return {"part_id": part().pk, "service_point_id": point.pk, "reorder_point": "4", "bin_location": "A-01-03"}

    def update_payload(self):
        return {"reorder_point": "12", "bin_location": "B-02"}

    def bad_payload(self):
        return {"part_id": part(unit="piece").pk, "service_point_id": self.point_a.pk, "reorder_point": "1.5"}, \
            "reorder_point"

    def test_detail_shows_quantities_as_strings_and_the_reorder_flag(self):
        body = self.call("get", self.detail_url(self.obj_a), self.permitted).json()
        self.assertEqual({k: body[k] for k in ("on_hand", "reserved", "available", "reorder_point", "below_reorder")},
                         {"on_hand": "10.00", "reserved": "2.00", "available": "8.00", "reorder_point": "5.00",
                          "below_reorder": False})
        self.assertEqual(body["part_number"], self.obj_a.part.number)

    def test_quantities_are_not_changed_by_patch(self):
        self.call("patch", self.detail_url(self.obj_a), self.permitted, {"on_hand": "999", "reserved": "0"})
        self.obj_a.refresh_from_db()
        self.assertEqual((self.obj_a.on_hand, self.obj_a.reserved), (Decimal("10"), Decimal("2")))

    def test_opening_a_second_row_for_the_same_part_and_point_is_409(self):
        payload = {"part_id": self.obj_a.part_id, "service_point_id": self.point_a.pk}
        response = self.call("post", self.api_url, self.permitted, payload)
        self.assertEqual(response.status_code, 409)
        self.assertIn("part_id", response.json()["fields"])

    def test_opening_for_an_inactive_or_unknown_part_is_422(self):
        for part_id in (part(is_active=False).pk, 99999999):
            response = self.call("post", self.api_url, self.permitted, {"part_id": part_id,
                                                                        "service_point_id": self.point_a.pk})
            self.assertEqual(response.status_code, 422)
            self.assertIn("part_id", response.json()["fields"])

    def test_filters(self):
        low = stock(self.point_a, part(category="brake"), on_hand="3", reserved="1", reorder_point="2")
        stock(self.point_a, part(category="brake"), on_hand="9", reorder_point="2")
        user = self.permitted

        def ids(query):
            return [i["id"] for i in self.call("get", f"{self.api_url}?{query}", user).json()["items"]]

        self.assertEqual(ids("below_reorder=true"), [low.pk])
        self.assertEqual(len(ids("below_reorder=false")), 2)
        self.assertEqual(len(ids("category=brake")), 2)
        self.assertEqual(ids(f"part_id={low.part_id}"), [low.pk])
        self.assertEqual(ids(f"q={low.part.number.lower()}"), [low.pk])
        self.assertEqual(ids(f"service_point_id={self.point_b.pk}"), [])
        self.assertEqual(ids(f"service_point_id={2**70}"), [])

    def test_list_query_count_does_not_grow_with_rows(self):
        headers = bearer(self.permitted)
        self.client.get(self.api_url, **headers)
        with self.assertNumQueries(6):  # token, access rights (4), the page with parts and points
            self.client.get(self.api_url, **headers)
        for _ in range(25):
            stock(self.point_a)
        with self.assertNumQueries(6):
            response = self.client.get(self.api_url, **headers)
        self.assertEqual(len(response.json()["items"]), 26)


class StockViewTests(StandardViewTests):
    model = Stock
    list_url = "/parts/stock/"
    create_url = "/parts/stock/new/"
    permission_patterns = PERMS

    @classmethod
    def make_object(cls, point):
        return stock(point, on_hand="4", reorder_point="5")

    def edit_url(self, obj):
        return f"/parts/stock/{obj.pk}/edit/"

    def form_data(self, point):
        return {"part": part().number.lower(), "service_point": point.pk, "reorder_point": "2", "bin_location": "C3"}

    def edit_data(self, obj):
        return {"reorder_point": "8", "bin_location": "D-4"}

    def test_list_flags_rows_to_reorder_and_filters_them(self):
        stock(self.point_a, on_hand="50", reorder_point="5")
        self._login(self.permitted)
        response = self.client.get(self.list_url, {"below": "1"})
        self.assertEqual([s.pk for s in response.context["page"]], [self.obj_a.pk])
        self.assertContains(response, "data-below-reorder")

    def test_open_at_a_point_outside_the_users_is_refused(self):
        self._login(self.permitted)
        before = Stock.objects.count()
        response = self.client.post(self.create_url, self.form_data(self.point_b))
        self.assertEqual(response.status_code, 200)
        self.assertIn("service_point", response.context["form"].errors)
        self.assertEqual(Stock.objects.count(), before)

    def test_unknown_part_number_is_shown_beside_the_box(self):
        self._login(self.permitted)
        response = self.client.post(self.create_url, {**self.form_data(self.point_a), "part": "NO-SUCH"})
        self.assertEqual(response.context["form"].errors["part"], ["Unknown part, or not active."])

    def test_receipt_page_adds_stock_and_says_so(self):
        self._login(self.permitted)
        url = f"/parts/stock/{self.obj_a.pk}/receive/"
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"quantity": "6", "unit_cost": "30.5", "delivery_note": "DN-001"},
                                    follow=True)
        self.assertContains(response, f"Received 6 of {self.obj_a.part.number}; 10 on hand.")
        movement = StockMovement.objects.get(stock=self.obj_a)
        self.assertEqual((movement.kind, movement.reference, movement.unit_cost), ("receipt", "DN-001",
                                                                                   Decimal("30.50")))

    def test_receipt_errors_are_shown_beside_the_fields(self):
        self._login(self.permitted)
        response = self.client.post(f"/parts/stock/{self.obj_a.pk}/receive/", {"quantity": "1.5"})
        self.assertIn("quantity", response.context["form"].errors)
        response = self.client.post(f"/parts/stock/{self.obj_a.pk}/receive/", {"quantity": "0"})
        self.assertIn("quantity", response.context["form"].errors)
        self.assertFalse(StockMovement.objects.filter(stock=self.obj_a).exists())

    def test_count_page(self):
        self._login(self.permitted)
        response = self.client.post(f"/parts/stock/{self.obj_a.pk}/count/",
                                    {"counted": "3", "reason": "年度盘点", "reference": "PD-2025"}, follow=True)
        self.assertContains(response, "Count recorded: 3 on hand (-1).")
        self.obj_a.refresh_from_db()
        self.assertEqual(self.obj_a.on_hand, Decimal("3"))

    def test_count_without_reason_is_refused(self):
        self._login(self.permitted)
        response = self.client.post(f"/parts/stock/{self.obj_a.pk}/count/", {"counted": "3"})
        self.assertIn("reason", response.context["form"].errors)
        self.obj_a.refresh_from_db()
        self.assertEqual(self.obj_a.on_hand, Decimal("4"))

    def test_receipt_and_count_of_other_point_are_404(self):
        self._login(self.permitted)
        for action in ("receive", "count", "edit"):
            with self.subTest(action=action):
                self.assertEqual(self.client.post(f"/parts/stock/{self.obj_b.pk}/{action}/",
                                                  {"quantity": "1", "counted": "1", "reason": "x"}).status_code, 404)
        self.obj_b.refresh_from_db()
        self.assertEqual(self.obj_b.on_hand, Decimal("4"))

    def test_stock_card_is_paged_newest_first(self):
        for i in range(55):
            stock_receipt(user=self.permitted, pk=self.obj_a.pk, quantity=1, delivery_note=f"DN{i:02d}")
        self._login(self.permitted)
        first = self.client.get(self.obj_a.get_absolute_url())
        movements = first.context["movements"]
        self.assertEqual([m.reference for m in movements[:2]], ["DN54", "DN53"])
        self.assertEqual(len(movements), 50)
        older = self.client.get(self.obj_a.get_absolute_url(), {"cursor": first.context["next_cursor"]})
        self.assertEqual([m.reference for m in older.context["movements"]], ["DN04", "DN03", "DN02", "DN01",
                                                                               "DN00"])
        mangled = self.client.get(self.obj_a.get_absolute_url(), {"cursor": "x\x00y"})
        self.assertEqual(mangled.status_code, 200)
        self.assertEqual(mangled.context["movements"][0].reference, "DN54")

    def test_advisor_sees_stock_but_no_card_and_no_buttons(self):
        stock_receipt(user=self.permitted, pk=self.obj_a.pk, quantity=1, delivery_note="DN-X")
        self._login(make_user("adv", point=self.point_a, role="service_advisor"))
        response = self.client.get(self.obj_a.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["sees_card"])
        self.assertNotContains(response, "DN-X")
        self.assertNotContains(response, f"/parts/stock/{self.obj_a.pk}/receive/")
        self.assertEqual(self.client.get(f"/parts/stock/{self.obj_a.pk}/receive/").status_code, 403)


class StockRoleAndRuleTests(TestCase):
    """Receipts and counts over the API: who may, what they change, what they refuse."""

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        a, b = cls.org["a"], cls.org["b"]
        cls.clerk = make_user("clerk", point=a, role="parts_clerk")
        cls.manager = make_user("manager", point=a, role="point_manager")
        cls.advisor = make_user("advisor", point=a, role="service_advisor")
        cls.technician = make_user("technician", point=a, role="technician")
        cls.oil = part("OIL-5W30", name="机油 5W-30", category="fluid", unit="litre")
        cls.row = stock(a, cls.oil, on_hand="20", reserved="4")
        cls.other = stock(b, cls.oil, on_hand="7")

    def post(self, user, url, data):
        import json

        return self.client.post(url, json.dumps(data), content_type="application/json", **bearer(user))

    def receipts(self, row):
        return f"/api/v1/stock/{row.pk}/receipts"

    def adjustments(self, row):
        return f"/api/v1/stock/{row.pk}/adjustments"

    def assertUnchanged(self, row, on_hand, reserved="0"):
        row.refresh_from_db()
        self.assertEqual((row.on_hand, row.reserved), (Decimal(on_hand), Decimal(reserved)))

    def test_clerk_receives_litres_with_decimals(self):
        response = self.post(self.clerk, self.receipts(self.row), {"quantity": "12.5", "unit_cost": "42.00",
                                                                   "delivery_note": "SH-DN-778"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["movement"]["kind"], body["movement"]["quantity"], body["movement"]["on_hand_after"]),
                         ("receipt", "12.50", "32.50"))
        self.assertEqual(body["movement"]["actor"], "clerk")
        self.assertEqual(body["stock"]["available"], "28.50")
        self.assertEqual(body["reserved_for_lines"], [])
        self.assertEqual(body["message"], "Received 12.5 of OIL-5W30; 32.5 on hand.")

    def test_manager_counts(self):
        response = self.post(self.manager, self.adjustments(self.row), {"counted": "18", "reason": "盘亏"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["quantity"], response.json()["note"]), ("-2.00", "盘亏"))
        self.assertUnchanged(self.row, "18", "4")

    def test_advisor_and_technician_cannot_receive_or_count(self):
        for user in (self.advisor, self.technician):
            with self.subTest(user=user.username):
                self.assertEqual(self.post(user, self.receipts(self.row), {"quantity": "1"}).status_code, 403)
                self.assertEqual(self.post(user, self.adjustments(self.row), {"counted": "0", "reason": "x"})
                                 .status_code, 403)
                self.assertEqual(self.client.get(f"/api/v1/stock/{self.row.pk}/movements", **bearer(user))
                                 .status_code, 403)
        self.assertUnchanged(self.row, "20", "4")
        self.assertFalse(StockMovement.objects.exists())

    def test_another_points_stock_is_404_and_unchanged(self):
        self.assertEqual(self.post(self.clerk, self.receipts(self.other), {"quantity": "1"}).status_code, 404)
        self.assertEqual(self.post(self.clerk, self.adjustments(self.other), {"counted": "0", "reason": "x"})
                         .status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/stock/{self.other.pk}/movements", **bearer(self.clerk))
                         .status_code, 404)
        self.assertUnchanged(self.other, "7")

    def test_count_below_what_is_reserved_is_409(self):
        response = self.post(self.clerk, self.adjustments(self.row), {"counted": "3", "reason": "盘点"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "reserved_stock")
        self.assertIn("counted", response.json()["fields"])
        self.assertUnchanged(self.row, "20", "4")

    def test_bad_input_is_422_naming_the_field_and_writes_nothing(self):
        cases = [
            (self.receipts, {"quantity": "-1"}, "quantity"),
            (self.receipts, {"quantity": "0"}, "quantity"),
            (self.receipts, {"quantity": "abc"}, "quantity"),
            (self.receipts, {"quantity": "1.234"}, "quantity"),
            (self.receipts, {"quantity": "1e9"}, "quantity"),
            (self.receipts, {"quantity": "1", "unit_cost": "-3"}, "unit_cost"),
            (self.receipts, {"quantity": "1", "delivery_note": "D\x00N"}, "delivery_note"),
            (self.adjustments, {"counted": "-1", "reason": "x"}, "counted"),
            (self.adjustments, {"counted": "1", "reason": ""}, "reason"),
            (self.adjustments, {"counted": "1"}, "reason"),
            (self.adjustments, {"counted": "1", "reason": "\x00"}, "reason"),
        ]
        for url, data, field in cases:
            with self.subTest(data=data):
                response = self.post(self.clerk, url(self.row), data)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["fields"])
        self.assertUnchanged(self.row, "20", "4")
        self.assertFalse(StockMovement.objects.exists())

    def test_a_receipt_beyond_what_the_row_can_hold_is_422(self):
        full = stock(self.org["a"], part(unit="litre"), on_hand="9999999000")
        response = self.post(self.clerk, self.receipts(full), {"quantity": "999999"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"]["quantity"], ["That would be more than this stock row can hold."])
        self.assertUnchanged(full, "9999999000")

    def test_pieces_are_whole_numbers(self):
        pads = stock(self.org["a"], part(unit="set", name="刹车片"), on_hand="2")
        response = self.post(self.clerk, self.receipts(pads), {"quantity": "0.5"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"]["quantity"], [f"{pads.part.number} is counted in whole set."])

    def test_unknown_and_huge_ids_are_404(self):
        for pk in (99999999, 2**63, 2**80):
            with self.subTest(pk=pk):
                self.assertEqual(self.post(self.clerk, f"/api/v1/stock/{pk}/receipts", {"quantity": "1"})
                                 .status_code, 404)

    def test_stock_card_over_the_api(self):
        for i in range(3):
            stock_receipt(user=self.clerk, pk=self.row.pk, quantity=1, delivery_note=f"D{i}")
        stock_count(user=self.clerk, pk=self.row.pk, counted=10, reason="盘点")
        headers = bearer(self.clerk)
        url = f"/api/v1/stock/{self.row.pk}/movements"
        first = self.client.get(url, {"limit": 2}, **headers).json()
        self.assertEqual([(m["kind"], m["quantity"], m["on_hand_after"]) for m in first["items"]],
                         [("adjustment", "-13.00", "10.00"), ("receipt", "1.00", "23.00")])
        self.assertEqual(first["items"][0]["kind_label"], "Stock count adjustment")
        rest = self.client.get(url, {"limit": 2, "cursor": first["next_cursor"]}, **headers).json()
        self.assertEqual([m["reference"] for m in rest["items"]], ["D1", "D0"])
        self.assertIsNone(rest["next_cursor"])
        with self.assertNumQueries(7):  # token (2), access rights (4) … once warm: token, rights, row, page
            self.client.get(url, **headers)

    def test_movements_add_up_to_the_row(self):
        stock_receipt(user=self.clerk, pk=self.row.pk, quantity=5)
        stock_reserve(stock=self.row, quantity=3)
        stock_issue(stock=self.row, quantity=4, from_reserved=3)
        stock_count(user=self.clerk, pk=self.row.pk, counted=19, reason="盘盈")
        with self.assertRaises(InsufficientStockError):
            stock_issue(stock=self.row, quantity=100)
        self.row.refresh_from_db()
        # 20 + 5 − 4 = 21 → counted 19; reserved 4 + 3 − 3 = 4
        self.assertEqual((self.row.on_hand, self.row.reserved, self.row.available),
                         (Decimal("19"), Decimal("4"), Decimal("15")))
        on_hand_moves = StockMovement.objects.filter(stock=self.row).exclude(kind__in=["reserve", "release"])
        signed = sum((-m.quantity if m.kind == "issue" else m.quantity) for m in on_hand_moves)
        self.assertEqual(Decimal("20") + signed, self.row.on_hand)
        last = StockMovement.objects.filter(stock=self.row).order_by("-id").first()
        self.assertEqual((last.on_hand_after, last.reserved_after), (self.row.on_hand, self.row.reserved))

    def test_service_refuses_users_without_the_permission(self):
        with self.assertRaises(ApplicationError) as caught:
            stock_receipt(user=self.advisor, pk=self.row.pk, quantity=1)
        self.assertEqual(caught.exception.status, 403)
