"""Reads of the organisation: always through ``restrict``."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from aftersales.core.errors import NotFoundError

from .models import ServicePoint, User


def service_point_list(*, user: User, q: str = "", kind: str = "", parent_id: int | None = None,
                       active: bool | None = None) -> QuerySet[ServicePoint]:
    qs = ServicePoint.objects.restrict(user, "view").select_related("parent")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(city__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("path")


def service_point_get(*, user: User, pk: int, action: str = "view") -> ServicePoint:
    point = ServicePoint.objects.restrict(user, action).select_related("parent").filter(pk=pk).first()
    if point is None:
        raise NotFoundError()
    return point


def service_points_for_choice(*, user: User, action: str) -> QuerySet[ServicePoint]:
    """Points where the user may perform ``action`` on something (used for form choices)."""
    return ServicePoint.objects.restrict(user, "view").filter(is_active=True).order_by("path")
