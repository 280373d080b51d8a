"""Reads of work orders, the advisor's day board and the labour catalogue: always through ``restrict``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for, sees_personal_data
from aftersales.accounts.models import ServicePoint, User
from aftersales.appointments.choices import AppointmentStatus
from aftersales.core.api import decode_cursor, encode_cursor
from aftersales.core.choices import PayType
from aftersales.core.errors import ApplicationError, NotFoundError
from aftersales.core.inputs import as_date, as_datetime, is_row_id

from ..choices import OPEN_STATUSES, ApprovalStatus, OperationCategory, WorkOrderStatus
from ..models import (
    Approval,
    LabourOperation,
    WorkOrder,
    WorkOrderDamage,
    WorkOrderEvent,
    WorkOrderLine,
    WorkOrderPhoto,
)

S = WorkOrderStatus
BOARD_COLUMNS = [S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.IN_REPAIR, S.QUALITY_CHECK, S.READY_FOR_SETTLEMENT]
BOARD_DONE = (S.SETTLED, S.DELIVERED)
BOARD_CARDS_PER_COLUMN = 60
_PEOPLE = ("username", "first_name", "last_name", "display_name")


def mask_name(name: str) -> str:
    """张三丰 → 张**; Acme Ltd → A*******."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a local (Asia/Shanghai) day as aware datetimes."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min).replace(tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def workshop_points(user, permission: str = "workshop.view_workorder") -> QuerySet[ServicePoint]:
    """The active points where the user holds ``permission`` (for the filters)."""
    scope = scope_for(user, permission)
    qs = ServicePoint.objects.filter(is_active=True).order_by("path")
    if scope.everything:
        return qs
    return qs.filter(pk__in=scope.point_ids)


# ---- work orders --------------------------------------------------------------------------------

def work_order_list(*, user, status: str = "", point_id=None, advisor_id=None, date_from=None, date_to=None,
                    q: str = "") -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.restrict(user, "view").select_related("asset", "customer", "advisor", "service_point")
    if status in S.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if is_row_id(point_id):
        qs = qs.filter(service_point_id=point_id)
    if is_row_id(advisor_id):
        qs = qs.filter(advisor_id=advisor_id)
    start = as_date(date_from, "date_from")
    end = as_date(date_to, "date_to")
    if start:
        qs = qs.filter(opened_at__gte=day_bounds(start)[0])
    if end:
        qs = qs.filter(opened_at__lt=day_bounds(end)[1])
    q = (q or "").replace("\x00", "").strip()[:40]
    if q:
        upper = q.upper().replace(" ", "")
        if upper.startswith("WO"):
            qs = qs.filter(number__startswith=upper)
        else:
            # the plate's trigram index (search app) finds the vehicles, the asset index their orders
            from aftersales.assets.models import Asset

            # (ids first, so that PostgreSQL ORs two index scans rather than scanning the orders)
            asset_ids = list(Asset.objects.filter(plate__icontains=upper).values_list("pk", flat=True)[:500])
            qs = qs.filter(Q(number=upper) | Q(asset_id__in=asset_ids))
    return qs


def keyset_by_opened(qs: QuerySet[WorkOrder], *, limit: int, cursor: str | None) -> tuple[list[WorkOrder], str | None]:
    """Newest first by (opened_at, id), one page without COUNT(*)."""
    qs = qs.order_by("-opened_at", "-id")
    if cursor:
        data = decode_cursor(cursor)
        last_id, last_at = data.get("k"), data.get("t")
        if not is_row_id(last_id) or not isinstance(last_at, str):
            raise ApplicationError("invalid", _("Bad cursor."), {"cursor": [_("This cursor is not valid.")]},
                                   status=422)
        try:
            at = as_datetime(last_at, "cursor")
        except ApplicationError as exc:
            raise ApplicationError("invalid", _("Bad cursor."), {"cursor": [_("This cursor is not valid.")]},
                                   status=422) from exc
        qs = qs.filter(Q(opened_at__lt=at) | Q(opened_at=at, id__lt=last_id))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor({"t": rows[-1].opened_at.isoformat(), "k": rows[-1].pk}) if more and rows else None
    return rows, next_cursor


def work_order_get(*, user, pk, action: str = "view") -> WorkOrder:
    if not is_row_id(pk):
        raise NotFoundError()
    order = (WorkOrder.objects.restrict(user, action)
             .select_related("asset", "customer", "advisor", "service_point", "appointment", "meter_reading")
             .filter(pk=pk).first())
    if order is None:
        raise NotFoundError()
    return order


def work_order_detail(*, user, pk) -> WorkOrder:
    """The order with everything its page shows, in a fixed number of queries (the API's detail:
    ``work_order_api_detail``)."""
    if not is_row_id(pk):
        raise NotFoundError()
    # the lines' approvals without their signature image (shown once, with the approval itself)
    lines = (WorkOrderLine.objects.select_related("operation", "part", "approval").defer("approval__signature")
             .order_by("sequence", "id"))
    related = [
        Prefetch("lines", queryset=lines),
        Prefetch("approvals", queryset=Approval.objects.select_related("recorded_by").order_by("sequence")),
        Prefetch("damages", queryset=WorkOrderDamage.objects.order_by("id")),
        Prefetch("photos", queryset=WorkOrderPhoto.objects.order_by("id")),
        Prefetch("events", queryset=WorkOrderEvent.objects.select_related("actor").order_by("at", "id")),
    ]
    # Three joins, the rest read apart: PostgreSQL took ~7 ms to plan the order joined to its six
    # relations (the join orders grow with each table), longer than the queries themselves.
    related.append(Prefetch("appointment"))  # no query when there is none
    qs = (WorkOrder.objects.restrict(user, "view")
          .select_related("asset", "customer", "service_point")
          .prefetch_related(*related))
    order = next(iter(qs.filter(pk=pk).order_by()), None)  # by primary key: no ORDER BY, no LIMIT
    if order is None:
        raise NotFoundError()
    people = User.objects.in_bulk({order.advisor_id, order.created_by_id} - {None})  # both in one query
    order.advisor, order.created_by = people.get(order.advisor_id), people.get(order.created_by_id)
    return order


# What the API's detail shows of the order's point, customer and asset (labels); the page shows more.
API_RELATED_FIELDS = ("service_point__name", "customer__name", "asset__kind", "asset__plate",
                      "asset__serial_number")


def work_order_api_detail(*, user, pk) -> WorkOrder:
    """The order as the API's detail shows it (also the answer to every command on it): the API names
    operations, parts and users by id, so the lines and approvals are read without their joins and
    the point, customer and asset with only the columns of their labels."""
    if not is_row_id(pk):
        raise NotFoundError()
    qs = (WorkOrder.objects.restrict(user, "view").select_related("asset", "customer", "service_point")
          .only(*(f.name for f in WorkOrder._meta.concrete_fields), *API_RELATED_FIELDS)
          .prefetch_related(Prefetch("lines", queryset=WorkOrderLine.objects.order_by("sequence", "id")),
                            Prefetch("approvals", queryset=Approval.objects.order_by("sequence")),
                            Prefetch("damages", queryset=WorkOrderDamage.objects.order_by("id")),
                            Prefetch("photos", queryset=WorkOrderPhoto.objects.order_by("id")),
                            Prefetch("appointment")))
    order = next(iter(qs.filter(pk=pk).order_by()), None)
    if order is None:
        raise NotFoundError()
    approvals = {a.pk: a for a in order.approvals.all()}
    for line in order.lines.all():  # the guards look at a line's approval: the one read above
        if line.approval_id in approvals:
            line.approval = approvals[line.approval_id]
    if order.advisor_id and order.advisor_id == getattr(user, "pk", None):
        order.advisor = user  # the advisor asking about an order of theirs: not read again
    else:
        order.advisor = User.objects.filter(pk=order.advisor_id).first() if order.advisor_id else None
    return order


# Where the page offers each step: the advisor's own (this module's pages), the floor's and the
# cashier's sections (their partials on the order page).
STEP_SECTIONS = {"start_repair": "order-jobs", "finish_repair": "order-jobs", "qc_pass": "order-qc",
                 "qc_fail": "order-qc", "settle": "order-settlement", "deliver": "order-delivery",
                 "approve": "order-approvals"}


def order_steps(user, order: WorkOrder) -> list[dict]:
    """The steps from the order's state a person may take, each with the reasons it is not possible now
    (permission at the order's point first, then the guard)."""
    from .. import states
    from ..services.transitions import guard_reasons

    out = []
    for step in states.transitions_from(order.status):
        if getattr(step, "automatic", False):
            continue
        if not scope_for(user, step.permission).covers(order.service_point_id):
            reasons = [_("You may not do this at this service point.")]
        else:
            reasons = guard_reasons(order, step, user)
        out.append({"name": step.name, "target": step.target, "label": str(step.label), "allowed": not reasons,
                    "reasons": reasons, "section": STEP_SECTIONS.get(step.name, "")})
    return out


def totals_by_pay_type(order: WorkOrder) -> list[dict]:
    """Per pay type: the amount of the lines still in play, for the detail page."""
    fields = {PayType.CUSTOMER: "total_a", PayType.CONTRACT: "total_b", PayType.WARRANTY: "total_c",
              PayType.INTERNAL: "total_d"}
    return [{"pay_type": value, "label": label, "amount": getattr(order, fields[value])}
            for value, label in PayType.choices]


def work_order_events(*, user, pk) -> QuerySet[WorkOrderEvent]:
    order = work_order_get(user=user, pk=pk)
    return WorkOrderEvent.objects.filter(work_order=order).select_related("actor").order_by("at", "id")


def customer_label(user, order: WorkOrder) -> str:
    name = order.customer.name
    return name if sees_personal_data(user, order.service_point_id) else mask_name(name)


# ---- the day board ------------------------------------------------------------------------------
# The board shows hundreds of cards: they are read as bare rows into the small records below, not as
# model instances with their customer, asset and advisor (four objects a card), and the page renders
# them without includes.

@dataclass(frozen=True, slots=True)
class BoardCard:
    pk: int
    number: str
    status: str
    plate: str
    customer_label: str
    advisor: str
    promised_at: dt.datetime | None
    overdue: bool = False
    pending_approval: bool = False

    @property
    def url(self) -> str:
        return WorkOrder.url_of(self.pk)


@dataclass(frozen=True, slots=True)
class BoardAppointment:
    pk: int
    number: str
    starts_at: dt.datetime
    status: str
    status_label: str
    service_type: str
    service_type_label: str
    plate: str
    customer_label: str
    advisor: str
    work_order_id: int | None
    work_order_number: str

    @property
    def work_order_url(self) -> str:
        return WorkOrder.url_of(self.work_order_id) if self.work_order_id else ""

    @property
    def can_check_in(self) -> bool:
        return self.work_order_id is None and self.status in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)


@dataclass
class BoardColumn:
    status: str
    label: str
    cards: list[BoardCard] = field(default_factory=list)
    count: int = 0


@dataclass
class DayBoard:
    day: dt.date
    point: ServicePoint | None
    points: list[ServicePoint]
    advisor_id: int | None
    advisors: list[User]
    appointments: list[BoardAppointment]
    columns: list[BoardColumn]
    done: list[BoardCard]


_CARD_COLUMNS = ("id", "number", "status", "service_point_id", "promised_at", "customer__name", "asset__plate",
                 "asset__serial_number", *(f"advisor__{name}" for name in _PEOPLE))
_APPOINTMENT_COLUMNS = ("id", "number", "starts_at", "status", "service_type", "service_point_id", "customer__name",
                        "asset__plate", "work_order__id", "work_order__number",
                        *(f"advisor__{name}" for name in _PEOPLE))


class _BoardLabels:
    """The customer's name (masked at points where the user may not see personal data, asked once per
    point) and the advisor's name, from the bare columns of a board row."""

    def __init__(self, user):
        self.user = user
        self.personal: dict[int, bool] = {}

    def customer(self, point_id: int, name: str) -> str:
        if point_id not in self.personal:
            self.personal[point_id] = sees_personal_data(self.user, point_id)
        return name if self.personal[point_id] else mask_name(name)

    @staticmethod
    def advisor(username, first, last, display) -> str:
        return User.label_of(username, first or "", last or "", display or "") if username else ""


def _board_cards(user, rows, now=None) -> list[BoardCard]:
    """Rows of ``_CARD_COLUMNS`` (+ pending approval) as cards. With ``now``, a card whose promised time
    has passed is overdue (open orders only)."""
    labels = _BoardLabels(user)
    return [BoardCard(pk=pk, number=number, status=status, plate=plate or serial or "",
                      customer_label=labels.customer(point_id, name),
                      advisor=labels.advisor(username, first, last, display), promised_at=promised_at,
                      overdue=bool(now and promised_at and promised_at < now), pending_approval=pending)
            for (pk, number, status, point_id, promised_at, name, plate, serial, username, first, last, display,
                 pending) in rows]


def _board_appointments(user, rows) -> list[BoardAppointment]:
    """Rows of ``_APPOINTMENT_COLUMNS`` as the board's appointment cards."""
    from aftersales.core.choices import ServiceType

    labels = _BoardLabels(user)
    statuses, services = dict(AppointmentStatus.choices), dict(ServiceType.choices)
    return [BoardAppointment(pk=pk, number=number, starts_at=starts_at, status=status,
                             status_label=str(statuses.get(status, status)), service_type=service_type,
                             service_type_label=str(services.get(service_type, service_type)), plate=plate or "",
                             customer_label=labels.customer(point_id, name),
                             advisor=labels.advisor(username, first, last, display),
                             work_order_id=order_id, work_order_number=order_number or "")
            for (pk, number, starts_at, status, service_type, point_id, name, plate, order_id, order_number,
                 username, first, last, display) in rows]


def day_board(*, user, point_id=None, day=None, advisor_id=None, points=None) -> DayBoard:
    """Today's (or ``day``'s) appointments at the user's points, the open orders by state and the orders
    settled or delivered that day; filtered by point and advisor. A fixed handful of queries.
    ``points``: the user's ``workshop_points``, when the caller has read them already."""
    from aftersales.appointments.models import Appointment

    day = as_date(day, "date") or timezone.localdate()
    points = list(workshop_points(user)) if points is None else points
    point = None
    if point_id not in (None, ""):
        if not is_row_id(point_id):
            raise ApplicationError("invalid", _("Unknown service point."), {"point_id": [_("Unknown service point.")]},
                                   status=422)
        point = next((p for p in points if p.pk == point_id), None)
        if point is None:
            raise NotFoundError()
    start, end = day_bounds(day)
    orders = WorkOrder.objects.restrict(user, "view")
    appointments = Appointment.objects.restrict(user, "view").filter(starts_at__gte=start, starts_at__lt=end)
    if point is not None:
        orders = orders.filter(service_point=point)
        appointments = appointments.filter(service_point=point)
    if is_row_id(advisor_id):
        orders = orders.filter(advisor_id=advisor_id)
        appointments = appointments.filter(advisor_id=advisor_id)
    else:
        advisor_id = None
    pending = Approval.objects.filter(work_order=OuterRef("pk"), status=ApprovalStatus.PENDING)
    rows = (orders.filter(status__in=BOARD_COLUMNS)
            .annotate(pending_approval=Exists(pending),
                      rank=Window(RowNumber(), partition_by=[F("status")],
                                  order_by=[F("promised_at").asc(nulls_last=True), F("id").asc()]))
            .filter(rank__lte=BOARD_CARDS_PER_COLUMN)
            .order_by(F("promised_at").asc(nulls_last=True), "id")
            .values_list(*_CARD_COLUMNS, "pending_approval"))
    counts = dict(orders.filter(status__in=BOARD_COLUMNS).order_by().values_list("status").annotate(n=Count("id")))
    columns = {status: BoardColumn(status=status, label=S(status).label, count=counts.get(status, 0))
               for status in BOARD_COLUMNS}
    now = timezone.now()
    for card in _board_cards(user, rows, now):
        columns[card.status].cards.append(card)
    done_rows = (orders.filter(status__in=BOARD_DONE)
                 .filter(Q(settled_at__gte=start, settled_at__lt=end) | Q(delivered_at__gte=start, delivered_at__lt=end))
                 .annotate(pending_approval=Value(False))
                 .order_by("-settled_at", "-id")
                 .values_list(*_CARD_COLUMNS, "pending_approval")[:BOARD_CARDS_PER_COLUMN])
    done = _board_cards(user, done_rows)
    appointment_rows = _board_appointments(user, appointments.order_by("starts_at", "id")
                                           .values_list(*_APPOINTMENT_COLUMNS)[:200])
    advisors = list(User.objects.filter(is_active=True, memberships__service_point__in=[p.pk for p in points]
                                        if point is None else [point.pk],
                                        memberships__role__code="service_advisor").distinct().order_by("username")
                    .only("id", *_PEOPLE)[:100])
    return DayBoard(day=day, point=point, points=points, advisor_id=advisor_id, advisors=advisors,
                    appointments=appointment_rows, columns=[columns[s] for s in BOARD_COLUMNS], done=done)


# ---- the customer's approval link ---------------------------------------------------------------

def approval_summary(approval: Approval) -> dict:
    """What the link page shows: the order number, the plate, the lines with prices and totals, the
    point's name and phone. Nothing else about the customer."""
    order = approval.work_order
    lines = list(approval.lines.order_by("sequence", "id"))
    totals = {value: Decimal("0.00") for value in PayType.values}
    for line in lines:
        totals[line.pay_type] += line.amount
    return {
        "number": order.number, "plate": order.asset.plate or "", "kind": approval.kind,
        "kind_label": approval.get_kind_display(), "point_name": order.service_point.name,
        "point_phone": order.service_point.phone, "lines": lines, "totals": totals,
        "total": sum(totals.values(), Decimal("0.00")), "amount": approval.amount,
        "expires_at": approval.token_expires_at,
    }


# ---- the labour catalogue -----------------------------------------------------------------------

def labour_operation_list(*, user, q: str = "", category: str = "", active: bool | None = None,
                          brand: str = "") -> QuerySet[LabourOperation]:
    qs = LabourOperation.objects.restrict(user, "view")
    if category in OperationCategory.values:
        qs = qs.filter(category=category)
    if active is not None:
        qs = qs.filter(is_active=active)
    brand = (brand or "").replace("\x00", "").strip()[:50]
    if brand:
        qs = qs.filter(Q(brand="") | Q(brand__iexact=brand))
    q = (q or "").replace("\x00", "").strip()[:60]
    if q:
        qs = qs.filter(Q(code__istartswith=q) | Q(name__icontains=q))
    return qs.order_by("code", "id")


def labour_operation_get(*, user, pk, action: str = "view") -> LabourOperation:
    if not is_row_id(pk):
        raise NotFoundError()
    operation = LabourOperation.objects.restrict(user, action).filter(pk=pk).first()
    if operation is None:
        raise NotFoundError()
    return operation
