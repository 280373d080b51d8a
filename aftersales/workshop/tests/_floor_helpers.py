"""Given-steps of the floor and cashier tests, on top of the shared ``factories``: staff of every role at
point A (and an advisor and a technician at B), and orders carried along the real services."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

from aftersales.core.testing import bearer

from ..choices import LineKind, WorkOrderStatus
from ..models import QcChecklist, TimeEntry, WorkOrder, WorkOrderLine
from ..selectors.floor import checklist_for
from ..services import jobs, qc, settlement
from . import factories

S = WorkOrderStatus


def staff_of(org) -> dict:
    a, b = org["a"], org["b"]
    people = {
        "advisor": factories.staff(a, "service_advisor"),
        "tech": factories.staff(a, "technician"),
        "tech2": factories.staff(a, "technician"),
        "inspector": factories.staff(a, "qc_inspector"),
        "cashier": factories.staff(a, "cashier", discount_limit_percent=Decimal("5.00")),
        "manager": factories.staff(a, "point_manager"),
        "parts": factories.staff(a, "parts_clerk"),
        "claims": factories.staff(a, "claims_clerk"),
        "advisor_b": factories.staff(b, "service_advisor"),
        "tech_b": factories.staff(b, "technician"),
        "cashier_b": factories.staff(b, "cashier"),
        "inspector_b": factories.staff(b, "qc_inspector"),
        "manager_b": factories.staff(b, "point_manager"),
        "hq": factories.staff(org["hq"], "hq_manager"),
    }
    return people


def approved_order(point, advisor=None, *, hours=("1.00",), parts=(), **fields) -> WorkOrder:
    """An approved order with one labour line per entry of ``hours`` (and ``parts``: line kwargs)."""
    lines = [{"kind": LineKind.LABOUR, "quantity": h} for h in hours] + [{"kind": LineKind.PART, **p} for p in parts]
    return factories.work_order(point, status=S.APPROVED, advisor=advisor, lines=lines, **fields)


def jobs_of(order) -> list[WorkOrderLine]:
    return list(order.lines.filter(kind=LineKind.LABOUR).order_by("sequence"))


def assign(order, advisor, *technicians, line=None) -> WorkOrderLine:
    line = line or jobs_of(order)[0]
    return jobs.job_assign(user=advisor, order_id=order.pk, line_id=line.pk,
                           technician_ids=[t.pk for t in technicians])


def backdate_open_entry(technician, minutes: int) -> TimeEntry:
    """Pretend the technician clocked on ``minutes`` ago (the test cannot wait)."""
    entry = TimeEntry.objects.get(technician=technician, ended_at__isnull=True)
    entry.started_at = timezone.now() - dt.timedelta(minutes=minutes)
    entry.save(update_fields=["started_at"])
    return entry


def work(line, technician, minutes: int, reason: str = "done") -> WorkOrderLine:
    """Clock on, ``minutes`` of work, clock off with ``reason``."""
    jobs.job_clock_on(user=technician, line_id=line.pk)
    backdate_open_entry(technician, minutes)
    return jobs.job_clock_off(user=technician, line_id=line.pk, reason=reason)


def order_at_qc(point, staff, **kwargs) -> WorkOrder:
    order = approved_order(point, staff["advisor"], **kwargs)
    for line in jobs_of(order):
        assign(order, staff["advisor"], staff["tech"], line=line)
        work(line, staff["tech"], 60)
    jobs.work_order_finish_repair(user=staff["tech"], order_id=order.pk)
    return WorkOrder.objects.get(pk=order.pk)


def checklist(service_type="repair", items=("Road test", "No warning lights"), point=None) -> QcChecklist:
    return QcChecklist.objects.create(service_type=service_type, service_point=point, name=f"{service_type} checks",
                                      items=list(items))


def pass_qc(order, inspector) -> WorkOrder:
    listed = checklist_for(order)
    items = listed.items if listed else ["Road test"]
    qc.qc_inspect(user=inspector, order_id=order.pk, results=[{"item": i, "ok": True} for i in items])
    return WorkOrder.objects.get(pk=order.pk)


def order_ready(point, staff, **kwargs) -> WorkOrder:
    """An order carried through repair and a passing quality check: ready for settlement."""
    return pass_qc(order_at_qc(point, staff, **kwargs), staff["inspector"])


def order_settled(point, staff, *, pay: bool = True, **kwargs) -> WorkOrder:
    order = order_ready(point, staff, **kwargs)
    payments = [{"method": "cash", "amount": str(order.balance)}] if pay and order.balance > 0 else []
    return settlement.work_order_settle(user=staff["cashier"], order_id=order.pk, payments=payments)


class ApiCalls:
    """``self.api("post", url, user, body)`` with a bearer token per user (made once per test)."""

    def api(self, method: str, url: str, user=None, body=None):
        headers = {}
        if user is not None:
            cache = self.__dict__.setdefault("_tokens", {})
            if user.pk not in cache:
                cache[user.pk] = bearer(user)
            headers = cache[user.pk]
        data = json.dumps(body, default=str) if body is not None else None
        return getattr(self.client, method)(url, data=data, content_type="application/json", **headers)
