"""One search box over customers and assets.

The query is classified first (``classify.classify``) and only the lookups that can match it run:
at most one query over customers' own columns (name, pinyin, initials, ID number: one bitmap scan
over several indexes), one over phones, one over assets (plate, VIN suffix, serial number), one for
the owners of the assets found and one for the phones shown in the results. Every query goes
through ``restrict(user, "view")``. Personal data is masked unless the user may see it at the
customer's home point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, F, Func, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Lower, Reverse
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission, scope_for, sees_personal_data
from aftersales.assets.choices import AssetKind
from aftersales.assets.models import Asset
from aftersales.core.errors import PermissionDeniedError, validation_error
from aftersales.core.masking import mask_id_number, mask_phone
from aftersales.customers.models import Customer, CustomerPhone, CustomerPointLink

from .classify import MIN_LENGTH, SearchPlan, classify

MAX_LIMIT = 50
MAX_QUERY_LENGTH = 100
PHONE_CANDIDATES = 2000
# Only what a result shows: fewer columns to read and fewer objects to build.
CUSTOMER_FIELDS = ("name", "name_pinyin", "name_initials", "id_number", "home_point_id", "home_point__name")
ASSET_FIELDS = ("kind", "vin", "plate", "serial_number", "brand", "model", "owner_id")


@dataclass(frozen=True)
class SearchHit:
    type: str          # "customer" or "asset"
    id: int
    title: str
    subtitle: str
    url: str
    match: str         # which lookup found it: name, pinyin, initials, phone, id_number, plate, vin, serial, owner
    match_label: str   # human-readable reason, personal data masked


@dataclass
class SearchResults:
    q: str
    lookups: list[str]
    customers: list[SearchHit] = field(default_factory=list)
    assets: list[SearchHit] = field(default_factory=list)

    @property
    def items(self) -> list[SearchHit]:
        return [*self.customers, *self.assets]

    def __len__(self) -> int:
        return len(self.customers) + len(self.assets)


def clean_query(q: str | None) -> str:
    """The query as the selector accepts it, or a 422 naming ``q``."""
    q = q or ""
    if "\x00" in q:
        raise validation_error(_("The search is not valid."), {"q": [_("Contains a NUL character.")]})
    q = " ".join(q.split())
    if len("".join(q.split())) < MIN_LENGTH:
        raise validation_error(_("The search is not valid."),
                               {"q": [_("Type at least %(n)d characters.") % {"n": MIN_LENGTH}]})
    if len(q) > MAX_QUERY_LENGTH:
        raise validation_error(_("The search is not valid."),
                               {"q": [_("Type at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}]})
    return q


def search_everything(*, user, q: str, limit: int = 20) -> SearchResults:
    q = clean_query(q)
    limit = max(1, min(int(limit), MAX_LIMIT))
    sees_customers = has_permission(user, "customers.view_customer")
    sees_assets = has_permission(user, "assets.view_asset")
    if not (sees_customers or sees_assets):
        raise PermissionDeniedError()
    plan = classify(q)
    results = SearchResults(q=q, lookups=sorted(plan.lookups))
    customers_qs = (Customer.objects.restrict(user, "view") if sees_customers else Customer.objects.none())
    customers_qs = customers_qs.select_related("home_point").only(*CUSTOMER_FIELDS)
    found: dict[int, tuple[Customer, str]] = {}

    def add_customers(rows, reason_of) -> None:
        for row in rows:
            if row.pk not in found and len(found) < limit:
                found[row.pk] = (row, reason_of(row))

    scope = scope_for(user, "customers.view_customer")
    own = _customer_condition(plan)
    if own is not None and sees_customers:
        if scope.everything:
            # Two-letter initials match ~1 % of everyone: broad for HQ.
            broad = plan.broad or len(plan.letters) == 2
            rows = _newest_first(_customer_rows(customers_qs, plan).filter(own), broad=broad)[:limit]
        else:
            rows = _newest_visible(scope.point_ids, limit, lambda qs: _customer_rows(qs, plan).filter(own))
        add_customers(rows, lambda c: _customer_reason(c, plan))
    if plan.has("phone") and sees_customers and len(found) < limit:
        if scope.everything:
            # A four-digit fragment inside a common mobile prefix ("1311") can match thousands of phones:
            # only the PHONE_CANDIDATES newest customers with it are considered.
            phones = (CustomerPhone.objects.filter(number__contains=plan.digits).order_by("-customer_id")
                      .values("customer_id")[:PHONE_CANDIDATES])
            ids = list(_newest_first(customers_qs.filter(pk__in=phones)).values_list("id", flat=True)[:limit])
        else:
            ids = _newest_phone_owners(scope.point_ids, plan.digits, limit)
        ids = [pk for pk in ids if pk not in found]
        if ids:
            add_customers(customers_qs.filter(pk__in=ids).order_by("-id"), lambda c: "phone")

    assets: list[tuple[Asset, str]] = []
    asset_condition = _asset_condition(plan)
    if asset_condition is not None and sees_assets:
        rows = _newest_first(Asset.objects.restrict(user, "view").only(*ASSET_FIELDS).alias(_vin_rev=Reverse("vin"))
                             .filter(asset_condition))[:limit]
        assets = [(a, _asset_reason(a, plan)) for a in rows]
        owner_ids = {a.owner_id for a, _reason in assets} - set(found)
        if owner_ids and sees_customers and len(found) < limit:
            add_customers(customers_qs.filter(pk__in=owner_ids).order_by("-id"), lambda c: "owner")

    customers = [c for c, _reason in found.values()]
    if customers:
        phones = CustomerPhone.objects.only("customer_id", "number").order_by("-is_primary", "id")
        prefetch_related_objects(customers, Prefetch("phones", queryset=phones))
    owner_names = {c.pk: c.name for c in customers}
    owned_plate = {a.owner_id: a for a, _r in assets}
    results.customers = [_customer_hit(user, c, reason, plan, owned_plate.get(c.pk)) for c, reason in found.values()]
    results.assets = [_asset_hit(a, reason, plan, owner_names.get(a.owner_id, "")) for a, reason in assets]
    return results


def _newest_first(qs, *, broad: bool = False):
    """Newest first, in the plan that suits how many rows can match.

    A selective lookup (a phone fragment, a plate, a VIN suffix, a name, a long pinyin prefix)
    matches at most a few thousand rows, but the planner cannot estimate how few of them pass the
    service-point restriction (``home point IN … OR EXISTS (link)``) nor how rare a fragment is, and
    tends to walk the primary key backwards through a million rows. Ordering by ``id + 0`` takes that
    plan away: the matches come from the search indexes and only they are sorted. A broad lookup (a
    pinyin or initials prefix of up to three letters, tens of thousands of rows) keeps the plain
    order, where walking the primary key finds twenty visible rows quickly.
    """
    if broad:
        return qs.order_by("-id")
    return qs.alias(_newest=F("id") + 0).order_by("-_newest")


def _linked_ids(point_ids):
    return CustomerPointLink.objects.filter(service_point_id__in=point_ids).values("customer_id")


def _newest_visible(point_ids, limit: int, narrow) -> list[Customer]:
    """The ``limit`` newest customers matching ``narrow`` that a user of ``point_ids`` sees.

    ``Customer.restrict_q`` (home point, or linked by business) is one OR with a sub-query, which no
    index serves: the planner then reads every match in the country and probes each one. Asked apart,
    the home point is one more index in a bitmap scan, and the linked customers (a few thousand at a
    point) are probed one by one. Both halves are visible by construction.
    """
    base = Customer.objects.select_related("home_point").only(*CUSTOMER_FIELDS)
    home = narrow(base.filter(home_point_id__in=point_ids))
    linked = narrow(base.filter(pk__in=_linked_ids(point_ids)))
    rows = {c.pk: c for part in (home, linked) for c in _newest_first(part)[:limit]}
    return [rows[pk] for pk in sorted(rows, reverse=True)[:limit]]


def _newest_phone_owners(point_ids, digits: str, limit: int) -> list[int]:
    """The newest customers a user of ``point_ids`` sees with a phone containing ``digits``; phones carry
    their customer's home point, so PostgreSQL ANDs the home-point index with the fragment's trigram index
    in one bitmap scan and reads only the point's matches."""
    matching = CustomerPhone.objects.filter(number__contains=digits).alias(_newest=F("customer_id") + 0)
    home = matching.filter(home_point_id__in=point_ids)
    linked = matching.filter(customer_id__in=_linked_ids(point_ids))
    ids = {*home.order_by("-_newest").values_list("customer_id", flat=True)[:limit],
           *linked.order_by("-_newest").values_list("customer_id", flat=True)[:limit]}
    return sorted(ids, reverse=True)[:limit]


# --- the lookups ---------------------------------------------------------------------------------

def _fold(value: str) -> str:
    """Python twin of the SQL function search_fold: lower case, every character doubled."""
    return "".join(ch * 2 for ch in value.lower())


def _customer_rows(qs, plan: SearchPlan):
    if plan.has("name"):
        if connection.vendor == "postgresql":
            qs = qs.alias(_name_key=Func(F("name"), function="search_fold", output_field=CharField()))
        else:
            qs = qs.alias(_name_key=Lower("name"))
    if plan.has("id_number"):
        qs = qs.alias(_id_rev=Reverse("id_number"))
    return qs


def _name_key(plan: SearchPlan) -> str:
    return _fold(plan.text) if connection.vendor == "postgresql" else plan.text.lower()


def _customer_condition(plan: SearchPlan) -> Q | None:
    parts = []
    if plan.has("name"):
        parts.append(Q(_name_key__contains=_name_key(plan)))
    if plan.has("pinyin"):
        parts.append(Q(name_pinyin__startswith=plan.letters))
    if plan.has("initials"):
        parts.append(Q(name_initials__startswith=plan.letters))
    if plan.has("id_number"):
        parts.append(Q(_id_rev__startswith=plan.compact[::-1]))
    return _any(parts)


def _asset_condition(plan: SearchPlan) -> Q | None:
    parts = []
    if plan.has("plate"):
        parts.append(Q(plate__icontains=plan.compact))
    if plan.has("vin"):
        parts.append(Q(_vin_rev__startswith=plan.compact[::-1]))
    if plan.has("serial"):
        parts.append(Q(serial_number__icontains=plan.compact))
    return _any(parts)


def _any(parts: list[Q]) -> Q | None:
    if not parts:
        return None
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


def _customer_reason(customer: Customer, plan: SearchPlan) -> str:
    if plan.has("name") and plan.text.lower() in customer.name.lower():
        return "name"
    if plan.has("initials") and customer.name_initials.startswith(plan.letters):
        return "initials"
    if plan.has("pinyin") and customer.name_pinyin.startswith(plan.letters):
        return "pinyin"
    return "id_number"


def _asset_reason(asset: Asset, plan: SearchPlan) -> str:
    if plan.has("plate") and plan.compact in asset.plate.upper():
        return "plate"
    if plan.has("vin") and asset.vin.endswith(plan.compact):
        return "vin"
    return "serial"


# --- presentation ----------------------------------------------------------------------------------

def _customer_hit(user, customer: Customer, reason: str, plan: SearchPlan, asset: Asset | None) -> SearchHit:
    unmasked = sees_personal_data(user, customer.home_point_id)
    phones = [p.number for p in customer.phones.all()]
    shown = (lambda n: n) if unmasked else mask_phone
    if reason == "phone":
        number = next((n for n in phones if plan.digits in n), phones[0] if phones else "")
        label = _("Phone %(phone)s") % {"phone": shown(number)}
    elif reason == "id_number":
        number = customer.id_number if unmasked else mask_id_number(customer.id_number)
        label = _("ID number %(id)s") % {"id": number}
    elif reason == "owner":
        label = _("Owner of %(asset)s") % {"asset": _asset_title(asset) if asset else ""}
    else:
        label = {
            "name": _("Name %(value)s"), "pinyin": _("Pinyin %(value)s"), "initials": _("Initials %(value)s"),
        }[reason] % {"value": {"name": customer.name, "pinyin": customer.name_pinyin,
                               "initials": customer.name_initials}[reason]}
    subtitle = " · ".join(x for x in [shown(phones[0]) if phones else "", customer.home_point.name] if x)
    return SearchHit("customer", customer.pk, customer.name, subtitle, customer.get_absolute_url(), reason, label)


def _asset_title(asset: Asset) -> str:
    head = (asset.plate or asset.vin) if asset.kind == AssetKind.VEHICLE else asset.serial_number
    return " ".join(x for x in [head, asset.brand, asset.model] if x)


def _asset_hit(asset: Asset, reason: str, plan: SearchPlan, owner_name: str) -> SearchHit:
    label = {
        "plate": _("Plate %(value)s"), "vin": _("VIN %(value)s"), "serial": _("Serial number %(value)s"),
    }[reason] % {"value": {"plate": asset.plate, "vin": asset.vin, "serial": asset.serial_number}[reason]}
    ident = asset.vin if asset.kind == AssetKind.VEHICLE else asset.serial_number
    subtitle = " · ".join(x for x in [asset.get_kind_display(), ident, owner_name] if x)
    return SearchHit("asset", asset.pk, _asset_title(asset), subtitle, asset.get_absolute_url(), reason, label)
