"""Reads of the workshop floor and the cashier: jobs, time, checklists, queues, credit, the hours report.

Every read takes the user and goes through ``restrict`` (or the user's scope for a permission), so a
row of another service point is never returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import Permission
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.utils import timezone

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint, User
from aftersales.core.errors import NotFoundError
from aftersales.core.inputs import is_row_id

from ..choices import (
    BILLED_STATUSES,
    DiscountStatus,
    JobStatus,
    LineKind,
    LineStatus,
    WorkOrderStatus,
)
from ..models import (
    DiscountRequest,
    JobAssignment,
    Payment,
    QcChecklist,
    QcInspection,
    TimeEntry,
    WorkOrder,
    WorkOrderLine,
)

S = WorkOrderStatus
HOUR = Decimal(3600)
CENT_HOURS = Decimal("0.01")
CLOCKABLE_STATUSES = (S.APPROVED, S.IN_REPAIR)


def hours(seconds: int | None) -> Decimal:
    """Seconds as hours with two decimals (half up)."""
    return (Decimal(seconds or 0) / HOUR).quantize(CENT_HOURS, rounding=ROUND_HALF_UP)


def _points(user, permission: str) -> tuple[bool, frozenset[int]]:
    scope = scope_for(user, permission)
    return scope.everything, scope.point_ids


def _in_scope(qs: QuerySet, user, permission: str, field: str = "service_point_id") -> QuerySet:
    everything, ids = _points(user, permission)
    if everything:
        return qs
    return qs.filter(**{f"{field}__in": ids}) if ids else qs.none()


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of ``first``, start of the day after ``last``) in the current time zone."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


# ---- technicians and jobs -----------------------------------------------------------------------

def technicians_for_point(point: ServicePoint) -> QuerySet[User]:
    """Active users holding a role with ``workshop.add_timeentry`` at the point (or above it, or everywhere)."""
    perm = Permission.objects.filter(content_type__app_label="workshop", codename="add_timeentry").first()
    if perm is None:
        return User.objects.none()
    ancestors = [int(part) for part in point.path.strip("/").split("/") if part.isdigit()] or [point.pk]
    return (User.objects.filter(is_active=True)
            .filter(Q(memberships__role__permissions=perm)
                    & Q(memberships__service_point__is_active=True)
                    & (Q(memberships__service_point_id__in=ancestors) | Q(memberships__role__scope="all")))
            .distinct().order_by("display_name", "username"))


def _with_mine(qs: QuerySet[WorkOrderLine], technician: User) -> QuerySet[WorkOrderLine]:
    """Jobs with what the page shows: the order and vehicle, the technician's running entry and closed
    time, whether others are clocked on, and everyone assigned (one query plus one prefetch)."""
    return (
        qs.select_related("work_order__asset", "work_order__service_point", "operation")
        .annotate(
            my_open_started=Subquery(TimeEntry.objects.filter(line=OuterRef("pk"), technician=technician,
                                                              ended_at__isnull=True).values("started_at")[:1]),
            my_seconds=Subquery(JobAssignment.objects.filter(line=OuterRef("pk"), technician=technician)
                                .values("clocked_seconds")[:1]),
            others_on=Exists(TimeEntry.objects.filter(line=OuterRef("pk"), ended_at__isnull=True)
                             .exclude(technician=technician)),
        )
        .prefetch_related(Prefetch("assignments", queryset=JobAssignment.objects.select_related("technician")
                                   .order_by("assigned_at", "id")))
    )


def job_list(*, user, technician: User | None = None, include_done_today: bool = True) -> QuerySet[WorkOrderLine]:
    """The jobs (approved labour lines) a technician is assigned to on orders approved or in repair and not
    done, plus the ones done today."""
    technician = technician or user
    start, _end = day_bounds(timezone.localdate(), timezone.localdate())
    open_now = Q(work_order__status__in=CLOCKABLE_STATUSES) & ~Q(job_status=JobStatus.DONE)
    shown = open_now | Q(done_at__gte=start) if include_done_today else open_now
    qs = (WorkOrderLine.objects.restrict(user, "view")
          .filter(kind=LineKind.LABOUR, status=LineStatus.APPROVED,
                  pk__in=JobAssignment.objects.filter(technician=technician).values("line_id"))
          .filter(shown))
    return _with_mine(qs, technician).order_by("work_order__promised_at", "work_order_id", "sequence", "id")


def job_detail(*, user, line_id, technician: User | None = None) -> WorkOrderLine:
    if not is_row_id(line_id):
        raise NotFoundError()
    qs = WorkOrderLine.objects.restrict(user, "view").filter(pk=line_id, kind=LineKind.LABOUR)
    technician = technician or user
    line = next(iter(_with_mine(qs, technician).select_related(None).select_related("work_order__asset")
                     .only(*JOB_FIELDS).prefetch_related(None).prefetch_related(
        Prefetch("assignments", queryset=JobAssignment.objects.select_related("technician")
                 .only(*ASSIGNMENT_FIELDS).order_by("assigned_at", "id"))).order_by()), None)
    if line is None:
        raise NotFoundError()
    return line


# What the API's job (the answer to assign, clock on and clock off) shows: the line, its order's
# number, state and concerns, the vehicle's plate and model, and the assigned technicians' names.
JOB_FIELDS = (*(f.name for f in WorkOrderLine._meta.concrete_fields), "work_order__number",
              "work_order__status", "work_order__concerns", "work_order__asset__plate",
              "work_order__asset__brand", "work_order__asset__model")
ASSIGNMENT_FIELDS = (*(f.name for f in JobAssignment._meta.concrete_fields), "technician__username",
                     "technician__first_name", "technician__last_name", "technician__display_name")


def job_get(*, user, line_id) -> WorkOrderLine:
    if not is_row_id(line_id):
        raise NotFoundError()
    line = (WorkOrderLine.objects.restrict(user, "view").filter(pk=line_id, kind=LineKind.LABOUR)
            .select_related("work_order").first())
    if line is None:
        raise NotFoundError()
    return line


def open_entry_of(technician: User) -> TimeEntry | None:
    return (TimeEntry.objects.filter(technician=technician, ended_at__isnull=True)
            .select_related("line__work_order").first())


def time_entry_list(*, user, technician_id: int | None = None, line_id: int | None = None,
                    work_order_id: int | None = None, date_from: dt.date | None = None,
                    date_to: dt.date | None = None, open_only: bool = False) -> QuerySet[TimeEntry]:
    qs = TimeEntry.objects.restrict(user, "view").select_related("technician", "line__work_order")
    if technician_id:
        qs = qs.filter(technician_id=technician_id)
    if line_id:
        qs = qs.filter(line_id=line_id)
    if work_order_id:
        qs = qs.filter(line__work_order_id=work_order_id)
    if date_from:
        qs = qs.filter(started_at__gte=day_bounds(date_from, date_from)[0])
    if date_to:
        qs = qs.filter(started_at__lt=day_bounds(date_to, date_to)[1])
    if open_only:
        qs = qs.filter(ended_at__isnull=True)
    return qs


def time_entry_get(*, user, pk, action: str = "view") -> TimeEntry:
    if not is_row_id(pk):
        raise NotFoundError()
    entry = (TimeEntry.objects.restrict(user, action).select_related("technician", "line__work_order")
             .filter(pk=pk).first())
    if entry is None:
        raise NotFoundError()
    return entry


# ---- quality check ------------------------------------------------------------------------------

def checklist_list(*, user, service_type: str = "", service_point_id: int | None = None,
                   active: bool | None = None) -> QuerySet[QcChecklist]:
    qs = QcChecklist.objects.restrict(user, "view").select_related("service_point")
    if service_type:
        qs = qs.filter(service_type=service_type)
    if service_point_id:
        qs = qs.filter(service_point_id=service_point_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("service_type", "service_point__path", "id")


def checklist_get(*, user, pk, action: str = "view") -> QcChecklist:
    if not is_row_id(pk):
        raise NotFoundError()
    checklist = QcChecklist.objects.restrict(user, action).select_related("service_point").filter(pk=pk).first()
    if checklist is None:
        raise NotFoundError()
    return checklist


def checklist_for(order: WorkOrder) -> QcChecklist | None:
    """The active list for the order's service type: the nearest point's own (the point, then the region
    above it, …), else the default one."""
    path = order.service_point.path if order.service_point_id else ""
    ancestors = [int(part) for part in path.strip("/").split("/") if part.isdigit()]
    candidates = list(QcChecklist.objects.filter(service_type=order.service_type, is_active=True)
                      .filter(Q(service_point__isnull=True) | Q(service_point_id__in=ancestors)))
    depth = {point_id: i for i, point_id in enumerate(ancestors)}
    candidates.sort(key=lambda c: -1 if c.service_point_id is None else depth.get(c.service_point_id, -1),
                    reverse=True)
    return candidates[0] if candidates else None


def qc_queue(*, user) -> QuerySet[WorkOrder]:
    """Orders waiting for the quality check at the points where the user may inspect, oldest first."""
    qs = WorkOrder.objects.filter(status=S.QUALITY_CHECK).select_related("asset", "service_point", "advisor")
    return _in_scope(qs, user, "workshop.inspect_workorder").order_by("opened_at", "id")


def inspection_list(*, user, order_id) -> QuerySet[QcInspection]:
    order = order_get(user=user, pk=order_id)
    return (QcInspection.objects.restrict(user, "view").filter(work_order=order)
            .select_related("inspector", "checklist").prefetch_related("redo_lines")
            .order_by("-inspected_at", "-id"))


# ---- orders, money and credit ------------------------------------------------------------------

def order_get(*, user, pk) -> WorkOrder:
    if not is_row_id(pk):
        raise NotFoundError()
    order = (WorkOrder.objects.restrict(user, "view").select_related("customer", "asset", "service_point")
             .filter(pk=pk).first())
    if order is None:
        raise NotFoundError()
    return order


@dataclass(frozen=True)
class Credit:
    limit: Decimal
    outstanding: Decimal   # balances of the customer's other settled or delivered orders
    remaining: Decimal


def customer_credit(order: WorkOrder) -> Credit:
    """The customer's credit left beside this order, from the balances of the other billed orders (fresh,
    not the derived archive column, which is refreshed only after commit)."""
    outstanding = (WorkOrder.objects.filter(customer_id=order.customer_id, status__in=BILLED_STATUSES)
                   .exclude(pk=order.pk).aggregate(total=Sum("balance", default=Decimal("0.00")))["total"])
    limit = order.customer.credit_limit
    return Credit(limit=limit, outstanding=outstanding, remaining=limit - outstanding)


def cashier_queue(*, user, view: str = "ready") -> QuerySet[WorkOrder]:
    """``ready``: orders ready for settlement; ``balances``: settled or delivered with a customer balance."""
    qs = WorkOrder.objects.select_related("customer", "asset", "service_point")
    if view == "balances":
        qs = qs.filter(balance__gt=0, status__in=BILLED_STATUSES).order_by("-opened_at", "-id")
    else:
        qs = qs.filter(status=S.READY_FOR_SETTLEMENT).order_by("opened_at", "id")
    return _in_scope(qs, user, "workshop.settle_workorder")


def payment_list(*, user, order_id) -> QuerySet[Payment]:
    order = order_get(user=user, pk=order_id)
    return Payment.objects.restrict(user, "view").filter(work_order=order).select_related("received_by")


def discount_request_list(*, user, status: str = DiscountStatus.PENDING,
                          order_id: int | None = None) -> QuerySet[DiscountRequest]:
    qs = (DiscountRequest.objects.restrict(user, "view")
          .select_related("work_order__customer", "work_order__asset", "requested_by", "decided_by"))
    if status:
        qs = qs.filter(status=status)
    if order_id:
        qs = qs.filter(work_order_id=order_id)
    return qs.order_by("-requested_at", "-id")


def discount_request_get(*, user, pk) -> DiscountRequest:
    if not is_row_id(pk):
        raise NotFoundError()
    row = (DiscountRequest.objects.restrict(user, "view")
           .select_related("work_order__customer", "requested_by", "decided_by").filter(pk=pk).first())
    if row is None:
        raise NotFoundError()
    return row


# ---- actual vs standard hours -------------------------------------------------------------------

@dataclass
class TechnicianHours:
    technician_id: int
    name: str
    jobs: int
    standard_hours: Decimal
    clocked_hours: Decimal

    @property
    def efficiency(self) -> Decimal | None:
        """Standard hours earned per clocked hour, in per cent."""
        if not self.clocked_hours:
            return None
        return (self.standard_hours / self.clocked_hours * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _report_assignments(*, user, date_from: dt.date, date_to: dt.date, service_point_id: int | None,
                        technician_id: int | None) -> QuerySet[JobAssignment]:
    start, end = day_bounds(date_from, date_to)
    qs = JobAssignment.objects.filter(done_at__gte=start, done_at__lt=end)
    qs = _in_scope(qs, user, "workshop.change_timeentry")
    if service_point_id:
        qs = qs.filter(service_point_id=service_point_id)
    if technician_id:
        qs = qs.filter(technician_id=technician_id)
    return qs


def technician_hours(*, user, date_from: dt.date, date_to: dt.date, service_point_id: int | None = None,
                     technician_id: int | None = None) -> list[TechnicianHours]:
    """Per technician over the jobs done in the period: jobs, his share of their standard hours (split
    equally between the technicians who clocked time on a job), the hours he clocked on them, and the
    efficiency (standard ÷ clocked). One grouped query and one for the names."""
    rows = list(_report_assignments(user=user, date_from=date_from, date_to=date_to,
                                    service_point_id=service_point_id, technician_id=technician_id)
                .values("technician_id").annotate(jobs=Count("id"), standard=Sum("standard_share"),
                                                  clocked=Sum("clocked_seconds")).order_by())
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[r["technician_id"] for r in rows])}
    result = [TechnicianHours(technician_id=r["technician_id"], name=names.get(r["technician_id"], ""),
                              jobs=r["jobs"], standard_hours=(r["standard"] or Decimal("0")).quantize(CENT_HOURS),
                              clocked_hours=hours(r["clocked"])) for r in rows]
    return sorted(result, key=lambda r: (r.name, r.technician_id))


def job_hours(*, user, date_from: dt.date, date_to: dt.date, service_point_id: int | None = None,
              technician_id: int | None = None) -> QuerySet[WorkOrderLine]:
    """The jobs done in the period with their standard and clocked hours and who did them."""
    line_ids = _report_assignments(user=user, date_from=date_from, date_to=date_to,
                                   service_point_id=service_point_id, technician_id=technician_id).values("line_id")
    return (WorkOrderLine.objects.filter(pk__in=line_ids).select_related("work_order__asset")
            .prefetch_related(Prefetch("assignments", queryset=JobAssignment.objects.select_related("technician")
                                       .order_by("assigned_at", "id")))
            .order_by("-done_at", "-id"))


# ---- what the order detail page shows of the floor and the cashier ------------------------------

def order_jobs(order: WorkOrder) -> list[WorkOrderLine]:
    """The order's approved labour lines with their technicians: the lines the order page prefetched (or
    one query) and one query for the assignments."""
    loaded = getattr(order, "_prefetched_objects_cache", {}).get("lines")
    if loaded is not None:
        jobs = sorted((line for line in loaded if line.kind == LineKind.LABOUR and line.status == LineStatus.APPROVED),
                      key=lambda line: (line.sequence, line.pk))
    else:
        jobs = list(order.lines.filter(kind=LineKind.LABOUR, status=LineStatus.APPROVED).order_by("sequence", "id"))
    prefetch_related_objects(jobs, Prefetch("assignments", queryset=JobAssignment.objects.select_related("technician")
                                            .order_by("assigned_at", "id")))
    return jobs


def order_open_entries(order: WorkOrder) -> list[TimeEntry]:
    return list(TimeEntry.objects.filter(line__work_order=order, ended_at__isnull=True)
                .select_related("technician").order_by("started_at"))


# ---- delivery -----------------------------------------------------------------------------------

MAINTENANCE_TYPES = ("first_maintenance", "periodic_maintenance")


@dataclass
class DeliveryProposal:
    summary: str
    jobs: list
    parts: list                      # (line, proposed disposition of the old part)
    next_service_date: dt.date | None
    next_service_mileage: int | None
    due_reason: str


def old_part_default(line: WorkOrderLine) -> str:
    """Warranty (C) parts are kept for the claim; the customer's own old parts go back to him."""
    from ..choices import OldParts

    return OldParts.WARRANTY if line.pay_type == "C" else OldParts.RETURNED


def delivery_proposal(order: WorkOrder) -> DeliveryProposal:
    """The explanation of the work and the charges built from the lines, what to do with each old part,
    and the next service from the asset's forecast (this visit counts as the last service when it was a
    maintenance visit)."""
    from django.utils.translation import gettext as _

    from aftersales.assets import forecast as fc
    from aftersales.assets.selectors import interval_for

    lines = list(order.lines.filter(status=LineStatus.APPROVED).order_by("sequence", "id"))
    jobs = [line for line in lines if line.kind == LineKind.LABOUR]
    parts = [(line, old_part_default(line)) for line in lines if line.kind == LineKind.PART]
    text = []
    if jobs:
        text.append(_("Work done:"))
        text += [f"- {line.description} ({line.actual_hours or line.quantity} h)" for line in jobs]
    if parts:
        text.append(_("Parts replaced:"))
        text += [f"- {line.description} × {line.quantity.normalize()}" for line, _default in parts]
    others = [line for line in lines if line.kind not in (LineKind.LABOUR, LineKind.PART)]
    if others:
        text.append(_("Other work:"))
        text += [f"- {line.description}" for line in others]
    charges = [_("customer-paid ¥%(amount)s") % {"amount": order.total_a}]
    for value, label in ((-order.discount_amount, _("discount ¥%(amount)s")),
                         (order.insurer_amount, _("paid by the insurer ¥%(amount)s")),
                         (order.total_b, _("service contract ¥%(amount)s")),
                         (order.total_c, _("warranty, free to the customer ¥%(amount)s")),
                         (order.total_d, _("internal ¥%(amount)s"))):
        if value:
            charges.append(label % {"amount": value})
    text.append(_("Charges: %(charges)s. Paid ¥%(paid)s, balance ¥%(balance)s.") % {
        "charges": ", ".join(charges), "paid": order.paid_total, "balance": order.balance})
    asset = order.asset
    readings = [fc.Reading(r.read_on, r.value, r.is_meter_replacement, r.source)
                for r in asset.readings.order_by("read_on", "id")]
    if order.service_type in MAINTENANCE_TYPES and order.mileage_in is not None:
        readings.append(fc.Reading(timezone.localtime(order.opened_at).date(), order.mileage_in, False,
                                   fc.SERVICE_SOURCE))
    forecast = fc.next_maintenance(readings, interval_for(asset), sale_date=asset.sale_date or asset.installation_date)
    due = forecast.due_date
    if due is not None and due < timezone.localdate():
        due = None  # overdue by the history: the advisor proposes a date himself
    return DeliveryProposal(summary="\n".join(text), jobs=jobs, parts=parts, next_service_date=due,
                            next_service_mileage=forecast.due_reading if forecast.due_reading and
                            forecast.due_reading > (order.mileage_in or 0) else None,
                            due_reason=forecast.due_reason)
