"""Input coercion shared by the services.

Services are called by the API (typed values), the forms and the importer (often strings), so
dates and numbers are accepted as values or text; anything else is a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import validation_error

MAX_METER_VALUE = 99_999_999
MAX_ROW_ID = 2**63 - 1  # a database bigint; larger numbers are bad input, not a crash


def invalid(field: str, reason: str):
    return validation_error(_("Some fields are not valid."), {field: [reason]})


def as_date(value: Any, field: str, *, required: bool = False, not_future: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise invalid(field, _("This field is required."))
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise invalid(field, _("Enter a real date as YYYY-MM-DD.")) from exc
    elif not isinstance(value, dt.date):
        raise invalid(field, _("Enter a real date as YYYY-MM-DD."))
    if value.year < 1900:
        raise invalid(field, _("This date is too far in the past."))
    if not_future and value > timezone.localdate():
        raise invalid(field, _("This date is in the future."))
    return value


def as_int(value: Any, field: str, *, required: bool = False, minimum: int = 0,
           maximum: int = MAX_METER_VALUE) -> int | None:
    if value in (None, ""):
        if required:
            raise invalid(field, _("This field is required."))
        return None
    if isinstance(value, bool):
        raise invalid(field, _("Enter a whole number."))
    try:
        number = int(value.strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError) as exc:
        raise invalid(field, _("Enter a whole number.")) from exc
    if isinstance(value, float) and value != number:
        raise invalid(field, _("Enter a whole number."))
    if number < minimum or number > maximum:
        raise invalid(field, _("Enter a number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum})
    return number


def as_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if "\x00" in value:
        raise invalid(field, _("Contains a NUL character."))
    if required and not value:
        raise invalid(field, _("This field is required."))
    if len(value) > max_length:
        raise invalid(field, _("Use at most %(n)d characters.") % {"n": max_length})
    return value


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "y", "是"}
    return bool(value)


def as_decimal(value: Any, field: str, *, required: bool = False, minimum: Decimal | int | None = 0,
               maximum: Decimal | int = Decimal("999999999999.99"), places: int = 2) -> Decimal | None:
    """A number with at most ``places`` decimals (quantities, hours, amounts of money)."""
    if value in (None, ""):
        if required:
            raise invalid(field, _("This field is required."))
        return None
    if isinstance(value, bool):
        raise invalid(field, _("Enter a number."))
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise invalid(field, _("Enter a number.")) from exc
    if not number.is_finite():
        raise invalid(field, _("Enter a number."))
    try:
        exact = number.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation as exc:  # far beyond any limit (1e400): too many digits to round
        raise invalid(field, _("Enter a number of at most %(max)s.") % {"max": maximum}) from exc
    if number != exact:
        raise invalid(field, _("Use at most %(n)d decimal places.") % {"n": places})
    if minimum is not None and number < minimum:
        raise invalid(field, _("Enter a number of at least %(min)s.") % {"min": minimum})
    if number > maximum:
        raise invalid(field, _("Enter a number of at most %(max)s.") % {"max": maximum})
    return exact


def as_money(value: Any, field: str, *, required: bool = False, minimum: Decimal | int | None = 0) -> Decimal | None:
    """An amount in CNY with at most two decimals."""
    return as_decimal(value, field, required=required, minimum=minimum, places=2)


def as_datetime(value: Any, field: str, *, required: bool = False) -> dt.datetime | None:
    """An aware date and time; a naive one is read in the current time zone (Asia/Shanghai)."""
    if value in (None, ""):
        if required:
            raise invalid(field, _("This field is required."))
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise invalid(field, _("Enter a real date and time as YYYY-MM-DD HH:MM.")) from exc
    elif not isinstance(value, dt.datetime):  # also a plain date: the time is needed
        raise invalid(field, _("Enter a real date and time as YYYY-MM-DD HH:MM."))
    if value.year < 1900 or value.year > 9000:
        raise invalid(field, _("Enter a real date and time as YYYY-MM-DD HH:MM."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def as_choice(value: Any, field: str, choices, *, required: bool = True, default: str = "") -> str:
    """One of a TextChoices class's values."""
    if value in (None, ""):
        if required and not default:
            raise invalid(field, _("This field is required."))
        return default
    value = getattr(value, "value", value)
    if value not in choices.values:
        raise invalid(field, _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)})
    return value


def is_row_id(value: Any) -> bool:
    """Whether ``value`` can be a row id (a path parameter, before it is looked up): an int, not a bool,
    within a bigint."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


def as_id(value: Any, field: str, *, required: bool = True) -> int | None:
    """A row id; anything that cannot be one (text, bool, beyond a bigint) is refused."""
    return as_int(value, field, required=required, minimum=1, maximum=MAX_ROW_ID)
