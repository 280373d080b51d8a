from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from aftersales.core.api import ERRORS, Page, keyset_page, offset_page, require
from aftersales.core.audit import record_access
from aftersales.core.errors import validation_error

from . import selectors, services
from .presentation import customer_detail, customer_row, history_entries, may_unmask
from .schemas import (
    ClassifyAllOut,
    CustomerIn,
    CustomerListOut,
    CustomerOut,
    CustomerPatch,
    DuplicateOut,
    HistoryEntryOut,
    MergeIn,
    PathId,
    RecordId,
    RuleIn,
    RuleOut,
    RulePatch,
)

router = Router(tags=["customers"])


class CustomerFilters(Schema):
    q: str = ""
    segment: str = ""
    abc_class: str = ""
    value_tier: str = ""
    home_point_id: RecordId | None = None
    ordering: str = selectors.DEFAULT_ORDERING
    include_inactive: bool = False
    limit: int = 50
    cursor: str | None = None


class DuplicateFilters(Schema):
    phone: list[str] = []
    id_number: str = ""
    exclude_id: RecordId | None = None


def _plain(data: dict) -> dict:
    """Enum members from the schema as plain strings for the services."""
    def conv(value):
        if isinstance(value, list):
            return [conv(v) for v in value]
        if isinstance(value, dict):
            return {k: conv(v) for k, v in value.items()}
        return value.value if hasattr(value, "value") and isinstance(value, str) else value

    return conv(data)


def _detail(request, customer):
    unmasked = may_unmask(request.user, customer)
    record_access(actor=request.user, instance=customer, channel="api", unmasked=unmasked)
    return customer_detail(customer, unmasked=unmasked)


@router.get("/customers", response={200: Page[CustomerListOut], **ERRORS},
            summary="List customer archives (personal data masked)",
            description="Filters: q (name, pinyin, initials, 4+ phone digits, ID number), segment, abc_class, "
                        "value_tier, home_point_id. `ordering`: " + ", ".join(selectors.ORDERINGS) +
                        ". The default order (-id) is paged by keyset; no totals are counted.")
def customer_list(request, filters: Query[CustomerFilters]):
    require(request.user, "customers.view_customer")
    if "\x00" in filters.q:
        raise validation_error(_("Some fields are not valid."), {"q": [_("Contains a NUL character.")]})
    qs = selectors.customer_list(user=request.user, q=filters.q, segment=filters.segment,
                                 abc_class=filters.abc_class, value_tier=filters.value_tier,
                                 home_point_id=filters.home_point_id, ordering=filters.ordering,
                                 include_inactive=filters.include_inactive)
    limit = max(1, min(filters.limit, 200))
    if filters.ordering == selectors.DEFAULT_ORDERING:
        rows, cursor = keyset_page(qs, limit=limit, cursor=filters.cursor, ordering="-id")
    else:
        rows, cursor = offset_page(qs, limit=limit, cursor=filters.cursor)
    return {"items": [customer_row(c) for c in rows], "next_cursor": cursor}


@router.get("/customers/duplicates", response={200: list[DuplicateOut], **ERRORS},
            summary="Archives that share a phone or ID number (all points; others masked)")
def customer_duplicates(request, filters: Query[DuplicateFilters]):
    require(request.user, "customers.view_customer")
    if any("\x00" in p for p in filters.phone) or "\x00" in filters.id_number:
        raise validation_error(_("Some fields are not valid."), {"phone": [_("Contains a NUL character.")]})
    return selectors.customer_find_duplicates(user=request.user, phones=filters.phone[:10],
                                              id_number=filters.id_number, exclude_id=filters.exclude_id)


@router.post("/customers/classify", response={200: ClassifyAllOut, **ERRORS},
             summary="Reclassify every archive you may classify; returns the count per class")
def customers_classify_all(request):
    require(request.user, "customers.classify_customer")
    return services.customers_classify_all(user=request.user)


@router.get("/customers/{pk}", response={200: CustomerOut, **ERRORS},
            summary="One archive (read logged; personal data unmasked only for roles with the right)")
def customer_detail_endpoint(request, pk: PathId):
    require(request.user, "customers.view_customer")
    return _detail(request, selectors.customer_get(user=request.user, pk=pk))


@router.post("/customers", response={201: CustomerOut, **ERRORS},
             summary="Create an archive (409 when the phone or ID number is already registered)")
def customer_create(request, data: CustomerIn):
    require(request.user, "customers.add_customer")
    payload = _plain(data.dict())
    allow = payload.pop("allow_duplicate")
    customer = services.customer_create(user=request.user, data=payload, allow_duplicate=allow)
    customer = selectors.customer_get(user=request.user, pk=customer.pk)
    return Status(201, customer_detail(customer, unmasked=may_unmask(request.user, customer)))


@router.patch("/customers/{pk}", response={200: CustomerOut, **ERRORS},
              summary="Change an archive; phones and addresses, when given, replace the old ones")
def customer_update(request, pk: PathId, data: CustomerPatch):
    require(request.user, "customers.change_customer")
    payload = _plain(data.dict(exclude_unset=True))
    allow = payload.pop("allow_duplicate", False)
    services.customer_update(user=request.user, pk=pk, data=payload, allow_duplicate=allow)
    customer = selectors.customer_get(user=request.user, pk=pk)
    return customer_detail(customer, unmasked=may_unmask(request.user, customer))


@router.delete("/customers/{pk}", response={204: None, **ERRORS},
               summary="Delete an archive without assets or referrals (otherwise deactivate it)")
def customer_delete(request, pk: PathId):
    require(request.user, "customers.delete_customer")
    services.customer_delete(user=request.user, pk=pk)
    return Status(204, None)


@router.get("/customers/{pk}/history", response={200: list[HistoryEntryOut], **ERRORS},
            summary="Change history: who, when, request id, before and after")
def customer_history(request, pk: PathId):
    require(request.user, "customers.view_customer")
    customer, entries = selectors.customer_history(user=request.user, pk=pk)
    return history_entries(entries, unmasked=may_unmask(request.user, customer))


@router.post("/customers/{pk}/merge", response={200: CustomerOut, **ERRORS},
             summary="Merge the archive source_id into this one")
def customer_merge(request, pk: PathId, data: MergeIn):
    require(request.user, "customers.merge_customer")
    services.customer_merge(user=request.user, source_id=data.source_id, target_id=pk)
    customer = selectors.customer_get(user=request.user, pk=pk)
    return customer_detail(customer, unmasked=may_unmask(request.user, customer))


@router.post("/customers/{pk}/classify", response={200: CustomerOut, **ERRORS},
             summary="Recompute this archive's transaction status and class now")
def customer_classify(request, pk: PathId):
    require(request.user, "customers.classify_customer")
    services.customer_classify(user=request.user, pk=pk)
    customer = selectors.customer_get(user=request.user, pk=pk)
    return customer_detail(customer, unmasked=may_unmask(request.user, customer))


class RuleFilters(Schema):
    dimension: str = ""
    limit: int = 50
    cursor: str | None = None


@router.get("/classification-rules", response={200: Page[RuleOut], **ERRORS},
            summary="The classification rules (company-wide)")
def rule_list(request, filters: Query[RuleFilters]):
    require(request.user, "customers.view_classificationrule")
    qs = selectors.classification_rule_list(user=request.user, dimension=filters.dimension)
    items, cursor = offset_page(qs, limit=max(1, min(filters.limit, 200)), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.get("/classification-rules/{pk}", response={200: RuleOut, **ERRORS}, summary="One classification rule")
def rule_detail(request, pk: PathId):
    require(request.user, "customers.view_classificationrule")
    return selectors.classification_rule_get(user=request.user, pk=pk)


@router.post("/classification-rules", response={201: RuleOut, **ERRORS},
             summary="Define a class (HQ only); one rule per class")
def rule_create(request, data: RuleIn):
    require(request.user, "customers.add_classificationrule")
    return Status(201, services.classification_rule_create(user=request.user, data=_plain(data.dict())))


@router.patch("/classification-rules/{pk}", response={200: RuleOut, **ERRORS}, summary="Change a rule (HQ only)")
def rule_update(request, pk: PathId, data: RulePatch):
    require(request.user, "customers.change_classificationrule")
    return services.classification_rule_update(user=request.user, pk=pk,
                                               data=_plain(data.dict(exclude_unset=True)))


@router.delete("/classification-rules/{pk}", response={204: None, **ERRORS}, summary="Delete a rule (HQ only)")
def rule_delete(request, pk: PathId):
    require(request.user, "customers.delete_classificationrule")
    services.classification_rule_delete(user=request.user, pk=pk)
    return Status(204, None)
