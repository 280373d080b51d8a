"""The transition table: a step not in it is refused with 409 and nothing changes; the advisor's
steps through the API behave the same."""

import json
from itertools import product

from django.test import TestCase

from aftersales.core.errors import ApplicationError
from aftersales.core.testing import bearer, make_user
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import WorkOrder, WorkOrderEvent
from aftersales.workshop.services.transitions import work_order_transition
from aftersales.workshop.states import TRANSITIONS, transition_between

from . import factories

S = WorkOrderStatus


def snapshot(order):
    order = WorkOrder.objects.get(pk=order.pk)
    return ({f.attname: f.value_from_object(order) for f in order._meta.concrete_fields if f.name != "updated_at"},
            list(order.lines.values_list("id", "status", "stock_state", "reserved_quantity")),
            list(order.approvals.values_list("id", "status")), order.events.count())


class TableTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.hq = make_user("hq", point=cls.org["hq"], role="hq_manager")

    def test_every_pair_not_in_the_table_is_refused_and_changes_nothing(self):
        pairs = [(a, b) for a, b in product(S.values, S.values) if transition_between(a, b) is None]
        self.assertGreater(len(pairs), 60)
        orders = {status: factories.work_order(self.org["a"], status=status) for status in S.values}
        for source, target in pairs:
            order = orders[source]
            before = snapshot(order)
            with self.subTest(f"{source} → {target}"), self.assertRaises(ApplicationError) as caught:
                work_order_transition(user=self.hq, order=order.pk, to=target, note="skip")
            self.assertEqual((caught.exception.status, caught.exception.code), (409, "invalid_transition"))
            self.assertEqual(snapshot(order), before)
        self.assertEqual(WorkOrderEvent.objects.count(), 0)

    def test_the_flow_cannot_be_skipped(self):
        order = factories.work_order(self.org["a"], status=S.RECEPTION)
        for target in (S.APPROVED, S.IN_REPAIR, S.QUALITY_CHECK, S.READY_FOR_SETTLEMENT, S.SETTLED, S.DELIVERED):
            with self.subTest(target), self.assertRaises(ApplicationError):
                work_order_transition(user=self.hq, order=order.pk, to=target)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.RECEPTION)

    def test_every_state_but_the_last_has_a_way_on(self):
        sources = {t.source for t in TRANSITIONS.values()}
        self.assertEqual(set(S.values) - sources, {S.DELIVERED, S.CANCELLED})

    def test_a_guard_refuses_with_its_reasons_and_changes_nothing(self):
        order = factories.work_order(self.org["a"], status=S.RECEPTION, lines=[])
        before = snapshot(order)
        with self.assertRaises(ApplicationError) as caught:
            work_order_transition(user=self.hq, order=order.pk, name="submit_estimate")
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "guard_failed"))
        self.assertEqual(caught.exception.fields["status"], ["Add at least one line to the estimate."])
        self.assertEqual(snapshot(order), before)

    def test_the_step_needs_its_permission_at_the_point(self):
        order = factories.work_order(self.org["a"], status=S.AWAITING_APPROVAL)
        viewer = factories.staff(self.org["a"], "technician")
        with self.assertRaises(ApplicationError) as caught:
            work_order_transition(user=viewer, order=order.pk, name="revise")
        self.assertEqual(caught.exception.status, 403)
        stranger = factories.staff(self.org["b"], "service_advisor")
        with self.assertRaises(ApplicationError) as caught:
            work_order_transition(user=stranger, order=order.pk, name="revise")
        self.assertEqual(caught.exception.status, 404)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.AWAITING_APPROVAL)


class AdvisorStepAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.advisor = factories.staff(cls.org["a"], "service_advisor")

    def post(self, url, data=None, user=None):
        return self.client.post(url, data=json.dumps(data or {}), content_type="application/json",
                                **bearer(user or self.advisor))

    def test_steps_from_the_wrong_state_are_409_and_change_nothing(self):
        cases = [(S.RECEPTION, "revise", {}), (S.APPROVED, "estimate", {}), (S.IN_REPAIR, "cancel", {"reason": "x"}),
                 (S.SETTLED, "cancel", {"reason": "x"}), (S.QUALITY_CHECK, "supplements", {}),
                 (S.DELIVERED, "revise", {})]
        for status, step, data in cases:
            order = factories.work_order(self.org["a"], status=status)
            before = snapshot(order)
            with self.subTest(f"{status} {step}"):
                response = self.post(f"/api/v1/work-orders/{order.pk}/{step}", data)
                self.assertEqual(response.status_code, 409, response.content)
                self.assertEqual(snapshot(order), before)

    def test_the_estimate_through_the_api_in_one_call_each(self):
        order = factories.work_order(self.org["a"], advisor=self.advisor)
        factories.line(order, kind="other", description="检测", unit_price="88.00")
        submitted = self.post(f"/api/v1/work-orders/{order.pk}/estimate", {"send_link": True})
        self.assertEqual(submitted.status_code, 200, submitted.content)
        body = submitted.json()
        self.assertEqual((body["work_order"]["status"], body["approval"]["amount"]), ("awaiting_approval", "88.00"))
        self.assertTrue(body["link"].startswith("http://testserver/p/approve/"))
        approval_id = body["approval"]["id"]
        decided = self.post(f"/api/v1/work-orders/{order.pk}/approvals/{approval_id}/decision", {
            "decision": "approve", "method": "signature", "approver_name": "张三", "signature": factories.signature()})
        self.assertEqual(decided.status_code, 200, decided.content)
        self.assertEqual((decided.json()["work_order"]["status"], decided.json()["approval"]["has_signature"]),
                         ("approved", True))
        steps = {s["name"]: s for s in decided.json()["work_order"]["transitions"]}
        self.assertEqual(set(steps), {"start_repair", "cancel"})
        self.assertFalse(steps["start_repair"]["allowed"])

    def test_decision_roles_and_other_points(self):
        order = factories.work_order(self.org["a"], status=S.AWAITING_APPROVAL)
        approval = order.approvals.get()
        url = f"/api/v1/work-orders/{order.pk}/approvals/{approval.pk}/decision"
        data = {"decision": "approve", "method": "phone", "note": "同意"}
        before = snapshot(order)
        self.assertEqual(self.client.post(url, data=json.dumps(data), content_type="application/json").status_code,
                         401)
        for role in ("technician", "cashier", "qc_inspector", "parts_clerk"):
            with self.subTest(role):
                self.assertEqual(self.post(url, data, factories.staff(self.org["a"], role)).status_code, 403)
        self.assertEqual(self.post(url, data, factories.staff(self.org["b"], "service_advisor")).status_code, 404)
        self.assertEqual(self.post(url, {"decision": "approve", "method": "phone"}).status_code, 422)
        self.assertEqual(snapshot(order), before)
        self.assertEqual(self.post(url, data).status_code, 200)

    def test_cancel_needs_a_reason_and_releases_the_reservations(self):
        point = self.org["a"]
        oil = factories.part_in_stock(point, on_hand=4)
        order = factories.work_order(point, advisor=self.advisor)
        factories.line(order, kind="part", part=oil, quantity=3)
        self.post(f"/api/v1/work-orders/{order.pk}/estimate")
        approval = order.approvals.get()
        self.post(f"/api/v1/work-orders/{order.pk}/approvals/{approval.pk}/decision",
                  {"decision": "approve", "method": "phone", "note": "ok"})
        from aftersales.parts.models import Stock

        self.assertEqual(Stock.objects.get(part=oil).reserved, 3)
        self.assertEqual(self.post(f"/api/v1/work-orders/{order.pk}/cancel", {"reason": " "}).status_code, 422)
        self.assertEqual(Stock.objects.get(part=oil).reserved, 3)
        response = self.post(f"/api/v1/work-orders/{order.pk}/cancel", {"reason": "客户不修了"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "cancelled")
        self.assertEqual(Stock.objects.get(part=oil).reserved, 0)
        self.assertEqual(order.lines.get().stock_state, "released")
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).cancel_reason, "客户不修了")
        for role in ("technician", "cashier"):
            other = factories.work_order(point)
            self.assertEqual(self.post(f"/api/v1/work-orders/{other.pk}/cancel", {"reason": "x"},
                                       factories.staff(point, role)).status_code, 403)
