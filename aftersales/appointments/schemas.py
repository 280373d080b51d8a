from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from aftersales.core.choices import ServiceType
from aftersales.core.inputs import MAX_ROW_ID

from .choices import AppointmentChannel

Id = Field(..., ge=1, le=MAX_ROW_ID)
OptId = Field(None, ge=1, le=MAX_ROW_ID)


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class AppointmentIn(Schema):
    service_point_id: int = Id
    customer_id: int = Id
    asset_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="A vehicle or product of the customer.")
    service_type: ServiceType
    channel: AppointmentChannel = AppointmentChannel.PHONE
    concerns: str = Field("", max_length=5000)
    advisor_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="Default: you.")
    starts_at: datetime = Field(description="The start of a slot; naive times are Asia/Shanghai.")
    estimated_minutes: int = Field(60, ge=5, le=720)
    estimated_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    overbook: bool = Field(False, description="Managers: book beyond the slot's capacity.")


class AppointmentPatch(Schema):
    service_type: ServiceType | None = None
    channel: AppointmentChannel | None = None
    concerns: str | None = Field(None, max_length=5000)
    advisor_id: int | None = OptId
    asset_id: int | None = OptId
    estimated_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class RescheduleIn(Schema):
    starts_at: datetime
    estimated_minutes: int | None = Field(None, ge=5, le=720)
    overbook: bool = False
    note: str = Field("", max_length=500)


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=255)


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    actor_id: int | None
    at: datetime
    note: str
    data: dict


class AppointmentOut(Schema):
    id: int
    number: str
    service_point_id: int
    service_point_name: str
    customer_id: int
    customer_name: str
    asset_id: int | None
    asset_label: str
    service_type: str
    channel: str
    concerns: str
    advisor_id: int | None
    advisor_name: str
    starts_at: datetime
    ends_at: datetime
    estimated_minutes: int
    estimated_price: str | None = Field(description="CNY, two decimals, as a string.")
    status: str
    overbooked: bool
    overbook_approved_by_id: int | None
    confirmed_at: datetime | None
    reminder_sent_at: datetime | None
    arrived_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    reschedule_count: int
    created_at: datetime

    @staticmethod
    def resolve_service_point_name(obj) -> str:
        return obj.service_point.name

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_asset_label(obj) -> str:
        return str(obj.asset) if obj.asset_id else ""

    @staticmethod
    def resolve_advisor_name(obj) -> str:
        return (obj.advisor.get_full_name() or obj.advisor.username) if obj.advisor_id else ""

    @staticmethod
    def resolve_estimated_price(obj) -> str | None:
        return _money(obj.estimated_price)


class AppointmentDetailOut(AppointmentOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.order_by("at", "id"))


class BookingOut(Schema):
    id: int
    number: str
    customer_name: str
    asset_label: str
    starts_at: datetime
    ends_at: datetime
    status: str
    overbooked: bool

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_asset_label(obj) -> str:
        return str(obj.asset) if obj.asset_id else ""


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    bays: int
    bays_used: int
    bays_left: int
    technician_minutes: int
    technician_minutes_used: int
    technician_minutes_left: int
    bookings: list[BookingOut]


class DayOut(Schema):
    service_point_id: int
    date: Date
    open: bool
    closed_reason: str
    slot_minutes: int
    slots: list[SlotOut]
    outside_slots: list[BookingOut]


class RecommendationOut(Schema):
    starts_at: datetime
    ends_at: datetime
    load: float = Field(description="(booked bays + expected walk-ins) ÷ bays in the busiest slot spanned")
    booked: int
    expected_walk_ins: float


class RecommendationsOut(Schema):
    service_point_id: int
    duration_minutes: int
    from_date: Date
    walk_in_share: float
    items: list[RecommendationOut]


class CapacityIn(Schema):
    slot_minutes: int | None = Field(None, ge=1, le=240)
    bays: int | None = Field(None, ge=0, le=500)
    technician_hours: Decimal | None = Field(None, ge=0, le=999, decimal_places=2)
    opening_hours: dict[str, list[list[str]]] | None = Field(
        None, description='Per weekday 1-7: [["08:30", "17:30"]]; {} or null: the service point\'s hours.')


class CapacityOut(Schema):
    service_point_id: int
    service_point_name: str
    slot_minutes: int
    bays: int
    technician_hours: str
    opening_hours: dict = Field(description="The plan's own hours; empty: the point's (effective_opening_hours).")
    effective_opening_hours: dict

    @staticmethod
    def resolve_service_point_name(obj) -> str:
        return obj.service_point.name

    @staticmethod
    def resolve_technician_hours(obj) -> str:
        return f"{obj.technician_hours:.2f}"

    @staticmethod
    def resolve_effective_opening_hours(obj) -> dict:
        return obj.opening_hours or obj.service_point.opening_hours or {}


class HolidayIn(Schema):
    service_point_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="Empty: company-wide (head office).")
    date: Date
    name: str = Field(min_length=1, max_length=100)


class HolidayPatch(Schema):
    date: Date | None = None
    name: str | None = Field(None, min_length=1, max_length=100)


class HolidayOut(Schema):
    id: int
    service_point_id: int | None
    date: Date
    name: str


class OverrideIn(Schema):
    service_point_id: int = Id
    date: Date
    opening_hours: list[list[str]] = Field(default_factory=list, description='[["09:00", "12:00"]]; []: closed.')
    bays: int | None = Field(None, ge=0, le=500)
    technician_hours: Decimal | None = Field(None, ge=0, le=999, decimal_places=2)
    note: str = Field("", max_length=200)


class OverridePatch(Schema):
    date: Date | None = None
    opening_hours: list[list[str]] | None = None
    bays: int | None = Field(None, ge=0, le=500)
    technician_hours: Decimal | None = Field(None, ge=0, le=999, decimal_places=2)
    note: str | None = Field(None, max_length=200)


class OverrideOut(Schema):
    id: int
    service_point_id: int
    date: Date
    opening_hours: list
    bays: int | None
    technician_hours: str | None
    note: str

    @staticmethod
    def resolve_technician_hours(obj) -> str | None:
        return None if obj.technician_hours is None else f"{obj.technician_hours:.2f}"
