from datetime import date, datetime

from ninja import Field, Schema

from aftersales.core.masking import mask_address

from .choices import AssetKind, CoverageKind, MeterUnit
from .vin import VinError, decode_vin

MAX_METER = 99_999_999


class InitialReadingIn(Schema):
    read_on: date
    value: int = Field(ge=0, le=MAX_METER)
    source: str = Field("", max_length=32)


class AssetIn(Schema):
    kind: AssetKind
    owner_id: int
    service_point_id: int | None = Field(None, description="Default: the owner's home service point.")
    brand: str = Field(min_length=1, max_length=50)
    model: str = Field("", max_length=100)
    model_year: int | None = Field(None, ge=1900, le=2100, description="Default: decoded from the VIN.")
    sale_date: date | None = None
    selling_dealer_id: int | None = None
    vin: str = Field("", max_length=64, description="Vehicles: 17 characters, check digit verified.")
    plate: str = Field("", max_length=32)
    engine_number: str = Field("", max_length=32)
    colour: str = Field("", max_length=30)
    serial_number: str = Field("", max_length=64, description="Products: required, unique per brand.")
    installation_date: date | None = None
    installation_address: str = Field("", max_length=255)
    meter_unit: MeterUnit | None = None
    notes: str = Field("", max_length=5000)
    initial_reading: InitialReadingIn | None = None


class AssetPatch(Schema):
    service_point_id: int | None = None
    brand: str | None = Field(None, min_length=1, max_length=50)
    model: str | None = Field(None, max_length=100)
    model_year: int | None = Field(None, ge=1900, le=2100)
    sale_date: date | None = None
    selling_dealer_id: int | None = None
    vin: str | None = Field(None, max_length=64)
    plate: str | None = Field(None, max_length=32)
    engine_number: str | None = Field(None, max_length=32)
    colour: str | None = Field(None, max_length=30)
    serial_number: str | None = Field(None, max_length=64)
    installation_date: date | None = None
    installation_address: str | None = Field(None, max_length=255)
    meter_unit: MeterUnit | None = None
    notes: str | None = Field(None, max_length=5000)
    is_active: bool | None = None


class AssetOut(Schema):
    id: int
    kind: str
    owner_id: int
    owner_name: str
    service_point_id: int
    service_point_name: str
    brand: str
    model: str
    model_year: int | None
    sale_date: date | None
    selling_dealer_id: int | None
    vin: str
    plate: str
    engine_number: str
    colour: str
    serial_number: str
    installation_date: date | None
    installation_address: str = Field(description="Masked in lists and for roles without personal data.")
    meter_unit: str
    notes: str
    is_active: bool
    created_at: datetime
    updated_at: datetime
    warnings: list[str] = Field(description="For example a doubtful check digit outside China and North America.")

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_service_point_name(obj) -> str:
        return obj.service_point.name

    @staticmethod
    def resolve_installation_address(obj) -> str:
        return obj.installation_address if getattr(obj, "show_personal", False) else mask_address(
            obj.installation_address)

    @staticmethod
    def resolve_warnings(obj) -> list[str]:
        given = getattr(obj, "warnings", None)
        if given is not None:
            return list(given)
        if obj.kind != AssetKind.VEHICLE or not obj.vin:
            return []
        try:
            return decode_vin(obj.vin).warnings
        except VinError as exc:
            return [exc.reason]


class TransferIn(Schema):
    new_owner_id: int
    on_date: date


class ReadingIn(Schema):
    read_on: date
    value: int = Field(ge=0, le=MAX_METER)
    is_meter_replacement: bool = False
    source: str = Field("", max_length=32, description='"service" marks a maintenance visit (used by the forecast).')


class ReadingCreateIn(ReadingIn):
    asset_id: int


class ReadingOut(Schema):
    id: int
    asset_id: int
    read_on: date
    value: int
    is_meter_replacement: bool
    source: str
    recorded_by_id: int | None
    created_at: datetime


class CoverageIn(Schema):
    kind: CoverageKind
    starts_on: date
    ends_on: date
    distance_limit: int | None = Field(None, ge=1, le=MAX_METER, description="Meter reading at which it ends.")
    provider: str = Field("", max_length=100)
    policy_number: str = Field("", max_length=64)
    notes: str = Field("", max_length=5000)


class CoverageCreateIn(CoverageIn):
    asset_id: int


class CoveragePatch(Schema):
    kind: CoverageKind | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    distance_limit: int | None = Field(None, ge=1, le=MAX_METER)
    provider: str | None = Field(None, max_length=100)
    policy_number: str | None = Field(None, max_length=64)
    notes: str | None = Field(None, max_length=5000)


class CoverageOut(Schema):
    id: int
    asset_id: int
    kind: str
    starts_on: date
    ends_on: date
    distance_limit: int | None
    provider: str
    policy_number: str
    notes: str
    in_force: bool | None = Field(None, description="On the day asked (default today) at the latest reading.")
    status: str = Field("", description="Why it is not in force.")


class IntervalIn(Schema):
    brand: str = Field(min_length=1, max_length=50)
    model: str = Field("", max_length=100, description="Empty: the brand's default.")
    months: int = Field(6, ge=0, le=120)
    distance: int = Field(5000, ge=0, le=1_000_000)
    first_months: int | None = Field(None, ge=1, le=120)
    first_distance: int | None = Field(None, ge=1, le=1_000_000)


class IntervalPatch(Schema):
    brand: str | None = Field(None, min_length=1, max_length=50)
    model: str | None = Field(None, max_length=100)
    months: int | None = Field(None, ge=0, le=120)
    distance: int | None = Field(None, ge=0, le=1_000_000)
    first_months: int | None = Field(None, ge=1, le=120)
    first_distance: int | None = Field(None, ge=1, le=1_000_000)


class IntervalOut(Schema):
    id: int
    brand: str
    model: str
    months: int
    distance: int
    first_months: int | None
    first_distance: int | None


class ForecastOut(Schema):
    asset_id: int
    meter_unit: str
    average_daily: float | None = Field(description="Distance (or hours) per day, least squares over 12 months.")
    last_reading_on: date | None
    last_reading_value: int | None
    base_date: date | None = Field(description="Last service (reading with source \"service\"), else the sale date.")
    base_is_service: bool
    interval_months: int | None
    interval_distance: int | None
    distance_since_base: int | None
    due_by_time: date | None
    due_by_distance: date | None
    due_date: date | None
    due_reason: str = Field(description='"time", "distance" or empty without an interval.')
    due_reading: int | None
    remaining_distance: int | None


class VinOut(Schema):
    vin: str
    well_formed: bool
    check_digit_valid: bool
    check_digit_mandatory: bool
    region: str
    country: str
    manufacturer: str
    model_year: int | None
    warnings: list[str]
