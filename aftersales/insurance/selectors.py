"""Reads of insurance claims: always through ``restrict`` (a claim belongs to its work order's point)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from aftersales.accounts.access import scope_for
from aftersales.assets.choices import CoverageKind
from aftersales.assets.models import Coverage
from aftersales.core.choices import ServiceType
from aftersales.core.errors import NotFoundError
from aftersales.core.inputs import is_row_id
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import WorkOrder

from .choices import OPEN_CLAIM_STATUSES, ClaimStatus
from .models import InsuranceClaim, InsuranceClaimDocument, InsuranceClaimEvent

LIST_RELATED = ("work_order", "work_order__customer", "work_order__asset", "work_order__service_point")


def claim_list(*, user, status: str = "", insurer: str = "", accident_from: dt.date | None = None,
               accident_to: dt.date | None = None, work_order_id: int | None = None,
               open_only: bool = False) -> QuerySet[InsuranceClaim]:
    qs = InsuranceClaim.objects.restrict(user, "view").select_related(*LIST_RELATED)
    if status in ClaimStatus.values:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=OPEN_CLAIM_STATUSES)
    insurer = (insurer or "").replace("\x00", "").strip()[:100]
    if insurer:
        qs = qs.filter(insurer=insurer)
    if accident_from:
        qs = qs.filter(accident_date__gte=accident_from)
    if accident_to:
        qs = qs.filter(accident_date__lte=accident_to)
    if work_order_id is not None:
        qs = qs.filter(work_order_id=work_order_id) if is_row_id(work_order_id) else qs.none()
    return qs


def claim_get(*, user, pk, action: str = "view") -> InsuranceClaim:
    if not is_row_id(pk):
        raise NotFoundError()
    claim = (InsuranceClaim.objects.restrict(user, action).select_related(*LIST_RELATED, "coverage", "payment")
             .prefetch_related(Prefetch("documents", queryset=InsuranceClaimDocument.objects.order_by("id")))
             .filter(pk=pk).first())
    if claim is None:
        raise NotFoundError()
    return claim


def claim_events(*, user, pk) -> QuerySet[InsuranceClaimEvent]:
    claim = claim_get(user=user, pk=pk)
    return claim.events.select_related("actor").order_by("at", "id")


def claim_insurers(*, user) -> list[str]:
    """The insurers named on the claims the user sees (for the list's filter)."""
    qs = InsuranceClaim.objects.restrict(user, "view").order_by("insurer").values_list("insurer", flat=True)
    return list(qs.distinct()[:200])


def order_for_new_claim(*, user, pk) -> WorkOrder:
    """An accident work order at a point where the user may start claims, or 404."""
    if not is_row_id(pk):
        raise NotFoundError()
    scope = scope_for(user, "insurance.add_insuranceclaim")
    qs = WorkOrder.objects.select_related("asset", "customer", "service_point")
    if not scope.everything:
        qs = qs.filter(service_point_id__in=scope.point_ids)
    order = qs.filter(pk=pk).first()
    if order is None:
        raise NotFoundError()
    return order


def policies_for(order: WorkOrder) -> QuerySet[Coverage]:
    """The vehicle's insurance policies, the latest first."""
    return Coverage.objects.filter(asset_id=order.asset_id, kind=CoverageKind.INSURANCE).order_by("-starts_on", "-id")


def order_claim_summary(*, user, order: WorkOrder) -> dict:
    """What the work order's page shows about insurance: the claim, or whether one can be started.

    Costs no query for orders that are not accident repairs (only those can have a claim).
    """
    if order is None or order.service_type != ServiceType.ACCIDENT:
        return {"applies": False}
    can_view = scope_for(user, "insurance.view_insuranceclaim").covers(order.service_point_id)
    can_add = scope_for(user, "insurance.add_insuranceclaim").covers(order.service_point_id)
    claim = InsuranceClaim.objects.filter(work_order_id=order.pk).first() if can_view or can_add else None
    can_start = can_add and claim is None and order.status != WorkOrderStatus.CANCELLED
    return {"applies": can_view or can_start, "claim": claim, "can_view": can_view, "can_start": can_start}
