"""The insurer's money at the same moment from two sides: never paid twice, never above its balance.

Real transactions in two threads (each with its own connection) released together; whoever holds
the order's row lock first is slowed down, so without the locks both would read the same insurer
balance and both would pay. PostgreSQL only: SQLite serialises all writers anyway.
"""

import threading
import time
from decimal import Decimal
from unittest import mock, skipUnless

from django.db import close_old_connections, connection
from django.test import TransactionTestCase

from aftersales.core.errors import ApplicationError
from aftersales.core.testing import make_org, make_user
from aftersales.workshop.models import Payment, WorkOrder
from aftersales.workshop.services import settlement
from aftersales.workshop.services.transitions import locked_order

from ..choices import ClaimStatus
from ..models import InsuranceClaim
from ..services import insurance_claim_transition
from ..services import money as claim_money
from .helpers import accident_order, claim_at

HOLD = 0.4


def slow_lock(*args, **kwargs):
    order = locked_order(*args, **kwargs)
    time.sleep(HOLD)
    return order


def race(*calls):
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
class InsurerPaymentRaceTests(TransactionTestCase):
    def setUp(self):
        self.org = make_org()
        self.a = self.org["a"]
        self.clerk = make_user("clerk", point=self.a, role="claims_clerk")
        self.clerk2 = make_user("clerk2", point=self.a, role="claims_clerk")
        self.cashier = make_user("cashier", point=self.a, role="cashier")
        self.order = accident_order(self.a, amount="5000.00")
        self.claim = claim_at(self.clerk, self.order, ClaimStatus.SUBMITTED)  # share 3500, order settled

    def outcomes(self, results):
        self.assertFalse([r for r in results if r[0] == "crash"], results)
        return sorted(kind for kind, _value in results)

    def pay(self, user):
        return lambda: insurance_claim_transition(user=user, claim=self.claim.pk, name="pay",
                                                  data={"paid_amount": "3500.00"})

    def test_two_clerks_recording_the_insurers_payment(self):
        with mock.patch.object(claim_money, "locked_order", slow_lock):
            results = race(self.pay(self.clerk), self.pay(self.clerk2))
        self.assertEqual(self.outcomes(results), ["error", "ok"])
        error = next(value for kind, value in results if kind == "error")
        self.assertEqual(error.status, 409)
        self.assertEqual(Payment.objects.filter(work_order=self.order).count(), 1)
        self.assertEqual(InsuranceClaim.objects.get(pk=self.claim.pk).status, ClaimStatus.PAID)

    def test_the_claim_and_the_cashier_taking_the_insurers_money_at_once(self):
        def cashier_takes_it():
            return settlement.payment_record(user=self.cashier, order_id=self.order.pk, data={
                "payer": "insurer", "method": "insurer", "amount": "3500.00", "reference": "转账"})

        with mock.patch.object(claim_money, "locked_order", slow_lock), \
                mock.patch.object(settlement, "locked_order", slow_lock):
            results = race(self.pay(self.clerk), cashier_takes_it)

        self.assertEqual(self.outcomes(results), ["error", "ok"])
        order = WorkOrder.objects.get(pk=self.order.pk)
        self.assertEqual(sum(p.amount for p in Payment.objects.filter(work_order=order)), Decimal("3500.00"))
        self.assertEqual(order.insurer_balance, Decimal("0.00"))
