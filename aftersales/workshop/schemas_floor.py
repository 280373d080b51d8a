"""Schemas of the floor and settlement API (explicit fields; money as strings)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from aftersales.core.choices import ServiceType

from .choices import OldParts, Payer, PaymentMethod, TimeEntryEnd

Money = Decimal


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class OrderStateOut(Schema):
    id: int
    number: str
    status: str
    rework_count: int
    balance: Money


# ---- jobs and clocking --------------------------------------------------------------------------

class AssignIn(Schema):
    technician_ids: list[int] = Field(min_length=1, max_length=20)


class PersonOut(Schema):
    id: int
    name: str


class AssignmentOut(Schema):
    technician: PersonOut
    clocked_hours: Decimal
    standard_share: Decimal
    assigned_at: datetime


class JobOut(Schema):
    line_id: int
    order_id: int
    order_number: str
    order_status: str
    plate: str
    vehicle: str
    concerns: str
    sequence: int
    description: str
    standard_hours: Decimal
    actual_hours: Decimal
    job_status: str
    done_at: datetime | None
    clocked_on_since: datetime | None = Field(None, description="When the caller clocked on to this job (running).")
    my_hours: Decimal = Field(Decimal("0"), description="The caller's closed time on this job.")
    others_clocked_on: bool = False
    assignments: list[AssignmentOut]


class ClockOnIn(Schema):
    note: str = Field("", max_length=255)


class ClockOffIn(Schema):
    reason: TimeEntryEnd
    note: str = Field("", max_length=255)


class TimeEntryOut(Schema):
    id: int
    line_id: int
    order_id: int
    order_number: str
    technician: PersonOut
    started_at: datetime
    ended_at: datetime | None
    end_reason: str
    hours: Decimal
    note: str


class TimeEntryPatch(Schema):
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: TimeEntryEnd | None = None
    note: str | None = Field(None, max_length=255)


# ---- quality check ------------------------------------------------------------------------------

class ChecklistIn(Schema):
    service_type: ServiceType
    service_point_id: int | None = Field(None, description="Empty: the default for every point without a list.")
    name: str = Field(min_length=1, max_length=100)
    items: list[str] = Field(min_length=1, max_length=60)
    is_active: bool = True


class ChecklistPatch(Schema):
    service_type: ServiceType | None = None
    service_point_id: int | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    items: list[str] | None = Field(None, min_length=1, max_length=60)
    is_active: bool | None = None


class ChecklistOut(Schema):
    id: int
    service_type: str
    service_point_id: int | None
    name: str
    items: list[str]
    is_active: bool


class CheckResultIn(Schema):
    item: str = Field(min_length=1, max_length=200)
    ok: bool
    note: str = Field("", max_length=500)


class InspectionIn(Schema):
    results: list[CheckResultIn] = Field(min_length=1, max_length=60)
    reasons: str = Field("", max_length=2000, description="Required when a check is not ok.")
    redo_line_ids: list[int] | None = Field(None, description="Jobs to redo after a failure (default: all).")


class CheckResultOut(Schema):
    item: str
    ok: bool
    note: str = ""


class InspectionOut(Schema):
    id: int
    work_order_id: int
    inspector: PersonOut
    checklist_id: int | None
    passed: bool
    results: list[CheckResultOut]
    reasons: str
    redo_line_ids: list[int]
    rework_round: int
    inspected_at: datetime
    order_status: str


# ---- the hours report ---------------------------------------------------------------------------

class TechnicianHoursOut(Schema):
    technician_id: int
    name: str
    jobs: int
    standard_hours: Decimal
    clocked_hours: Decimal
    efficiency_percent: Decimal | None


class JobHoursOut(Schema):
    line_id: int
    order_number: str
    description: str
    standard_hours: Decimal
    actual_hours: Decimal
    done_at: datetime | None
    technicians: list[AssignmentOut]


class HoursReportOut(Schema):
    date_from: date
    date_to: date
    technicians: list[TechnicianHoursOut]
    jobs: list[JobHoursOut]
    jobs_truncated: bool


# ---- settlement ---------------------------------------------------------------------------------

class DiscountIn(Schema):
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    reason: str = Field("", max_length=255)


class DiscountOut(Schema):
    id: int
    work_order_id: int
    amount: Money
    percent: Decimal
    reason: str
    status: str
    requested_by: PersonOut
    requested_at: datetime
    decided_by: PersonOut | None
    decided_at: datetime | None
    decision_note: str


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=255)


class PaymentIn(Schema):
    method: PaymentMethod
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    payer: Payer = Payer.CUSTOMER
    reference: str = Field("", max_length=64)
    note: str = Field("", max_length=255)


class PaymentOut(Schema):
    id: int
    work_order_id: int
    payer: str
    method: str
    amount: Money
    reference: str
    note: str
    received_by: PersonOut | None
    received_at: datetime


class SettleIn(Schema):
    discount: DiscountIn | None = None
    payments: list[PaymentIn] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=500)


class TotalsOut(Schema):
    A: Money
    B: Money
    C: Money
    D: Money


class SettlementOut(Schema):
    id: int
    number: str
    status: str
    totals: TotalsOut
    discount_amount: Money
    amount_due: Money
    insurer_amount: Money
    paid_total: Money
    balance: Money
    insurer_balance: Money
    credit_limit: Money
    credit_remaining: Money
    settled_at: datetime | None
    payments: list[PaymentOut]
    discount_requests: list[DiscountOut]
    settle_blockers: list[str]


# ---- delivery -----------------------------------------------------------------------------------

class OldPartIn(Schema):
    line_id: int
    disposition: OldParts = Field(description="returned, left or warranty")


class DeliverIn(Schema):
    notes: str = Field("", max_length=5000, description="Empty: the summary built from the lines.")
    old_parts: list[OldPartIn] = Field(default_factory=list, max_length=200)
    next_service_date: date | None = None
    next_service_mileage: int | None = Field(None, ge=0, le=99_999_999)
    note: str = Field("", max_length=500)


class OldPartOut(Schema):
    line_id: int
    description: str
    pay_type: str
    disposition: str


class DeliveryOut(Schema):
    id: int
    number: str
    status: str
    notes: str
    old_parts: list[OldPartOut]
    next_service_date: date | None
    next_service_mileage: int | None
    due_reason: str = ""
    delivered_at: datetime | None
