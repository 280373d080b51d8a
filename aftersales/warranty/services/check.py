"""The warranty check of one work-order line (保修判定): coverage on the day, then the exclusion list.

Pay type C needs a base warranty, three-guarantee period or extended warranty in force on the day at
that mileage, pay type B a service contract; A and D are not checked. Then every active exclusion
that applies to the pay type and the asset's brand is tried: wear parts, parts not eligible, part
and labour categories, causes, and labour-hour limits (above them the manufacturer must approve).
Every rule that fires adds a sentence the advisor reads; the verdict is the worst of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from aftersales.assets.choices import CoverageKind, MeterUnit
from aftersales.assets.coverage import coverage_status_on
from aftersales.assets.models import Asset, Coverage
from aftersales.core.choices import PayType
from aftersales.core.inputs import as_choice, as_date, as_decimal, as_int, invalid
from aftersales.workshop.choices import LineCause, LineKind, WarrantyStatus

from ..choices import ExclusionEffect, ExclusionKind, ExclusionScope
from ..models import WarrantyExclusion

# The coverages each checked pay type needs, in the order they are preferred when several are in force
# (the manufacturer's own warranty first).
COVERAGE_KINDS = {
    PayType.WARRANTY: (CoverageKind.BASE_WARRANTY, CoverageKind.THREE_GUARANTEE, CoverageKind.EXTENDED_WARRANTY),
    PayType.CONTRACT: (CoverageKind.SERVICE_CONTRACT,),
}
SCOPES = {
    PayType.WARRANTY: (ExclusionScope.WARRANTY, ExclusionScope.BOTH),
    PayType.CONTRACT: (ExclusionScope.CONTRACT, ExclusionScope.BOTH),
}
_SEVERITY = {WarrantyStatus.COVERED.value: 0, WarrantyStatus.NEEDS_APPROVAL.value: 1,
             WarrantyStatus.NOT_COVERED.value: 2}


@dataclass(frozen=True)
class WarrantyVerdict:
    status: str  # a WarrantyStatus value
    reasons: list[str] = field(default_factory=list)
    coverage: Coverage | None = None

    @property
    def status_label(self) -> str:
        return str(WarrantyStatus(self.status).label)


def active_exclusions() -> list[WarrantyExclusion]:
    """The exclusion list as the check reads it (one query; pass it on when checking many lines)."""
    return list(WarrantyExclusion.objects.filter(is_active=True).order_by("kind", "value", "brand", "id"))


def _distance(value: int, unit: str) -> str:
    n = number_format(value, force_grouping=True)
    if unit == MeterUnit.HOURS:
        return _("%(n)s operating hours") % {"n": n}
    return _("%(n)s km") % {"n": n}


def _hours(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 12.50 → 12.5, 10.00 → 10


def _coverage_reasons(asset: Asset, pay_type: str, on_date: dt.date, mileage: int | None):
    """(coverage in force or None, reasons) for the pay type's coverages."""
    kinds = COVERAGE_KINDS[pay_type]
    statuses = [s for s in coverage_status_on(asset, on_date, mileage) if s.coverage.kind in kinds]
    unit = asset.meter_unit
    in_force = sorted((s.coverage for s in statuses if s.in_force),
                      key=lambda c: (kinds.index(c.kind), -c.ends_on.toordinal(), c.pk))
    if in_force:
        coverage = in_force[0]
        args = {"coverage": coverage.get_kind_display(), "day": coverage.ends_on.isoformat()}
        if coverage.distance_limit is not None:
            args["limit"] = _distance(coverage.distance_limit, unit)
            reasons = [_("%(coverage)s applies: in force until %(day)s and up to %(limit)s.") % args]
            if mileage is None:
                reasons.append(_("The reading is not known, so the limit of %(limit)s was not checked.") % args)
            else:
                reasons.append(_("The reading is %(reading)s.") % {"reading": _distance(mileage, unit)})
        else:
            reasons = [_("%(coverage)s applies: in force until %(day)s, with no distance limit.") % args]
        return coverage, reasons
    if not statuses:
        if pay_type == PayType.WARRANTY:
            return None, [_("No base warranty, three-guarantee period or extended warranty is on record for "
                            "this asset.")]
        return None, [_("No service contract is on record for this asset.")]
    reasons = []
    for s in statuses:
        c = s.coverage
        args = {"coverage": c.get_kind_display(), "day": on_date.isoformat()}
        if on_date < c.starts_on:
            args["start"] = c.starts_on.isoformat()
            reasons.append(_("%(coverage)s starts only on %(start)s (the work is on %(day)s).") % args)
        elif on_date > c.ends_on:
            args["end"] = c.ends_on.isoformat()
            reasons.append(_("%(coverage)s ended on %(end)s (the work is on %(day)s).") % args)
        else:
            args["limit"] = _distance(c.distance_limit, unit)
            args["reading"] = _distance(mileage, unit)
            reasons.append(_("%(coverage)s is limited to %(limit)s; the reading is %(reading)s.") % args)
    return None, reasons


def _consequence(rule: WarrantyExclusion) -> str:
    if rule.effect == ExclusionEffect.NEEDS_APPROVAL:
        return _("The manufacturer must approve it first.")
    return _("Not covered.")


def _fact(rule: WarrantyExclusion, *, kind: str, cause: str, part, operation, hours: Decimal | None) -> str | None:
    """The sentence saying why ``rule`` fires for this line, or None when it does not."""
    if rule.kind in (ExclusionKind.WEAR_PART, ExclusionKind.NOT_ELIGIBLE, ExclusionKind.PART_CATEGORY):
        if kind != LineKind.PART or part is None:
            return None
        name = f"{part.number} {part.name}"
        if rule.kind == ExclusionKind.WEAR_PART and part.is_wear_part:
            return _("%(part)s is a wear part (易损件).") % {"part": name}
        if rule.kind == ExclusionKind.NOT_ELIGIBLE and not part.warranty_eligible:
            return _("%(part)s is not eligible for warranty.") % {"part": name}
        if rule.kind == ExclusionKind.PART_CATEGORY and part.category == rule.value:
            return _("%(part)s is in the category %(category)s, which is excluded.") % {
                "part": name, "category": rule.value_label}
        return None
    if rule.kind == ExclusionKind.OPERATION_CATEGORY:
        if kind != LineKind.LABOUR or operation is None or operation.category != rule.value:
            return None
        return _("The labour operation %(operation)s is in the category %(category)s, which is excluded.") % {
            "operation": f"{operation.code} {operation.name}", "category": rule.value_label}
    if rule.kind == ExclusionKind.CAUSE:
        if cause != rule.value:
            return None
        return _("The cause is: %(cause)s, which is excluded.") % {"cause": rule.value_label}
    if rule.kind == ExclusionKind.HOUR_LIMIT:
        limit = rule.hour_limit
        if kind != LineKind.LABOUR or hours is None or limit is None or hours <= limit:
            return None
        return _("The job takes %(hours)s hours, above the limit of %(limit)s hours.") % {
            "hours": _hours(hours), "limit": _hours(limit)}
    return None


def _applies(rule: WarrantyExclusion, pay_type: str, brand: str) -> bool:
    if rule.applies_to not in SCOPES[pay_type]:
        return False
    return not rule.brand or rule.brand.strip().casefold() == brand


def line_warranty_check(*, asset: Asset, on_date, mileage, kind, pay_type, cause, part=None, operation=None,
                        hours=None, exclusions: Sequence[WarrantyExclusion] | None = None) -> WarrantyVerdict:
    """Whether a line of work on ``asset`` on ``on_date`` at ``mileage`` is covered for its pay type.

    ``kind`` is the line kind (part rules apply to part lines, labour rules to labour lines), ``hours``
    the line's labour hours (default: the operation's standard hours). ``exclusions`` may be passed
    (``active_exclusions()``) when checking many lines; otherwise they are read once here.
    Bad input raises a 422 ``ApplicationError`` naming the field.
    """
    if not isinstance(asset, Asset):
        raise invalid("asset_id", _("Unknown asset."))
    on_date = as_date(on_date, "on_date", required=True)
    mileage = as_int(mileage, "mileage")
    kind = as_choice(kind, "kind", LineKind)
    pay_type = as_choice(pay_type, "pay_type", PayType)
    cause = as_choice(cause, "cause", LineCause, default=LineCause.FAULT)
    hours = as_decimal(hours, "hours", maximum=Decimal("9999.99"))
    if pay_type not in COVERAGE_KINDS:
        label = PayType(pay_type).label
        return WarrantyVerdict(WarrantyStatus.NOT_CHECKED.value,
                               [_("Pay type %(pay_type)s: no warranty check is needed.") % {"pay_type": label}])
    if hours is None and operation is not None and kind == LineKind.LABOUR:
        hours = operation.standard_hours

    coverage, reasons = _coverage_reasons(asset, pay_type, on_date, mileage)
    status = (WarrantyStatus.COVERED if coverage is not None else WarrantyStatus.NOT_COVERED).value
    brand = (asset.brand or "").strip().casefold()
    for rule in (active_exclusions() if exclusions is None else exclusions):
        if not rule.is_active or not _applies(rule, pay_type, brand):
            continue
        fact = _fact(rule, kind=kind, cause=cause, part=part, operation=operation, hours=hours)
        if fact is None:
            continue
        sentence = f"{fact} {_consequence(rule)}"
        if rule.note:
            sentence = f"{sentence} {rule.note}"
        reasons.append(sentence)
        if _SEVERITY[rule.effect] > _SEVERITY[status]:
            status = str(rule.effect)
    return WarrantyVerdict(status, reasons, coverage)
