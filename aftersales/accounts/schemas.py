from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from .choices import PointKind


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    name: str = Field("", max_length=100)


class TokenOut(Schema):
    id: int
    token: str
    expires_at: datetime | None


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    is_superuser: bool
    memberships: list[dict]


class ServicePointIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    kind: PointKind
    parent_id: int | None = None
    province: str = Field("", max_length=50)
    city: str = Field("", max_length=50)
    address: str = Field("", max_length=255)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    phone: str = Field("", max_length=20)
    brands: list[str] = []
    skills: list[str] = []
    opening_hours: dict[str, list[list[str]]] = {}
    bays: int = Field(0, ge=0, le=1000)
    technician_count: int = Field(0, ge=0, le=10000)
    labour_rate: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    is_active: bool = True


class ServicePointPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=100)
    province: str | None = Field(None, max_length=50)
    city: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=255)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    phone: str | None = Field(None, max_length=20)
    brands: list[str] | None = None
    skills: list[str] | None = None
    opening_hours: dict[str, list[list[str]]] | None = None
    bays: int | None = Field(None, ge=0, le=1000)
    technician_count: int | None = Field(None, ge=0, le=10000)
    labour_rate: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    is_active: bool | None = None


class ServicePointOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str
    province: str
    city: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    phone: str
    brands: list[str]
    skills: list[str]
    opening_hours: dict
    bays: int
    technician_count: int
    labour_rate: Decimal
    is_active: bool


class MembershipIn(Schema):
    service_point_id: int
    role: str = Field(min_length=1, max_length=40)


class MembershipOut(Schema):
    id: int
    service_point_id: int
    service_point: str
    role: str
    role_name: str

    @staticmethod
    def resolve_service_point(obj) -> str:
        return obj.service_point.name

    @staticmethod
    def resolve_role(obj) -> str:
        return obj.role.code

    @staticmethod
    def resolve_role_name(obj) -> str:
        return str(obj.role)


class UserIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    password: str = Field(min_length=1, max_length=128)
    display_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
    language: str = Field("", max_length=10)
    discount_limit_percent: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2)
    memberships: list[MembershipIn] = Field(min_length=1)


class UserPatch(Schema):
    password: str | None = Field(None, min_length=1, max_length=128)
    display_name: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    language: str | None = Field(None, max_length=10)
    is_active: bool | None = None
    discount_limit_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    phone: str
    is_active: bool
    discount_limit_percent: Decimal
    last_login: datetime | None
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj):
        return list(obj.memberships.all())


class RoleOut(Schema):
    code: str
    name: str
    scope: str
    sees_personal_data: bool
    permissions: list[str]

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in obj.permissions.all())
