"""What API and pages show of an archive: personal data masked in lists and for roles without the right."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import sees_personal_data
from aftersales.core import history
from aftersales.core.masking import mask_address, mask_email, mask_id_number, mask_phone

from .models import Customer

MASKERS = {
    "id_number": mask_id_number,
    "email": mask_email,
    "phones": lambda values: [mask_phone(v) for v in values] if isinstance(values, list) else mask_phone(values),
    "addresses": lambda values: [mask_address(v) for v in values] if isinstance(values, list) else
    mask_address(values),
    "number": mask_phone,
}


def may_unmask(user, customer: Customer) -> bool:
    return sees_personal_data(user, customer.home_point_id)


def primary(rows):
    rows = list(rows)
    return next((r for r in rows if r.is_primary), rows[0] if rows else None)


def full_address(address) -> str:
    return f"{address.province}{address.city}{address.district}{address.street}" if address else ""


def customer_row(customer: Customer) -> dict:
    """A list row: always masked."""
    phone = primary(customer.phones.all())
    address = primary(customer.addresses.all())
    return {
        "id": customer.pk, "kind": customer.kind, "name": customer.name, "segment": customer.segment,
        "home_point_id": customer.home_point_id, "home_point": customer.home_point.name,
        "phone": mask_phone(phone.number if phone else ""), "id_number": mask_id_number(customer.id_number),
        "email": mask_email(customer.email), "address": mask_address(full_address(address)),
        "abc_class": customer.abc_class, "value_tier": customer.value_tier,
        "value_tier_label": customer.get_value_tier_display() if customer.value_tier else "",
        "segment_label": customer.get_segment_display(), "last_visit_at": customer.last_visit_at,
        "visit_count": customer.visit_count, "total_spend": customer.total_spend, "is_active": customer.is_active,
    }


def customer_detail(customer: Customer, *, unmasked: bool) -> dict:
    def show(value, masker):
        return value if unmasked else masker(value)

    data = {f: getattr(customer, f) for f in (
        "id", "kind", "name", "name_pinyin", "name_initials", "contact_person", "gender", "birthday", "id_type",
        "wechat", "segment", "preferences", "preferred_channel", "preferred_hours", "marketing_consent",
        "credit_rating", "credit_limit", "payment_term_days", "notes", "referred_by_id", "home_point_id",
        "first_visit_at", "last_visit_at", "visit_count", "total_spend", "outstanding_balance", "open_orders",
        "abc_class", "value_tier", "classified_at", "merged_into_id", "is_active", "created_at", "updated_at")}
    data["id_number"] = show(customer.id_number, mask_id_number)
    data["email"] = show(customer.email, mask_email)
    data["home_point"] = customer.home_point.name
    data["phones"] = [{"number": show(p.number, mask_phone), "kind": p.kind, "kind_label": p.get_kind_display(),
                       "is_primary": p.is_primary} for p in customer.phones.all()]
    data["addresses"] = [{
        "label": a.label, "province": a.province, "city": a.city,
        "district": a.district if unmasked else "", "street": show(a.street, lambda s: mask_address(s)[:2] + "****"),
        "postcode": a.postcode if unmasked else "", "is_primary": a.is_primary,
    } for a in customer.addresses.all()]
    data["masked"] = not unmasked
    return data


EXTRA_LABELS = {"phones": _("phones"), "addresses": _("addresses"), "moved": _("moved records"),
                "merged_from_id": _("merged from"), "merged_into_id": _("merged into")}


def field_label(name: str) -> str:
    """The translated label of a logged field (``home_point_id`` → "home service point")."""
    return history.field_label(Customer, name, EXTRA_LABELS)


def _labels(name: str) -> dict:
    return history.choice_labels(Customer, "credit_rating" if name == "credit_ratings" else name)


def display_value(value, name: str = ""):
    """A logged value as a person reads it: choice codes become their labels."""
    return history.display_value(value, _labels(name) if name else None)


def _mask_values(values: dict | None) -> dict | None:
    if not values:
        return values
    return {k: (MASKERS[k](v) if k in MASKERS and v else v) for k, v in values.items()}


def history_entries(entries, *, unmasked: bool) -> list[dict]:
    """Change log rows as shown: changed fields with before/after, personal values masked if needed."""
    mask = None if unmasked else _mask_values
    return [{
        "id": entry.pk, "timestamp": entry.timestamp, "user": str(entry.user) if entry.user else "",
        "action": entry.action, "action_label": str(entry.get_action_display()), "request_id": entry.request_id,
        "note": entry.note,
        "changes": history.describe_changes(entry, Customer, mask=mask, extra_labels=EXTRA_LABELS, labels_for=_labels),
    } for entry in entries]
