"""Reads behind the printed documents (维修委托书, 修护卡, 结算单) and the customer's status page.

Each document reads the order once with what it prints (a handful of queries, whatever the number
of lines). The status page is reached by the order's unguessable token alone and returns only what
the customer may see: no name, phone, ID, address, full VIN or plate, and nothing of other orders.
"""

from __future__ import annotations

import hmac
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for, sees_personal_data
from aftersales.assets.choices import AssetKind
from aftersales.core.choices import PayType
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import is_row_id
from aftersales.core.masking import mask_phone
from aftersales.core.money import to_money

from ..choices import ApprovalKind, ApprovalStatus, LineKind, LineStatus, Payer, WorkOrderStatus
from ..documents import DocumentKind
from ..models import Approval, JobAssignment, QcInspection, TimeEntry, WorkOrder, WorkOrderEvent

S = WorkOrderStatus
ZERO = Decimal("0.00")

# The stages a customer sees on the progress bar, in the order an order passes them.
STAGES = (S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.IN_REPAIR, S.QUALITY_CHECK, S.READY_FOR_SETTLEMENT,
          S.SETTLED, S.DELIVERED)

# From which states each document can be printed. The statement needs the repair done and checked
# (a pro-forma before settling, the statement afterwards); the repair card needs the repair started.
PRINTABLE = {
    DocumentKind.WORK_ORDER: frozenset(S.values),
    DocumentKind.REPAIR_CARD: frozenset(STAGES[STAGES.index(S.IN_REPAIR):]),
    DocumentKind.STATEMENT: frozenset(STAGES[STAGES.index(S.READY_FOR_SETTLEMENT):]),
}

# Pay types in the order the documents list them.
PAY_TYPES = (PayType.CUSTOMER, PayType.CONTRACT, PayType.WARRANTY, PayType.INTERNAL)
_TOTAL_FIELD = {PayType.CUSTOMER: "total_a", PayType.CONTRACT: "total_b", PayType.WARRANTY: "total_c",
                PayType.INTERNAL: "total_d"}

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SIGNATURE = re.compile(r"^data:image/png;base64,[A-Za-z0-9+/]+={0,2}$")
MAX_SIGNATURE_CHARS = 2_000_000


# ---- the order and what may be printed ----------------------------------------------------------

def document_order_get(*, user, pk) -> WorkOrder:
    """The order with its point, customer, asset and advisor; 404 when it is not at the user's points."""
    if not is_row_id(pk):
        raise NotFoundError()
    order = (WorkOrder.objects.restrict(user, "view")
             .select_related("service_point", "customer", "asset", "advisor").filter(pk=pk).first())
    if order is None:
        raise NotFoundError()
    return order


def document_unavailable_reason(order: WorkOrder, kind: str) -> str:
    """Why ``kind`` cannot be printed for the order now ("" when it can)."""
    if order.status in PRINTABLE[kind]:
        return ""
    if kind == DocumentKind.STATEMENT:
        return _("The settlement statement can be printed once the order has passed the quality check.")
    return _("The repair card can be printed once the repair has started.")


def document_check(*, user, order: WorkOrder, kind: str) -> None:
    """Raise unless ``kind`` may be printed for the order by the user (409 for the wrong state)."""
    if kind not in DocumentKind.values:
        raise NotFoundError()
    if kind == DocumentKind.STATEMENT and not scope_for(user, "workshop.view_payment").covers(order.service_point_id):
        raise PermissionDeniedError()
    reason = document_unavailable_reason(order, kind)
    if reason:
        raise ConflictError("document_unavailable", reason, {"kind": [reason]})


@dataclass
class DocumentChoice:
    kind: str
    label: str
    reason: str = ""


def document_choices(*, user, order: WorkOrder) -> list[DocumentChoice]:
    """The three documents with, for each, why it cannot be printed now (empty: it can)."""
    sees_payments = scope_for(user, "workshop.view_payment").covers(order.service_point_id)
    choices = []
    for kind in DocumentKind:
        reason = document_unavailable_reason(order, kind)
        if kind == DocumentKind.STATEMENT and not sees_payments:
            reason = _("You do not have permission to see the payments.")
        choices.append(DocumentChoice(kind=kind.value, label=str(kind.label), reason=reason))
    return choices


# ---- shared pieces ------------------------------------------------------------------------------

@dataclass
class PayTypeGroup:
    pay_type: str
    label: str
    lines: list = field(default_factory=list)
    total: Decimal = ZERO


def _charged_lines(order: WorkOrder):
    return (order.lines.exclude(status=LineStatus.DECLINED).select_related("part", "operation")
            .order_by("sequence", "id"))


def _groups(order: WorkOrder, lines) -> list[PayTypeGroup]:
    """Lines by pay type with the order's totals (the services keep those in step with the lines)."""
    labels = dict(PayType.choices)
    groups = OrderedDict((pt, PayTypeGroup(pay_type=pt, label=labels[pt])) for pt in PAY_TYPES)
    for line in lines:
        group = groups.get(line.pay_type)
        if group is None:  # a pay type unknown to this code: listed with the sum of its lines
            group = groups[line.pay_type] = PayTypeGroup(pay_type=line.pay_type, label=line.pay_type)
        group.lines.append(line)
    for pt, group in groups.items():
        group.total = getattr(order, _TOTAL_FIELD[pt]) if pt in _TOTAL_FIELD else to_money(
            sum((line.amount for line in group.lines), ZERO))
    return [g for g in groups.values() if g.lines or g.total]


def _vehicle(order: WorkOrder) -> dict:
    asset = order.asset
    return {
        "is_vehicle": asset.kind == AssetKind.VEHICLE, "brand": asset.brand, "model": asset.model,
        "plate": asset.plate, "vin": asset.vin, "serial_number": asset.serial_number, "colour": asset.colour,
    }


def _point(order: WorkOrder) -> dict:
    point = order.service_point
    return {"name": point.name, "address": point.address, "phone": point.phone}


def customer_phone(order: WorkOrder) -> str:
    phone = order.customer.phones.order_by("-is_primary", "id").values_list("number", flat=True).first()
    return phone or ""


def _signature(value: str) -> str:
    """The signature when it is a PNG data URL (anything else is not printed)."""
    value = (value or "").strip()
    if len(value) > MAX_SIGNATURE_CHARS or not _SIGNATURE.match(value):
        return ""
    return value


# ---- 维修委托书 ---------------------------------------------------------------------------------

def work_order_document(*, user, order: WorkOrder) -> dict:
    lines = list(_charged_lines(order))
    approvals = list(order.approvals.select_related("recorded_by").order_by("sequence", "id"))
    estimate = next((a for a in reversed(approvals)
                     if a.kind == ApprovalKind.ESTIMATE and a.status == ApprovalStatus.APPROVED), None)
    unmasked = sees_personal_data(user, order.service_point_id)
    phone = customer_phone(order)
    return {
        "order": order, "point": _point(order), "vehicle": _vehicle(order),
        "customer_name": order.customer.name, "customer_phone": phone if unmasked else mask_phone(phone),
        "phone_unmasked": unmasked and bool(phone),
        "damages": list(order.damages.order_by("id")),
        "groups": _groups(order, lines), "lines": lines,
        "estimate_total": to_money(order.total_a + order.total_b + order.total_c + order.total_d),
        "approvals": [a for a in approvals if a.status != ApprovalStatus.WITHDRAWN],
        "signature": {
            "image": _signature(estimate.signature), "name": estimate.approver_name, "at": estimate.decided_at,
            "method": estimate.get_method_display() if estimate.method else "",
        } if estimate else None,
    }


# ---- 修护卡 -------------------------------------------------------------------------------------

@dataclass
class TechnicianHours:
    name: str
    hours: Decimal = ZERO
    clocked_on: bool = False


def _hours(entries, now) -> list[TechnicianHours]:
    per: OrderedDict[int, TechnicianHours] = OrderedDict()
    seconds: dict[int, float] = {}
    for entry in entries:
        row = per.setdefault(entry.technician_id, TechnicianHours(name=str(entry.technician)))
        if entry.ended_at is None:
            row.clocked_on = True  # still on the job: counted up to now
            spent = (now - entry.started_at).total_seconds()
        else:
            spent = entry.seconds or (entry.ended_at - entry.started_at).total_seconds()
        seconds[entry.technician_id] = seconds.get(entry.technician_id, 0.0) + max(spent, 0.0)
    for tech_id, row in per.items():
        row.hours = to_money(Decimal(seconds[tech_id]) / Decimal(3600))
    return list(per.values())


def repair_card_document(*, order: WorkOrder) -> dict:
    lines = list(
        order.lines.filter(status=LineStatus.APPROVED).select_related("part", "operation", "old_part")
        .prefetch_related(
            Prefetch("assignments", queryset=JobAssignment.objects.select_related("technician").order_by("id")),
            Prefetch("time_entries", queryset=TimeEntry.objects.select_related("technician")
                     .order_by("started_at", "id")),
        ).order_by("sequence", "id"))
    now = timezone.now()
    jobs = []
    for line in lines:
        if line.kind != LineKind.LABOUR:
            continue
        clocked = _hours(line.time_entries.all(), now)
        names = {row.name for row in clocked}
        assigned = [str(a.technician) for a in line.assignments.all() if str(a.technician) not in names]
        standard = line.operation.standard_hours if line.operation_id else line.quantity
        actual = to_money(sum((row.hours for row in clocked), ZERO))
        jobs.append({"line": line, "standard_hours": standard, "actual_hours": actual,
                     "difference": to_money(actual - standard), "technicians": clocked, "assigned_only": assigned})
    parts = [line for line in lines if line.kind == LineKind.PART]
    for line in parts:
        old = getattr(line, "old_part", None)  # the reverse one-to-one raises AttributeError when absent
        line.old_part_label = old.get_disposition_display() if old else ""
    inspections = list(QcInspection.objects.filter(work_order=order).select_related("inspector")
                       .order_by("inspected_at", "id"))
    for inspection in inspections:
        inspection.items = [item for item in (inspection.results or []) if isinstance(item, dict)]
    return {
        "order": order, "point": _point(order), "vehicle": _vehicle(order),
        "jobs": jobs, "parts": parts,
        "others": [line for line in lines if line.kind in (LineKind.SUBLET, LineKind.OTHER)],
        "standard_total": to_money(sum((j["standard_hours"] for j in jobs), ZERO)),
        "actual_total": to_money(sum((j["actual_hours"] for j in jobs), ZERO)),
        "inspections": inspections, "rework_count": order.rework_count,
    }


# ---- 结算单 -------------------------------------------------------------------------------------

def statement_document(*, user, order: WorkOrder) -> dict:
    lines = list(_charged_lines(order))
    payments = list(order.payments.select_related("received_by").order_by("received_at", "id"))
    settle = (WorkOrderEvent.objects.filter(work_order=order, kind="settle").select_related("actor")
              .order_by("-at", "-id").first())
    cashier = (settle.actor or settle.actor_label) if settle else None
    customer_paid = to_money(sum((p.amount for p in payments if p.payer == Payer.CUSTOMER), ZERO))
    insurer_paid = to_money(sum((p.amount for p in payments if p.payer == Payer.INSURER), ZERO))
    return {
        "order": order, "point": _point(order), "vehicle": _vehicle(order),
        "customer_name": order.customer.name, "groups": _groups(order, lines),
        "gross_total": to_money(order.total_a + order.total_b + order.total_c + order.total_d),
        "payments": payments, "customer_paid": customer_paid, "insurer_paid": insurer_paid,
        "cashier": str(cashier) if cashier else "", "settled": order.status in (S.SETTLED, S.DELIVERED),
    }


# ---- the customer's status page -----------------------------------------------------------------

def mask_plate(plate: str) -> str:
    """沪A12345 → 沪A·***45: the province and authority, then only the last two characters."""
    plate = (plate or "").strip()
    if len(plate) < 5:
        return "***" if plate else ""
    return f"{plate[:2]}·***{plate[-2:]}"


def public_order_get(*, token) -> WorkOrder:
    """The order of a status token, or 404 (malformed tokens never reach the database)."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise NotFoundError()
    order = WorkOrder.objects.select_related("service_point", "asset").filter(status_token=token).first()
    # The unique index finds the row; the comparison is constant-time so timing says nothing more.
    if order is None or not hmac.compare_digest(order.status_token.encode(), token.encode()):
        raise NotFoundError()
    return order


def public_status(*, token) -> dict:
    """What the customer sees: the order's number, point, vehicle (masked), progress and money."""
    order = public_order_get(token=token)
    reached: dict[str, object] = {S.RECEPTION: order.opened_at}
    for to_status, at in (WorkOrderEvent.objects.filter(work_order=order).exclude(to_status="")
                          .order_by("at", "id").values_list("to_status", "at")):
        reached[to_status] = at  # the latest time the order entered each state (rework re-enters repair)
    cancelled = order.status == S.CANCELLED
    current = STAGES.index(order.status) if order.status in STAGES else -1
    labels = dict(S.choices)
    stages = [{"status": stage, "label": str(labels[stage]), "done": i < current, "current": i == current,
               "at": reached.get(stage) if i <= current or (cancelled and stage in reached) else None}
              for i, stage in enumerate(STAGES)]
    asset = order.asset
    is_vehicle = asset.kind == AssetKind.VEHICLE
    settled = order.status in (S.SETTLED, S.DELIVERED)
    awaiting = Approval.objects.filter(work_order=order, status=ApprovalStatus.PENDING).exists()
    money = None
    if settled:
        money = {"amount_due": order.amount_due, "insurer_amount": order.insurer_amount,
                 "paid": order.paid_total, "balance": order.balance}
    return {
        "number": order.number, "status": order.status, "status_label": str(order.get_status_display()),
        "cancelled": cancelled, "cancelled_at": order.cancelled_at,
        "point_name": order.service_point.name, "point_phone": order.service_point.phone,
        "vehicle": {"kind": asset.kind, "brand": asset.brand, "model": asset.model,
                    "plate": mask_plate(asset.plate) if is_vehicle else ""},
        "opened_at": order.opened_at, "promised_at": order.promised_at,
        "stages": stages, "progress": round(100 * (current + 1) / len(STAGES)) if current >= 0 else 0,
        "awaiting_approval": awaiting, "settled": settled, "money": money,
        "settled_at": order.settled_at, "delivered_at": order.delivered_at,
        "next_service_date": order.next_service_date if order.status == S.DELIVERED else None,
        "next_service_mileage": order.next_service_mileage if order.status == S.DELIVERED else None,
    }

