"""What a user may do, and where.

A user's memberships (role @ service point) are loaded once per request and cached on the user
object. For a permission such as ``customers.view_customer`` the scope is: everything, when a role
with "all points" scope grants it (HQ, information centre) or the user is a superuser; otherwise
the service points where a granting role is held, together with every point below them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    point_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def allowed(self) -> bool:
        return self.everything or bool(self.point_ids)

    def covers(self, point_id: int | None) -> bool:
        return self.everything or (point_id is not None and point_id in self.point_ids)


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


@dataclass
class _AccessCache:
    # (permission set, all-points scope?, membership point id, sees personal data?) per membership
    grants: list[tuple[frozenset[str], bool, int, bool]]
    subtree: dict[int, frozenset[int]]
    scopes: dict[str, Scope] = field(default_factory=dict)


def _load(user) -> _AccessCache:
    from .models import Membership, ServicePoint

    cache = getattr(user, "_access_cache", None)
    if cache is not None:
        return cache
    memberships = (
        Membership.objects.filter(user=user, service_point__is_active=True)
        .select_related("role", "service_point")
        .prefetch_related("role__permissions__content_type")
    )
    grants = []
    roots: dict[int, str] = {}
    for m in memberships:
        perms = frozenset(f"{p.content_type.app_label}.{p.codename}" for p in m.role.permissions.all())
        grants.append((perms, m.role.scope == "all", m.service_point_id, m.role.sees_personal_data))
        roots[m.service_point_id] = m.service_point.path
    subtree: dict[int, frozenset[int]] = {}
    if roots:
        points = list(ServicePoint.objects.filter(is_active=True).values_list("id", "path"))
        for root_id, root_path in roots.items():
            subtree[root_id] = frozenset(pid for pid, path in points if path.startswith(root_path))
    cache = _AccessCache(grants=grants, subtree=subtree)
    user._access_cache = cache
    return cache


def scope_for(user, permission: str) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cache = _load(user)
    if permission in cache.scopes:
        return cache.scopes[permission]
    ids: set[int] = set()
    result = None
    for perms, all_points, point_id, _pii in cache.grants:
        if permission not in perms:
            continue
        if all_points:
            result = EVERYTHING
            break
        ids |= cache.subtree.get(point_id, frozenset())
    if result is None:
        result = Scope(point_ids=frozenset(ids)) if ids else NOTHING
    cache.scopes[permission] = result
    return result


def has_permission(user, permission: str) -> bool:
    """True when the user holds the permission at some point (model-level check)."""
    return scope_for(user, permission).allowed


def sees_personal_data(user, point_id: int | None = None) -> bool:
    """Whether phone, ID number and address are shown unmasked (at ``point_id``, or anywhere)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cache = _load(user)
    for _perms, all_points, member_point, pii in cache.grants:
        if not pii:
            continue
        if all_points or point_id is None or point_id in cache.subtree.get(member_point, frozenset()):
            return True
    return False


def user_point_ids(user) -> frozenset[int]:
    """Every point where the user holds any role, with the points below them."""
    if user.is_superuser:
        from .models import ServicePoint

        return frozenset(ServicePoint.objects.values_list("id", flat=True))
    cache = _load(user)
    ids: set[int] = set()
    for _perms, all_points, point_id, _pii in cache.grants:
        if all_points:
            from .models import ServicePoint

            return frozenset(ServicePoint.objects.values_list("id", flat=True))
        ids |= cache.subtree.get(point_id, frozenset())
    return frozenset(ids)


def forget(user) -> None:
    """Drop the cached memberships (after a role change within the same request or test)."""
    if hasattr(user, "_access_cache"):
        del user._access_cache
