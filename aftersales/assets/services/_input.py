"""Input coercion shared by the asset services.

Services are called by the API (typed values), the forms and the importer (often strings), so
dates and numbers are accepted as values or text; anything else is a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import validation_error

MAX_METER_VALUE = 99_999_999


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
