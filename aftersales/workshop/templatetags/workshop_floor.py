"""The floor's and the cashier's cards on the order page, and small filters.

W1's order page includes ``floor/_order_jobs.html``, ``floor/_order_qc.html``,
``settlement/_order_settlement.html`` and ``settlement/_order_delivery.html`` with ``order`` (and
the request) in the context; each of them calls one of these inclusion tags, which gathers its data
in a fixed number of queries whatever the number of lines. Forms with errors (after a refused POST
that re-renders the page) come in the context as ``floor_forms``.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import scope_for

from ..choices import DiscountStatus, LineKind, LineStatus, WorkOrderStatus
from ..forms.floor import AssignForm, ClockOffForm
from ..models import DiscountRequest, Payment, QcInspection, TimeEntry
from ..selectors import floor as selectors

register = template.Library()
S = WorkOrderStatus

# Labels of the floor's and the cashier's own events on the order's timeline (transitions are labelled
# by the transition table).
EVENT_LABELS = {
    "job_assigned": _("Technicians assigned"), "job_unassigned": _("Technician taken off a job"),
    "clock_on": _("Clocked on"), "clock_off": _("Clocked off"), "job_done": _("Job done"),
    "time_corrected": _("Time entry corrected"), "discount": _("Discount given"),
    "discount_requested": _("Discount asked of a manager"), "discount_approved": _("Discount approved"),
    "discount_rejected": _("Discount rejected"), "payment": _("Payment received"),
}


def _may(user, permission: str, order) -> bool:
    return scope_for(user, permission).covers(order.service_point_id)


def _step(context, name: str) -> dict | None:
    return (context.get("step_names") or {}).get(name)


@register.filter
def hours_of(seconds) -> Decimal:
    """Seconds as hours (two decimals)."""
    return selectors.hours(seconds or 0)


@register.filter
def pay_type_total(order, pay_type: str):
    return getattr(order, f"total_{pay_type.lower()}", None)


@register.inclusion_tag("workshop/floor/cards/jobs.html", takes_context=True)
def order_jobs_card(context):
    """Jobs with their technicians, who is clocked on, each entry; assigning, start and finish of the
    repair. Queries: the jobs, their assignments, the entries, and (for an advisor) the technicians."""
    order, user = context["order"], context["request"].user
    jobs = selectors.order_jobs(order)
    entries = list(TimeEntry.objects.filter(line__work_order=order).select_related("technician")
                   .order_by("started_at", "id")) if jobs else []
    by_line: dict[int, list] = {}
    for entry in entries:
        by_line.setdefault(entry.line_id, []).append(entry)
    for line in jobs:
        line.entries = by_line.get(line.pk, [])
        line.clocked_on = [e.technician for e in line.entries if e.ended_at is None]
        line.with_time = {e.technician_id for e in line.entries}
    clockable = order.status in selectors.CLOCKABLE_STATUSES
    can_assign = clockable and _may(user, "workshop.dispatch_workorder", order)
    technicians = list(selectors.technicians_for_point(order.service_point)) if can_assign and jobs else []
    floor_forms = context.get("floor_forms") or {}
    return {
        "order": order, "jobs": jobs, "request": context["request"], "csrf_token": context.get("csrf_token"),
        "can_assign": can_assign, "technicians": technicians,
        "assign_form": floor_forms.get("assign_form") or AssignForm(technicians=technicians),
        "assign_line_id": floor_forms.get("assign_line_id"), "floor_error": floor_forms.get("error"),
        "can_correct": _may(user, "workshop.change_timeentry", order),
        "is_technician": _may(user, "workshop.add_timeentry", order), "clock_off_form": ClockOffForm(),
        "start": _step(context, "start_repair"), "finish": _step(context, "finish_repair"),
        "show": jobs or order.status in (S.APPROVED, S.IN_REPAIR),
    }


@register.inclusion_tag("workshop/floor/cards/qc.html", takes_context=True)
def order_qc_card(context):
    """The order's quality checks (newest first) and, in quality check, the way to the inspection."""
    order, user = context["order"], context["request"].user
    inspections = list(QcInspection.objects.filter(work_order=order).select_related("inspector")
                       .order_by("-inspected_at", "-id")[:10])
    # only a failed check sends lines back to repair: no query for the lines of the passed ones
    prefetch_related_objects([i for i in inspections if not i.passed], "redo_lines")
    in_qc = order.status == S.QUALITY_CHECK
    return {
        "order": order, "inspections": inspections, "in_qc": in_qc,
        "can_inspect": in_qc and _may(user, "workshop.inspect_workorder", order),
        "checklist": selectors.checklist_for(order) if in_qc else None,
        "show": bool(inspections) or in_qc,
    }


@register.inclusion_tag("workshop/settlement/cards/settlement.html", takes_context=True)
def order_settlement_card(context):
    """Totals per pay type, discount, payments and balance, and the way to the cashier's screen."""
    order, user = context["order"], context["request"].user
    shown = order.status in (S.READY_FOR_SETTLEMENT, S.SETTLED, S.DELIVERED)
    payments = list(Payment.objects.filter(work_order=order).select_related("received_by")
                    .order_by("received_at", "id")) if shown else []
    pending = (DiscountRequest.objects.filter(work_order=order, status=DiscountStatus.PENDING)
               .select_related("requested_by").first()) if order.status == S.READY_FOR_SETTLEMENT else None
    return {
        "order": order, "payments": payments, "pending": pending, "show": shown,
        "can_settle": _may(user, "workshop.settle_workorder", order) or _may(user, "workshop.add_payment", order),
        "can_decide": pending is not None and _may(user, "workshop.approve_discount_workorder", order),
    }


@register.inclusion_tag("workshop/settlement/cards/delivery.html", takes_context=True)
def order_delivery_card(context):
    """Settled: the way to the delivery; delivered: what was explained, the old parts, the next service."""
    order, user = context["order"], context["request"].user
    records = list(order.old_part_records.select_related("line")) if order.status == S.DELIVERED else []
    parts = 0
    if order.status == S.SETTLED:
        parts = sum(1 for line in order.lines.all() if line.kind == LineKind.PART and line.status == LineStatus.APPROVED)
    return {
        "order": order, "records": records, "parts": parts,
        "show": order.status in (S.SETTLED, S.DELIVERED),
        "can_deliver": order.status == S.SETTLED and _may(user, "workshop.deliver_workorder", order),
    }
