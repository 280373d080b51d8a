"""API of settlement and delivery: the settlement view, discounts and decisions, payments, settle, deliver."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from aftersales.customers.models import Customer
from aftersales.workshop.choices import DiscountStatus, LineKind, WorkOrderStatus
from aftersales.workshop.models import DiscountRequest, OldPart, Payment, WorkOrder

from . import factories
from ._floor_helpers import ApiCalls, order_ready, staff_of

S = WorkOrderStatus
API = "/api/v1"


class SettlementApiTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = order_ready(self.org["a"], self.staff, hours=("3.00",))
        self.base = f"{API}/work-orders/{self.order.pk}"

    def test_the_settlement_view(self):
        response = self.api("get", f"{self.base}/settlement", self.staff["cashier"])
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["totals"], {"A": "300.00", "B": "0.00", "C": "0.00", "D": "0.00"})
        self.assertEqual((body["balance"], body["credit_remaining"]), ("300.00", "0.00"))
        self.assertEqual(len(body["settle_blockers"]), 1)
        self.assertEqual(self.api("get", f"{self.base}/settlement", self.staff["cashier_b"]).status_code, 404)
        self.assertEqual(self.api("get", f"{self.base}/settlement", self.staff["tech"]).status_code, 403)
        self.assertEqual(self.api("get", f"{API}/work-orders/{2**64}/settlement", self.staff["cashier"]).status_code,
                         404)

    def test_settle_in_one_call_with_two_methods(self):
        body = {"discount": {"amount": "15.00", "reason": "regular"},
                "payments": [{"method": "wechat", "amount": "200.00", "reference": "WX1"},
                             {"method": "cash", "amount": "85.00"}]}
        response = self.api("post", f"{self.base}/settle", self.staff["cashier"], body)
        self.assertEqual(response.status_code, 200, response.content)
        out = response.json()
        self.assertEqual((out["status"], out["balance"], out["paid_total"], out["discount_amount"]),
                         (S.SETTLED, "0.00", "285.00", "15.00"))
        self.assertEqual([p["method"] for p in out["payments"]], ["wechat", "cash"])
        self.assertEqual(self.api("post", f"{self.base}/settle", self.staff["cashier"], {}).status_code, 409)

    def test_denied_and_bad_settlements_change_nothing(self):
        pay = {"payments": [{"method": "cash", "amount": "300.00"}]}
        cases = [(None, pay, 401), (self.staff["advisor"], pay, 403), (self.staff["inspector"], pay, 403),
                 (self.staff["tech"], pay, 403), (self.staff["parts"], pay, 403), (self.staff["cashier_b"], pay, 404),
                 (self.staff["cashier"], {"payments": [{"method": "cash", "amount": "-1"}]}, 422),
                 (self.staff["cashier"], {"payments": [{"method": "gold", "amount": "1"}]}, 422),
                 (self.staff["cashier"], {"payments": [{"method": "cash", "amount": "1.001"}]}, 422),
                 (self.staff["cashier"], {"payments": [{"method": "cash", "amount": "1e20"}]}, 422),
                 (self.staff["cashier"], {"payments": [{"method": "cash", "amount": "300.01"}]}, 409),
                 (self.staff["cashier"], {"payments": [{"method": "cash", "amount": "100"}]}, 409),
                 (self.staff["cashier"], {"discount": {"percent": "50"}, **pay}, 409),
                 (self.staff["cashier"], {"discount": {"percent": "500"}}, 422),
                 (self.staff["cashier"], {"payments": "cash"}, 422)]
        for user, body, status in cases:
            with self.subTest(user=user, body=body):
                self.assertEqual(self.api("post", f"{self.base}/settle", user, body).status_code, status)
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual((order.status, order.paid_total, order.discount_amount),
                         (S.READY_FOR_SETTLEMENT, Decimal("0.00"), Decimal("0.00")))
        self.assertFalse(Payment.objects.exists() or DiscountRequest.objects.exists())

    def test_discount_request_and_decision(self):
        response = self.api("post", f"{self.base}/discounts", self.staff["cashier"], {"percent": "10", "reason": "VIP"})
        self.assertEqual(response.status_code, 201, response.content)
        request_id = response.json()["id"]
        self.assertEqual((response.json()["status"], response.json()["amount"]), ("pending", "30.00"))
        listed = self.api("get", f"{API}/discount-requests", self.staff["manager"]).json()["items"]
        self.assertEqual([d["id"] for d in listed], [request_id])
        self.assertEqual(self.api("get", f"{API}/discount-requests", self.staff["manager_b"]).json()["items"], [])
        self.assertEqual(self.api("get", f"{API}/discount-requests?status=maybe", self.staff["manager"]).status_code,
                         422)
        url = f"{API}/discount-requests/{request_id}/decision"
        self.assertEqual(self.api("post", url, self.staff["cashier"], {"approve": True}).status_code, 403)
        self.assertEqual(self.api("post", url, self.staff["manager_b"], {"approve": True}).status_code, 404)
        self.assertEqual(self.api("post", url, self.staff["manager"], {"approve": "perhaps"}).status_code, 422)
        self.assertEqual(DiscountRequest.objects.get(pk=request_id).status, DiscountStatus.PENDING)
        decided = self.api("post", url, self.staff["manager"], {"approve": True, "note": "ok"})
        self.assertEqual(decided.status_code, 200, decided.content)
        self.assertEqual((decided.json()["status"], decided.json()["decided_by"]["id"]),
                         ("approved", self.staff["manager"].pk))
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).balance, Decimal("270.00"))
        self.assertEqual(self.api("post", url, self.staff["manager"], {"approve": False}).status_code, 409)

    def test_discount_requests_query_count_is_pinned(self):
        for _ in range(3):
            order = order_ready(self.org["a"], self.staff)
            self.api("post", f"{API}/work-orders/{order.pk}/discounts", self.staff["cashier"], {"percent": "40"})
        self.api("get", f"{API}/discount-requests", self.staff["manager"])  # token made
        with self.assertNumQueries(6):  # token, 4 × roles and points, the requests with order, people
            response = self.client.get(f"{API}/discount-requests", **self._tokens[self.staff["manager"].pk])
        self.assertEqual(len(response.json()["items"]), 3)

    def test_discount_bad_input_and_denials(self):
        url = f"{self.base}/discounts"
        for user, body, status in ((None, {"amount": "1"}, 401), (self.staff["advisor"], {"amount": "1"}, 403),
                                   (self.staff["cashier_b"], {"amount": "1"}, 404),
                                   (self.staff["cashier"], {"amount": "-1"}, 422),
                                   (self.staff["cashier"], {"amount": "400"}, 422),
                                   (self.staff["cashier"], {}, 422),
                                   (self.staff["cashier"], {"amount": "1", "reason": "\x00"}, 422)):
            with self.subTest(user=user, body=body):
                self.assertEqual(self.api("post", url, user, body).status_code, status)
        self.assertFalse(DiscountRequest.objects.exists())

    def test_payments(self):
        url = f"{self.base}/payments"
        response = self.api("post", url, self.staff["cashier"], {"method": "alipay", "amount": "100", "reference": "A1"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["amount"], response.json()["received_by"]["id"]),
                         ("100.00", self.staff["cashier"].pk))
        self.assertEqual(self.api("post", url, self.staff["cashier"], {"method": "cash", "amount": "200.01"}).status_code,
                         409)
        self.assertEqual(self.api("post", url, self.staff["tech"], {"method": "cash", "amount": "1"}).status_code, 403)
        self.assertEqual(self.api("post", url, self.staff["cashier_b"], {"method": "cash", "amount": "1"}).status_code,
                         404)
        self.assertEqual(Payment.objects.count(), 1)
        for _ in range(3):
            self.api("post", url, self.staff["cashier"], {"method": "cash", "amount": "10"})
        self.api("get", url, self.staff["advisor"])  # token made
        with self.assertNumQueries(7):  # token, 4 × roles and points, the order, the payments
            listed = self.client.get(url, **self._tokens[self.staff["advisor"].pk])
        self.assertEqual([p["amount"] for p in listed.json()["items"]], ["100.00", "10.00", "10.00", "10.00"])

    def test_later_payment_on_a_settled_order(self):
        Customer.objects.filter(pk=self.order.customer_id).update(credit_limit=Decimal("500.00"))
        with self.captureOnCommitCallbacks(execute=True):
            self.api("post", f"{self.base}/settle", self.staff["cashier"], {})
        self.assertEqual(Customer.objects.get(pk=self.order.customer_id).outstanding_balance, Decimal("300.00"))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.api("post", f"{self.base}/payments", self.staff["cashier"],
                                {"method": "transfer", "amount": "300"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(Customer.objects.get(pk=self.order.customer_id).outstanding_balance, Decimal("0.00"))


class DeliveryApiTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = factories.work_order(self.org["a"], status=S.SETTLED, lines=[
            {"kind": LineKind.LABOUR}, {"kind": LineKind.PART, "pay_type": "C", "description": "水泵"}])
        self.part = self.order.lines.get(kind=LineKind.PART)
        self.url = f"{API}/work-orders/{self.order.pk}/deliver"

    def test_proposal_permissions(self):
        url = f"{API}/work-orders/{self.order.pk}/delivery"
        self.assertEqual(self.api("get", url, None).status_code, 401)
        self.assertEqual(self.api("get", url, self.staff["advisor_b"]).status_code, 404)
        self.assertEqual(self.api("get", f"{API}/work-orders/{2**64}/delivery", self.staff["advisor"]).status_code, 404)

    def test_proposal_then_delivery(self):
        proposal = self.api("get", f"{API}/work-orders/{self.order.pk}/delivery", self.staff["advisor"])
        self.assertEqual(proposal.status_code, 200, proposal.content)
        self.assertEqual(proposal.json()["old_parts"][0]["disposition"], "warranty")
        next_date = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
        response = self.api("post", self.url, self.staff["advisor"], {
            "notes": "Water pump replaced under warranty.", "next_service_date": next_date,
            "next_service_mileage": 17000, "old_parts": [{"line_id": self.part.pk, "disposition": "warranty"}]})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["next_service_date"], body["next_service_mileage"]),
                         (S.DELIVERED, next_date, 17000))
        self.assertEqual(body["old_parts"], [{"line_id": self.part.pk, "description": "水泵", "pay_type": "C",
                                              "disposition": "warranty"}])

    def test_denied_and_bad_deliveries_change_nothing(self):
        cases = [(None, {}, 401), (self.staff["cashier"], {}, 403), (self.staff["tech"], {}, 403),
                 (self.staff["advisor_b"], {}, 404),
                 (self.staff["advisor"], {"next_service_date": "2020-01-01"}, 422),
                 (self.staff["advisor"], {"next_service_date": "2026-13-01"}, 422),
                 (self.staff["advisor"], {"next_service_mileage": -5}, 422),
                 (self.staff["advisor"], {"old_parts": [{"line_id": self.part.pk, "disposition": "sold"}]}, 422),
                 (self.staff["advisor"], {"old_parts": [{"line_id": 2**64, "disposition": "left"}]}, 422),
                 (self.staff["advisor"], {"notes": "\x00"}, 422)]
        for user, body, status in cases:
            with self.subTest(user=user, body=body):
                self.assertEqual(self.api("post", self.url, user, body).status_code, status)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.SETTLED)
        self.assertFalse(OldPart.objects.exists())
