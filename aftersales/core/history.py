"""Change-log rows as people read them: field labels, choice labels, before and after."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


def field_label(model: type[models.Model], name: str, extra: dict | None = None) -> str:
    """The translated label of a logged field (``home_point_id`` → "home service point")."""
    if extra and name in extra:
        return str(extra[name])
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return str(field.verbose_name)
    return name


def choice_labels(model: type[models.Model], name: str) -> dict[str, str]:
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname) and field.choices:
            return {str(k): str(v) for k, v in field.flatchoices}
    return {}


def display_value(value, labels: dict[str, str] | None = None) -> str:
    """A logged value as a person reads it: choice codes become their labels."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    labels = labels or {}
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return labels.get(str(value), str(value))


def describe_changes(entry, model: type[models.Model], *, mask: Callable[[dict], dict] | None = None,
                     extra_labels: dict | None = None, labels_for: Callable[[str], dict] | None = None) -> list[dict]:
    """The fields an audit row changed (or set, for a creation/deletion) with labels and values."""
    before, after = entry.before or {}, entry.after or {}
    names = sorted(set(before) | set(after))
    if entry.action == "update":
        names = [n for n in names if before.get(n) != after.get(n)]
    else:
        names = [n for n in names if before.get(n) not in ("", None, []) or after.get(n) not in ("", None, [])]
    if mask is not None:
        before, after = mask(before) or {}, mask(after) or {}
    out = []
    for n in names:
        labels = labels_for(n) if labels_for else choice_labels(model, n)
        out.append({"field": n, "label": field_label(model, n, extra_labels), "before": before.get(n),
                    "after": after.get(n), "before_text": display_value(before.get(n), labels),
                    "after_text": display_value(after.get(n), labels)})
    return out


def history_rows(entries: Iterable, model_of: Callable[[object], type[models.Model]]) -> list[dict]:
    """Rows for a timeline of several models (``model_of(entry)`` names the model of each row)."""
    return [{"entry": e, "changes": describe_changes(e, model_of(e))} for e in entries]
