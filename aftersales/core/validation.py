"""Input hygiene shared by services: strip text and refuse characters a database cannot store."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .errors import validation_error


def clean_text_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Strip surrounding white space of strings; refuse NUL bytes (PostgreSQL cannot store them)."""
    cleaned: dict[str, Any] = {}
    bad: dict[str, list[str]] = {}
    for key, value in data.items():
        if isinstance(value, str):
            if "\x00" in value:
                bad[key] = [_("Contains a NUL character.")]
                continue
            value = value.strip()
        elif isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
            bad[key] = [_("Contains a NUL character.")]
            continue
        cleaned[key] = value
    if bad:
        raise validation_error(_("Some fields are not valid."), bad)
    return cleaned


def full_clean_or_raise(instance, *, exclude: list[str] | None = None) -> None:
    """Run the model's own validation and turn Django's error into the API's 422."""
    from django.core.exceptions import ValidationError

    from .errors import from_django_validation_error

    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        raise from_django_validation_error(exc, _("Some fields are not valid.")) from exc
