"""The customer's status page /p/status/<token>/ and GET /api/v1/public/status/{token}: no login, no personal data."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.test import TestCase
from django.utils import timezone

from ..choices import ApprovalKind, ApprovalStatus, WorkOrderStatus
from ..models import WorkOrderEvent
from . import factories as f
from .test_documents_support import (
    CUSTOMER_ID,
    CUSTOMER_NAME,
    CUSTOMER_PHONE,
    CUSTOMER_STREET,
    PLATE,
    rich_order,
)

S = WorkOrderStatus


class PublicStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = f.org()
        a = cls.org["a"]
        cls.cashier = f.staff(a, "cashier")
        cls.order = rich_order(a, status=S.SETTLED, cashier=cls.cashier, inspector=f.staff(a, "qc_inspector"),
                               technicians=[f.staff(a, "technician")])
        cls.order.promised_at = timezone.now() + dt.timedelta(hours=2)
        cls.order.save(update_fields=["promised_at"])
        # another order of the same customer, at the same point: never shown on this one's page
        cls.other = f.work_order(a, status=S.IN_REPAIR, asset=cls.order.asset, number="WOAOTHER0001")

    def page(self, token=None):
        return self.client.get(f"/p/status/{token or self.order.status_token}/")

    def api(self, token=None):
        return self.client.get(f"/api/v1/public/status/{token or self.order.status_token}")

    def test_page_shows_the_order_without_login(self):
        response = self.page()
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "workshop/public/status.html")
        for text in (self.order.number, "Point A", self.org["a"].phone, "上汽大众", "朗逸", "沪A·***23",
                     "¥ 402.00", "¥ 250.00", "¥ 152.00"):
            self.assertContains(response, text)

    def test_page_and_api_show_no_personal_data_and_no_other_order(self):
        asset = self.order.asset
        secrets_ = [CUSTOMER_NAME, CUSTOMER_PHONE, CUSTOMER_PHONE[-4:] + "x", CUSTOMER_ID, CUSTOMER_STREET,
                    asset.vin, asset.vin[-6:], PLATE, self.other.number, self.other.status_token, "珍珠白"]
        page = self.page().content.decode()
        api = self.api().content.decode("utf-8")
        api_text = json.dumps(json.loads(api), ensure_ascii=False)
        for secret in secrets_:
            with self.subTest(secret=secret):
                self.assertNotIn(secret, page)
                self.assertNotIn(secret, api_text)
        self.assertNotIn(CUSTOMER_PHONE[:3] + "****", page)  # not even masked

    def test_the_other_order_has_its_own_page(self):
        response = self.page(self.other.status_token)
        self.assertContains(response, "WOAOTHER0001")
        self.assertNotContains(response, self.order.number)
        self.assertNotContains(response, "¥")  # not settled: no money yet

    def test_page_is_private(self):
        response = self.page()
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        api = self.api()
        self.assertEqual(api["Cache-Control"], "no-store")
        self.assertEqual(api["Referrer-Policy"], "no-referrer")

    def test_bad_tokens_are_the_plain_404_of_any_unknown_address(self):
        unknown = self.client.get("/no-such-page/")
        self.assertEqual(unknown.status_code, 404)
        self.assertTemplateUsed(unknown, "404.html")
        for token in (secrets.token_urlsafe(24), self.order.status_token[:-1], self.order.status_token + "A",
                      self.order.status_token.upper(), "short", "x" * 65, "%00" * 20, "a%00" + "b" * 30,
                      "' OR 1=1 --aaaaaaaaaaaaa", "..%2F..%2Fetc%2Fpasswd" + "a" * 10, "令牌" * 10):
            with self.subTest(token=token):
                response = self.client.get(f"/p/status/{token}/")
                self.assertEqual(response.status_code, 404)
                self.assertTemplateUsed(response, "404.html")
                self.assertContains(response, "This page does not exist.", status_code=404)
                self.assertEqual(response.headers.keys() - unknown.headers.keys(), set())
                self.assertEqual(self.client.get(f"/api/v1/public/status/{token}").status_code, 404)

    def test_only_get_and_head(self):
        self.assertEqual(self.client.post(f"/p/status/{self.order.status_token}/").status_code, 405)
        self.assertEqual(self.client.head(f"/p/status/{self.order.status_token}/").status_code, 200)

    def test_api_gives_the_same_data(self):
        response = self.api()
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["number"], self.order.number)
        self.assertEqual(data["status"], "settled")
        self.assertEqual(data["point_name"], "Point A")
        self.assertEqual(data["point_phone"], self.org["a"].phone)
        self.assertEqual(data["vehicle"], {"kind": "vehicle", "brand": "上汽大众", "model": "朗逸", "plate": "沪A·***23"})
        self.assertEqual(data["money"], {"amount_due": "402.00", "insurer_amount": "0.00", "paid": "250.00",
                                         "balance": "152.00"})
        self.assertTrue(data["settled"])
        self.assertFalse(data["awaiting_approval"])
        self.assertEqual([s["status"] for s in data["stages"]], [
            "reception", "awaiting_approval", "approved", "in_repair", "quality_check", "ready_for_settlement",
            "settled", "delivered"])
        self.assertEqual([(s["done"], s["current"]) for s in data["stages"]][-3:],
                         [(True, False), (False, True), (False, False)])
        self.assertEqual(data["progress"], 88)
        self.assertEqual(set(data), {
            "number", "status", "status_label", "cancelled", "cancelled_at", "point_name", "point_phone", "vehicle",
            "opened_at", "promised_at", "stages", "progress", "awaiting_approval", "settled", "money", "settled_at",
            "delivered_at", "next_service_date", "next_service_mileage"})

    def test_stage_times_come_from_the_timeline_latest_entry_wins(self):
        order = f.work_order(self.org["a"], status=S.IN_REPAIR)
        first = (timezone.now() - dt.timedelta(hours=5)).replace(microsecond=0)
        for kind, to, hours in (("submit_estimate", S.AWAITING_APPROVAL, 5), ("approve", S.APPROVED, 4),
                                ("start_repair", S.IN_REPAIR, 3), ("finish_repair", S.QUALITY_CHECK, 2),
                                ("qc_fail", S.IN_REPAIR, 1)):
            event = WorkOrderEvent.objects.create(work_order=order, kind=kind, to_status=to)
            WorkOrderEvent.objects.filter(pk=event.pk).update(at=first + dt.timedelta(hours=5 - hours))
        stages = {s["status"]: s for s in self.api(order.status_token).json()["stages"]}
        self.assertTrue(stages["in_repair"]["current"])
        self.assertEqual(dt.datetime.fromisoformat(stages["in_repair"]["at"]), first + dt.timedelta(hours=4))
        self.assertEqual(dt.datetime.fromisoformat(stages["approved"]["at"]), first + dt.timedelta(hours=1))
        # quality check was reached once, but the order is back in repair: it is not shown as reached
        self.assertIsNone(stages["quality_check"]["at"])
        self.assertFalse(stages["quality_check"]["done"])

    def test_awaiting_the_customers_approval_is_said_without_a_link(self):
        order = f.work_order(self.org["a"], status=S.AWAITING_APPROVAL)
        approval = order.approvals.get()
        approval.token_hash = "f" * 64
        approval.save(update_fields=["token_hash"])
        response = self.page(order.status_token)
        self.assertContains(response, 'id="awaiting-approval"')
        self.assertNotContains(response, "/p/approve")
        self.assertNotContains(response, "f" * 64)
        self.assertTrue(self.api(order.status_token).json()["awaiting_approval"])
        f.approval(self.order, kind=ApprovalKind.SUPPLEMENT, status=ApprovalStatus.PENDING)
        self.assertTrue(self.api().json()["awaiting_approval"])

    def test_cancelled_order(self):
        order = f.work_order(self.org["a"], status=S.CANCELLED)
        response = self.page(order.status_token)
        self.assertContains(response, "This order was cancelled.")
        self.assertNotContains(response, 'id="stages"')
        data = self.api(order.status_token).json()
        self.assertTrue(data["cancelled"])
        self.assertIsNone(data["money"])
        self.assertEqual(data["progress"], 0)

    def test_delivered_order_proposes_the_next_service(self):
        order = f.work_order(self.org["a"], status=S.DELIVERED, next_service_date=dt.date(2027, 6, 1),
                             next_service_mileage=45000)
        data = self.api(order.status_token).json()
        self.assertEqual((data["next_service_date"], data["next_service_mileage"]), ("2027-06-01", 45000))
        self.assertEqual(data["progress"], 100)
        self.assertContains(self.page(order.status_token), "45000 km")

    def test_product_orders_show_no_plate(self):
        owner = f.customer(self.org["a"], name="王五")
        order = f.work_order(self.org["a"], status=S.APPROVED, asset=f.product(owner, serial_number="SNSECRET42"))
        response = self.page(order.status_token)
        self.assertContains(response, "格力")
        self.assertNotContains(response, "SNSECRET42")
        self.assertEqual(self.api(order.status_token).json()["vehicle"]["plate"], "")

    def test_a_logged_in_user_sees_the_same_page(self):
        self.client.force_login(f.staff(self.org["b"], "service_advisor"))
        response = self.page()
        self.assertContains(response, self.order.number)
        self.assertNotContains(response, CUSTOMER_NAME)

    def test_query_count_does_not_grow_with_the_order(self):
        with self.assertNumQueries(3):  # the order with its point and asset, its timeline, open approvals
            self.assertEqual(self.api().status_code, 200)
        with self.assertNumQueries(3):
            self.assertEqual(self.client.get(f"/p/status/{self.order.status_token}/").status_code, 200)
        with self.assertNumQueries(0):
            self.assertEqual(self.api("nonsense!").status_code, 404)

    def test_openapi_documents_the_public_endpoint_without_auth(self):
        spec = self.client.get("/api/v1/openapi.json").json()
        operation = spec["paths"]["/api/v1/public/status/{token}"]["get"]
        self.assertNotIn("security", operation)
        self.assertIn("200", operation["responses"])
        self.assertIn("404", operation["responses"])
