"""Turning parsed rows into the data the create services take, and their errors back into
{row, field, column, reason} entries that name the file's own column headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import DataError, IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.errors import ApplicationError

from .choices import ImportKind
from .parsing import ParsedRow, Table

CUSTOMER_FIELDS = (
    "kind", "name", "contact_person", "gender", "birthday", "id_type", "id_number", "wechat", "email", "segment",
    "preferences", "preferred_channel", "preferred_hours", "marketing_consent", "credit_rating", "credit_limit",
    "payment_term_days", "notes",
)
ASSET_FIELDS = (
    "kind", "brand", "model", "model_year", "sale_date", "vin", "plate", "engine_number", "colour", "serial_number",
    "installation_date", "installation_address", "meter_unit", "notes",
)
ADDRESS_FIELDS = ("province", "city", "district", "street", "postcode")

# A service's field name → the import column that carries it.
CUSTOMER_FIELD_COLUMNS = {
    "phones": "phone", "addresses": "street", "address": "street", "home_point_id": "service_point_code",
    "referred_by_id": "referrer_phone",
}
ASSET_FIELD_COLUMNS = {
    "service_point_id": "service_point_code", "selling_dealer_id": "selling_dealer_code",
    "initial_reading": "reading",
}


class RowError(Exception):
    """A row cannot be turned into service data (unknown owner, service point, …)."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key
        self.reason = reason


@dataclass
class BuiltRow:
    data: dict
    phone_sources: list[str] = field(default_factory=list)  # column of each entry of data["phones"]


def phone_key(text: str) -> str:
    """The number as the customer archive stores it (national digits), for look-ups and duplicates."""
    try:
        from aftersales.customers.phones import normalise_phone
    except ImportError:  # pragma: no cover - the customers app always ships it
        normalise_phone = None
    if normalise_phone is not None:
        try:
            return normalise_phone(text)
        except ValueError:
            pass
    return re.sub(r"\D", "", text)


def _is_mobile(number: str) -> bool:
    key = phone_key(number)
    return len(key) == 11 and key.startswith("1")


class RowProcessor:
    """Everything one import run needs per row, with small caches for look-ups."""

    def __init__(self, *, user, kind: str, table: Table, default_point_id: int) -> None:
        self.user = user
        self.kind = kind
        self.table = table
        self.default_point_id = default_point_id
        self._points: dict[tuple[str, str], int | None] = {}
        self._seen: dict[tuple, int] = {}
        self.add_permission = "customers.add_customer" if kind == ImportKind.CUSTOMERS else "assets.add_asset"

    # errors -------------------------------------------------------------------------------------
    def error(self, row: int, key: str, reason: str) -> dict:
        known = key in self.table.headers or any(c.key == key for c in self._columns())
        return {"row": row, "field": key, "column": self.table.column_label(key) if known else "",
                "reason": str(reason)}

    def _columns(self):
        from .columns import columns_for

        return columns_for(self.kind)

    def service_errors(self, row: ParsedRow, built: BuiltRow, exc: ApplicationError) -> list[dict]:
        if not exc.fields:
            return [self.error(row.number, "", exc.message)]
        out = []
        for name, reasons in exc.fields.items():
            key = self._column_for(name, row, built)
            out.extend(self.error(row.number, key, reason) for reason in reasons)
        return out

    def database_error(self, row: ParsedRow, exc: Exception) -> list[dict]:
        if isinstance(exc, IntegrityError):
            reason = _("This row conflicts with a record that already exists (same VIN, serial number or phone).")
        elif isinstance(exc, DataError):
            reason = _("A value of this row is too long or out of range.")
        else:
            reason = _("The database refused this row.")
        return [self.error(row.number, "", reason)]

    def _column_for(self, name: str, row: ParsedRow, built: BuiltRow) -> str:
        head = re.split(r"[.\[]", name, maxsplit=1)[0]
        if self.kind == ImportKind.CUSTOMERS:
            if head == "phones":
                index = re.search(r"\d+", name[len(head):])
                if index and int(index[0]) < len(built.phone_sources):
                    return built.phone_sources[int(index[0])]
            return CUSTOMER_FIELD_COLUMNS.get(head, head)
        if head == "owner_id":
            return "owner_phone" if "owner_phone" in row.values else "owner_id_number"
        if head == "initial_reading" and "read_on" in name:
            return "read_on"
        return ASSET_FIELD_COLUMNS.get(head, head)

    # duplicates inside the file -------------------------------------------------------------------
    def duplicates(self, row: ParsedRow) -> list[dict]:
        keys: list[tuple[str, tuple]] = []
        v = row.values
        if self.kind == ImportKind.CUSTOMERS:
            for column in ("phone", "other_phones"):
                numbers = v.get(column) or []
                for number in [numbers] if isinstance(numbers, str) else numbers:
                    keys.append((column, ("phone", phone_key(number))))
            if v.get("id_number"):
                keys.append(("id_number", ("id", v["id_number"])))
        else:
            if v.get("vin"):
                keys.append(("vin", ("vin", v["vin"])))
            if v.get("serial_number"):
                keys.append(("serial_number", ("serial", str(v.get("brand", "")).upper(), v["serial_number"])))
        errors = []
        for column, key in keys:
            first = self._seen.setdefault(key, row.number)
            if first != row.number:
                errors.append(self.error(row.number, column, _("The same value is already in row %(row)s.")
                                         % {"row": first}))
        return errors

    # building service data ------------------------------------------------------------------------
    def point_id(self, code: str | None, key: str, permission: str) -> int | None:
        if not code:
            return None
        cache_key = (code, permission)
        if cache_key not in self._points:
            point = (ServicePoint.objects.filter(code=code, is_active=True).only("id").first()
                     or ServicePoint.objects.filter(code__iexact=code, is_active=True).only("id").first())
            # A selling dealer may be any active point; a home point must be one where the user may add.
            allowed = point is not None and (not permission or scope_for(self.user, permission).covers(point.pk))
            self._points[cache_key] = point.pk if allowed else None
        if self._points[cache_key] is None:
            raise RowError(key, _("Unknown service point code, or one where you may not add records."))
        return self._points[cache_key]

    def build(self, row: ParsedRow) -> BuiltRow:
        return self._build_customer(row) if self.kind == ImportKind.CUSTOMERS else self._build_asset(row)

    def _build_customer(self, row: ParsedRow) -> BuiltRow:
        v = row.values
        data = {k: v[k] for k in CUSTOMER_FIELDS if k in v}
        data.setdefault("kind", "person")
        if data.get("id_number") and not data.get("id_type"):
            data["id_type"] = "resident_id" if data["kind"] == "person" else "credit_code"
        built = BuiltRow(data=data)
        phones: list[dict] = []
        for column, numbers in (("phone", [v["phone"]] if v.get("phone") else []),
                                ("other_phones", v.get("other_phones") or [])):
            for number in numbers:
                if any(phone_key(p["number"]) == phone_key(number) for p in phones):
                    continue
                phones.append({"number": number, "kind": "mobile" if _is_mobile(number) else "other",
                               "is_primary": not phones})
                built.phone_sources.append(column)
        data["phones"] = phones
        address = {k: v[k] for k in ADDRESS_FIELDS if k in v}
        data["addresses"] = [{"label": "", **{k: "" for k in ADDRESS_FIELDS}, **address, "is_primary": True}] \
            if address else []
        data["home_point_id"] = self.point_id(v.get("service_point_code"), "service_point_code", self.add_permission) \
            or self.default_point_id
        if v.get("referrer_phone"):
            data["referred_by_id"] = self._customer_by_phone(v["referrer_phone"], "referrer_phone").pk
        return built

    def _build_asset(self, row: ParsedRow) -> BuiltRow:
        v = row.values
        data = {k: v[k] for k in ASSET_FIELDS if k in v}
        if "kind" not in data:
            product = v.get("serial_number") and not (v.get("vin") or v.get("plate"))
            data["kind"] = "product" if product else "vehicle"
        data["owner_id"] = self._owner(v).pk
        data["service_point_id"] = self.point_id(v.get("service_point_code"), "service_point_code", self.add_permission) \
            or self.default_point_id
        dealer = self.point_id(v.get("selling_dealer_code"), "selling_dealer_code", "")
        if dealer:
            data["selling_dealer_id"] = dealer
        if "reading" in v:
            data["initial_reading"] = {"read_on": v.get("read_on") or timezone.localdate(), "value": v["reading"]}
        elif "read_on" in v:
            raise RowError("reading", _("Give the reading for this date."))
        return BuiltRow(data=data)

    def _visible_customers(self):
        from aftersales.customers.models import Customer

        return Customer.objects.restrict(self.user, "view").filter(is_active=True, merged_into__isnull=True)

    def _customer_by_phone(self, number: str, key: str):
        found = list(self._visible_customers().filter(phones__number=phone_key(number)).distinct()[:2])
        if not found:
            raise RowError(key, _("No customer has this phone."))
        if len(found) > 1:
            raise RowError(key, _("Several customers have this phone; give the ID number instead."))
        return found[0]

    def _owner(self, v: dict):
        phone, id_number = v.get("owner_phone"), v.get("owner_id_number")
        if not phone and not id_number:
            raise RowError("owner_phone", _("Give the owner's phone or ID number."))
        owner = None
        if id_number:
            found = list(self._visible_customers().filter(id_number=id_number)[:2])
            if not found:
                raise RowError("owner_id_number", _("No customer has this ID number."))
            if len(found) > 1:
                raise RowError("owner_id_number", _("Several customers have this ID number."))
            owner = found[0]
        if phone:
            by_phone = (self._visible_customers().filter(phones__number=phone_key(phone), pk=owner.pk).exists()
                        if owner else None)
            if owner is None:
                owner = self._customer_by_phone(phone, "owner_phone")
            elif not by_phone:
                raise RowError("owner_phone", _("This phone does not belong to the customer with that ID number."))
        if v.get("owner_name") and v["owner_name"] != owner.name:
            raise RowError("owner_name", _("The customer found is named “%(name)s”.") % {"name": owner.name})
        return owner

    # creating -------------------------------------------------------------------------------------
    def create(self, built: BuiltRow):
        if self.kind == ImportKind.CUSTOMERS:
            from aftersales.customers.services import customer_create

            return customer_create(user=self.user, data=built.data)
        from aftersales.assets.services import asset_create

        return asset_create(user=self.user, data=built.data)
