"""Writes of the organisation tree and users."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import NotFoundError, PermissionDeniedError, validation_error
from aftersales.core.validation import clean_text_fields, full_clean_or_raise

from .access import scope_for
from .choices import PointKind
from .models import ServicePoint, User

POINT_FIELDS = (
    "code", "name", "kind", "province", "city", "address", "latitude", "longitude", "phone", "brands", "skills",
    "opening_hours", "bays", "technician_count", "labour_rate", "is_active",
)


def _path_for(point: ServicePoint) -> str:
    return f"{point.parent.path if point.parent else '/'}{point.pk}/"


def _check_parent(*, user: User, parent: ServicePoint | None, kind: str) -> None:
    if parent is None:
        if kind != PointKind.COMPANY:
            raise validation_error(_("Only a company stands at the top of the tree."),
                                   {"parent_id": [_("Choose the point above this one.")]})
        if not scope_for(user, "accounts.add_servicepoint").everything:
            raise PermissionDeniedError()
    elif not scope_for(user, "accounts.add_servicepoint").covers(parent.pk):
        # A point the user cannot see is answered like one that does not exist.
        raise validation_error(_("The parent does not exist."), {"parent_id": [_("Unknown service point.")]})


def service_point_create(*, user: User, parent_id: int | None, **data) -> ServicePoint:
    data = clean_text_fields(data)
    with transaction.atomic():
        parent = ServicePoint.objects.filter(pk=parent_id).first() if parent_id else None
        if parent_id and parent is None:
            raise validation_error(_("The parent does not exist."), {"parent_id": [_("Unknown service point.")]})
        _check_parent(user=user, parent=parent, kind=data.get("kind", ""))
        if ServicePoint.objects.filter(code=data["code"]).exists():
            raise validation_error(_("This code is taken."), {"code": [_("Another service point has this code.")]})
        point = ServicePoint(parent=parent, **{k: v for k, v in data.items() if k in POINT_FIELDS})
        full_clean_or_raise(point, exclude=["path", "parent"])
        point.save()
        point.path = _path_for(point)
        point.save(update_fields=["path"])
        record_change(actor=user, instance=point, action="create", before=None, after=snapshot(point))
    return point


def service_point_update(*, user: User, pk: int, **data) -> ServicePoint:
    data = clean_text_fields(data)
    with transaction.atomic():
        point = ServicePoint.objects.restrict(user, "change").select_for_update().filter(pk=pk).first()
        if point is None:
            raise NotFoundError()
        before = snapshot(point)
        if "code" in data and ServicePoint.objects.filter(code=data["code"]).exclude(pk=pk).exists():
            raise validation_error(_("This code is taken."), {"code": [_("Another service point has this code.")]})
        for key, value in data.items():
            if key in POINT_FIELDS:
                setattr(point, key, value)
        full_clean_or_raise(point, exclude=["path", "parent"])
        point.save()
        record_change(actor=user, instance=point, action="update", before=before, after=snapshot(point))
    return point


def service_point_delete(*, user: User, pk: int) -> None:
    with transaction.atomic():
        point = ServicePoint.objects.restrict(user, "delete").select_for_update().filter(pk=pk).first()
        if point is None:
            raise NotFoundError()
        if point.children.exists() or point.memberships.exists():
            raise validation_error(
                _("This service point still has points below it or staff; deactivate it instead."),
                {"__all__": [_("Service point in use.")]},
            )
        before = snapshot(point)
        record_change(actor=user, instance=point, action="delete", before=before, after=None)
        from django.db.models import ProtectedError

        try:
            point.delete()
        except ProtectedError as exc:
            raise validation_error(_("Records still belong to this service point; deactivate it instead."),
                                   {"__all__": [_("Service point in use.")]}) from exc
