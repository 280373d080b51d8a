"""Writing the change log and the access log. Services call these inside their transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AccessLog, AuditAction, AuditLog
from .request_context import get_request_id

# Fields never copied into the log (secrets, noise, derived search keys).
_SKIPPED = {"password", "key_hash", "updated_at", "created_at", "search_text", "name_pinyin", "name_initials"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, *, extra: dict | None = None) -> dict:
    """The concrete field values of a row, JSON-ready (foreign keys as ids)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED:
            continue
        data[field.attname] = _jsonable(field.value_from_object(instance))
    if extra:
        data.update(_jsonable(extra))
    return data


def _actor_id(actor) -> int | None:
    return actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None


def record_change(
    *,
    actor,
    instance: models.Model,
    action: str,
    before: dict | None,
    after: dict | None,
    note: str = "",
) -> AuditLog | None:
    if action == AuditAction.UPDATE and before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        if not changed:
            return None  # nothing changed: no row
        before = {k: before.get(k) for k in changed}
        after = {k: after.get(k) for k in changed}
    return AuditLog.objects.create(
        user_id=_actor_id(actor),
        request_id=get_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        note=note[:500],
    )


def record_access(*, actor, instance: models.Model, channel: str = "ui", unmasked: bool = False) -> AccessLog:
    return AccessLog.objects.create(
        user_id=_actor_id(actor),
        request_id=get_request_id(),
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        channel=channel,
        unmasked=unmasked,
    )


def history_for(instance: models.Model, *, limit: int = 200):
    """Change log rows of one object, newest first, with the user loaded."""
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    return AuditLog.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related("user", "content_type")[:limit]
