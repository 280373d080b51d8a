"""Reads of customer archives, always through ``restrict``."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.audit import history_for
from aftersales.core.errors import NotFoundError, validation_error
from aftersales.core.inputs import is_row_id

from .choices import AbcClass, Segment, ValueTier
from .duplicates import DuplicateMatch, find_duplicate_archives
from .idnumbers import normalise_id_number
from .models import ClassificationRule, Customer, CustomerAddress, CustomerPhone
from .phones import normalise_phone

# ordering parameter → ORDER BY; the default (-id) is the one paged by keyset.
ORDERINGS = {
    "-id": ("-id",), "id": ("id",), "name": ("name_pinyin", "id"), "-name": ("-name_pinyin", "-id"),
    "-last_visit": ("-last_visit_at", "-id"), "last_visit": ("last_visit_at", "id"),
    "-spend": ("-total_spend", "-id"), "spend": ("total_spend", "id"),
    "-visits": ("-visit_count", "-id"), "-created": ("-created_at", "-id"),
}
DEFAULT_ORDERING = "-id"


def _phones_prefetch() -> Prefetch:
    return Prefetch("phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id"))


def _addresses_prefetch() -> Prefetch:
    return Prefetch("addresses", queryset=CustomerAddress.objects.order_by("-is_primary", "id"))


def _search(qs: QuerySet, q: str) -> QuerySet:
    """Name, pinyin or initials (prefix), phone (4+ digits, substring), ID number (exact)."""
    q = q.strip()
    if not q:
        return qs
    condition = Q(name__startswith=q) | Q(name_pinyin__startswith=q.lower().replace(" ", "")) \
        | Q(name_initials__startswith=q.lower())
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) >= 4 and len(digits) == len(q.replace(" ", "").replace("-", "")):
        condition |= Q(pk__in=CustomerPhone.objects.filter(number__contains=digits).values("customer_id"))
    if len(q) in (15, 18):
        condition |= Q(id_number=q.upper())
    return qs.filter(condition)


def home_point_choices(*, user, permission: str) -> list[ServicePoint]:
    """Active points where the user holds ``permission`` (for a home point or a filter)."""
    scope = scope_for(user, permission)
    qs = ServicePoint.objects.filter(is_active=True)
    if not scope.everything:
        qs = qs.filter(pk__in=scope.point_ids)
    return list(qs.order_by("path"))


def customer_list(*, user, q: str = "", segment: str = "", abc_class: str = "", value_tier: str = "",
                  home_point_id: int | None = None, ordering: str = DEFAULT_ORDERING,
                  include_inactive: bool = False) -> QuerySet[Customer]:
    if ordering not in ORDERINGS:
        raise validation_error(_("Unknown ordering."), {"ordering": [
            _("Choose one of: %(values)s.") % {"values": ", ".join(ORDERINGS)}]})
    for name, value, allowed in (("segment", segment, Segment.values), ("abc_class", abc_class, AbcClass.values),
                                 ("value_tier", value_tier, ValueTier.values)):
        if value and value not in allowed:
            raise validation_error(_("Unknown filter value."), {name: [
                _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}]})
    qs = Customer.objects.restrict(user, "view").select_related("home_point").prefetch_related(
        _phones_prefetch(), _addresses_prefetch())
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if segment:
        qs = qs.filter(segment=segment)
    if abc_class:
        qs = qs.filter(abc_class=abc_class)
    if value_tier:
        qs = qs.filter(value_tier=value_tier)
    if home_point_id:
        qs = qs.filter(home_point_id=home_point_id) if is_row_id(home_point_id) else qs.none()
    qs = _search(qs, q)
    return qs.order_by(*ORDERINGS[ordering])


def customer_get(*, user, pk: int, action: str = "view") -> Customer:
    if not is_row_id(pk):
        raise NotFoundError()
    customer = (Customer.objects.restrict(user, action)
                .select_related("home_point", "referred_by", "merged_into")
                .prefetch_related(_phones_prefetch(), _addresses_prefetch())
                .filter(pk=pk).first())
    if customer is None:
        raise NotFoundError()
    return customer


def customer_referrals(*, user, customer: Customer) -> QuerySet[Customer]:
    """Whom the customer referred (those the user may see)."""
    return Customer.objects.restrict(user, "view").filter(referred_by=customer).order_by("-id")


def customer_visible(*, user, pk: int) -> bool:
    return is_row_id(pk) and Customer.objects.restrict(user, "view").filter(pk=pk).exists()


def history_for_customer(customer: Customer, *, limit: int = 200) -> list:
    """The change log of an archive the caller already fetched through ``customer_get``."""
    return list(history_for(customer, limit=limit))


def customer_history(*, user, pk: int, limit: int = 200):
    customer = customer_get(user=user, pk=pk)
    return customer, list(history_for(customer, limit=limit))


def customer_find_duplicates(*, user, phones: list[str], id_number: str = "",
                             exclude_id: int | None = None) -> list[DuplicateMatch]:
    """Archives sharing a phone or the ID number. Input that is not (yet) a valid number is ignored,
    so this can run while the user types."""
    numbers = []
    for raw in phones:
        try:
            numbers.append(normalise_phone(raw))
        except ValueError:
            continue
    number = ""
    if id_number:
        for id_type in ("resident_id", "credit_code"):
            try:
                number = normalise_id_number(id_type, id_number)
                break
            except ValueError:
                continue
    return find_duplicate_archives(user=user, phones=numbers, id_number=number,
                                   exclude_id=exclude_id if is_row_id(exclude_id) else None)


def classification_rule_list(*, user, dimension: str = "") -> QuerySet[ClassificationRule]:
    qs = ClassificationRule.objects.restrict(user, "view")
    if dimension:
        qs = qs.filter(dimension=dimension)
    return qs.order_by("dimension", "rank")


def classification_rule_get(*, user, pk: int, action: str = "view") -> ClassificationRule:
    if not is_row_id(pk):
        raise NotFoundError()
    rule = ClassificationRule.objects.restrict(user, action).filter(pk=pk).first()
    if rule is None:
        raise NotFoundError()
    return rule
