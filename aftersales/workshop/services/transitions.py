"""The only writer of ``WorkOrder.status``.

``work_order_transition`` locks the order, finds the pair in ``states.TRANSITIONS``, checks the
permission at the order's point and the guard, applies the transition's effect, saves, and writes
the event, in one transaction. Effects are the side of a transition that other stages own (stock,
rework, timestamps); they run before the event so a failing effect rolls the whole step back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.core.commands import command
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import is_row_id
from aftersales.core.locks import holds_lock, mark_locked

from ..choices import BILLED_STATUSES, WorkOrderStatus
from ..models import WorkOrder, WorkOrderEvent
from ..states import Transition, transition_between, transition_named

_EFFECTS: dict[str, list[Callable]] = {}


def register_effect(name: str, effect: Callable) -> None:
    """Run ``effect(order=…, user=…, data=…)`` inside transition ``name`` (idempotent registration)."""
    effects = _EFFECTS.setdefault(name, [])
    if effect not in effects:
        effects.append(effect)


def _lockable(user, permission: str):
    """The orders the user may act on with ``permission``, to be row-locked (or None: none at all)."""
    scope = scope_for(user, permission)
    if not scope.allowed:
        return None
    qs = WorkOrder.objects.select_for_update(of=("self",)).select_related("asset", "customer", "service_point")
    return qs if scope.everything else qs.filter(service_point_id__in=scope.point_ids)


def _one(qs, **lookup) -> WorkOrder | None:
    if qs is None:
        return None
    try:
        return qs.get(**lookup)
    except WorkOrder.DoesNotExist:
        return None


def locked_order(user, pk, permission: str = "workshop.view_workorder") -> WorkOrder:
    """The order row-locked for the rest of the transaction, or 404 (also outside the user's points).

    One query: the row is looked for within the user's points and locked by the same statement (under
    READ COMMITTED the condition is checked again on the row as locked)."""
    order = _one(_lockable(user, permission) if is_row_id(pk) else None, pk=pk)
    if order is None:
        raise NotFoundError()
    return mark_locked(order)


def locked_order_of_line(user, line_id, permission: str) -> WorkOrder:
    """The order of line ``line_id``, row-locked as ``locked_order`` does (the line is not locked: orders
    are locked before their lines everywhere); 404 unless the user may see it and act on it there."""
    order = _one(_lockable(user, permission) if is_row_id(line_id) else None, lines__id=line_id)
    if order is None or not scope_for(user, "workshop.view_workorder").covers(order.service_point_id):
        raise NotFoundError()
    return mark_locked(order)


def _relocked(user, order: WorkOrder | int) -> WorkOrder:
    """The order for a transition: an instance the caller took from ``locked_order`` in this transaction
    is used as it is (the row is locked and only this transaction changed it); otherwise the row is locked."""
    if isinstance(order, WorkOrder) and holds_lock(order):
        if not scope_for(user, "workshop.view_workorder").covers(order.service_point_id):
            raise NotFoundError()
        return order
    return locked_order(user, order if isinstance(order, int) else order.pk)


def guard_reasons(order: WorkOrder, transition: Transition, user=None) -> list[str]:
    return list(transition.guard(order, user=user)) if transition.guard else []


def work_order_transition(*, user, order: WorkOrder | int, to: str | None = None, name: str | None = None,
                          note: str = "", data: dict | None = None, actor_label: str = "",
                          authorised_by_token: bool = False) -> WorkOrder:
    """Move the order to ``to`` (or along the transition called ``name``).

    ``order``: its id, or the instance ``locked_order`` gave the caller in the same transaction (then
    it is not read again).
    ``authorised_by_token``: the customer acts through an approval link (no user); the caller has
    checked the token, which stands in for the permission.
    """
    with command():
        pk = order if isinstance(order, int) else order.pk
        if authorised_by_token:
            order = WorkOrder.objects.select_for_update(of=("self",)).select_related(
                "asset", "customer", "service_point").get(pk=pk)
        else:
            order = _relocked(user, order)
        source = order.status
        transition = transition_between(source, to) if to else transition_named(source, name or "")
        if transition is None:
            label = dict(WorkOrderStatus.choices).get(to or "", to or name or "")
            message = _("A work order in state “%(state)s” cannot go to “%(target)s”.") % {
                "state": order.get_status_display(), "target": label}
            raise ConflictError("invalid_transition", message, {"status": [message]})
        if not authorised_by_token and not scope_for(user, transition.permission).covers(order.service_point_id):
            raise PermissionDeniedError()
        reasons = guard_reasons(order, transition, user)
        if reasons:
            raise ConflictError("guard_failed", " ".join(reasons), {"status": reasons})
        order.status = transition.target
        _stamp(order, transition, note)
        for effect in _EFFECTS.get(transition.name, []):
            effect(order=order, user=user, data=data or {})
        order.save_changes()
        WorkOrderEvent.objects.create(
            work_order=order, kind=transition.name, from_status=source, to_status=transition.target,
            actor=user if getattr(user, "is_authenticated", False) else None, actor_label=actor_label[:100],
            note=(note or "")[:500], data=data or {},
        )
        _after_commit(order, transition)
    return order


def _stamp(order: WorkOrder, transition: Transition, note: str) -> None:
    now = timezone.now()
    if transition.target == WorkOrderStatus.SETTLED:
        order.settled_at = now
    elif transition.target == WorkOrderStatus.DELIVERED:
        order.delivered_at = now
    elif transition.target == WorkOrderStatus.CANCELLED:
        order.cancelled_at = now
        order.cancel_reason = (note or "")[:255]
    elif transition.name == "qc_fail":
        order.rework_count += 1


def _figures_class(status: str) -> str:
    """What a status means for the customer's figures (``workshop.transactions``): a cancelled order is
    no visit, an open one counts as open, a billed one (settled, delivered) as spend and balance."""
    if status == WorkOrderStatus.CANCELLED:
        return "cancelled"
    return "billed" if status in BILLED_STATUSES else "open"


def _after_commit(order: WorkOrder, transition: Transition) -> None:
    """Keep the customer's derived transaction status (visits, open orders, spend, balance) current: it
    changes only when the order moves between open, billed and cancelled (settle, cancel), not on the
    steps within (an open order's money does not count yet, and delivery changes no money)."""
    customer_id = order.customer_id

    def refresh():
        from aftersales.customers.transactions import customer_transaction_status_refresh

        customer_transaction_status_refresh(customer_ids=[customer_id])

    if _figures_class(transition.source) != _figures_class(transition.target):
        transaction.on_commit(refresh)
