"""Pages of work orders: the generated permission tests, check-in, the order page and its sections."""

from decimal import Decimal

from django.test import TestCase

from aftersales.core.testing import StandardViewTests
from aftersales.workshop.choices import LineStatus, WorkOrderStatus
from aftersales.workshop.models import WorkOrder, WorkOrderDamage, WorkOrderLine, WorkOrderPhoto

from . import factories
from .test_orders_api import PERMS

S = WorkOrderStatus


class WorkOrderViewTests(StandardViewTests):
    model = WorkOrder
    list_url = "/workshop/orders/"
    create_url = "/workshop/orders/new/"
    permission_patterns = PERMS

    @classmethod
    def make_object(cls, point):
        return factories.work_order(point, status=S.AWAITING_APPROVAL)

    def edit_url(self, obj):
        return f"/workshop/orders/{obj.pk}/edit/"

    def form_data(self, point):
        _owner, car = factories.customer_with_vehicle(point, mileage=5000)
        return {"service_point": point.pk, "asset": car.pk, "service_type": "repair", "mileage": 6000,
                "fuel_level": 60, "concerns": "异响", "damage_area": ["bonnet"], "damage_kind": ["dent"],
                "damage_description": ["小凹陷"]}

    def edit_data(self, obj):
        return {"service_type": "repair", "concerns": "冷车启动困难", "fuel_level": 20}


class OrderPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.point = cls.org["a"]
        cls.advisor = factories.staff(cls.point, "service_advisor")
        cls.technician = factories.staff(cls.point, "technician")
        cls.oil = factories.part_in_stock(cls.point, on_hand=5, price="80.00")
        cls.job = factories.operation(hours="1.50")

    def setUp(self):
        self.client.force_login(self.advisor)

    def test_check_in_with_damage_marked_on_the_outline(self):
        _owner, car = factories.customer_with_vehicle(self.point, mileage=5000)
        page = self.client.get(f"/workshop/orders/new/?asset={car.pk}")
        self.assertContains(page, 'data-area="left_front_door"')
        self.assertContains(page, f'<option value="{car.pk}" selected>')
        response = self.client.post("/workshop/orders/new/", {
            "service_point": self.point.pk, "asset": car.pk, "service_type": "repair", "mileage": 6000,
            "fuel_level": 35, "concerns": "方向盘抖动", "damage_area": ["left_front_door", "roof"],
            "damage_kind": ["scratch", "dent"], "damage_description": ["门把手下方", ""]})
        order = WorkOrder.objects.get()
        self.assertRedirects(response, f"/workshop/orders/{order.pk}/")
        self.assertEqual((order.mileage_in, order.fuel_level, order.advisor), (6000, 35, self.advisor))
        self.assertEqual(list(WorkOrderDamage.objects.values_list("area", "kind", "description")),
                         [("left_front_door", "scratch", "门把手下方"), ("roof", "dent", "")])
        detail = self.client.get(order.get_absolute_url())
        self.assertContains(detail, 'class="zone marked" data-area="left_front_door"')
        self.assertContains(detail, "门把手下方")

    def test_a_lower_mileage_is_shown_beside_the_field(self):
        _owner, car = factories.customer_with_vehicle(self.point, mileage=50000)
        response = self.client.post("/workshop/orders/new/", {
            "service_point": self.point.pk, "asset": car.pk, "service_type": "repair", "mileage": 40000})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-field="mileage"')
        self.assertContains(response, "Lower than 50000")
        self.assertEqual(WorkOrder.objects.count(), 0)

    def test_add_lines_inline_with_htmx(self):
        order = factories.work_order(self.point, advisor=self.advisor)
        response = self.client.post(f"/workshop/orders/{order.pk}/lines/new/", {
            "kind": "labour", "operation": self.job.pk, "pay_type": "A", "cause": "fault"}, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.job.name)
        self.assertContains(response, 'data-total="A">150.00')
        # the steps card comes along out of band: with a line, the estimate can be put to the customer
        self.assertContains(response, 'id="order-steps" hx-swap-oob="true"')
        self.assertContains(response, 'aria-expanded="false" data-step="submit_estimate"')
        bad = self.client.post(f"/workshop/orders/{order.pk}/lines/new/", {
            "kind": "other", "description": "", "quantity": "1", "unit_price": "10", "pay_type": "A",
            "cause": "fault"}, HTTP_HX_REQUEST="true")
        self.assertContains(bad, 'data-field="description"')
        part = self.client.post(f"/workshop/orders/{order.pk}/lines/new/", {
            "kind": "part", "part": self.oil.pk, "quantity": "2", "pay_type": "A", "cause": "maintenance"})
        self.assertRedirects(part, order.get_absolute_url())
        self.assertEqual(list(order.lines.values_list("kind", "amount")),
                         [("labour", Decimal("150.00")), ("part", Decimal("160.00"))])

    def test_edit_and_remove_a_line(self):
        order = factories.work_order(self.point, advisor=self.advisor)
        line = factories.line(order, kind="other", description="洗车", quantity="1", unit_price="30.00")
        form = self.client.get(f"/workshop/orders/{order.pk}/lines/{line.pk}/edit/", HTTP_HX_REQUEST="true")
        self.assertContains(form, 'id="line-edit-form"')
        response = self.client.post(f"/workshop/orders/{order.pk}/lines/{line.pk}/edit/", {
            "description": "精洗", "quantity": "1", "unit_price": "60.00", "pay_type": "A", "cause": "fault"},
            HTTP_HX_REQUEST="true")
        self.assertContains(response, "精洗")
        line.refresh_from_db()
        self.assertEqual(line.amount, Decimal("60.00"))
        self.client.post(f"/workshop/orders/{order.pk}/lines/{line.pk}/delete/", HTTP_HX_REQUEST="true")
        self.assertFalse(WorkOrderLine.objects.filter(pk=line.pk).exists())

    def test_approved_lines_offer_no_edit(self):
        order = factories.work_order(self.point, status=S.APPROVED, advisor=self.advisor)
        line = order.lines.get()
        page = self.client.get(order.get_absolute_url())
        self.assertNotContains(page, f"/lines/{line.pk}/edit/")
        response = self.client.post(f"/workshop/orders/{order.pk}/lines/{line.pk}/delete/")
        self.assertRedirects(response, order.get_absolute_url(), fetch_redirect_response=False)
        self.assertTrue(WorkOrderLine.objects.filter(pk=line.pk, status=LineStatus.APPROVED).exists())

    def test_submit_and_record_the_signature(self):
        order = factories.work_order(self.point, advisor=self.advisor)
        factories.line(order, kind="part", part=self.oil, quantity=1)
        page = self.client.get(order.get_absolute_url())
        self.assertContains(page, 'data-step="submit_estimate"')
        self.client.post(f"/workshop/orders/{order.pk}/estimate/", {"note": ""})
        order.refresh_from_db()
        self.assertEqual(order.status, S.AWAITING_APPROVAL)
        approval = order.approvals.get()
        page = self.client.get(order.get_absolute_url())
        self.assertContains(page, f'action="/workshop/orders/{order.pk}/approvals/{approval.pk}/decision/"')
        bad = self.client.post(f"/workshop/orders/{order.pk}/approvals/{approval.pk}/decision/", {
            "decision": "approve", "method": "signature", "approver_name": "张三", "signature": ""})
        self.assertEqual(bad.status_code, 422)
        self.assertContains(bad, 'data-field="signature"', status_code=422)
        good = self.client.post(f"/workshop/orders/{order.pk}/approvals/{approval.pk}/decision/", {
            "decision": "approve", "method": "signature", "approver_name": "张三",
            "signature": factories.signature()})
        self.assertRedirects(good, order.get_absolute_url())
        order.refresh_from_db()
        self.assertEqual(order.status, S.APPROVED)
        page = self.client.get(order.get_absolute_url())
        self.assertContains(page, 'data-stock="reserved"')
        self.assertContains(page, 'data-approval-status="approved"')

    def test_send_link_shows_it_once(self):
        order = factories.work_order(self.point, advisor=self.advisor)
        factories.line(order, kind="other", description="检测", quantity=1, unit_price="50.00")
        response = self.client.post(f"/workshop/orders/{order.pk}/estimate/", {"send_link": "on"}, follow=True)
        self.assertContains(response, 'id="approval-link"')
        self.assertContains(response, "/p/approve/")
        again = self.client.get(order.get_absolute_url())
        self.assertNotContains(again, "/p/approve/")

    def test_cancel_needs_a_reason(self):
        order = factories.work_order(self.point, advisor=self.advisor)
        response = self.client.post(f"/workshop/orders/{order.pk}/cancel/", {"reason": ""})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'data-field="reason"', status_code=422)
        self.client.post(f"/workshop/orders/{order.pk}/cancel/", {"reason": "客户改期"})
        order.refresh_from_db()
        self.assertEqual((order.status, order.cancel_reason), (S.CANCELLED, "客户改期"))

    def test_damage_and_photo_on_the_order_page(self):
        order = factories.work_order(self.point, advisor=self.advisor)
        self.client.post(f"/workshop/orders/{order.pk}/damages/new/", {"area": "boot", "kind": "crack"})
        damage = order.damages.get()
        response = self.client.post(f"/workshop/orders/{order.pk}/photos/new/", {
            "image": factories.jpeg_upload(), "caption": "后备箱裂纹", "damage": damage.pk})
        self.assertEqual(response.status_code, 302)
        photo = WorkOrderPhoto.objects.get()
        self.assertEqual((photo.damage, photo.caption), (damage, "后备箱裂纹"))
        image = self.client.get(f"/workshop/orders/{order.pk}/photos/{photo.pk}/")
        self.assertEqual((image.status_code, image["Content-Type"]), (200, "image/jpeg"))
        self.assertTrue(b"".join(image.streaming_content).startswith(b"\xff\xd8"))
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = self.client.post(f"/workshop/orders/{order.pk}/photos/new/", {
            "image": SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")})
        self.assertEqual(fake.status_code, 422)
        self.assertContains(fake, 'data-field="image"', status_code=422)
        self.assertEqual(WorkOrderPhoto.objects.count(), 1)

    def test_photos_of_another_point_are_404(self):
        other = factories.work_order(self.org["b"])
        from aftersales.workshop.services.orders import work_order_photo_add

        admin = factories.staff(self.org["b"], "service_advisor")
        photo = work_order_photo_add(user=admin, order_id=other.pk, image=factories.jpeg_upload())
        self.assertEqual(self.client.get(f"/workshop/orders/{other.pk}/photos/{photo.pk}/").status_code, 404)

    def test_the_technician_sees_the_order_but_no_buttons_and_a_masked_customer(self):
        owner = factories.customer(self.point, name="欧阳娜娜")
        order = factories.work_order(self.point, status=S.AWAITING_APPROVAL, customer=owner,
                                     asset=factories.vehicle(owner))
        self.client.force_login(self.technician)
        page = self.client.get(order.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "欧阳娜娜")
        self.assertContains(page, "欧***")
        self.assertNotContains(page, 'id="line-form"')
        self.assertNotContains(page, "/decision/")
        for url in (f"/workshop/orders/{order.pk}/lines/new/", f"/workshop/orders/{order.pk}/cancel/",
                    f"/workshop/orders/{order.pk}/estimate/", "/workshop/orders/new/"):
            with self.subTest(url):
                self.assertEqual(self.client.post(url, {"kind": "other", "reason": "x"}).status_code, 403)

    def test_the_detail_page_takes_the_same_queries_whatever_the_number_of_lines(self):
        def count(order):
            self.client.get(order.get_absolute_url())  # warm the session
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(order.get_absolute_url()).status_code, 200)
            return len(queries)

        small = factories.work_order(self.point, status=S.IN_REPAIR, advisor=self.advisor)
        big = factories.work_order(self.point, status=S.IN_REPAIR, advisor=self.advisor, lines=[
            {"kind": "labour", "operation": self.job}, {"kind": "part", "part": self.oil, "quantity": 2},
            {"kind": "sublet", "unit_price": "300"}, {"kind": "other", "pay_type": "D"},
            {"kind": "labour", "pay_type": "C"}, {"kind": "part", "quantity": 1}, {"kind": "labour"}])
        for order in (small, big):  # the same guard answers for both (a supplement not yet put to the customer)
            factories.line(order, kind="other", is_supplement=True)
        for area in ("roof", "boot", "bonnet"):
            WorkOrderDamage.objects.create(work_order=big, area=area, kind="dent")
        self.assertEqual(count(big), count(small))

    def test_list_filters_and_export(self):
        mine = factories.work_order(self.point, advisor=self.advisor, status=S.IN_REPAIR)
        factories.work_order(self.point, status=S.RECEPTION)
        page = self.client.get("/workshop/orders/", {"status": "in_repair"})
        self.assertContains(page, mine.number)
        self.assertEqual(len(page.context["orders"]), 1)
        export = self.client.get("/workshop/orders/", {"status": "in_repair", "export": "xlsx"})
        import io

        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
        self.assertEqual([row[0] for row in rows[1:]], [mine.number])


class CheckInPhotoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.advisor = factories.staff(cls.org["a"], "service_advisor")

    def setUp(self):
        self.client.force_login(self.advisor)

    def test_photos_taken_at_check_in_are_kept_with_the_order(self):
        _owner, car = factories.customer_with_vehicle(self.org["a"], mileage=None)
        response = self.client.post("/workshop/orders/new/", {
            "service_point": self.org["a"].pk, "asset": car.pk, "service_type": "repair",
            "photos": [factories.jpeg_upload("front.jpg"), factories.jpeg_upload("side.jpg")]})
        order = WorkOrder.objects.get()
        self.assertRedirects(response, order.get_absolute_url())
        self.assertEqual(order.photos.count(), 2)

    def test_a_bad_photo_opens_nothing_and_is_shown_beside_the_field(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        _owner, car = factories.customer_with_vehicle(self.org["a"], mileage=None)
        response = self.client.post("/workshop/orders/new/", {
            "service_point": self.org["a"].pk, "asset": car.pk, "service_type": "repair",
            "photos": [factories.jpeg_upload(), SimpleUploadedFile("x.png", b"not a png", content_type="image/png")]})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-field="photos"')
        self.assertEqual((WorkOrder.objects.count(), WorkOrderPhoto.objects.count()), (0, 0))
