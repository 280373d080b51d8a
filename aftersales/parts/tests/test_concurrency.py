"""Two people moving the same stock at the same moment (PostgreSQL: real row locks, two connections).

Each thread runs its own transaction; a barrier starts them together. Whatever the interleaving,
on hand and reserved never go below zero and always equal what the movements add up to.
"""

import threading
from decimal import Decimal
from unittest import skipUnless

from django.db import IntegrityError, connection, connections, transaction
from django.test import TestCase, TransactionTestCase

from aftersales.core.testing import make_org, make_user
from aftersales.parts.models import Stock, StockMovement
from aftersales.parts.services import (
    InsufficientStockError,
    stock_issue,
    stock_receipt,
    stock_receive,
    stock_reserve,
)
from aftersales.workshop.choices import StockState

from .factories import part, short_line, stock, work_order

ON_POSTGRESQL = connection.vendor == "postgresql"
WHY = "row locks are exercised on PostgreSQL; SQLite serialises every writer anyway"


def run_together(*jobs, timeout: float = 30):
    """Run each job in its own thread and database connection, started at the same moment.

    Returns one outcome per job: its return value or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=timeout)
            with transaction.atomic():
                outcomes[index] = job()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes


def balance_of(row: Stock) -> tuple[Decimal, Decimal]:
    """(on hand, reserved) as the movements add them up from zero, checking every step on the way: each
    movement's "after" quantities follow from the one before, and neither ever falls below zero."""
    on_hand = reserved = Decimal("0")
    for m in StockMovement.objects.filter(stock=row).order_by("id"):
        if m.kind in ("receipt", "adjustment", "return"):
            on_hand += m.quantity
        elif m.kind == "reserve":
            reserved += m.quantity
        elif m.kind == "release":
            reserved -= m.quantity
        elif m.kind == "issue":
            on_hand -= m.quantity
            taken_from_reservation = reserved - m.reserved_after
            if not Decimal("0") <= taken_from_reservation <= m.quantity:
                raise AssertionError(f"issue {m.pk} took {taken_from_reservation} from the reservation")
            reserved = m.reserved_after
        if (on_hand, reserved) != (m.on_hand_after, m.reserved_after) or on_hand < 0 or reserved < 0:
            raise AssertionError(f"movement {m.pk}: {on_hand}/{reserved} != {m.on_hand_after}/{m.reserved_after}")
    return on_hand, reserved


@skipUnless(ON_POSTGRESQL, WHY)
class ConcurrentStockTests(TransactionTestCase):
    def setUp(self):
        self.org = make_org()
        self.point = self.org["a"]
        self.row = stock(self.point, part("LAST-1", name="蓄电池"))
        stock_receive(stock=self.row, quantity=1, reference="opening")

    def assertConsistent(self):
        self.row.refresh_from_db()
        self.assertGreaterEqual(self.row.on_hand, 0)
        self.assertGreaterEqual(self.row.reserved, 0)
        self.assertLessEqual(self.row.reserved, self.row.on_hand)
        self.assertEqual(balance_of(self.row), (self.row.on_hand, self.row.reserved))
        last = StockMovement.objects.filter(stock=self.row).order_by("-id").first()
        self.assertEqual((last.on_hand_after, last.reserved_after), (self.row.on_hand, self.row.reserved))

    def test_two_reservations_of_the_last_unit_one_wins(self):
        outcomes = run_together(lambda: stock_reserve(stock=self.row.pk, quantity=1),
                                lambda: stock_reserve(stock=self.row.pk, quantity=1))
        self.assertEqual(sorted(type(o).__name__ for o in outcomes), ["InsufficientStockError", "StockMovement"])
        loser = next(o for o in outcomes if isinstance(o, InsufficientStockError))
        self.assertEqual(loser.status, 409)
        self.assertEqual(loser.available, Decimal("0"))
        self.row.refresh_from_db()
        self.assertEqual((self.row.on_hand, self.row.reserved), (Decimal("1"), Decimal("1")))
        self.assertConsistent()

    def test_two_issues_of_the_last_unit_one_wins(self):
        outcomes = run_together(lambda: stock_issue(stock=self.row.pk, quantity=1),
                                lambda: stock_issue(stock=self.row.pk, quantity=1))
        self.assertEqual(sorted(type(o).__name__ for o in outcomes), ["InsufficientStockError", "StockMovement"])
        self.row.refresh_from_db()
        self.assertEqual((self.row.on_hand, self.row.reserved), (Decimal("0"), Decimal("0")))
        self.assertConsistent()

    def test_issue_of_a_reserved_unit_and_a_free_issue_cannot_both_take_it(self):
        stock_reserve(stock=self.row.pk, quantity=1)
        outcomes = run_together(lambda: stock_issue(stock=self.row.pk, quantity=1, from_reserved=1),
                                lambda: stock_issue(stock=self.row.pk, quantity=1))
        self.assertIsInstance(outcomes[0], StockMovement)
        self.assertIsInstance(outcomes[1], InsufficientStockError)
        self.assertConsistent()

    def test_receipts_and_issues_interleaved_stay_consistent(self):
        def receipts():
            for _ in range(10):
                with transaction.atomic():
                    stock_receive(stock=self.row.pk, quantity=1)

        def issues():
            done = 0
            for _ in range(15):
                try:
                    with transaction.atomic():
                        stock_issue(stock=self.row.pk, quantity=1)
                    done += 1
                except InsufficientStockError:
                    pass
            return done

        outcomes = run_together(receipts, issues, issues)
        self.assertFalse([o for o in outcomes if isinstance(o, Exception)], outcomes)
        issued = outcomes[1] + outcomes[2]
        self.row.refresh_from_db()
        self.assertEqual(self.row.on_hand, Decimal(1 + 10 - issued))
        self.assertEqual(StockMovement.objects.filter(stock=self.row, kind="issue").count(), issued)
        self.assertConsistent()

    def test_two_receipts_reserve_a_short_line_once(self):
        clerk = make_user("clerk", point=self.point, role="parts_clerk")
        stock_issue(stock=self.row.pk, quantity=1)  # nothing left: the line below is short
        line = short_line(work_order(self.point), self.row.part, "1")
        outcomes = run_together(lambda: stock_receipt(user=clerk, pk=self.row.pk, quantity=1),
                                lambda: stock_receipt(user=clerk, pk=self.row.pk, quantity=1))
        self.assertFalse([o for o in outcomes if isinstance(o, Exception)], outcomes)
        self.assertEqual(sorted(len(o.reserved) for o in outcomes), [0, 1])
        line.refresh_from_db()
        self.assertEqual((line.stock_state, line.reserved_quantity), (StockState.RESERVED, Decimal("1")))
        self.row.refresh_from_db()
        self.assertEqual((self.row.on_hand, self.row.reserved), (Decimal("2"), Decimal("1")))
        self.assertConsistent()


class DatabaseConstraintTests(TestCase):
    """The check constraints refuse what the services would never write, even behind their back."""

    @classmethod
    def setUpTestData(cls):
        cls.row = stock(make_org()["a"], on_hand="2", reserved="1")

    def refused(self, **values):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Stock.objects.filter(pk=self.row.pk).update(**values)

    def test_negative_on_hand_is_refused(self):
        self.refused(on_hand=Decimal("-1"), reserved=0)

    def test_negative_reservation_is_refused(self):
        self.refused(reserved=Decimal("-1"))

    def test_reserving_more_than_on_hand_is_refused(self):
        self.refused(reserved=Decimal("3"))

    def test_the_row_is_unchanged_afterwards(self):
        self.refused(on_hand=Decimal("-5"))
        self.row.refresh_from_db()
        self.assertEqual((self.row.on_hand, self.row.reserved), (Decimal("2"), Decimal("1")))
