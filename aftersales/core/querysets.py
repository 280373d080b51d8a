"""RestrictedQuerySet: the one gate through which every read and write passes.

``Model.objects.restrict(user, "view")`` keeps only the rows of the service points where the user
holds a role granting ``<app>.view_<model>``; HQ-wide roles see all rows. A model says how its rows
belong to service points with ``restrict_q(point_ids)`` (default: its ``service_point`` field).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        from aftersales.accounts.access import scope_for  # accounts depends on core, not the reverse

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = scope_for(user, permission_name(self.model, action))
        if scope.everything:
            return self
        if not scope.point_ids:
            return self.none()
        return self.filter(restrict_q_for(self.model, scope.point_ids))


def permission_name(model, action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def restrict_q_for(model, point_ids) -> Q:
    hook = getattr(model, "restrict_q", None)
    if hook is not None:
        return hook(point_ids)
    return Q(service_point_id__in=point_ids)
