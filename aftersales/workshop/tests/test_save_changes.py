"""``WorkOrder.save_changes``: a step writes the columns it changed (and ``updated_at``), not all sixty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import WorkOrder

from . import factories

pytestmark = pytest.mark.django_db


def _update_sql(captured) -> str:
    updates = [q["sql"] for q in captured if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    return updates[0]


def test_only_the_changed_columns_are_written():
    order = WorkOrder.objects.get(pk=factories.work_order(factories.org()["a"]).pk)
    order.status = WorkOrderStatus.AWAITING_APPROVAL
    order.diagnosis = "刹车异响"
    with CaptureQueriesContext(connection) as captured:
        order.save_changes()
    sql = _update_sql(captured)
    assert '"status"' in sql and '"diagnosis"' in sql and '"updated_at"' in sql
    assert '"concerns"' not in sql and '"number"' not in sql
    stored = WorkOrder.objects.get(pk=order.pk)
    assert (stored.status, stored.diagnosis) == (WorkOrderStatus.AWAITING_APPROVAL, "刹车异响")


def test_a_second_save_writes_only_what_changed_since_the_first():
    order = WorkOrder.objects.get(pk=factories.work_order(factories.org()["a"]).pk)
    order.diagnosis = "one"
    order.save_changes()
    order.concerns = "two"
    with CaptureQueriesContext(connection) as captured:
        order.save_changes()
    sql = _update_sql(captured)
    assert '"concerns"' in sql and '"diagnosis"' not in sql


def test_an_instance_not_read_from_the_database_is_saved_whole():
    made = factories.work_order(factories.org()["a"])
    order = WorkOrder(**{f.attname: getattr(made, f.attname) for f in WorkOrder._meta.concrete_fields})
    order._state.adding = False
    order.diagnosis = "whole"
    with CaptureQueriesContext(connection) as captured:
        order.save_changes()
    assert '"concerns"' in _update_sql(captured)
    assert WorkOrder.objects.get(pk=made.pk).diagnosis == "whole"


def test_a_column_left_out_of_the_read_and_set_since_is_written():
    made = factories.work_order(factories.org()["a"])
    order = WorkOrder.objects.only("id", "status", "updated_at").get(pk=made.pk)
    order.diagnosis = "set on a deferred column"
    with CaptureQueriesContext(connection) as captured:
        order.save_changes()
    sql = _update_sql(captured)
    assert '"diagnosis"' in sql and '"concerns"' not in sql
    assert WorkOrder.objects.get(pk=made.pk).diagnosis == "set on a deferred column"
