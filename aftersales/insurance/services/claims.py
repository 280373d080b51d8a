"""Starting a claim from an accident work order, and changing its details as the claim goes on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.assets.choices import CoverageKind
from aftersales.assets.models import Coverage
from aftersales.core.audit import record_change, snapshot
from aftersales.core.choices import ServiceType
from aftersales.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    validation_error,
)
from aftersales.core.inputs import as_date, as_id, as_text, invalid
from aftersales.core.models import AuditAction
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import WorkOrder, WorkOrderEvent
from aftersales.workshop.services.transitions import locked_order

from ..choices import (
    CLOSED_CLAIM_STATUSES,
    DOCUMENT_RULES,
    EARLY_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    ClaimStatus,
    DocumentCode,
)
from ..models import InsuranceClaim, InsuranceClaimDocument, InsuranceClaimEvent
from ._fields import ASSESSMENT_FIELDS, apply_fields
from .money import claim_apply_share
from .transitions import locked_claim

ADD = "insurance.add_insuranceclaim"
CHANGE = "insurance.change_insuranceclaim"
S = ClaimStatus

# Which fields may still change in which states (the status itself never: it has its own steps).
EDITABLE_IN: dict[str, tuple[str, ...]] = {
    "coverage_id": (S.COVERAGE_CONFIRMED, S.REPORTED),
    "accident_date": (S.COVERAGE_CONFIRMED, S.REPORTED),
    "accident_place": OPEN_CLAIM_STATUSES,
    "accident_description": OPEN_CLAIM_STATUSES,
    "report_number": OPEN_CLAIM_STATUSES,
    "reported_by": OPEN_CLAIM_STATUSES,
    "reported_at": OPEN_CLAIM_STATUSES,
    **dict.fromkeys(ASSESSMENT_FIELDS, EARLY_CLAIM_STATUSES),
    "claim_number": OPEN_CLAIM_STATUSES,
    "submitted_on": OPEN_CLAIM_STATUSES,
    "notes": OPEN_CLAIM_STATUSES,
}
# A field a step required cannot be emptied once the claim is past that step.
REQUIRED_AFTER: dict[str, tuple[str, ...]] = {
    "report_number": (S.REPORTED, S.ASSESSED, S.DOCUMENTS_COMPLETE, S.REPAIRED_SETTLED, S.SUBMITTED),
    "assessed_amount": (S.ASSESSED, S.DOCUMENTS_COMPLETE),
    "claim_number": (S.SUBMITTED,),
}


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _policy_for(order: WorkOrder, accident_date: dt.date, coverage_id: Any) -> Coverage:
    """The vehicle's insurance policy in force on the accident date (the one named, or the latest)."""
    policies = Coverage.objects.filter(asset_id=order.asset_id, kind=CoverageKind.INSURANCE)
    if coverage_id in (None, ""):
        policy = policies.filter(starts_on__lte=accident_date, ends_on__gte=accident_date).order_by(
            "-starts_on", "-id").first()
        if policy is None:
            raise invalid("coverage_id", _("No insurance policy of this vehicle is in force on the accident date."))
        return policy
    pk = as_id(coverage_id, "coverage_id")
    policy = Coverage.objects.filter(pk=pk).first()
    if policy is None or policy.asset_id != order.asset_id:
        raise invalid("coverage_id", _("This policy does not belong to the order's vehicle."))
    if policy.kind != CoverageKind.INSURANCE:
        raise invalid("coverage_id", _("This coverage is not an insurance policy."))
    if not policy.starts_on <= accident_date <= policy.ends_on:
        raise invalid("coverage_id", _("The policy is not in force on the accident date (it runs from %(start)s "
                                       "to %(end)s).") % {"start": policy.starts_on.isoformat(),
                                                         "end": policy.ends_on.isoformat()})
    if not policy.provider:
        raise invalid("coverage_id", _("The policy names no insurer; complete it first."))
    return policy


def _accident_date(value: Any, order: WorkOrder) -> dt.date:
    day = as_date(value, "accident_date", required=True, not_future=True)
    received = timezone.localdate(order.opened_at)
    if day > received:
        raise invalid("accident_date", _("The accident cannot be after the vehicle came in (%(day)s).") % {
            "day": received.isoformat()})
    return day


def _set_policy(claim: InsuranceClaim, policy: Coverage) -> None:
    claim.coverage = policy
    claim.insurer = policy.provider[:100]
    claim.policy_number = policy.policy_number[:64]


def insurance_claim_create(*, user, data: dict[str, Any]) -> InsuranceClaim:
    """Start the claim of an accident work order: confirms the policy covers the vehicle on the day."""
    with transaction.atomic():
        order_id = as_id(data.get("work_order_id"), "work_order_id")
        try:
            order = locked_order(user, order_id, ADD)
        except NotFoundError as exc:
            raise invalid("work_order_id", _("Unknown work order.")) from exc
        if order.service_type != ServiceType.ACCIDENT:
            raise invalid("work_order_id", _("Only accident repairs are claimed from an insurer."))
        if order.status == WorkOrderStatus.CANCELLED:
            raise invalid("work_order_id", _("This work order was cancelled."))
        if InsuranceClaim.objects.filter(work_order=order).exists():
            message = _("This work order already has an insurance claim.")
            raise ConflictError("duplicate", message, {"work_order_id": [message]})
        fields: dict[str, list[str]] = {}
        claim = InsuranceClaim(work_order=order, created_by=_actor(user))
        try:
            claim.accident_date = _accident_date(data.get("accident_date"), order)
            _set_policy(claim, _policy_for(order, claim.accident_date, data.get("coverage_id")))
        except ApplicationError as exc:
            fields.update(exc.fields)
        for name, max_length in (("accident_place", 200), ("accident_description", 5000), ("notes", 5000)):
            try:
                setattr(claim, name, as_text(data.get(name), name, max_length=max_length))
            except ApplicationError as exc:
                fields.update(exc.fields)
        if fields:
            raise validation_error(_("Some fields are not valid."), fields)
        claim.save()
        InsuranceClaimDocument.objects.bulk_create([
            InsuranceClaimDocument(claim=claim, code=code, required=DOCUMENT_RULES[code][0])
            for code in DocumentCode.values])
        InsuranceClaimEvent.objects.create(
            claim=claim, kind="created", to_status=claim.status, actor=_actor(user),
            data={"coverage_id": claim.coverage_id, "insurer": claim.insurer, "policy_number": claim.policy_number,
                  "accident_date": claim.accident_date.isoformat()})
        WorkOrderEvent.objects.create(
            work_order=order, kind="insurance_claim", actor=_actor(user),
            note=(_("Insurance claim started with %(insurer)s (policy %(policy)s).") % {
                "insurer": claim.insurer, "policy": claim.policy_number})[:500],
            data={"claim_id": claim.pk})
        record_change(actor=user, instance=claim, action=AuditAction.CREATE, before=None, after=snapshot(claim))
    return claim


def insurance_claim_update(*, user, pk: int, data: dict[str, Any]) -> InsuranceClaim:
    """Change the claim's details; a changed assessment applies the insurer's share again."""
    with transaction.atomic():
        claim = locked_claim(user, pk, CHANGE)  # another point's claim, or one the user may only read: 404
        if claim.status in CLOSED_CLAIM_STATUSES:
            message = _("This claim is closed (%(state)s); it can no longer be changed.") % {
                "state": claim.get_status_display()}
            raise ConflictError("closed", message, {"status": [message]})
        locked = {}
        for name in data:
            if name not in EDITABLE_IN:
                raise invalid(name, _("This field cannot be changed here."))
            if claim.status not in EDITABLE_IN[name]:
                locked[name] = [_("This can no longer be changed once the claim is “%(state)s”.") % {
                    "state": claim.get_status_display()}]
        if locked:
            raise ConflictError("locked", _("Some fields can no longer be changed."), locked)
        before = snapshot(claim)
        policy_fields = {k: data[k] for k in ("accident_date", "coverage_id") if k in data}
        if policy_fields:
            order = claim.work_order
            day = _accident_date(policy_fields.get("accident_date", claim.accident_date), order)
            claim.accident_date = day
            _set_policy(claim, _policy_for(order, day, policy_fields.get("coverage_id", claim.coverage_id)))
        apply_fields(claim, {k: v for k, v in data.items() if k not in policy_fields})
        for name, states in REQUIRED_AFTER.items():
            if claim.status in states and getattr(claim, name) in (None, ""):
                raise invalid(name, _("This is needed once the claim is “%(state)s”.") % {
                    "state": claim.get_status_display()})
        claim.save()
        # Assessment figures sent while the share is on the order: a re-assessment, applied again
        # against the order's current amount due (also when the figures stay the same).
        if claim.status in (S.ASSESSED, S.DOCUMENTS_COMPLETE) and {"assessed_amount", "deductible"} & set(data):
            applied = claim_apply_share(user=user, claim=claim, note=_("Insurer's share after a re-assessment."))
            InsuranceClaimEvent.objects.create(
                claim=claim, kind="reassessed", from_status=claim.status, to_status=claim.status, actor=_actor(user),
                data={"assessed_amount": str(claim.assessed_amount), "deductible": str(claim.deductible), **applied})
        record_change(actor=user, instance=claim, action=AuditAction.UPDATE, before=before, after=snapshot(claim))
    return claim
