"""What each document prints: the rules behind 维修委托书, 修护卡 and 结算单 (data and HTML, no PDF)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import TestCase, override_settings
from django.utils import timezone, translation

from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.models import AccessLog

from ..choices import ApprovalKind, ApprovalStatus, WorkOrderStatus
from ..documents import Copy, DocumentKind
from ..documents.qr import status_url
from ..documents.render import document_filename, document_language, order_document_html
from ..models import TimeEntry
from ..selectors import documents as selectors
from ..services.totals import order_recompute_totals
from . import factories as f
from .test_documents_support import CUSTOMER_NAME, CUSTOMER_PHONE, rich_order

S = WorkOrderStatus


class DocumentDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = f.org()
        a = cls.org["a"]
        cls.advisor = f.staff(a, "service_advisor", display_name="王顾问")
        cls.tech1 = f.staff(a, "technician", display_name="李师傅")
        cls.tech2 = f.staff(a, "technician", display_name="赵师傅")
        cls.inspector = f.staff(a, "qc_inspector", display_name="钱质检")
        cls.cashier = f.staff(a, "cashier", display_name="孙收银")
        cls.order = rich_order(a, advisor=cls.advisor, technicians=[cls.tech1, cls.tech2], inspector=cls.inspector,
                               cashier=cls.cashier)

    # ---- 维修委托书
    def test_work_order_groups_lines_by_pay_type_with_the_order_totals(self):
        data = selectors.work_order_document(user=self.advisor, order=self.order)
        groups = {g.pay_type: g for g in data["groups"]}
        self.assertEqual([g.pay_type for g in data["groups"]], ["A", "B", "C", "D"])
        self.assertEqual(groups["A"].total, Decimal("412.00"))  # 1.2 h × 100 + 4 × 68 + 20
        self.assertEqual([ln.description for ln in groups["A"].lines], ["更换机油", "全合成机油", "环保处理费"])
        self.assertEqual(groups["B"].total, Decimal("150.00"))
        self.assertEqual(groups["C"].total, Decimal("50.00"))
        self.assertEqual(groups["D"].total, Decimal("30.00"))
        self.assertEqual(data["estimate_total"], Decimal("642.00"))

    def test_declined_lines_are_not_printed(self):
        line = self.order.lines.get(description="外协四轮定位")
        line.status = "declined"
        line.save(update_fields=["status"])
        order_recompute_totals(self.order)
        data = selectors.work_order_document(user=self.advisor, order=self.order)
        self.assertNotIn("外协四轮定位", [ln.description for ln in data["lines"]])
        self.assertEqual([g.pay_type for g in data["groups"]], ["A", "C", "D"])
        self.assertEqual(data["estimate_total"], Decimal("492.00"))

    def test_a_line_of_an_unknown_pay_type_is_still_printed(self):
        self.order.lines.filter(description="环保处理费").update(pay_type="X")
        groups = {g.pay_type: g for g in selectors.work_order_document(user=self.advisor, order=self.order)["groups"]}
        self.assertEqual([ln.description for ln in groups["X"].lines], ["环保处理费"])
        self.assertEqual(groups["X"].total, Decimal("20.00"))

    def test_work_order_carries_the_signed_estimate(self):
        data = selectors.work_order_document(user=self.advisor, order=self.order)
        self.assertTrue(data["signature"]["image"].startswith("data:image/png;base64,"))
        self.assertEqual(data["signature"]["name"], CUSTOMER_NAME)
        self.assertIsNotNone(data["signature"]["at"])

    def test_a_signature_that_is_not_a_png_data_url_is_left_out(self):
        for bad in ("https://evil.example/x.png", "data:image/svg+xml;base64,PHN2Zz4=", "file:///etc/passwd",
                    "data:image/png;base64,@@@", "data:image/png;base64," + "A" * 2_000_001):
            with self.subTest(bad=bad[:40]):
                self.order.approvals.filter(kind=ApprovalKind.ESTIMATE).update(signature=bad)
                data = selectors.work_order_document(user=self.advisor, order=self.order)
                self.assertEqual(data["signature"]["image"], "")
                self.assertEqual(data["signature"]["name"], CUSTOMER_NAME)

    def test_unsigned_order_has_a_blank_signature(self):
        order = f.work_order(self.org["a"], status=S.AWAITING_APPROVAL)
        data = selectors.work_order_document(user=self.advisor, order=order)
        self.assertIsNone(data["signature"])
        html, _data = order_document_html(user=self.advisor, order=order, kind=DocumentKind.WORK_ORDER)
        self.assertIn('<div class="signature-box"></div>', html)

    def test_phone_is_shown_to_users_who_see_personal_data_and_masked_otherwise(self):
        shown = selectors.work_order_document(user=self.advisor, order=self.order)
        self.assertEqual(shown["customer_phone"], CUSTOMER_PHONE)
        self.assertTrue(shown["phone_unmasked"])
        masked = selectors.work_order_document(user=self.tech1, order=self.order)  # technicians: no personal data
        self.assertEqual(masked["customer_phone"], "139****5678")
        self.assertFalse(masked["phone_unmasked"])
        html, _ = order_document_html(user=self.tech1, order=self.order, kind=DocumentKind.WORK_ORDER)
        self.assertNotIn(CUSTOMER_PHONE, html)
        self.assertIn("139****5678", html)

    def test_work_order_html_has_the_reception_facts_terms_and_qr_code(self):
        with translation.override("en"):
            html, data = order_document_html(user=self.advisor, order=self.order, kind=DocumentKind.WORK_ORDER)
        for text in ("维修委托书", self.order.number, "沪A12323", self.order.asset.vin, "35120 km", "40 %",
                     "发动机启动时有异响", "机油老化，需更换", "左前角划痕约5厘米", "行车记录仪一台", "王顾问",
                     "¥ 642.00", "¥ 402.00", "This estimate is valid for seven days",
                     "we are not liable for items that are not recorded"):
            self.assertIn(text, html)
        self.assertIn('<img class="qr" src="data:image/png;base64,', html)
        self.assertIn('<img src="data:image/png;base64,', html)  # the signature

    # ---- 修护卡
    def test_repair_card_gives_clocked_hours_per_technician_against_the_standard(self):
        data = selectors.repair_card_document(order=self.order)
        job = next(j for j in data["jobs"] if j["line"].description == "更换机油")
        self.assertEqual(job["standard_hours"], Decimal("1.20"))
        hours = {t.name: t.hours for t in job["technicians"]}
        self.assertEqual(hours, {"李师傅": Decimal("1.25"), "赵师傅": Decimal("1.00")})
        self.assertEqual(job["actual_hours"], Decimal("2.25"))
        self.assertEqual(job["difference"], Decimal("1.05"))
        self.assertEqual(data["rework_count"], 1)

    def test_repair_card_counts_an_open_clock_up_to_now_and_marks_it(self):
        line = self.order.lines.get(description="检查制动系统")
        TimeEntry.objects.create(line=line, technician=self.tech2, started_at=timezone.now() - dt.timedelta(minutes=30))
        data = selectors.repair_card_document(order=self.order)
        job = next(j for j in data["jobs"] if j["line"].pk == line.pk)
        (tech,) = job["technicians"]
        self.assertTrue(tech.clocked_on)
        self.assertEqual(tech.hours, Decimal("0.50"))

    def test_repair_card_lists_assigned_technicians_who_have_not_clocked(self):
        line = self.order.lines.get(description="内部车辆检测")
        line.assignments.create(technician=self.tech1)
        data = selectors.repair_card_document(order=self.order)
        job = next(j for j in data["jobs"] if j["line"].pk == line.pk)
        self.assertEqual(job["technicians"], [])
        self.assertEqual(job["assigned_only"], ["李师傅"])

    def test_repair_card_lists_parts_issued_and_quality_checks(self):
        data = selectors.repair_card_document(order=self.order)
        (oil,) = data["parts"]
        self.assertEqual((oil.description, oil.quantity, oil.issued_quantity), ("全合成机油", Decimal("4.00"),
                                                                                Decimal("4.00")))
        self.assertEqual(oil.old_part_label, "Returned to the customer")
        self.assertEqual([i.passed for i in data["inspections"]], [False, True])
        self.assertEqual(data["inspections"][0].items, [{"item": "机油液位", "ok": False, "note": "偏低"}])
        self.assertEqual([ln.description for ln in data["others"]], ["环保处理费", "外协四轮定位"])
        html, _ = order_document_html(user=self.advisor, order=self.order, kind=DocumentKind.REPAIR_CARD)
        for text in ("修护卡", "李师傅 1.25 h", "赵师傅 1.00 h", oil.part.number, "机油液位偏低", "路试", "钱质检"):
            self.assertIn(text, html)

    def test_repair_card_ignores_malformed_qc_results(self):
        self.order.inspections.update(results=["just text", 3, None])
        data = selectors.repair_card_document(order=self.order)
        self.assertEqual([i.items for i in data["inspections"]], [[], []])

    # ---- 结算单
    def test_statement_has_discount_payments_balance_and_the_cashier(self):
        data = selectors.statement_document(user=self.cashier, order=self.order)
        order = self.order
        self.assertEqual((order.total_a, order.discount_amount, order.amount_due), (Decimal("412.00"),
                         Decimal("10.00"), Decimal("402.00")))
        self.assertEqual(data["customer_paid"], Decimal("250.00"))
        self.assertEqual(order.balance, Decimal("152.00"))
        self.assertEqual(data["cashier"], "孙收银")
        self.assertTrue(data["settled"])
        self.assertEqual([p.get_method_display() for p in data["payments"]], ["WeChat Pay", "Cash"])
        with translation.override("en"):
            html, _ = order_document_html(user=self.cashier, order=order, kind=DocumentKind.STATEMENT)
        for text in ("结算单", "WX20261201001", "¥ 402.00", "¥ 152.00", "− 10.00", "孙收银", CUSTOMER_NAME):
            self.assertIn(text, html)
        self.assertNotIn(CUSTOMER_PHONE, html)
        self.assertNotIn("Pro forma", html)

    def test_statement_before_settling_is_a_pro_forma(self):
        order = rich_order(self.org["a"], status=S.READY_FOR_SETTLEMENT, inspector=self.inspector)
        with translation.override("en"):
            html, data = order_document_html(user=self.cashier, order=order, kind=DocumentKind.STATEMENT)
        self.assertFalse(data["settled"])
        self.assertEqual(data["cashier"], "")
        self.assertIn("Pro forma: this order has not been settled yet.", html)


class AvailabilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = f.org()
        cls.advisor = f.staff(cls.org["a"], "service_advisor")
        cls.technician = f.staff(cls.org["a"], "technician")

    def test_which_document_can_be_printed_in_which_state(self):
        expected = {
            S.RECEPTION: {"work-order"}, S.AWAITING_APPROVAL: {"work-order"}, S.APPROVED: {"work-order"},
            S.IN_REPAIR: {"work-order", "repair-card"}, S.QUALITY_CHECK: {"work-order", "repair-card"},
            S.READY_FOR_SETTLEMENT: {"work-order", "repair-card", "statement"},
            S.SETTLED: {"work-order", "repair-card", "statement"},
            S.DELIVERED: {"work-order", "repair-card", "statement"}, S.CANCELLED: {"work-order"},
        }
        for status, kinds in expected.items():
            with self.subTest(status=status):
                order = f.work_order(self.org["a"], status=status)
                printable = {c.kind for c in selectors.document_choices(user=self.advisor, order=order) if not c.reason}
                self.assertEqual(printable, kinds)
                for kind in DocumentKind.values:
                    if kind in kinds:
                        selectors.document_check(user=self.advisor, order=order, kind=kind)
                    else:
                        with self.assertRaises(ConflictError) as caught:
                            selectors.document_check(user=self.advisor, order=order, kind=kind)
                        self.assertEqual(caught.exception.status, 409)
                        self.assertIn("kind", caught.exception.fields)

    def test_the_statement_needs_the_right_to_see_payments(self):
        order = f.work_order(self.org["a"], status=S.SETTLED)
        with self.assertRaises(PermissionDeniedError):
            selectors.document_check(user=self.technician, order=order, kind=DocumentKind.STATEMENT)
        reasons = {c.kind: c.reason for c in selectors.document_choices(user=self.technician, order=order)}
        self.assertEqual(reasons["statement"], "You do not have permission to see the payments.")
        self.assertEqual(reasons["work-order"], "")

    def test_orders_are_found_only_at_the_users_points_and_ids_out_of_range_are_unknown(self):
        mine = f.work_order(self.org["a"])
        other = f.work_order(self.org["b"])
        self.assertEqual(selectors.document_order_get(user=self.advisor, pk=mine.pk), mine)
        for pk in (other.pk, 0, -1, 2**63, 10**30, "1", None, True):
            with self.subTest(pk=pk), self.assertRaises(NotFoundError):
                selectors.document_order_get(user=self.advisor, pk=pk)

    def test_unknown_kind_is_not_found(self):
        order = f.work_order(self.org["a"])
        with self.assertRaises(NotFoundError):
            selectors.document_check(user=self.advisor, order=order, kind="invoice")


class LanguageAndNamingTests(TestCase):
    def test_language_asked_for_wins_then_customer_copy_is_chinese_then_the_users_language(self):
        with translation.override("en"):
            self.assertEqual(document_language("zh-hans", Copy.WORKSHOP), "zh-hans")
            self.assertEqual(document_language("en", Copy.CUSTOMER), "en")
            self.assertEqual(document_language(None, Copy.CUSTOMER), "zh-hans")
            self.assertEqual(document_language(None, Copy.WORKSHOP), "en")
            self.assertEqual(document_language("klingon", Copy.WORKSHOP), "en")
        with translation.override("zh-hans"):
            self.assertEqual(document_language(None, Copy.WORKSHOP), "zh-hans")
        with translation.override("fr"):
            self.assertEqual(document_language(None, Copy.WORKSHOP), "zh-hans")

    def test_filename_keeps_only_safe_characters(self):
        class Order:
            pk = 7
            number = 'WO/2026"01 沪'

        self.assertEqual(document_filename(Order, "statement"), "WO_2026_01__-statement.pdf")

    def test_mask_plate(self):
        self.assertEqual(selectors.mask_plate("沪A12323"), "沪A·***23")
        self.assertEqual(selectors.mask_plate("沪AD12345"), "沪A·***45")
        self.assertEqual(selectors.mask_plate("沪A1"), "***")
        self.assertEqual(selectors.mask_plate(""), "")

    @override_settings(PUBLIC_BASE_URL="https://service.example.com/")
    def test_status_url_uses_the_public_base_url_when_set(self):
        self.assertEqual(status_url("abcdefghijklmnopqrstuvwxyz012345"),
                         "https://service.example.com/p/status/abcdefghijklmnopqrstuvwxyz012345/")

    @override_settings(ALLOWED_HOSTS=["shop.example.cn"])
    def test_status_url_follows_the_request_otherwise(self):
        from django.test import RequestFactory

        request = RequestFactory().get("/", HTTP_HOST="shop.example.cn")
        self.assertEqual(status_url("tok" * 8, request), f"http://shop.example.cn/p/status/{'tok' * 8}/")


class AccessLogTests(TestCase):
    """A PDF that prints the customer's phone unmasked is a read of personal data: it is logged."""

    @classmethod
    def setUpTestData(cls):
        cls.org = f.org()
        cls.advisor = f.staff(cls.org["a"], "service_advisor")
        cls.technician = f.staff(cls.org["a"], "technician")
        cls.order = f.work_order(cls.org["a"], status=S.APPROVED)

    def test_unmasked_phone_in_a_pdf_is_logged_masked_is_not(self):
        from ..documents.render import order_document_pdf

        order_document_pdf(user=self.technician, pk=self.order.pk, kind=DocumentKind.WORK_ORDER)
        self.assertEqual(AccessLog.objects.count(), 0)
        order_document_pdf(user=self.advisor, pk=self.order.pk, kind=DocumentKind.WORK_ORDER)
        log = AccessLog.objects.get()
        self.assertEqual((log.user_id, log.object_id, log.channel, log.unmasked),
                         (self.advisor.pk, str(self.order.customer_id), "pdf", True))

    def test_withdrawn_approvals_are_not_printed(self):
        f.approval(self.order, kind=ApprovalKind.SUPPLEMENT, status=ApprovalStatus.WITHDRAWN)
        data = selectors.work_order_document(user=self.advisor, order=self.order)
        self.assertEqual([a.status for a in data["approvals"]], [ApprovalStatus.APPROVED])
