"""Reads of the warranty app."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.assets.models import Asset
from aftersales.core.errors import NotFoundError
from aftersales.core.inputs import as_id, invalid, is_row_id
from aftersales.parts.models import Part
from aftersales.workshop.models import LabourOperation

from .choices import ExclusionKind
from .models import WarrantyExclusion


def exclusion_list(*, user, kind: str = "", active: bool | None = None, brand: str = "",
                   q: str = "") -> QuerySet[WarrantyExclusion]:
    qs = WarrantyExclusion.objects.restrict(user, "view")
    if kind in ExclusionKind.values:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(is_active=active)
    brand = (brand or "").replace("\x00", "").strip()
    if brand:
        qs = qs.filter(brand__iexact=brand)
    q = (q or "").replace("\x00", "").strip()[:100]
    if q:
        qs = qs.filter(Q(value__icontains=q) | Q(brand__icontains=q) | Q(note__icontains=q))
    return qs.order_by("kind", "value", "brand", "id")


def exclusion_get(*, user, pk, action: str = "view") -> WarrantyExclusion:
    if not is_row_id(pk):
        raise NotFoundError()
    rule = WarrantyExclusion.objects.restrict(user, action).filter(pk=pk).first()
    if rule is None:
        raise NotFoundError()
    return rule


def check_subjects(*, user, asset_id, part_id=None, operation_id=None) -> tuple[Asset, Part | None,
                                                                                 LabourOperation | None]:
    """The asset, part and labour operation named in a warranty check, as the user may see them.

    Ids the user cannot reach are bad fields of the request (422), not missing pages.
    """
    asset_id = as_id(asset_id, "asset_id")
    asset = Asset.objects.restrict(user, "view").filter(pk=asset_id).first()
    if asset is None:
        raise invalid("asset_id", _("Unknown asset."))
    part = operation = None
    part_id = as_id(part_id, "part_id", required=False)
    if part_id is not None:
        part = Part.objects.restrict(user, "view").filter(pk=part_id).first()
        if part is None:
            raise invalid("part_id", _("Unknown part."))
    operation_id = as_id(operation_id, "operation_id", required=False)
    if operation_id is not None:
        operation = LabourOperation.objects.restrict(user, "view").filter(pk=operation_id).first()
        if operation is None:
            raise invalid("operation_id", _("Unknown labour operation."))
    return asset, part, operation


def check_subjects_by_text(*, user, asset: str, part: str = "", operation: str = ""):
    """Like ``check_subjects`` but from what the advisor types: a plate, VIN or serial number, a part
    number, an operation code. Unknown or ambiguous entries are 422s naming the field."""
    from aftersales.assets.selectors import asset_list

    text = (asset or "").replace("\x00", "").strip()[:64]
    matches = list(asset_list(user=user, q=text)[:2]) if text else []
    if not matches:
        raise invalid("asset", _("No vehicle or product with this plate, VIN or serial number."))
    if len(matches) > 1:
        exact = [a for a in matches if text.upper().replace(" ", "") in (a.plate, a.vin, a.serial_number.upper())]
        if len(exact) != 1:
            raise invalid("asset", _("Several vehicles or products match; type more of it."))
        matches = exact
    found_part = found_operation = None
    part = (part or "").replace("\x00", "").strip()[:40]
    if part:
        found_part = Part.objects.restrict(user, "view").filter(number__iexact=part).first()
        if found_part is None:
            raise invalid("part", _("Unknown part."))
    operation = (operation or "").replace("\x00", "").strip()[:32]
    if operation:
        found_operation = LabourOperation.objects.restrict(user, "view").filter(code__iexact=operation).first()
        if found_operation is None:
            raise invalid("operation", _("Unknown labour operation."))
    return matches[0], found_part, found_operation
