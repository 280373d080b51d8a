"""Two people at the same moment: paying the last balance, settling one order, taking the last part.

Real transactions in two threads (each with its own connection) released together by a barrier. The
first one through is slowed down while it holds its row lock, so without the lock both would read the
same balance or stock and both would succeed; with it the second waits and sees the first's result.
PostgreSQL only: SQLite has no row locks (it locks the whole database for each writer).
"""

import threading
import time
from decimal import Decimal
from unittest import mock, skipUnless

from django.db import close_old_connections, connection
from django.test import TransactionTestCase

from aftersales.core.errors import ApplicationError
from aftersales.parts.models import Stock
from aftersales.workshop.choices import ApprovalStatus, JobStatus, LineKind, StockState, WorkOrderStatus
from aftersales.workshop.models import Payment, WorkOrder, WorkOrderEvent, WorkOrderLine
from aftersales.workshop.services import settlement
from aftersales.workshop.services import stock as order_stock
from aftersales.workshop.services.transitions import work_order_transition

from . import factories

S = WorkOrderStatus
HOLD = 0.4  # seconds the first one keeps its lock


def slowed(original):
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(HOLD)
        return result
    return wrapper


def race(*calls):
    """Run the calls in threads started together; each result is ("ok", value) or ("error", exception)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except ApplicationError as exc:
            results[i] = ("error", exc)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[i] = ("crash", exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@skipUnless(connection.vendor == "postgresql", "row locks are a PostgreSQL matter; SQLite serialises all writers")
class ConcurrencyTests(TransactionTestCase):
    def setUp(self):
        self.org = factories.org()
        self.cashier = factories.staff(self.org["a"], "cashier")
        self.cashier2 = factories.staff(self.org["a"], "cashier")
        self.advisor = factories.staff(self.org["a"], "service_advisor")
        self.tech = factories.staff(self.org["a"], "technician")

    def outcomes(self, results):
        self.assertFalse([r for r in results if r[0] == "crash"], results)
        return sorted(kind for kind, _value in results)

    def test_two_cashiers_paying_the_last_balance(self):
        order = factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT)
        self.assertEqual(order.balance, Decimal("100.00"))

        def pay(user):
            return lambda: settlement.payment_record(user=user, order_id=order.pk,
                                                     data={"method": "cash", "amount": "100.00"})

        with mock.patch.object(settlement, "order_recompute_totals", slowed(settlement.order_recompute_totals)):
            results = race(pay(self.cashier), pay(self.cashier2))
        self.assertEqual(self.outcomes(results), ["error", "ok"])
        error = next(value for kind, value in results if kind == "error")
        self.assertEqual((error.status, error.code), (409, "overpayment"))
        order.refresh_from_db()
        self.assertEqual((order.paid_total, order.balance), (Decimal("100.00"), Decimal("0.00")))
        self.assertEqual(Payment.objects.filter(work_order=order).count(), 1)

    def test_two_settlements_of_one_order(self):
        order = factories.work_order(self.org["a"], status=S.READY_FOR_SETTLEMENT)

        def settle(user, method):
            return lambda: settlement.work_order_settle(user=user, order_id=order.pk,
                                                        payments=[{"method": method, "amount": "100.00"}])

        with mock.patch.object(settlement, "order_recompute_totals", slowed(settlement.order_recompute_totals)):
            results = race(settle(self.cashier, "cash"), settle(self.cashier2, "wechat"))
        self.assertEqual(self.outcomes(results), ["error", "ok"])
        self.assertEqual(next(value for kind, value in results if kind == "error").status, 409)
        order.refresh_from_db()
        self.assertEqual((order.status, order.balance, order.paid_total),
                         (S.SETTLED, Decimal("0.00"), Decimal("100.00")))
        self.assertEqual(WorkOrderEvent.objects.filter(work_order=order, kind="settle").count(), 1)
        self.assertEqual(Payment.objects.filter(work_order=order).count(), 1)

    def test_two_orders_reserving_the_last_unit(self):
        pump = factories.part_in_stock(self.org["a"], on_hand=1)
        orders = []
        for _ in range(2):
            order = factories.work_order(self.org["a"], status=S.AWAITING_APPROVAL,
                                         lines=[{"kind": LineKind.PART, "part": pump}])
            order.approvals.update(status=ApprovalStatus.APPROVED)
            order.lines.update(status="approved")
            orders.append(order)

        def approve(order):
            return lambda: work_order_transition(user=self.advisor, order=order.pk, name="approve")

        with mock.patch.object(order_stock, "stock_reserve", slowed(order_stock.stock_reserve)):
            results = race(approve(orders[0]), approve(orders[1]))
        self.assertEqual(self.outcomes(results), ["ok", "ok"], "an order short of stock is still approved")
        states = sorted(WorkOrderLine.objects.filter(part=pump).values_list("stock_state", flat=True))
        self.assertEqual(states, sorted([StockState.RESERVED, StockState.SHORT]))
        row = Stock.objects.get(part=pump)
        self.assertEqual((row.on_hand, row.reserved), (Decimal("1"), Decimal("1")))

    def test_two_orders_issuing_the_last_unit(self):
        pump = factories.part_in_stock(self.org["a"], on_hand=1)
        orders = []
        for _ in range(2):
            order = factories.work_order(self.org["a"], status=S.IN_REPAIR,
                                         lines=[{"kind": LineKind.LABOUR}, {"kind": LineKind.PART, "part": pump}])
            order.lines.filter(kind=LineKind.LABOUR).update(job_status=JobStatus.DONE)
            orders.append(order)

        def finish(order):
            return lambda: work_order_transition(user=self.tech, order=order.pk, name="finish_repair")

        with mock.patch.object(order_stock, "stock_issue", slowed(order_stock.stock_issue)):
            results = race(finish(orders[0]), finish(orders[1]))
        self.assertEqual(self.outcomes(results), ["error", "ok"])
        error = next(value for kind, value in results if kind == "error")
        self.assertEqual((error.status, error.code), (409, "insufficient_stock"))
        row = Stock.objects.get(part=pump)
        self.assertEqual((row.on_hand, row.reserved), (Decimal("0"), Decimal("0")))
        self.assertEqual(sorted(WorkOrder.objects.filter(pk__in=[o.pk for o in orders])
                                .values_list("status", flat=True)), sorted([S.IN_REPAIR, S.QUALITY_CHECK]))
