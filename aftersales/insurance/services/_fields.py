"""Reading the claim's own fields from input (API, forms, transition data), with reasons per field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import ApplicationError, validation_error
from aftersales.core.inputs import as_date, as_datetime, as_money, as_text, invalid

from ..models import InsuranceClaim

TEXT_FIELDS = {
    "accident_place": 200, "accident_description": 5000, "report_number": 64, "reported_by": 100,
    "assessor_name": 100, "assessment_notes": 5000, "claim_number": 64, "notes": 5000,
}
ASSESSMENT_FIELDS = ("assessor_name", "assessed_on", "assessed_amount", "deductible", "assessment_notes")
CLOCK_SKEW = dt.timedelta(minutes=5)


def _not_before_accident(claim: InsuranceClaim, day: dt.date | None, field: str) -> None:
    if day is not None and claim.accident_date and day < claim.accident_date:
        raise invalid(field, _("This is before the accident (%(day)s).") % {"day": claim.accident_date.isoformat()})


def apply_fields(claim: InsuranceClaim, data: dict[str, Any]) -> list[str]:
    """Set the given fields on ``claim`` (not saved); returns the names that changed value."""
    changed = []
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        try:
            new = read_field(claim, name, value)
        except ApplicationError as exc:  # gather every bad field, not only the first
            for field, reasons in exc.fields.items():
                errors.setdefault(field, []).extend(reasons)
            continue
        if getattr(claim, name) != new:
            setattr(claim, name, new)
            changed.append(name)
    if errors:
        raise validation_error(_("Some fields are not valid."), errors)
    check_amounts(claim)
    return changed


def read_field(claim: InsuranceClaim, name: str, value: Any):
    if name in TEXT_FIELDS:
        return as_text(value, name, max_length=TEXT_FIELDS[name])
    if name == "reported_at":
        moment = as_datetime(value, name)
        if moment is not None:
            if moment > timezone.now() + CLOCK_SKEW:
                raise invalid(name, _("This time is in the future."))
            _not_before_accident(claim, timezone.localdate(moment), name)
        return moment
    if name in ("assessed_on", "submitted_on", "paid_on"):
        day = as_date(value, name, not_future=True)
        _not_before_accident(claim, day, name)
        return day
    if name == "assessed_amount":
        return as_money(value, name)
    if name == "deductible":
        amount = as_money(value, name)
        return amount if amount is not None else Decimal("0.00")
    if name == "paid_amount":
        return as_money(value, name, minimum=Decimal("0.01"))
    raise invalid(name, _("This field cannot be set here."))


def check_amounts(claim: InsuranceClaim) -> None:
    if claim.assessed_amount is not None and (claim.deductible or 0) > claim.assessed_amount:
        raise invalid("deductible", _("The deductible cannot be more than the assessed amount."))
