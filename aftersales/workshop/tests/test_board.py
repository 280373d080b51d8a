"""The advisor's day board: appointments of the day, open orders by state, settled/delivered that day."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from aftersales.appointments.tests.factories import appointment as make_appointment
from aftersales.core.testing import bearer
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.selectors.orders import day_board, mask_name

from . import factories

S = WorkOrderStatus


class BoardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.point = cls.org["a"]
        cls.advisor = factories.staff(cls.point, "service_advisor")
        cls.colleague = factories.staff(cls.point, "service_advisor")
        cls.technician = factories.staff(cls.point, "technician")
        now = timezone.now()
        cls.orders = {status: factories.work_order(cls.point, status=status, advisor=cls.advisor)
                      for status in (S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.IN_REPAIR, S.QUALITY_CHECK,
                                     S.READY_FOR_SETTLEMENT)}
        cls.colleagues = factories.work_order(cls.point, status=S.IN_REPAIR, advisor=cls.colleague)
        cls.settled_today = factories.work_order(cls.point, status=S.SETTLED, settled_at=now)
        cls.delivered_today = factories.work_order(cls.point, status=S.DELIVERED, settled_at=now - dt.timedelta(days=2),
                                                   delivered_at=now)
        cls.settled_before = factories.work_order(cls.point, status=S.DELIVERED,
                                                  settled_at=now - dt.timedelta(days=3),
                                                  delivered_at=now - dt.timedelta(days=2))
        cls.cancelled = factories.work_order(cls.point, status=S.CANCELLED)
        cls.elsewhere = factories.work_order(cls.org["b"], status=S.IN_REPAIR)
        start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        cls.today = make_appointment(cls.point, starts_at=start)
        cls.tomorrow = make_appointment(cls.point, starts_at=start + dt.timedelta(days=1))
        cls.other_point = make_appointment(cls.org["b"], starts_at=start)

    def test_columns_by_state(self):
        board = day_board(user=self.advisor)
        columns = {c.status: [o.pk for o in c.cards] for c in board.columns}
        self.assertEqual(columns[S.IN_REPAIR], sorted([self.orders[S.IN_REPAIR].pk, self.colleagues.pk]))
        for status in (S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.QUALITY_CHECK, S.READY_FOR_SETTLEMENT):
            self.assertEqual(columns[status], [self.orders[status].pk])
        self.assertEqual({o.pk for o in board.done}, {self.settled_today.pk, self.delivered_today.pk})
        self.assertEqual([a.pk for a in board.appointments], [self.today.pk])
        awaiting = next(c for c in board.columns if c.status == S.AWAITING_APPROVAL).cards[0]
        self.assertTrue(awaiting.pending_approval)
        self.assertEqual({c.status: c.count for c in board.columns}[S.IN_REPAIR], 2)

    def test_filter_by_advisor_and_day(self):
        board = day_board(user=self.advisor, advisor_id=self.colleague.pk)
        self.assertEqual([o.pk for c in board.columns for o in c.cards], [self.colleagues.pk])
        tomorrow = day_board(user=self.advisor, day=timezone.localdate() + dt.timedelta(days=1))
        self.assertEqual([a.pk for a in tomorrow.appointments], [self.tomorrow.pk])
        self.assertEqual(tomorrow.done, [])

    def test_the_customer_is_masked_for_roles_without_personal_data(self):
        name = self.orders[S.IN_REPAIR].customer.name
        card = next(o for c in day_board(user=self.technician).columns for o in c.cards
                    if o.pk == self.orders[S.IN_REPAIR].pk)
        self.assertEqual(card.customer_label, mask_name(name))
        self.assertNotEqual(card.customer_label, name)
        card = next(o for c in day_board(user=self.advisor).columns for o in c.cards
                    if o.pk == self.orders[S.IN_REPAIR].pk)
        self.assertEqual(card.customer_label, name)

    def test_the_api(self):
        headers = bearer(self.advisor)
        self.client.get("/api/v1/day-board", **headers)
        with self.assertNumQueries(11):
            response = self.client.get("/api/v1/day-board", {"point_id": self.point.pk}, **headers)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["point_id"], self.point.pk)
        self.assertEqual([c["status"] for c in body["columns"]], ["reception", "awaiting_approval", "approved",
                                                                  "in_repair", "quality_check", "ready_for_settlement"])
        self.assertEqual(body["appointments"][0]["id"], self.today.pk)
        self.assertEqual(self.client.get("/api/v1/day-board", {"point_id": self.org["b"].pk},
                                         **headers).status_code, 404)
        self.assertEqual(self.client.get("/api/v1/day-board", {"point_id": 2**64}, **headers).status_code, 422)
        self.assertEqual(self.client.get("/api/v1/day-board", {"date": "2026-02-30"}, **headers).status_code, 422)
        self.assertEqual(self.client.get("/api/v1/day-board").status_code, 401)
        cashier = factories.staff(self.org["a"], "cashier")
        self.assertEqual(self.client.get("/api/v1/day-board", **bearer(cashier)).status_code, 200)
        nobody = factories.staff(self.org["a"], "dispatcher")
        self.assertEqual(self.client.get("/api/v1/day-board", **bearer(nobody)).status_code, 403)

    def test_the_page(self):
        self.client.force_login(self.advisor)
        page = self.client.get("/workshop/")
        self.assertEqual(page.status_code, 200)
        for order in (*self.orders.values(), self.settled_today):
            self.assertContains(page, f'data-order="{order.pk}"')
        self.assertNotContains(page, f'data-order="{self.elsewhere.pk}"')
        self.assertNotContains(page, f'data-order="{self.cancelled.pk}"')
        self.assertContains(page, f'data-appointment="{self.today.pk}"')
        self.assertContains(page, f"/workshop/orders/new/?appointment={self.today.pk}")
        other = self.client.get("/workshop/", {"point": self.org["b"].pk})
        self.assertEqual(other.status_code, 404)
        self.client.force_login(factories.staff(self.org["a"], "dispatcher"))
        self.assertEqual(self.client.get("/workshop/").status_code, 403)

    def test_the_board_takes_the_same_queries_for_more_orders(self):
        headers = bearer(self.advisor)
        self.client.get("/api/v1/day-board", **headers)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as before:
            self.client.get("/api/v1/day-board", {"point_id": self.point.pk}, **headers)
        for status in (S.RECEPTION, S.IN_REPAIR, S.APPROVED):
            for _ in range(3):
                factories.work_order(self.point, status=status)
        with CaptureQueriesContext(connection) as after:
            self.client.get("/api/v1/day-board", {"point_id": self.point.pk}, **headers)
        self.assertEqual(len(after), len(before))

    def test_mask_name(self):
        self.assertEqual([mask_name(n) for n in ("张三", "欧阳娜娜", "A", "")], ["张*", "欧***", "A*", ""])

    def test_the_page_takes_the_same_queries_for_more_orders_and_appointments(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.advisor)
        self.client.get("/workshop/")
        with CaptureQueriesContext(connection) as before:
            self.client.get("/workshop/")
        start = timezone.localtime().replace(hour=15, minute=0, second=0, microsecond=0)
        for status in (S.RECEPTION, S.IN_REPAIR, S.SETTLED):
            for _ in range(3):
                factories.work_order(self.point, status=status, advisor=self.colleague, settled_at=timezone.now())
        for hour in range(3):
            make_appointment(self.point, starts_at=start + dt.timedelta(minutes=hour), advisor=self.colleague)
        with CaptureQueriesContext(connection) as after:
            self.client.get("/workshop/")
        self.assertEqual(len(after), len(before))
