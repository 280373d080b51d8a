"""How the claim's timeline reads on its page: a label per event and its details in words."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import ClaimStatus, DocumentCode
from .models import InsuranceClaim
from .states import TRANSITIONS

EXTRA_LABELS = {
    "share": gettext_lazy("insurer's share"),
    "applied": gettext_lazy("on the work order"),
    "capped": gettext_lazy("capped at what the customer owes"),
    "insurer_balance": gettext_lazy("insurer balance"),
    "share_removed": gettext_lazy("share taken off the order"),
    "received": gettext_lazy("received"),
    "required": gettext_lazy("required"),
    "received_on": gettext_lazy("received on"),
    "scan": gettext_lazy("scan"),
    "coverage_id": None,
    "payment_id": None,
    "code": None,
    "claim_id": None,
    "previous": None,
}


def _event_label(event) -> str:
    if event.kind == "created":
        return _("Claim started: coverage confirmed")
    if event.kind == "document":
        return _("Document: %(document)s") % {"document": dict(DocumentCode.choices).get(event.data.get("code"), "")}
    if event.kind == "reassessed":
        return _("Re-assessed")
    transition = TRANSITIONS.get(f"{event.from_status}>{event.to_status}")
    if transition is not None:
        return str(transition.label)
    return dict(ClaimStatus.choices).get(event.to_status, event.kind)


def _field_label(name: str):
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]
    try:
        return InsuranceClaim._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


def _value(name: str, value) -> str:
    if name.endswith("_at") and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def timeline(events) -> list[dict]:
    rows = []
    for event in events:
        details = []
        for name, value in (event.data or {}).items():
            label = _field_label(name)
            if label is None or value in (None, "", "None"):
                continue
            details.append((label, _value(name, value)))
        actor = event.actor.get_full_name() or event.actor.get_username() if event.actor else _("system")
        rows.append({"at": event.at, "actor": actor, "label": _event_label(event), "note": event.note,
                     "details": details, "kind": event.kind})
    return rows
