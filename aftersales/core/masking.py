"""Masking personal data (phone, ID number, address) for lists and roles without the right."""

from __future__ import annotations


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678; short numbers keep only the last two digits."""
    if not value:
        return ""
    digits = str(value)
    if len(digits) >= 7:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}" if len(digits) > 7 else f"***{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_id_number(value: str | None) -> str:
    """110101199003071234 → 110***********1234 (region prefix and last four kept)."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= 7:
        return "*" * len(text)
    return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"


def mask_address(value: str | None) -> str:
    """Keep the first six characters (province and city), hide the street and number; short addresses
    keep only their first third."""
    if not value:
        return ""
    text = str(value)
    keep = 6 if len(text) >= 12 else max(len(text) // 3, 1)
    return text[:keep] + "****"


def mask_email(value: str | None) -> str:
    if not value or "@" not in value:
        return "" if not value else "****"
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"
