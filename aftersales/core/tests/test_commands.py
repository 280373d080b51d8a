"""``command()``: the outermost opens the transaction, nested ones join it without a savepoint, and an
error anywhere rolls the whole command back."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from aftersales.core.commands import command
from aftersales.core.models import DocumentSequence as Row

pytestmark = pytest.mark.django_db


def _savepoints(captured) -> int:
    return sum(q["sql"].startswith("SAVEPOINT") for q in captured)


def test_nested_commands_take_no_savepoint_of_their_own():
    # inside the test's transaction the outermost takes a savepoint, as atomic() does
    with CaptureQueriesContext(connection) as captured, command(), command(), command():
        Row.objects.count()
    assert _savepoints(captured) == 1


def test_an_error_in_a_nested_command_rolls_the_whole_command_back():
    with pytest.raises(ValueError), command():
        Row.objects.create(series="CMD-1")
        with command():
            Row.objects.create(series="CMD-2")
            raise ValueError("step failed")
    assert not Row.objects.filter(series__startswith="CMD-").exists()
    assert Row.objects.count() >= 0  # the surrounding transaction is still usable


def test_an_explicit_atomic_inside_a_command_keeps_its_savepoint():
    with command():
        Row.objects.create(series="CMD-3")
        with pytest.raises(ValueError), transaction.atomic():
            Row.objects.create(series="CMD-4")
            raise ValueError("caught")
    assert set(Row.objects.filter(series__startswith="CMD-").values_list("series", flat=True)) == {"CMD-3"}


def test_after_a_command_the_next_one_is_outermost_again():
    with command():
        pass
    with CaptureQueriesContext(connection) as captured, command(), command():
        Row.objects.count()
    assert _savepoints(captured) == 1
