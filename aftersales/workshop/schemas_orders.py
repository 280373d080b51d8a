"""API schemas of work orders at reception, their lines, approvals, the day board and the labour catalogue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from aftersales.core.choices import PayType, ServiceType

from .choices import DamageArea, DamageKind, LineCause, LineKind, OperationCategory

MAX_METER = 99_999_999


# ---- input --------------------------------------------------------------------------------------

class LineIn(Schema):
    kind: LineKind
    operation_id: int | None = Field(None, description="Labour from the catalogue: quantity = its standard hours, "
                                                       "unit price = the order's labour rate.")
    part_id: int | None = Field(None, description="Part lines: unit price = the part's sale price.")
    description: str = Field("", max_length=200, description="Required for free labour, sublet and other lines.")
    quantity: Decimal | None = Field(None, description="Hours (labour) or units; above zero, two decimals.")
    unit_price: Decimal | None = Field(None, description="Free labour, sublet and other lines only.")
    pay_type: PayType = Field(PayType.CUSTOMER, description="A customer, B service contract, C warranty, D internal.")
    cause: LineCause = Field(LineCause.FAULT, description="Read by the warranty check (B and C lines).")


class LinePatch(Schema):
    description: str | None = Field(None, max_length=200)
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    pay_type: PayType | None = None
    cause: LineCause | None = None


class DamageIn(Schema):
    area: DamageArea
    kind: DamageKind
    description: str = Field("", max_length=255)


class WorkOrderIn(Schema):
    appointment_id: int | None = Field(None, description="Check in an appointment: point, customer, vehicle, "
                                                         "service type, concerns and advisor come from it.")
    service_point_id: int | None = Field(None, description="Walk-in: where (default: your only point).")
    asset_id: int | None = Field(None, description="Walk-in: the vehicle or product.")
    customer_id: int | None = Field(None, description="Who pays, when not the owner.")
    advisor_id: int | None = Field(None, description="Default: you.")
    service_type: ServiceType | None = None
    mileage: int | None = Field(None, ge=0, le=MAX_METER, description="Creates a meter reading; never below the last.")
    fuel_level: int | None = Field(None, ge=0, le=100, description="Per cent.")
    valuables: str = Field("", max_length=2000)
    concerns: str = Field("", max_length=4000, description="In the customer's words.")
    diagnosis: str = Field("", max_length=4000)
    walkaround_notes: str = Field("", max_length=4000)
    promised_at: datetime | None = None
    damages: list[DamageIn] = Field(default_factory=list, max_length=50)
    lines: list[LineIn] = Field(default_factory=list, max_length=200)


class WorkOrderPatch(Schema):
    service_type: ServiceType | None = None
    advisor_id: int | None = None
    mileage: int | None = Field(None, ge=0, le=MAX_METER, description="Correctable while at reception.")
    fuel_level: int | None = Field(None, ge=0, le=100)
    valuables: str | None = Field(None, max_length=2000)
    concerns: str | None = Field(None, max_length=4000)
    diagnosis: str | None = Field(None, max_length=4000)
    walkaround_notes: str | None = Field(None, max_length=4000)
    promised_at: datetime | None = None


class SubmitIn(Schema):
    send_link: bool = Field(False, description="Send the customer a link to approve (returned once in `link`).")
    note: str = Field("", max_length=500)


class DecisionIn(Schema):
    decision: str = Field(description="approve | decline")
    method: str = Field(description="signature (in person, drawn on the screen) | phone (note required)")
    approver_name: str = Field("", max_length=100)
    signature: str = Field("", description="PNG data URL (data:image/png;base64,…)")
    note: str = Field("", max_length=500)


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class CancelIn(Schema):
    reason: str = Field(description="Required.")


class PublicDecisionIn(Schema):
    decision: str = Field(description="approve | decline")
    approver_name: str = Field(description="The name the customer types.")
    signature: str = Field("", description="PNG data URL; required to approve.")


class OperationIn(Schema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=120)
    category: OperationCategory = OperationCategory.OTHER
    standard_hours: Decimal
    brand: str = Field("", max_length=50, description="Empty: every brand.")
    is_active: bool = True


class OperationPatch(Schema):
    code: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=120)
    category: OperationCategory | None = None
    standard_hours: Decimal | None = None
    brand: str | None = Field(None, max_length=50)
    is_active: bool | None = None


# ---- output -------------------------------------------------------------------------------------

class LineOut(Schema):
    id: int
    sequence: int
    kind: str
    operation_id: int | None
    part_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    pay_type: str
    cause: str
    status: str
    approval_id: int | None
    is_supplement: bool
    warranty_status: str
    warranty_reasons: list[str]
    coverage_id: int | None
    job_status: str
    stock_state: str
    reserved_quantity: Decimal
    issued_quantity: Decimal


class ApprovalOut(Schema):
    id: int
    kind: str
    sequence: int
    status: str
    amount: Decimal = Field(description="What the customer pays of these lines (pay type A).")
    method: str
    approver_name: str
    has_signature: bool
    decided_at: datetime | None
    recorded_by_id: int | None
    token_expires_at: datetime | None
    sent_at: datetime | None
    note: str
    created_at: datetime

    @staticmethod
    def resolve_has_signature(obj) -> bool:
        return bool(obj.signature)


class DamageOut(Schema):
    id: int
    area: str
    kind: str
    description: str
    recorded_at: datetime


class PhotoOut(Schema):
    id: int
    damage_id: int | None
    caption: str
    url: str
    uploaded_at: datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/workshop/orders/{obj.work_order_id}/photos/{obj.pk}/"


class TransitionOut(Schema):
    name: str
    target: str
    label: str
    allowed: bool
    reasons: list[str]


class WorkOrderOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    service_point_id: int
    service_point_name: str
    customer_id: int
    customer_name: str = Field(description="Masked for roles without personal data.")
    asset_id: int
    plate: str
    advisor_id: int | None
    advisor_name: str
    service_type: str
    opened_at: datetime
    promised_at: datetime | None
    total_a: Decimal
    total_b: Decimal
    total_c: Decimal
    total_d: Decimal
    amount_due: Decimal
    balance: Decimal


class WorkOrderDetailOut(WorkOrderOut):
    appointment_id: int | None
    mileage_in: int | None
    meter_reading_id: int | None
    fuel_level: int | None
    valuables: str
    concerns: str
    diagnosis: str
    walkaround_notes: str
    labour_rate: Decimal
    rework_count: int
    discount_amount: Decimal
    insurer_amount: Decimal
    paid_total: Decimal
    insurer_balance: Decimal
    settled_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    status_token: str = Field(description="For the customer's status page /p/status/<token>/ (no personal data).")
    lines: list[LineOut]
    approvals: list[ApprovalOut]
    damages: list[DamageOut]
    photos: list[PhotoOut]
    transitions: list[TransitionOut] = Field(description="The steps from the current state, with why one may not "
                                                         "be taken now.")


class SubmittedOut(Schema):
    work_order: WorkOrderDetailOut
    approval: ApprovalOut
    link: str | None = Field(None, description="The approval link, shown only in this answer.")


class DecidedOut(Schema):
    work_order: WorkOrderDetailOut
    approval: ApprovalOut


class LinkOut(Schema):
    approval: ApprovalOut
    link: str


class EventOut(Schema):
    id: int
    kind: str
    from_status: str
    to_status: str
    actor_id: int | None
    actor_name: str
    actor_label: str
    at: datetime
    note: str
    data: dict

    @staticmethod
    def resolve_actor_name(obj) -> str:
        return str(obj.actor) if obj.actor_id else ""


class BoardCardOut(Schema):
    id: int
    number: str
    status: str
    plate: str
    customer: str
    advisor: str
    promised_at: datetime | None
    overdue: bool = False
    pending_approval: bool = False


class BoardColumnOut(Schema):
    status: str
    label: str
    count: int
    cards: list[BoardCardOut]


class BoardAppointmentOut(Schema):
    id: int
    number: str
    starts_at: datetime
    status: str
    service_type: str
    customer: str
    plate: str
    advisor: str
    work_order_id: int | None


class DayBoardOut(Schema):
    date: date
    point_id: int | None
    appointments: list[BoardAppointmentOut]
    columns: list[BoardColumnOut]
    done: list[BoardCardOut]


class OperationOut(Schema):
    id: int
    code: str
    name: str
    category: str
    standard_hours: Decimal
    brand: str
    is_active: bool


class PublicLineOut(Schema):
    sequence: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    pay_type: str


class PublicApprovalOut(Schema):
    state: str = Field(description="open | used | expired | withdrawn")
    message: str
    number: str
    plate: str
    kind: str
    point_name: str
    point_phone: str
    lines: list[PublicLineOut]
    totals: dict[str, Decimal]
    amount: Decimal = Field(description="What the customer pays.")
    expires_at: datetime | None
