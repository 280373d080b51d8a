from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Path, Schema

from aftersales.core.inputs import MAX_ROW_ID

from .choices import (
    Channel,
    ClassDimension,
    CreditRating,
    CustomerKind,
    FollowUpPriority,
    IdType,
    PhoneKind,
    Segment,
)

RecordId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


class PhoneIn(Schema):
    number: str = Field(max_length=40, description="Chinese mobile or landline with area code; +86, spaces, dashes "
                                                   "accepted")
    kind: PhoneKind | None = Field(None, description="Inferred from the number when left out")
    is_primary: bool = False


class AddressIn(Schema):
    label: str = Field("", max_length=32)
    province: str = Field("", max_length=50)
    city: str = Field("", max_length=50)
    district: str = Field("", max_length=50)
    street: str = Field(max_length=255)
    postcode: str = Field("", max_length=6)
    is_primary: bool = False


class CustomerIn(Schema):
    kind: CustomerKind = CustomerKind.PERSON
    name: str = Field(max_length=100)
    contact_person: str = Field("", max_length=100)
    gender: Literal["", "M", "F"] = ""
    birthday: date | None = None
    id_type: IdType | Literal[""] = Field("", description="Inferred from the kind when an ID number is given")
    id_number: str = Field("", max_length=32, description="Resident ID (checksum and birth date checked) or unified "
                                                          "social credit code")
    wechat: str = Field("", max_length=64)
    email: str = Field("", max_length=254)
    segment: Segment = Segment.PRIVATE
    preferences: str = Field("", max_length=2000)
    preferred_channel: Channel = Channel.PHONE
    preferred_hours: str = Field("", max_length=32, description="09:00-18:00")
    marketing_consent: bool = False
    credit_rating: CreditRating = CreditRating.NORMAL
    credit_limit: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    payment_term_days: int = Field(0, ge=0, le=365)
    notes: str = Field("", max_length=5000)
    referred_by_id: RecordId | None = None
    home_point_id: RecordId
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    addresses: list[AddressIn] = Field(default_factory=list, max_length=10)
    allow_duplicate: bool = Field(False, description="Create although another archive has the same phone or ID "
                                                     "(needs customers.add_duplicate_customer)")


class CustomerPatch(Schema):
    kind: CustomerKind | None = None
    name: str | None = Field(None, max_length=100)
    contact_person: str | None = Field(None, max_length=100)
    gender: Literal["", "M", "F"] | None = None
    birthday: date | None = None
    id_type: IdType | Literal[""] | None = None
    id_number: str | None = Field(None, max_length=32)
    wechat: str | None = Field(None, max_length=64)
    email: str | None = Field(None, max_length=254)
    segment: Segment | None = None
    preferences: str | None = Field(None, max_length=2000)
    preferred_channel: Channel | None = None
    preferred_hours: str | None = Field(None, max_length=32)
    marketing_consent: bool | None = None
    credit_rating: CreditRating | None = None
    credit_limit: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    payment_term_days: int | None = Field(None, ge=0, le=365)
    notes: str | None = Field(None, max_length=5000)
    referred_by_id: RecordId | None = None
    home_point_id: RecordId | None = None
    is_active: bool | None = None
    phones: list[PhoneIn] | None = Field(None, max_length=10, description="Replaces all phones when given")
    addresses: list[AddressIn] | None = Field(None, max_length=10, description="Replaces all addresses when given")
    allow_duplicate: bool = False


class CustomerListOut(Schema):
    id: int
    kind: str
    name: str
    segment: str
    home_point_id: int
    home_point: str
    phone: str = Field(description="Primary phone, masked")
    id_number: str = Field(description="Masked")
    email: str = Field(description="Masked")
    address: str = Field(description="Primary address, masked")
    abc_class: str
    value_tier: str
    last_visit_at: datetime | None
    visit_count: int
    total_spend: Decimal
    is_active: bool


class PhoneOut(Schema):
    number: str
    kind: str
    is_primary: bool


class AddressOut(Schema):
    label: str
    province: str
    city: str
    district: str
    street: str
    postcode: str
    is_primary: bool


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    name_pinyin: str
    name_initials: str
    contact_person: str
    gender: str
    birthday: date | None
    id_type: str
    id_number: str
    wechat: str
    email: str
    segment: str
    preferences: str
    preferred_channel: str
    preferred_hours: str
    marketing_consent: bool
    credit_rating: str
    credit_limit: Decimal
    payment_term_days: int
    notes: str
    referred_by_id: int | None
    home_point_id: int
    home_point: str
    phones: list[PhoneOut]
    addresses: list[AddressOut]
    first_visit_at: datetime | None
    last_visit_at: datetime | None
    visit_count: int
    total_spend: Decimal
    outstanding_balance: Decimal
    open_orders: int
    abc_class: str
    value_tier: str
    classified_at: datetime | None
    merged_into_id: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
    masked: bool = Field(description="True when phone, ID number, e-mail and address are masked for this user")


class ChangeOut(Schema):
    field: str
    label: str
    before: object | None = None
    after: object | None = None


class HistoryEntryOut(Schema):
    id: int
    timestamp: datetime
    user: str
    action: str
    action_label: str
    request_id: str
    note: str
    changes: list[ChangeOut]


class DuplicateOut(Schema):
    customer_id: int | None = Field(description="Absent when you may not open the archive")
    name: str = Field(description="Masked when you may not open the archive")
    home_point: str
    visible: bool
    phones: list[str] = Field(description="The shared numbers, masked")
    id_number: str = Field(description="The shared ID number, masked")
    is_active: bool


class MergeIn(Schema):
    source_id: RecordId = Field(description="The duplicate archive; everything it holds moves to this one")


class ClassifyAllOut(Schema):
    classified: int
    changed: int = Field(description="Archives whose class or tier changed")
    abc: dict[str, int]
    tiers: dict[str, int]


class RuleIn(Schema):
    dimension: ClassDimension
    result: str = Field(max_length=8, description="A, B, C or gold, silver, bronze, iron, lead")
    description: str = Field("", max_length=200)
    max_recency_days: int | None = Field(None, ge=0, le=36500)
    min_visits: int | None = Field(None, ge=0, le=36500)
    min_spend: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    min_tenure_days: int | None = Field(None, ge=0, le=36500)
    credit_ratings: list[CreditRating] = []
    visit_interval_days: int = Field(180, ge=1, le=3650)
    follow_up_priority: FollowUpPriority = FollowUpPriority.NORMAL
    strategy: str = Field("", max_length=2000)
    is_active: bool = True


class RulePatch(Schema):
    result: str | None = Field(None, max_length=8)
    description: str | None = Field(None, max_length=200)
    max_recency_days: int | None = Field(None, ge=0, le=36500)
    min_visits: int | None = Field(None, ge=0, le=36500)
    min_spend: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    min_tenure_days: int | None = Field(None, ge=0, le=36500)
    credit_ratings: list[CreditRating] | None = None
    visit_interval_days: int | None = Field(None, ge=1, le=3650)
    follow_up_priority: FollowUpPriority | None = None
    strategy: str | None = Field(None, max_length=2000)
    is_active: bool | None = None


class RuleOut(Schema):
    id: int
    dimension: str
    result: str
    rank: int
    description: str
    max_recency_days: int | None
    min_visits: int | None
    min_spend: Decimal | None
    min_tenure_days: int | None
    credit_ratings: list[str]
    visit_interval_days: int
    follow_up_priority: str
    strategy: str
    is_active: bool
