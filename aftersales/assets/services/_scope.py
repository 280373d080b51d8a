"""Where a user may act on assets: the rows and service points a permission reaches."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.errors import NotFoundError
from aftersales.customers.models import Customer

from ..models import Asset
from ._input import invalid


def assets_for(user, permission: str) -> QuerySet[Asset]:
    """Assets reachable with ``permission`` (e.g. a technician's ``assets.add_meterreading``)."""
    scope = scope_for(user, permission)
    if scope.everything:
        return Asset.objects.all()
    if not scope.point_ids:
        return Asset.objects.none()
    return Asset.objects.filter(Asset.restrict_q(scope.point_ids))


def locked_asset(user, permission: str, pk) -> Asset:
    """The asset, row-locked for the rest of the transaction, or 404 (also outside the user's points)."""
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise NotFoundError()
    if not assets_for(user, permission).filter(pk=pk).exists():
        raise NotFoundError()
    return Asset.objects.select_for_update().get(pk=pk)


def visible_owner(user, owner_id, field: str = "owner_id") -> Customer:
    if owner_id in (None, ""):
        raise invalid(field, _("Choose the owner."))
    try:
        owner_id = int(owner_id)
    except (TypeError, ValueError) as exc:
        raise invalid(field, _("Unknown customer.")) from exc
    owner = Customer.objects.restrict(user, "view").filter(pk=owner_id).first()
    if owner is None:
        raise invalid(field, _("Unknown customer."))
    if owner.merged_into_id:
        raise invalid(field, _("This archive was merged into another one; choose that one."))
    return owner


def point_in_scope(user, point_id, permission: str, field: str = "service_point_id") -> ServicePoint:
    """An active service point where the user holds ``permission``; others answer as unknown."""
    try:
        point_id = int(point_id)
    except (TypeError, ValueError) as exc:
        raise invalid(field, _("Unknown service point.")) from exc
    point = ServicePoint.objects.filter(pk=point_id, is_active=True).first()
    if point is None or not scope_for(user, permission).covers(point.pk):
        raise invalid(field, _("Unknown service point, or not one where you may do this."))
    return point
