"""The customer's approval: estimate and supplements, in person, by phone and through the link."""

import datetime as dt
import json
import threading
import unittest
from decimal import Decimal

from django.db import connection, connections
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from aftersales.core.errors import ApplicationError
from aftersales.core.tokens import token_hash
from aftersales.crm.models import Notification
from aftersales.parts.models import Stock
from aftersales.workshop.choices import (
    ApprovalKind,
    ApprovalMethod,
    ApprovalStatus,
    LineStatus,
    StockState,
    WorkOrderStatus,
)
from aftersales.workshop.models import Approval, WorkOrder, WorkOrderEvent
from aftersales.workshop.services import approvals, lines
from aftersales.workshop.services.approvals import LinkState

from . import factories

S = WorkOrderStatus


class ApprovalTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.point = cls.org["a"]
        cls.advisor = factories.staff(cls.point, "service_advisor")
        cls.oil = factories.part_in_stock(cls.point, on_hand=5, price="80.00")
        cls.scarce = factories.part_in_stock(cls.point, on_hand=1, price="300.00", name="刹车片")
        cls.job = factories.operation(hours="1.50")

    def reception_order(self, **kw):
        order = factories.work_order(self.point, advisor=self.advisor, **kw)
        lines.line_add(user=self.advisor, order_id=order.pk, data={"kind": "labour", "operation_id": self.job.pk})
        lines.line_add(user=self.advisor, order_id=order.pk, data={"kind": "part", "part_id": self.oil.pk,
                                                                  "quantity": "2"})
        return order

    def submitted(self, **kw):
        order = self.reception_order()
        return order, approvals.estimate_submit(user=self.advisor, order_id=order.pk, **kw)

    def sign(self, order, approval, **data):
        return approvals.approval_decide(user=self.advisor, order_id=order.pk, approval_id=approval.pk, data={
            "decision": "approve", "method": "signature", "approver_name": "张三",
            "signature": factories.signature(), **data})

    def state(self, order):
        order = WorkOrder.objects.get(pk=order.pk)
        return (order.status, list(order.lines.order_by("sequence").values_list("status", flat=True)),
                list(order.approvals.values_list("status", flat=True)), order.events.count())


class EstimateTests(ApprovalTestCase):
    def test_submit_puts_the_proposed_lines_to_the_customer(self):
        order, done = self.submitted(note="请确认")
        self.assertEqual(done.order.status, S.AWAITING_APPROVAL)
        self.assertEqual((done.approval.kind, done.approval.status, done.approval.sequence),
                         (ApprovalKind.ESTIMATE, ApprovalStatus.PENDING, 1))
        self.assertEqual(set(order.lines.values_list("approval_id", flat=True)), {done.approval.pk})
        self.assertEqual(done.approval.amount, Decimal("310.00"))  # 1.5 h × 100 + 2 × 80
        self.assertIsNone(done.link)
        self.assertEqual(WorkOrderEvent.objects.get(work_order=order).kind, "submit_estimate")

    def test_an_estimate_without_lines_is_refused_and_nothing_changes(self):
        order = factories.work_order(self.point, advisor=self.advisor)
        before = self.state(order)
        with self.assertRaises(ApplicationError) as caught:
            approvals.estimate_submit(user=self.advisor, order_id=order.pk)
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "guard_failed"))
        self.assertEqual(self.state(order), before)
        self.assertEqual(Approval.objects.count(), 0)

    def test_a_vehicle_without_mileage_cannot_be_submitted(self):
        order = self.reception_order(mileage_in=None)
        with self.assertRaises(ApplicationError) as caught:
            approvals.estimate_submit(user=self.advisor, order_id=order.pk)
        self.assertIn("Record the mileage at reception first.", caught.exception.fields["status"])

    def test_approval_in_person_reserves_the_parts(self):
        order, done = self.submitted()
        approval = self.sign(order, done.approval)
        order.refresh_from_db()
        self.assertEqual(order.status, S.APPROVED)
        self.assertEqual((approval.status, approval.method, approval.approver_name, approval.recorded_by),
                         (ApprovalStatus.APPROVED, ApprovalMethod.SIGNATURE, "张三", self.advisor))
        self.assertTrue(approval.signature.startswith("data:image/png;base64,"))
        self.assertEqual(set(order.lines.values_list("status", flat=True)), {LineStatus.APPROVED})
        part_line = order.lines.get(kind="part")
        self.assertEqual((part_line.stock_state, part_line.reserved_quantity), (StockState.RESERVED, Decimal("2")))
        self.assertEqual(Stock.objects.get(part=self.oil, service_point=self.point).reserved, Decimal("2"))
        self.assertEqual(order.lines.get(kind="labour").job_status, "waiting")
        event = order.events.get(kind="approve")
        self.assertEqual((event.actor, event.data["method"], event.data["approval_id"]),
                         (self.advisor, "signature", approval.pk))

    def test_a_short_part_is_marked_short_not_reserved(self):
        order = self.reception_order()
        lines.line_add(user=self.advisor, order_id=order.pk, data={"kind": "part", "part_id": self.scarce.pk,
                                                                  "quantity": "4"})
        done = approvals.estimate_submit(user=self.advisor, order_id=order.pk)
        self.sign(order, done.approval)
        short = order.lines.get(part=self.scarce)
        self.assertEqual((short.stock_state, short.reserved_quantity), (StockState.SHORT, Decimal("0")))
        self.assertEqual(Stock.objects.get(part=self.scarce, service_point=self.point).reserved, Decimal("0"))

    def test_bad_signatures_are_refused_and_nothing_changes(self):
        order, done = self.submitted()
        before = self.state(order)
        cases = {
            "blank": factories.signature(drawn=False),
            "not a data url": "hello",
            "not base64": "data:image/png;base64,@@@@",
            "jpeg bytes": "data:image/png;base64,/9j/4AAQSkZJRgABAQ==",
            "empty": "",
            "nul": "data:image/png;base64,\x00",
            "huge": "data:image/png;base64," + "A" * 600_000,
        }
        for label, value in cases.items():
            with self.subTest(label), self.assertRaises(ApplicationError) as caught:
                self.sign(order, done.approval, signature=value)
            self.assertEqual(caught.exception.status, 422)
            self.assertIn("signature", caught.exception.fields)
        self.assertEqual(self.state(order), before)

    def test_a_signature_on_white_counts_as_drawn(self):
        import base64
        url = "data:image/png;base64," + base64.b64encode(factories.png_bytes(mode="RGB")).decode()
        self.assertEqual(approvals.signature_check(url), url)
        blank = "data:image/png;base64," + base64.b64encode(factories.png_bytes(mode="RGB", drawn=False)).decode()
        with self.assertRaises(ApplicationError):
            approvals.signature_check(blank)

    def test_by_phone_needs_a_note(self):
        order, done = self.submitted()
        with self.assertRaises(ApplicationError) as caught:
            approvals.approval_decide(user=self.advisor, order_id=order.pk, approval_id=done.approval.pk,
                                      data={"decision": "approve", "method": "phone"})
        self.assertIn("note", caught.exception.fields)
        approval = approvals.approval_decide(user=self.advisor, order_id=order.pk, approval_id=done.approval.pk,
                                             data={"decision": "approve", "method": "phone",
                                                   "note": "14:05 电话确认"})
        self.assertEqual((approval.method, approval.approver_name), (ApprovalMethod.PHONE, order.customer.name))
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.APPROVED)

    def test_declining_sends_the_order_back_with_the_lines_kept(self):
        order, done = self.submitted()
        approvals.approval_decide(user=self.advisor, order_id=order.pk, approval_id=done.approval.pk,
                                  data={"decision": "decline", "method": "phone", "note": "太贵"})
        order.refresh_from_db()
        self.assertEqual(order.status, S.RECEPTION)
        self.assertEqual(set(order.lines.values_list("status", flat=True)), {LineStatus.PROPOSED})
        self.assertEqual(Approval.objects.get().status, ApprovalStatus.DECLINED)
        self.assertEqual(order.events.order_by("-id").first().kind, "revise")
        # the lines can be edited again and the estimate put once more
        line = order.lines.get(kind="part")
        lines.line_update(user=self.advisor, order_id=order.pk, line_id=line.pk, data={"quantity": "1"})
        again = approvals.estimate_submit(user=self.advisor, order_id=order.pk)
        self.assertEqual((again.approval.sequence, again.approval.amount), (2, Decimal("230.00")))

    def test_a_decided_approval_cannot_be_decided_again(self):
        order, done = self.submitted()
        self.sign(order, done.approval)
        with self.assertRaises(ApplicationError) as caught:
            self.sign(order, done.approval)
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "already_decided"))

    def test_bad_decisions(self):
        order, done = self.submitted()
        for data, field in [({"decision": "maybe", "method": "phone", "note": "x"}, "decision"),
                            ({"decision": "approve", "method": "link", "note": "x"}, "method"),
                            ({"decision": "approve", "method": "fax"}, "method"),
                            ({"decision": "approve", "method": "signature", "signature": factories.signature()},
                             "approver_name")]:
            with self.subTest(field), self.assertRaises(ApplicationError) as caught:
                approvals.approval_decide(user=self.advisor, order_id=order.pk, approval_id=done.approval.pk,
                                          data=data)
            self.assertIn(field, caught.exception.fields)
        with self.assertRaises(ApplicationError) as caught:
            approvals.approval_decide(user=self.advisor, order_id=order.pk, approval_id=2**64,
                                      data={"decision": "approve", "method": "phone", "note": "x"})
        self.assertEqual(caught.exception.status, 404)


class LinkTests(ApprovalTestCase):
    def link_of(self, done):
        return done.link

    def test_only_the_hash_is_kept_and_the_link_goes_to_the_customers_phone(self):
        order, done = self.submitted(send_link=True)
        approval = Approval.objects.get(pk=done.approval.pk)
        self.assertEqual(approval.token_hash, token_hash(done.link))
        for field in approval._meta.concrete_fields:
            self.assertNotIn(done.link, str(field.value_from_object(approval)))
        self.assertAlmostEqual((approval.token_expires_at - timezone.now()).total_seconds(), 72 * 3600, delta=60)
        message = Notification.objects.get(kind="workshop.approval_link")
        self.assertEqual((message.recipient, message.channel, message.customer_id), ("13800138000", "sms",
                                                                                     order.customer_id))
        self.assertIn(f"/p/approve/{done.link}/", message.body)
        self.assertTrue(order.events.filter(kind="approval_link_sent").exists())

    @override_settings(APPROVAL_LINK_HOURS=2)
    def test_the_expiry_follows_the_setting(self):
        _order, done = self.submitted(send_link=True)
        left = Approval.objects.get(pk=done.approval.pk).token_expires_at - timezone.now()
        self.assertAlmostEqual(left.total_seconds(), 7200, delta=60)

    def test_no_phone_no_link(self):
        owner = factories.customer(self.point, phone=None)
        order = self.reception_order(customer=owner, asset=factories.vehicle(owner))
        with self.assertRaises(ApplicationError) as caught:
            approvals.estimate_submit(user=self.advisor, order_id=order.pk, send_link=True)
        self.assertIn("send_link", caught.exception.fields)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.RECEPTION)

    def test_the_customer_approves_through_the_link(self):
        order, done = self.submitted(send_link=True)
        approval = approvals.approval_decide_by_link(token=done.link, decision="approve", approver_name="张三本人",
                                                     signature=factories.signature(), client_ip="203.0.113.7")
        order.refresh_from_db()
        self.assertEqual(order.status, S.APPROVED)
        self.assertEqual((approval.method, approval.approver_name, approval.client_address, approval.recorded_by),
                         (ApprovalMethod.LINK, "张三本人", "203.0.113.7", None))
        event = order.events.get(kind="approve")
        self.assertEqual((event.actor, event.actor_label, event.data["client_ip"]), (None, "张三本人", "203.0.113.7"))
        self.assertEqual(order.lines.get(kind="part").stock_state, StockState.RESERVED)

    def test_a_used_link_says_so(self):
        _order, done = self.submitted(send_link=True)
        approvals.approval_decide_by_link(token=done.link, decision="decline", approver_name="张三")
        self.assertEqual(approvals.link_state(approvals.approval_by_token(done.link)), LinkState.USED)
        with self.assertRaises(ApplicationError) as caught:
            approvals.approval_decide_by_link(token=done.link, decision="approve", approver_name="张三",
                                              signature=factories.signature())
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "link_used"))

    def test_an_expired_link_says_so_and_changes_nothing(self):
        order, done = self.submitted(send_link=True)
        Approval.objects.filter(pk=done.approval.pk).update(token_expires_at=timezone.now() - dt.timedelta(minutes=1))
        before = self.state(order)
        with self.assertRaises(ApplicationError) as caught:
            approvals.approval_decide_by_link(token=done.link, decision="approve", approver_name="张三",
                                              signature=factories.signature())
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "link_expired"))
        self.assertEqual(self.state(order), before)

    def test_a_withdrawn_link_says_so(self):
        order, done = self.submitted(send_link=True)
        from aftersales.workshop.services.orders import work_order_revise

        work_order_revise(user=self.advisor, order_id=order.pk, note="加项目")
        self.assertEqual(Approval.objects.get(pk=done.approval.pk).status, ApprovalStatus.WITHDRAWN)
        with self.assertRaises(ApplicationError) as caught:
            approvals.approval_decide_by_link(token=done.link, decision="approve", approver_name="张三",
                                              signature=factories.signature())
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "link_withdrawn"))
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.RECEPTION)

    def test_a_wrong_token_is_unknown(self):
        _order, done = self.submitted(send_link=True)
        for token in ["x" * 32, done.link[:-1] + ("A" if done.link[-1] != "A" else "B"), "", "a" * 500, "../../etc",
                      "\x00" * 20]:
            with self.subTest(token=token[:10]), self.assertRaises(ApplicationError) as caught:
                approvals.approval_decide_by_link(token=token, decision="approve", approver_name="张三",
                                                  signature=factories.signature())
            self.assertEqual(caught.exception.status, 404)

    def test_a_new_link_replaces_the_old_one(self):
        order, done = self.submitted(send_link=True)
        fresh = approvals.approval_send_link(user=self.advisor, order_id=order.pk, approval_id=done.approval.pk)
        self.assertEqual(approvals.link_state(approvals.approval_by_token(done.link)), LinkState.UNKNOWN)
        self.assertEqual(approvals.link_state(approvals.approval_by_token(fresh)), LinkState.OPEN)

    def test_approving_through_the_link_needs_a_name_and_a_signature(self):
        order, done = self.submitted(send_link=True)
        for kwargs, field in [({"approver_name": "", "signature": factories.signature()}, "approver_name"),
                              ({"approver_name": "张三", "signature": ""}, "signature")]:
            with self.subTest(field), self.assertRaises(ApplicationError) as caught:
                approvals.approval_decide_by_link(token=done.link, decision="approve", **kwargs)
            self.assertIn(field, caught.exception.fields)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.AWAITING_APPROVAL)


class PublicLinkAPITests(ApprovalTestCase):
    def test_the_page_shows_the_order_and_nothing_personal(self):
        owner = factories.customer(self.point, name="王秘密", phone="13912345678", id_number="11010519491231002X")
        from aftersales.customers.models import CustomerAddress

        CustomerAddress.objects.create(customer=owner, province="上海市", city="上海市", district="浦东新区",
                                       street="秘密路88号", is_primary=True)
        order = self.reception_order(customer=owner, asset=factories.vehicle(owner, plate="沪A12345"))
        done = approvals.estimate_submit(user=self.advisor, order_id=order.pk, send_link=True)
        response = self.client.get(f"/api/v1/public/approvals/{done.link}")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["state"], body["number"], body["plate"], body["point_name"], body["point_phone"]),
                         ("open", order.number, "沪A12345", self.point.name, self.point.phone))
        self.assertEqual([(ln["description"], ln["amount"]) for ln in body["lines"]],
                         [(self.job.name, "150.00"), (self.oil.name, "160.00")])
        self.assertEqual((body["totals"]["A"], body["amount"]), ("310.00", "310.00"))
        text = json.dumps(body, ensure_ascii=False)
        self.assertIn("沪A12345", text)
        for secret in ("王秘密", "13912345678", "1391", "5678", "11010519491231002X", "秘密路", "customer"):
            self.assertNotIn(secret, text)
        page = self.client.get(f"/p/approve/{done.link}/")
        self.assertEqual(page.status_code, 200)
        for secret in ("王秘密", "13912345678", "11010519491231002X", "秘密路"):
            self.assertNotContains(page, secret)
        self.assertContains(page, order.number)

    def test_approve_through_the_api(self):
        order, done = self.submitted(send_link=True)
        response = self.client.post(f"/api/v1/public/approvals/{done.link}", data=json.dumps({
            "decision": "approve", "approver_name": "张三", "signature": factories.signature()}),
            content_type="application/json", REMOTE_ADDR="198.51.100.4")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["state"], "used")
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.APPROVED)
        self.assertEqual(order.events.get(kind="approve").data["client_ip"], "198.51.100.4")
        again = self.client.post(f"/api/v1/public/approvals/{done.link}", data=json.dumps({
            "decision": "approve", "approver_name": "张三", "signature": factories.signature()}),
            content_type="application/json")
        self.assertEqual((again.status_code, again.json()["code"]), (409, "link_used"))

    def test_unknown_link_is_404(self):
        response = self.client.get("/api/v1/public/approvals/" + "x" * 32)
        self.assertEqual((response.status_code, response.json()["code"]), (404, "link_unknown"))


class SupplementTests(ApprovalTestCase):
    def in_repair(self):
        order = factories.work_order(self.point, status=S.IN_REPAIR, advisor=self.advisor)
        return order

    def test_a_line_added_during_repair_is_a_supplement_waiting_for_approval(self):
        order = self.in_repair()
        line = lines.line_add(user=self.advisor, order_id=order.pk, data={"kind": "part", "part_id": self.oil.pk,
                                                                         "quantity": "1"})
        self.assertEqual((line.is_supplement, line.status, line.approval_id), (True, LineStatus.PROPOSED, None))
        done = approvals.supplement_submit(user=self.advisor, order_id=order.pk, note="发现刹车油变质")
        self.assertEqual((done.approval.kind, done.approval.sequence, done.approval.amount),
                         (ApprovalKind.SUPPLEMENT, 2, Decimal("80.00")))
        # not workable yet, and the repair cannot be finished while it waits
        line.refresh_from_db()
        self.assertEqual(line.status, LineStatus.PROPOSED)
        from aftersales.workshop.states import _repair_finished

        self.assertIn("A supplement is still waiting for the customer's approval.", _repair_finished(order))
        approvals.approval_decide(user=self.advisor, order_id=order.pk, approval_id=done.approval.pk,
                                  data={"decision": "approve", "method": "phone", "note": "同意"})
        line.refresh_from_db()
        order.refresh_from_db()
        self.assertEqual((line.status, line.stock_state, line.reserved_quantity),
                         (LineStatus.APPROVED, StockState.RESERVED, Decimal("1")))
        self.assertEqual(order.status, S.IN_REPAIR)
        self.assertEqual(order.events.order_by("-id").first().kind, "supplement_approved")

    def test_a_declined_supplement_drops_out_of_the_totals(self):
        order = self.in_repair()
        lines.line_add(user=self.advisor, order_id=order.pk, data={"kind": "other", "description": "空调清洗",
                                                                  "quantity": "1", "unit_price": "199.00"})
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).total_a, Decimal("299.00"))
        done = approvals.supplement_submit(user=self.advisor, order_id=order.pk)
        approvals.approval_decide(user=self.advisor, order_id=order.pk, approval_id=done.approval.pk,
                                  data={"decision": "decline", "method": "signature", "approver_name": "张三"})
        order.refresh_from_db()
        self.assertEqual(order.total_a, Decimal("100.00"))
        self.assertEqual(order.lines.get(is_supplement=True).status, LineStatus.DECLINED)
        self.assertEqual(order.events.order_by("-id").first().kind, "supplement_declined")

    def test_lines_not_yet_put_to_the_customer_hold_the_repair(self):
        order = self.in_repair()
        lines.line_add(user=self.advisor, order_id=order.pk, data={"kind": "other", "description": "空调清洗",
                                                                  "quantity": "1", "unit_price": "199.00"})
        from aftersales.workshop.states import _repair_finished

        self.assertIn("Supplement lines not yet put to the customer: 2.", _repair_finished(order))

    def test_nothing_to_submit(self):
        order = self.in_repair()
        with self.assertRaises(ApplicationError) as caught:
            approvals.supplement_submit(user=self.advisor, order_id=order.pk)
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "nothing_to_submit"))
        reception = factories.work_order(self.point)
        with self.assertRaises(ApplicationError) as caught:
            approvals.supplement_submit(user=self.advisor, order_id=reception.pk)
        self.assertEqual(caught.exception.status, 409)

    def test_a_supplement_link(self):
        order = self.in_repair()
        lines.line_add(user=self.advisor, order_id=order.pk, data={"kind": "part", "part_id": self.oil.pk,
                                                                  "quantity": "1"})
        done = approvals.supplement_submit(user=self.advisor, order_id=order.pk, send_link=True)
        approvals.approval_decide_by_link(token=done.link, decision="approve", approver_name="张三",
                                          signature=factories.signature(), client_ip="::1")
        self.assertEqual(order.lines.get(is_supplement=True).status, LineStatus.APPROVED)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.IN_REPAIR)
        event = order.events.order_by("-id").first()
        self.assertEqual((event.kind, event.actor_label, event.data["client_ip"]), ("supplement_approved", "张三", "::1"))


class PublicLinkPageTests(ApprovalTestCase):
    def test_the_customer_signs_on_the_page(self):
        order, done = self.submitted(send_link=True)
        url = f"/p/approve/{done.link}/"
        page = self.client.get(url)
        self.assertContains(page, 'id="approval-form"')
        self.assertEqual(page["Cache-Control"], "no-store")
        self.assertEqual(page["Referrer-Policy"], "same-origin")
        unsigned = self.client.post(url, {"decision": "approve", "approver_name": "张三", "signature": ""})
        self.assertEqual(unsigned.status_code, 422)
        self.assertContains(unsigned, 'data-field="signature"', status_code=422)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.AWAITING_APPROVAL)
        nameless = self.client.post(url, {"decision": "approve", "approver_name": "",
                                          "signature": factories.signature()})
        self.assertContains(nameless, 'data-field="approver_name"', status_code=422)
        signed = self.client.post(url, {"decision": "approve", "approver_name": "张三",
                                        "signature": factories.signature()}, REMOTE_ADDR="192.0.2.10")
        self.assertRedirects(signed, url)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.APPROVED)
        after = self.client.get(url)
        self.assertContains(after, "Approved. Thank you")
        self.assertNotContains(after, 'id="approval-form"')

    def test_the_answer_passes_the_csrf_check_with_the_origin_a_browser_sends(self):
        # Under "Referrer-Policy: no-referrer" Chromium posts the form with "Origin: null" and Django
        # answers 403 (the full-visit browser test found it): the page keeps its origin on the POST.
        order, done = self.submitted(send_link=True)
        url = f"/p/approve/{done.link}/"
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(url)
        self.assertEqual(page["Referrer-Policy"], "same-origin")
        self.assertContains(page, '<meta name="referrer" content="same-origin">')
        self.assertNotContains(page, "no-referrer")
        answer = {"decision": "approve", "approver_name": "张三", "signature": factories.signature(),
                  "csrfmiddlewaretoken": page.context["csrf_token"]}
        refused = browser.post(url, answer, HTTP_ORIGIN="null")  # what "no-referrer" made the browser send
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.AWAITING_APPROVAL)
        signed = browser.post(url, answer, HTTP_ORIGIN="http://testserver")
        self.assertRedirects(signed, url)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.APPROVED)

    def test_declining_on_the_page_needs_no_signature(self):
        order, done = self.submitted(send_link=True)
        response = self.client.post(f"/p/approve/{done.link}/", {"decision": "decline", "approver_name": "张三"})
        self.assertRedirects(response, f"/p/approve/{done.link}/")
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.RECEPTION)
        self.assertContains(self.client.get(f"/p/approve/{done.link}/"), "You declined")

    def test_expired_withdrawn_and_unknown_links_say_so(self):
        order, done = self.submitted(send_link=True)
        Approval.objects.filter(pk=done.approval.pk).update(token_expires_at=timezone.now() - dt.timedelta(hours=1))
        expired = self.client.get(f"/p/approve/{done.link}/")
        self.assertContains(expired, "This link has expired")
        posted = self.client.post(f"/p/approve/{done.link}/", {"decision": "approve", "approver_name": "张三",
                                                               "signature": factories.signature()})
        self.assertNotEqual(posted.status_code, 302)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.AWAITING_APPROVAL)
        unknown = self.client.get("/p/approve/" + "y" * 32 + "/")
        self.assertContains(unknown, "This link is not valid", status_code=404)
        from aftersales.workshop.services.orders import work_order_revise

        Approval.objects.filter(pk=done.approval.pk).update(token_expires_at=timezone.now() + dt.timedelta(hours=1))
        work_order_revise(user=self.advisor, order_id=order.pk)
        self.assertContains(self.client.get(f"/p/approve/{done.link}/"), "has withdrawn")


@unittest.skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
class ConcurrentAnswerTests(TransactionTestCase):
    def test_the_advisor_and_the_customer_answering_at_once_count_once(self):
        org = factories.org()
        advisor = factories.staff(org["a"], "service_advisor")
        oil = factories.part_in_stock(org["a"], on_hand=1)
        order = factories.work_order(org["a"], advisor=advisor)
        factories.line(order, kind="part", part=oil, quantity=1)
        done = approvals.estimate_submit(user=advisor, order_id=order.pk, send_link=True)
        start = threading.Barrier(2)
        outcomes = []

        def by_advisor():
            try:
                start.wait()
                approvals.approval_decide(user=advisor, order_id=order.pk, approval_id=done.approval.pk,
                                          data={"decision": "approve", "method": "phone", "note": "电话同意"})
                outcomes.append("advisor")
            except ApplicationError as exc:
                outcomes.append(exc.status)
            finally:
                connections.close_all()

        def by_customer():
            try:
                start.wait()
                approvals.approval_decide_by_link(token=done.link, decision="approve", approver_name="张三",
                                                  signature=factories.signature())
                outcomes.append("customer")
            except ApplicationError as exc:
                outcomes.append(exc.status)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=by_advisor), threading.Thread(target=by_customer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(map(str, outcomes))[0], "409", outcomes)
        self.assertEqual(len(outcomes), 2)
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).status, S.APPROVED)
        self.assertEqual(Stock.objects.get(part=oil).reserved, 1)
        self.assertEqual(WorkOrderEvent.objects.filter(work_order=order, kind="approve").count(), 1)
