"""Goods that arrive for a part short on open work-order lines at that point are reserved for them."""

import json
from decimal import Decimal
from unittest import mock

from django.test import TestCase

from aftersales.core.testing import bearer, make_org, make_user
from aftersales.parts.models import StockMovement
from aftersales.parts.services import stock_receipt
from aftersales.workshop.choices import LineStatus, StockState, WorkOrderStatus
from aftersales.workshop.models import WorkOrderEvent

from .factories import part, short_line, stock, work_order


class ReceiptReservesShortLinesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.clerk = make_user("clerk", point=cls.a, role="parts_clerk")
        cls.pads = part("1K0698151", name="刹车片 前", category="brake", unit="set")
        cls.row = stock(cls.a, cls.pads, on_hand="0")

    def receive(self, quantity):
        return stock_receipt(user=self.clerk, pk=self.row.pk, quantity=quantity, delivery_note="DN-9")

    def test_the_oldest_order_gets_the_parts_first(self):
        newer = short_line(work_order(self.a, opened_minutes_ago=10), self.pads, "2")
        older = short_line(work_order(self.a, opened_minutes_ago=90), self.pads, "2")
        result = self.receive(3)
        older.refresh_from_db()
        newer.refresh_from_db()
        self.assertEqual((older.stock_state, older.reserved_quantity, older.stock_id),
                         (StockState.RESERVED, Decimal("2"), self.row.pk))
        self.assertEqual((newer.stock_state, newer.reserved_quantity), (StockState.SHORT, Decimal("0")))
        self.row.refresh_from_db()
        self.assertEqual((self.row.on_hand, self.row.reserved), (Decimal("3"), Decimal("2")))
        self.assertEqual([(r.line_id, r.quantity) for r in result.reserved], [(older.pk, Decimal("2"))])
        self.assertEqual(result.message, f"Received 3 of 1K0698151; 3 on hand. Reserved for work orders waiting "
                                         f"for it: {older.work_order.number} (2).")

    def test_a_later_line_that_fits_is_served_when_an_earlier_one_does_not(self):
        big = short_line(work_order(self.a, opened_minutes_ago=90), self.pads, "4")
        small = short_line(work_order(self.a, opened_minutes_ago=10), self.pads, "1")
        self.receive(2)
        big.refresh_from_db()
        small.refresh_from_db()
        self.assertEqual((big.stock_state, small.stock_state), (StockState.SHORT, StockState.RESERVED))

    def test_each_order_gets_an_event_on_its_timeline(self):
        line = short_line(work_order(self.a), self.pads, "1", sequence=3)
        result = self.receive(1)
        event = WorkOrderEvent.objects.get(work_order=line.work_order, kind="parts_reserved")
        self.assertEqual(event.note, "1 × 1K0698151 arrived and were reserved for line 3.")
        self.assertEqual(event.data, {"line_id": line.pk, "quantity": "1.00", "receipt_id": result.movement.pk})
        self.assertEqual(event.actor, self.clerk)

    def test_the_reservation_is_a_movement_of_the_line(self):
        line = short_line(work_order(self.a), self.pads, "2")
        self.receive(5)
        kinds = list(StockMovement.objects.filter(stock=self.row).order_by("id")
                     .values_list("kind", "quantity", "work_order_line_id"))
        self.assertEqual(kinds, [("receipt", Decimal("5"), None), ("reserve", Decimal("2"), line.pk)])

    def test_lines_that_are_not_waiting_are_left_alone(self):
        closed = short_line(work_order(self.a, status=WorkOrderStatus.CANCELLED), self.pads, "1")
        declined = short_line(work_order(self.a), self.pads, "1", status=LineStatus.DECLINED)
        reserved = short_line(work_order(self.a), self.pads, "1", stock_state=StockState.RESERVED)
        elsewhere = short_line(work_order(self.b), self.pads, "1")
        other_part = short_line(work_order(self.a), part(), "1")
        result = self.receive(10)
        self.assertEqual(result.reserved, [])
        for line in (closed, declined, elsewhere, other_part):
            line.refresh_from_db()
            self.assertEqual(line.stock_state, StockState.SHORT)
        reserved.refresh_from_db()
        self.assertEqual(reserved.reserved_quantity, Decimal("0"))
        self.row.refresh_from_db()
        self.assertEqual(self.row.reserved, Decimal("0"))

    def test_partly_issued_line_gets_only_what_it_still_needs(self):
        line = short_line(work_order(self.a), self.pads, "3", issued_quantity=Decimal("1"))
        self.receive(5)
        line.refresh_from_db()
        self.assertEqual((line.reserved_quantity, line.stock_state), (Decimal("2"), StockState.RESERVED))

    def test_a_failure_while_reserving_leaves_nothing_half_written(self):
        line = short_line(work_order(self.a), self.pads, "1")
        with mock.patch("aftersales.workshop.models.WorkOrderEvent.objects.create", side_effect=RuntimeError("x")), \
                self.assertRaises(RuntimeError):
            self.receive(4)
        self.row.refresh_from_db()
        line.refresh_from_db()
        self.assertEqual((self.row.on_hand, self.row.reserved), (Decimal("0"), Decimal("0")))
        self.assertEqual(line.stock_state, StockState.SHORT)
        self.assertFalse(StockMovement.objects.exists())

    def test_the_api_answers_with_the_lines_it_served(self):
        line = short_line(work_order(self.a), self.pads, "2")
        response = self.client.post(f"/api/v1/stock/{self.row.pk}/receipts", json.dumps({"quantity": "2"}),
                                    content_type="application/json", **bearer(self.clerk))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["reserved_for_lines"], [{"line_id": line.pk, "work_order_id": line.work_order_id,
                                                       "work_order_number": line.work_order.number,
                                                       "quantity": "2.00"}])
        self.assertEqual((body["stock"]["reserved"], body["stock"]["available"]), ("2.00", "0.00"))
