from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from aftersales.core.choices import PayType
from aftersales.core.inputs import MAX_ROW_ID
from aftersales.workshop.choices import LineCause, LineKind

from .choices import ExclusionEffect, ExclusionKind, ExclusionScope


class ExclusionIn(Schema):
    kind: ExclusionKind
    value: str = Field("", max_length=32, description="A part or operation category, a cause, or the hour limit "
                                                       "(hour_limit); empty for wear_part and not_eligible.")
    brand: str = Field("", max_length=50, description="Empty: every brand.")
    applies_to: ExclusionScope = ExclusionScope.WARRANTY
    effect: ExclusionEffect | None = Field(None, description="Default: needs_approval for hour_limit, else "
                                                             "not_covered.")
    is_active: bool = True
    note: str = Field("", max_length=255)


class ExclusionPatch(Schema):
    kind: ExclusionKind | None = None
    value: str | None = Field(None, max_length=32)
    brand: str | None = Field(None, max_length=50)
    applies_to: ExclusionScope | None = None
    effect: ExclusionEffect | None = None
    is_active: bool | None = None
    note: str | None = Field(None, max_length=255)


class ExclusionOut(Schema):
    id: int
    kind: str
    value: str
    brand: str
    applies_to: str
    effect: str
    is_active: bool
    note: str
    label: str = Field(description="The rule in the reader's language.")


class CheckIn(Schema):
    asset_id: int = Field(ge=1, le=MAX_ROW_ID)
    on_date: date | None = Field(None, description="Default: today.")
    mileage: int | None = Field(None, ge=0, le=99_999_999, description="The reading on that day (km or hours); "
                                                                      "empty: unknown, limits not checked.")
    kind: LineKind = LineKind.LABOUR
    pay_type: PayType
    cause: LineCause = LineCause.FAULT
    part_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    operation_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    hours: Decimal | None = Field(None, ge=0, le=Decimal("9999.99"), decimal_places=2,
                                  description="Labour hours; default: the operation's standard hours.")


class CoverageBrief(Schema):
    id: int
    kind: str
    starts_on: date
    ends_on: date
    distance_limit: int | None


class VerdictOut(Schema):
    status: str = Field(description="covered, not_covered, needs_approval or not_checked")
    status_label: str
    reasons: list[str]
    coverage: CoverageBrief | None
