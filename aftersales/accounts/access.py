"""What a user may do, and where.

A user's memberships (role @ service point) are read once per request and kept on the user object.
Between requests they are also kept in the cache (Redis in production) with the version they were read
at; any change of a membership, a role's permissions or the service-point tree moves the version on
(``signals.py``), so a change takes effect on the next request while an unchanged user costs one cache
round trip (the version and the user's entry together) instead of four queries. For a permission such
as ``customers.view_customer`` the scope is: everything, when a role with "all points" scope grants it
(HQ, information centre) or the user is a superuser; otherwise the service points where a granting
role is held, together with every point below them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

_VERSION_KEY = "access:version"


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


def access_version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        # A fresh start (or an evicted key) takes a new number, never one whose entries may linger.
        cache.add(_VERSION_KEY, int(time.time() * 1000))
        version = cache.get(_VERSION_KEY) or 0
    return version


def access_changed() -> None:
    """Memberships, roles or the tree changed: every user's grants are read again on the next request."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # no version yet: the next read starts a new one
        cache.add(_VERSION_KEY, int(time.time() * 1000))


def _load(user) -> _AccessCache:
    loaded = getattr(user, "_access_cache", None)
    if loaded is not None:
        return loaded
    seconds = getattr(settings, "ACCESS_CACHE_SECONDS", 300)
    if not seconds:
        loaded = user._access_cache = _read(user)
        return loaded
    # date_joined tells apart two users that had the same id in turn (test databases reuse ids).
    joined = user.date_joined.timestamp() if getattr(user, "date_joined", None) else 0
    key = f"access:{user.pk}:{joined}"
    # One round trip for the version and the user's entry; the entry holds the version it was read at.
    found = cache.get_many([_VERSION_KEY, key])
    version = found.get(_VERSION_KEY)
    if version is None:
        version = access_version()
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        loaded = _AccessCache(grants=stored[1], subtree=stored[2])
    else:
        loaded = _read(user)
        cache.set(key, (version, loaded.grants, loaded.subtree), seconds)
    user._access_cache = loaded
    return loaded


def _read(user) -> _AccessCache:
    from .models import Membership, ServicePoint

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
    return _AccessCache(grants=grants, subtree=subtree)


def scope_for(user, permission: str) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    loaded = _load(user)
    if permission in loaded.scopes:
        return loaded.scopes[permission]
    ids: set[int] = set()
    result = None
    for perms, all_points, point_id, _pii in loaded.grants:
        if permission not in perms:
            continue
        if all_points:
            result = EVERYTHING
            break
        ids |= loaded.subtree.get(point_id, frozenset())
    if result is None:
        result = Scope(point_ids=frozenset(ids)) if ids else NOTHING
    loaded.scopes[permission] = result
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
    loaded = _load(user)
    for _perms, all_points, member_point, pii in loaded.grants:
        if not pii:
            continue
        if all_points or point_id is None or point_id in loaded.subtree.get(member_point, frozenset()):
            return True
    return False


def user_point_ids(user) -> frozenset[int]:
    """Every point where the user holds any role, with the points below them."""
    if user.is_superuser:
        from .models import ServicePoint

        return frozenset(ServicePoint.objects.values_list("id", flat=True))
    loaded = _load(user)
    ids: set[int] = set()
    for _perms, all_points, point_id, _pii in loaded.grants:
        if all_points:
            from .models import ServicePoint

            return frozenset(ServicePoint.objects.values_list("id", flat=True))
        ids |= loaded.subtree.get(point_id, frozenset())
    return frozenset(ids)


def forget(user) -> None:
    """Drop the cached memberships (after a role change within the same request or test)."""
    if hasattr(user, "_access_cache"):
        del user._access_cache
