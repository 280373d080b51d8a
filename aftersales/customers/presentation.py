"""What API and pages show of an archive: personal data masked in lists and for roles without the right."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import sees_personal_data
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
    data["phones"] = [{"number": show(p.number, mask_phone), "kind": p.kind, "is_primary": p.is_primary}
                      for p in customer.phones.all()]
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
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    for field in Customer._meta.concrete_fields:
        if name in (field.name, field.attname):
            return str(field.verbose_name)
    return name


def display_value(value):
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _mask_values(values: dict | None) -> dict | None:
    if not values:
        return values
    return {k: (MASKERS[k](v) if k in MASKERS and v else v) for k, v in values.items()}


def history_entries(entries, *, unmasked: bool) -> list[dict]:
    """Change log rows as shown: changed fields with before/after, personal values masked if needed."""
    out = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        names = sorted(set(before) | set(after))
        if entry.action == "update":
            names = [n for n in names if before.get(n) != after.get(n)]
        else:  # a creation or deletion lists the values that were set
            names = [n for n in names if before.get(n) not in ("", None, []) or after.get(n) not in ("", None, [])]
        if not unmasked:
            before, after = _mask_values(before) or {}, _mask_values(after) or {}
        out.append({
            "id": entry.pk, "timestamp": entry.timestamp, "user": str(entry.user) if entry.user else "",
            "action": entry.action, "action_label": str(entry.get_action_display()), "request_id": entry.request_id,
            "note": entry.note,
            "changes": [{"field": n, "label": field_label(n), "before": before.get(n), "after": after.get(n),
                         "before_text": display_value(before.get(n)), "after_text": display_value(after.get(n))}
                        for n in names],
        })
    return out
