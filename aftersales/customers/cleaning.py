"""Checking and normalising the input of customer services (API, forms and imports send the same dict).

Every problem is collected under the name of the field it concerns (``phones.1.number``,
``addresses.0.postcode``) and raised together as one 422.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from aftersales.core.errors import validation_error
from aftersales.core.inputs import MAX_ROW_ID
from aftersales.core.money import to_money

from .choices import Channel, CreditRating, CustomerKind, IdType, PhoneKind, Segment
from .idnumbers import normalise_id_number, resident_id_birth_date, resident_id_gender
from .phones import is_mobile, normalise_phone

TEXT_LIMITS = {
    "name": 100, "contact_person": 100, "wechat": 64, "email": 254, "preferences": 2000, "preferred_hours": 32,
    "notes": 5000, "id_number": 32,
}
CHOICES = {
    "kind": CustomerKind.values, "gender": ["", "M", "F"], "id_type": ["", *IdType.values],
    "segment": Segment.values, "preferred_channel": Channel.values, "credit_rating": CreditRating.values,
}
BOOLEANS = ("marketing_consent", "is_active")
SCALARS = (*TEXT_LIMITS, *CHOICES, *BOOLEANS, "birthday", "credit_limit", "payment_term_days",
           "referred_by_id", "home_point_id")
ALLOWED_KEYS = {*SCALARS, "phones", "addresses"}
ADDRESS_LIMITS = {"label": 32, "province": 50, "city": 50, "district": 50, "street": 255, "postcode": 6}
MAX_PHONES = 10
MAX_ADDRESSES = 10
MAX_CREDIT = Decimal("999999999999.99")
WECHAT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{5,19}$")
HOURS = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)\s*[-~～–—至]\s*([01]?\d|2[0-4])[:：]([0-5]\d)$")
POSTCODE = re.compile(r"^\d{6}$")


@dataclass
class Cleaned:
    fields: dict[str, Any]
    phones: list[dict] | None = None
    addresses: list[dict] | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, reason: str) -> None:
        self.errors.setdefault(name, []).append(str(reason))


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values()) or any(_has_nul(k) for k in value)
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _text(out: Cleaned, name: str, value, limit: int) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        out.error(name, _("Enter text."))
        return None
    text = str(value).strip()
    if len(text) > limit:
        out.error(name, _("At most %(n)d characters.") % {"n": limit})
        return None
    return text


def _bool(out: Cleaned, name: str, value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on", "是"}:
        return True
    if isinstance(value, str | int) and str(value).strip().lower() in {"0", "false", "no", "off", "", "否"}:
        return False
    out.error(name, _("Enter yes or no."))
    return None


def _scalar(out: Cleaned, name: str, value) -> Any:
    if name in TEXT_LIMITS:
        return _text(out, name, value, TEXT_LIMITS[name])
    if name in CHOICES:
        value = "" if value is None else value
        if value not in CHOICES[name]:
            out.error(name, _("Choose one of: %(values)s.") % {"values": ", ".join(v for v in CHOICES[name] if v)})
            return None
        return value
    if name in BOOLEANS:
        return _bool(out, name, value)
    if name == "birthday":
        return _birthday(out, value)
    if name == "credit_limit":
        try:
            amount = to_money(value if value not in (None, "") else "0")
        except ValueError:
            out.error(name, _("Enter an amount of money."))
            return None
        if amount < 0 or amount > MAX_CREDIT:
            out.error(name, _("Enter an amount between 0 and %(max)s.") % {"max": MAX_CREDIT})
            return None
        return amount
    if name == "payment_term_days":
        number = _int(value)
        if number is None or not 0 <= number <= 365:
            out.error(name, _("Enter a number of days between 0 and 365."))
            return None
        return number
    # referred_by_id, home_point_id: existence and visibility are checked by the service
    if value in (None, ""):
        return None
    number = _int(value)
    if number is None or not 0 < number <= MAX_ROW_ID:
        out.error(name, _("Enter the id of a record."))
        return None
    return number


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,9}\s*", value):
        return int(value)
    if isinstance(value, Decimal | float):
        try:
            if value == int(value):
                return int(value)
        except (ValueError, OverflowError, InvalidOperation):
            return None
    return None


def _birthday(out: Cleaned, value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = parse_date(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        out.error("birthday", _("Enter a date as YYYY-MM-DD."))
        return None
    if value > timezone.localdate() or value.year < 1900:
        out.error("birthday", _("Enter a birthday between 1900 and today."))
        return None
    return value


def _phones(out: Cleaned, items) -> list[dict] | None:
    if not isinstance(items, list | tuple):
        out.error("phones", _("Give a list of phones."))
        return None
    if len(items) > MAX_PHONES:
        out.error("phones", _("At most %(n)d phones.") % {"n": MAX_PHONES})
        return None
    phones: list[dict] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if isinstance(item, str):
            item = {"number": item}
        if not isinstance(item, dict):
            out.error(f"phones.{i}", _("Give the number, its kind and whether it is the primary phone."))
            continue
        try:
            number = normalise_phone(item.get("number") or "")
        except ValueError as exc:
            out.error(f"phones.{i}.number", str(exc))
            continue
        if number in seen:
            out.error(f"phones.{i}.number", _("The same number is given twice."))
            continue
        seen[number] = i
        kind = item.get("kind") or (PhoneKind.MOBILE if is_mobile(number) else PhoneKind.OTHER)
        if kind not in PhoneKind.values:
            out.error(f"phones.{i}.kind", _("Choose one of: %(values)s.") % {"values": ", ".join(PhoneKind.values)})
            continue
        primary = _bool(out, f"phones.{i}.is_primary", item.get("is_primary", False))
        phones.append({"number": number, "kind": kind, "is_primary": bool(primary)})
    _one_primary(phones)
    return phones


def _addresses(out: Cleaned, items) -> list[dict] | None:
    if not isinstance(items, list | tuple):
        out.error("addresses", _("Give a list of addresses."))
        return None
    if len(items) > MAX_ADDRESSES:
        out.error("addresses", _("At most %(n)d addresses.") % {"n": MAX_ADDRESSES})
        return None
    addresses: list[dict] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            out.error(f"addresses.{i}", _("Give the address as province, city, district and street."))
            continue
        address: dict[str, Any] = {}
        for key, limit in ADDRESS_LIMITS.items():
            address[key] = _text(out, f"addresses.{i}.{key}", item.get(key), limit)
        if address["street"] == "":
            out.error(f"addresses.{i}.street", _("Enter the street and number."))
        if address["postcode"] and not POSTCODE.match(address["postcode"]):
            out.error(f"addresses.{i}.postcode", _("A postcode has 6 digits."))
        address["is_primary"] = bool(_bool(out, f"addresses.{i}.is_primary", item.get("is_primary", False)))
        addresses.append(address)
    _one_primary(addresses)
    return addresses


def _one_primary(rows: list[dict]) -> None:
    """Exactly one primary row: the first marked one, else the first."""
    first = next((i for i, row in enumerate(rows) if row["is_primary"]), 0)
    for i, row in enumerate(rows):
        row["is_primary"] = i == first


def _id_checks(out: Cleaned, merged: dict[str, Any], changed: set[str]) -> None:
    f = out.fields
    if not changed & {"id_type", "id_number", "kind"}:
        return
    if not merged.get("id_number"):
        if "id_number" in changed:
            f["id_type"] = ""
        return
    id_type = merged.get("id_type") or (
        IdType.CREDIT_CODE if merged.get("kind") == CustomerKind.ORGANISATION else IdType.RESIDENT_ID)
    if merged.get("kind") == CustomerKind.ORGANISATION and id_type == IdType.RESIDENT_ID:
        out.error("id_type", _("An organisation is identified by its unified social credit code."))
        return
    if merged.get("kind") == CustomerKind.PERSON and id_type == IdType.CREDIT_CODE:
        out.error("id_type", _("A person is identified by a resident ID card or passport."))
        return
    try:
        number = normalise_id_number(id_type, merged["id_number"])
    except ValueError as exc:
        out.error("id_number", str(exc))
        return
    f["id_type"], f["id_number"] = id_type, number
    if id_type == IdType.RESIDENT_ID:
        born, gender = resident_id_birth_date(number), resident_id_gender(number)
        if merged.get("birthday") and merged["birthday"] != born:
            out.error("birthday", _("The ID number says %(date)s.") % {"date": born.isoformat()})
        elif not merged.get("birthday"):
            f["birthday"] = born
        if merged.get("gender") and merged["gender"] != gender:
            out.error("gender", _("The ID number belongs to a person of the other gender."))
        elif not merged.get("gender"):
            f["gender"] = gender


def _cross_checks(out: Cleaned, merged: dict[str, Any], changed: set[str]) -> None:
    """Rules between fields, on the record as it will be after the change."""
    f = out.fields
    if "name" in merged and not merged["name"]:
        out.error("name", _("Enter the customer's name."))
    _id_checks(out, merged, changed)
    if f.get("wechat") and not (WECHAT_ID.match(f["wechat"]) or re.fullmatch(r"\d{5,20}", f["wechat"])):
        out.error("wechat", _("A WeChat id has 6–20 letters, digits, _ or -, starting with a letter (or is a "
                              "phone number)."))
    if f.get("email"):
        try:
            validate_email(f["email"])
        except DjangoValidationError:
            out.error("email", _("Enter a valid e-mail address."))
        else:
            f["email"] = f["email"].lower()
    if f.get("preferred_hours"):
        match = HOURS.match(f["preferred_hours"])
        if not match:
            out.error("preferred_hours", _("Give the hours as 09:00-18:00."))
        else:
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if (h2, m2) <= (h1, m1) or (h2 == 24 and m2):
                out.error("preferred_hours", _("The end comes after the start."))
            else:
                f["preferred_hours"] = f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def clean_customer_input(data: dict[str, Any], *, current: dict[str, Any] | None = None) -> Cleaned:
    """Check ``data`` (all fields on create; only the given ones when ``current`` holds the record's values)."""
    out = Cleaned(fields={})
    if not isinstance(data, dict):
        raise validation_error(_("Some fields are not valid."), {"__all__": [_("Send an object.")]})
    for key in data:
        if key not in ALLOWED_KEYS:
            out.error(str(key), _("Unknown field."))
    for key, value in data.items():
        if key in ALLOWED_KEYS and _has_nul(value):
            out.error(key, _("Contains a NUL character."))
    if out.errors:
        raise validation_error(_("Some fields are not valid."), out.errors)
    if current is None:
        data = {"kind": CustomerKind.PERSON, "segment": Segment.PRIVATE, "preferred_channel": Channel.PHONE,
                "credit_rating": CreditRating.NORMAL, "credit_limit": Decimal("0"), "payment_term_days": 0,
                "marketing_consent": False, **data}
        if "name" not in data:
            out.error("name", _("Enter the customer's name."))
        if data.get("home_point_id") in (None, ""):
            out.error("home_point_id", _("Choose the home service point."))
    for key in SCALARS:
        if key in data:
            value = _scalar(out, key, data[key])
            if key not in out.errors:
                out.fields[key] = value
    if "phones" in data:
        out.phones = _phones(out, data["phones"] if data["phones"] is not None else [])
    if "addresses" in data:
        out.addresses = _addresses(out, data["addresses"] if data["addresses"] is not None else [])
    merged = {**(current or {}), **out.fields}
    _cross_checks(out, merged, set(out.fields))
    if out.errors:
        raise validation_error(_("Some fields are not valid."), out.errors)
    return out
