"""Finding archives that share a phone or an ID number with a new or changed one.

The search covers every archive of the company (not only those the user may open), because a
customer registered at another point is still the same customer; archives the user may not see are
described only by a masked name and the name of their home point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.core.masking import mask_id_number, mask_phone

from .models import Customer, CustomerPhone

MAX_MATCHES = 20


@dataclass
class DuplicateMatch:
    customer_id: int | None  # None when the user may not open the archive
    name: str
    home_point: str
    visible: bool
    phones: list[str] = field(default_factory=list)  # the shared numbers, masked
    id_number: str = ""  # the shared ID number, masked
    is_active: bool = True
    # The shared numbers unmasked, for placing the error beside the right phone; never displayed.
    shared_numbers: frozenset[str] = field(default_factory=frozenset, repr=False)

    @property
    def url(self) -> str:
        return f"/customers/{self.customer_id}/" if self.customer_id else ""

    def describe(self) -> str:
        who = (_("Customer #%(id)s %(name)s at %(point)s") % {"id": self.customer_id, "name": self.name,
                                                               "point": self.home_point}
               if self.visible else
               _("An archive of %(name)s at %(point)s (not visible to you)") % {"name": self.name,
                                                                                "point": self.home_point})
        return who


def mask_name(name: str) -> str:
    """张三丰 → 张**; John Smith → J*********."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def find_duplicate_archives(*, user, phones: list[str], id_number: str = "",
                            exclude_id: int | None = None) -> list[DuplicateMatch]:
    phones = [p for p in dict.fromkeys(phones) if p]
    if not phones and not id_number:
        return []
    condition = Q()
    if phones:
        condition |= Q(pk__in=CustomerPhone.objects.filter(number__in=phones).values("customer_id"))
    if id_number:
        condition |= Q(id_number=id_number)
    # Every archive, on purpose without restrict(): see the module docstring. Merged archives are gone.
    qs = Customer.objects.filter(condition, merged_into__isnull=True).select_related("home_point")
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    rows = list(qs.order_by("-id")[:MAX_MATCHES])
    if not rows:
        return []
    ids = [c.pk for c in rows]
    visible = set(Customer.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True))
    numbers: dict[int, list[str]] = {}
    for customer_id, number in CustomerPhone.objects.filter(customer_id__in=ids, number__in=phones).values_list(
            "customer_id", "number"):
        numbers.setdefault(customer_id, []).append(number)
    matches = []
    for c in rows:
        shown = c.pk in visible
        matches.append(DuplicateMatch(
            customer_id=c.pk if shown else None,
            name=c.name if shown else mask_name(c.name),
            home_point=c.home_point.name,
            visible=shown,
            phones=[mask_phone(n) for n in numbers.get(c.pk, [])],
            id_number=mask_id_number(c.id_number) if id_number and c.id_number == id_number else "",
            is_active=c.is_active,
            shared_numbers=frozenset(numbers.get(c.pk, [])),
        ))
    return matches
