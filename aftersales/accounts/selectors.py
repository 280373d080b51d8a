"""Reads of the organisation: always through ``restrict``."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from aftersales.core.errors import NotFoundError

from .access import scope_for
from .models import Membership, ServicePoint, User


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


MANAGE_USERS = "accounts.manage_users"


def _users_in_scope(scope, *, q: str = "", point_id: int | None = None, role: str = "") -> QuerySet[User]:
    qs = User.objects.all()
    if not scope.allowed:
        return qs.none()
    if not scope.everything:
        qs = qs.filter(Exists(Membership.objects.filter(user_id=OuterRef("pk"), service_point_id__in=scope.point_ids)))
        qs = qs.filter(is_superuser=False)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(email__icontains=q))
    if point_id:
        qs = qs.filter(memberships__service_point_id=point_id)
    if role:
        qs = qs.filter(memberships__role__code=role)
    return qs.distinct().order_by("username")


def users_visible(*, user: User, q: str = "", point_id: int | None = None, role: str = "") -> QuerySet[User]:
    """Users the caller may see (``accounts.view_user`` or ``accounts.manage_users`` scope)."""
    scope = scope_for(user, MANAGE_USERS)
    if not scope.allowed:
        scope = scope_for(user, "accounts.view_user")
    return _users_in_scope(scope, q=q, point_id=point_id, role=role).prefetch_related(
        "memberships__role", "memberships__service_point")


def user_get(*, user: User, pk: int, manage: bool = False) -> User:
    qs = _users_in_scope(scope_for(user, MANAGE_USERS)) if manage else users_visible(user=user)
    target = qs.filter(pk=pk).first()
    if target is None:
        raise NotFoundError()
    return target


def user_get_or_none(*, user: User, pk: int, manage: bool = False) -> User | None:
    try:
        return user_get(user=user, pk=pk, manage=manage)
    except NotFoundError:
        return None
