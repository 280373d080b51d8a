"""Writes of customer archives. Each service is one transaction and writes its audit row.

Merging lives in ``merge.py``, the derived transaction status in ``transactions.py`` and the
classification in ``classification.py``; they are re-exported here so callers import one module.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, validation_error
from aftersales.core.inputs import is_row_id

from .choices import CustomerKind
from .cleaning import Cleaned, clean_customer_input
from .duplicates import DuplicateMatch, find_duplicate_archives
from .models import Customer, CustomerAddress, CustomerPhone, CustomerPointLink
from .pinyin import name_search_keys

EDITABLE = (
    "kind", "name", "contact_person", "gender", "birthday", "id_type", "id_number", "wechat", "email", "segment",
    "preferences", "preferred_channel", "preferred_hours", "marketing_consent", "credit_rating", "credit_limit",
    "payment_term_days", "notes", "is_active",
)
MAX_REFERRAL_DEPTH = 50


class DuplicateCustomerError(ApplicationError):
    """409 listing the archives that share a phone or the ID number (``matches`` for the UI)."""

    status = 409

    def __init__(self, matches: list[DuplicateMatch], fields: dict[str, list[str]]):
        super().__init__("duplicate", _("Another archive has the same phone or ID number."), fields)
        self.matches = matches


def customer_snapshot(customer: Customer) -> dict:
    """The archive as the change log keeps it: its own fields, phones and addresses."""
    return snapshot(customer, extra={
        "phones": [p.number for p in customer.phones.all()],
        "addresses": [str(a) for a in customer.addresses.all()],
    })


def _home_point(user, point_id, permission: str) -> ServicePoint:
    point = ServicePoint.objects.filter(pk=point_id, is_active=True).first() if point_id else None
    if point is None or not scope_for(user, permission).covers(point.pk):
        # A point the user may not act at is answered like one that does not exist.
        raise validation_error(_("Unknown service point."), {"home_point_id": [_("Unknown service point.")]})
    return point


def _referrer(user, referrer_id, customer: Customer | None = None) -> Customer | None:
    if not referrer_id:
        return None
    referrer = (Customer.objects.restrict(user, "view").filter(pk=referrer_id, merged_into__isnull=True)
                .only("id", "referred_by_id").first())
    if referrer is None:
        raise validation_error(_("Unknown customer."), {"referred_by_id": [_("Unknown customer.")]})
    if customer is not None and customer.pk:
        node, depth = referrer, 0
        while node is not None and depth < MAX_REFERRAL_DEPTH:
            if node.pk == customer.pk:
                raise validation_error(_("A customer cannot be referred by someone they referred."),
                                       {"referred_by_id": [_("This would make a referral circle.")]})
            node = Customer.objects.filter(pk=node.referred_by_id).only("id", "referred_by_id").first() \
                if node.referred_by_id else None
            depth += 1
    return referrer


def _refuse_duplicates(user, cleaned: Cleaned, *, phones: list[str], id_number: str,
                       exclude_id: int | None = None) -> None:
    matches = find_duplicate_archives(user=user, phones=phones, id_number=id_number, exclude_id=exclude_id)
    if not matches:
        return
    fields: dict[str, list[str]] = {}
    for match in matches:
        if match.id_number:
            fields.setdefault("id_number", []).append(
                _("%(who)s has this ID number.") % {"who": match.describe()})
    for i, phone in enumerate(cleaned.phones or []):
        for match in matches:
            if phone["number"] in match.shared_numbers:
                fields.setdefault(f"phones.{i}.number", []).append(
                    _("%(who)s has this phone.") % {"who": match.describe()})
    raise DuplicateCustomerError(matches, fields)


def _check_allow_duplicate(user, point_id: int) -> None:
    if not scope_for(user, "customers.add_duplicate_customer").covers(point_id):
        raise PermissionDeniedError(_("You may not create an archive that duplicates another."))


def _set_search_keys(customer: Customer) -> None:
    customer.name_pinyin, customer.name_initials = name_search_keys(
        customer.name, person=customer.kind == CustomerKind.PERSON)


def _replace_phones(customer: Customer, phones: list[dict]) -> None:
    customer.phones.all().delete()
    CustomerPhone.objects.bulk_create([CustomerPhone(customer=customer, home_point_id=customer.home_point_id, **p)
                                       for p in phones])


def _replace_addresses(customer: Customer, addresses: list[dict]) -> None:
    customer.addresses.all().delete()
    CustomerAddress.objects.bulk_create([CustomerAddress(customer=customer, **a) for a in addresses])


def customer_create(*, user, data: dict, allow_duplicate: bool = False) -> Customer:
    cleaned = clean_customer_input(data)
    fields = cleaned.fields
    with transaction.atomic():
        point = _home_point(user, fields["home_point_id"], "customers.add_customer")
        referrer = _referrer(user, fields.get("referred_by_id"))
        phones = [p["number"] for p in cleaned.phones or []]
        if allow_duplicate:
            _check_allow_duplicate(user, point.pk)
        else:
            _refuse_duplicates(user, cleaned, phones=phones, id_number=fields.get("id_number", ""))
        customer = Customer(home_point=point, referred_by=referrer,
                            **{k: v for k, v in fields.items() if k in EDITABLE})
        _set_search_keys(customer)
        customer.save()
        _replace_phones(customer, cleaned.phones or [])
        _replace_addresses(customer, cleaned.addresses or [])
        record_change(actor=user, instance=customer, action="create", before=None, after=customer_snapshot(customer),
                      note=_("created although it duplicates another archive") if allow_duplicate else "")
    return customer


def _current_values(customer: Customer) -> dict:
    values = {k: getattr(customer, k) for k in EDITABLE}
    values.update(home_point_id=customer.home_point_id, referred_by_id=customer.referred_by_id)
    return values


def customer_update(*, user, pk: int, data: dict, allow_duplicate: bool = False) -> Customer:
    """Change the given fields; ``phones`` and ``addresses``, when given, replace the old lists."""
    with transaction.atomic():
        if not is_row_id(pk):
            raise NotFoundError()
        customer = Customer.objects.restrict(user, "change").select_for_update().filter(pk=pk).first()
        if customer is None:
            raise NotFoundError()
        if customer.merged_into_id:
            raise validation_error(_("This archive was merged into another; change that one instead."),
                                   {"__all__": [_("Merged archives are read-only.")]})
        cleaned = clean_customer_input(data, current=_current_values(customer))
        fields = cleaned.fields
        before = customer_snapshot(customer)
        old_point_id = customer.home_point_id
        if "home_point_id" in fields and fields["home_point_id"] != customer.home_point_id:
            customer.home_point = _home_point(user, fields["home_point_id"], "customers.change_customer")
        if "referred_by_id" in fields:
            if fields["referred_by_id"] == customer.pk:
                raise validation_error(_("A customer cannot refer themselves."),
                                       {"referred_by_id": [_("A customer cannot refer themselves.")]})
            customer.referred_by = _referrer(user, fields["referred_by_id"], customer)
        new_phones = [p["number"] for p in cleaned.phones] if cleaned.phones is not None else []
        old_phones = set(customer.phones.values_list("number", flat=True))
        added_phones = [n for n in new_phones if n not in old_phones]
        new_id = fields.get("id_number", "") if fields.get("id_number") != customer.id_number else ""
        if added_phones or new_id:
            if allow_duplicate:
                _check_allow_duplicate(user, customer.home_point_id)
            else:
                _refuse_duplicates(user, cleaned, phones=added_phones, id_number=new_id, exclude_id=customer.pk)
        for key, value in fields.items():
            if key in EDITABLE:
                setattr(customer, key, value)
        _set_search_keys(customer)
        customer.save()
        if cleaned.phones is not None:
            _replace_phones(customer, cleaned.phones)
        elif customer.home_point_id != old_point_id:
            customer.phones.update(home_point_id=customer.home_point_id)
        if cleaned.addresses is not None:
            _replace_addresses(customer, cleaned.addresses)
        record_change(actor=user, instance=customer, action="update", before=before,
                      after=customer_snapshot(customer))
    return customer


def _dependants(customer: Customer) -> list[str]:
    """Names of the records that keep an archive from being deleted (protected links, referrals)."""
    from django.db.models import PROTECT

    found = []
    for rel in customer._meta.related_objects:
        if rel.on_delete is PROTECT or rel.name == "referrals":
            accessor = rel.get_accessor_name()
            if accessor and getattr(customer, accessor).exists():
                found.append(str(rel.related_model._meta.verbose_name_plural)
                             if rel.name != "referrals" else _("referred customers"))
    return found


def customer_delete(*, user, pk: int) -> None:
    with transaction.atomic():
        if not is_row_id(pk):
            raise NotFoundError()
        customer = Customer.objects.restrict(user, "delete").select_for_update().filter(pk=pk).first()
        if customer is None:
            raise NotFoundError()
        blocking = _dependants(customer)
        if blocking:
            raise validation_error(
                _("This archive is still in use (%(what)s); deactivate it instead.") % {"what": ", ".join(blocking)},
                {"__all__": [_("Archive in use: %(what)s.") % {"what": ", ".join(blocking)}]},
            )
        record_change(actor=user, instance=customer, action="delete", before=customer_snapshot(customer), after=None)
        Customer.objects.filter(merged_into=customer).update(merged_into=None)
        customer.delete()


def customer_link_point(*, customer: Customer | int, service_point: ServicePoint | int,
                        reason: str = "") -> CustomerPointLink | None:
    """Record that the customer has business at a point, which may then see the archive. Idempotent;
    the home point needs no link (returns None)."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    point_id = service_point if isinstance(service_point, int) else service_point.pk
    home = customer.home_point_id if isinstance(customer, Customer) else \
        Customer.objects.filter(pk=customer_id).values_list("home_point_id", flat=True).first()
    if home == point_id:
        return None
    with transaction.atomic():
        link, _created = CustomerPointLink.objects.get_or_create(
            customer_id=customer_id, service_point_id=point_id, defaults={"reason": (reason or "")[:32]})
    return link


from .classification import (  # noqa: E402  (re-exported: one module for callers)
    classification_rule_create,
    classification_rule_delete,
    classification_rule_update,
    customer_classify,
    customers_classify_all,
)
from .merge import customer_merge  # noqa: E402
from .transactions import customer_transaction_status_refresh, register_transaction_source  # noqa: E402

__all__ = [
    "DuplicateCustomerError", "classification_rule_create", "classification_rule_delete",
    "classification_rule_update", "customer_classify", "customer_create", "customer_delete", "customer_link_point",
    "customer_merge", "customer_transaction_status_refresh", "customer_update", "customers_classify_all",
    "register_transaction_source",
]
