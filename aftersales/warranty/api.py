"""The warranty API: the exclusion list and the per-line warranty check."""

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from aftersales.core.api import ERRORS, Page, offset_page, require

from . import selectors, services
from .schemas import CheckIn, ExclusionIn, ExclusionOut, ExclusionPatch, VerdictOut

router = Router(tags=["warranty"])


class ExclusionFilters(Schema):
    kind: str = ""
    is_active: bool | None = None
    brand: str = ""
    q: str = ""
    limit: int = 50
    cursor: str | None = None


@router.get("/warranty-exclusions", response={200: Page[ExclusionOut], **ERRORS},
            summary="The warranty exclusion list")
def exclusion_list(request, filters: Query[ExclusionFilters]):
    require(request.user, "warranty.view_warrantyexclusion")
    qs = selectors.exclusion_list(user=request.user, kind=filters.kind, active=filters.is_active,
                                  brand=filters.brand, q=filters.q)
    items, cursor = offset_page(qs, limit=max(1, min(filters.limit, 200)), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.post("/warranty-exclusions", response={201: ExclusionOut, **ERRORS}, summary="Add an exclusion")
def exclusion_create(request, data: ExclusionIn):
    require(request.user, "warranty.add_warrantyexclusion")
    return Status(201, services.exclusion_create(user=request.user, data=data.dict()))


@router.get("/warranty-exclusions/{pk}", response={200: ExclusionOut, **ERRORS}, summary="One exclusion")
def exclusion_detail(request, pk: int):
    require(request.user, "warranty.view_warrantyexclusion")
    return selectors.exclusion_get(user=request.user, pk=pk)


@router.patch("/warranty-exclusions/{pk}", response={200: ExclusionOut, **ERRORS}, summary="Change an exclusion")
def exclusion_update(request, pk: int, data: ExclusionPatch):
    require(request.user, "warranty.change_warrantyexclusion")
    return services.exclusion_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))


@router.delete("/warranty-exclusions/{pk}", response={204: None, **ERRORS}, summary="Delete an exclusion")
def exclusion_delete(request, pk: int):
    require(request.user, "warranty.delete_warrantyexclusion")
    services.exclusion_delete(user=request.user, pk=pk)
    return Status(204, None)


@router.post("/warranty/check", response={200: VerdictOut, **ERRORS},
             summary="Whether a line would be covered: coverage on the day and the exclusion list, with reasons")
def warranty_check(request, data: CheckIn):
    require(request.user, "warranty.view_warrantyexclusion")
    asset, part, operation = selectors.check_subjects(user=request.user, asset_id=data.asset_id,
                                                      part_id=data.part_id, operation_id=data.operation_id)
    verdict = services.line_warranty_check(
        asset=asset, on_date=data.on_date or timezone.localdate(), mileage=data.mileage, kind=data.kind.value,
        pay_type=data.pay_type.value, cause=data.cause.value, part=part, operation=operation, hours=data.hours)
    return {"status": verdict.status, "status_label": verdict.status_label, "reasons": verdict.reasons,
            "coverage": verdict.coverage}
