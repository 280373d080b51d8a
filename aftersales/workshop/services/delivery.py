"""Delivery (交车): the explanation of the work and charges, the old parts, the next service, then ``deliver``.

* The explanation starts as a summary built from the lines (``selectors.floor.delivery_proposal``)
  and the advisor edits it; an empty one keeps the summary.
* Every replaced part gets a record of what became of the old one: returned to the customer, left
  with us for disposal, or kept for the warranty claim (the default for warranty, pay type C,
  lines; the customer's own parts default to returned). The order's ``old_parts`` sums it up:
  "none" without parts, else the one disposition all parts share, else "returned" when any went back
  to the customer, else "kept for the warranty claim".
* The next service date and mileage are proposed from the asset's forecast and may be changed; the
  date cannot lie in the past, the mileage not below the mileage at reception.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.core.commands import command
from aftersales.core.errors import ConflictError, PermissionDeniedError
from aftersales.core.inputs import MAX_METER_VALUE, as_choice, as_date, as_id, as_int, as_text, invalid

from ..choices import OldParts, WorkOrderStatus
from ..models import OldPart, WorkOrder
from ..selectors.floor import delivery_proposal
from .transitions import locked_order, work_order_transition


def _dispositions(order: WorkOrder, raw: Any, parts: list) -> dict[int, str]:
    chosen: dict[int, str] = {}
    if raw in (None, "", {}, []):
        raw = []
    if isinstance(raw, dict):
        raw = [{"line_id": key, "disposition": value} for key, value in raw.items()]
    if not isinstance(raw, list | tuple):
        raise invalid("old_parts", _("Say for each replaced part what became of the old one."))
    known = {line.pk for line, _default in parts}
    for i, row in enumerate(raw):
        if not isinstance(row, dict):
            raise invalid(f"old_parts.{i}", _("Give the line and what became of its old part."))
        line_id = as_id(row.get("line_id"), f"old_parts.{i}.line_id")
        if line_id not in known:
            raise invalid(f"old_parts.{i}.line_id", _("Line %(id)s is not a part of this order.") % {"id": line_id})
        disposition = as_choice(row.get("disposition"), f"old_parts.{i}.disposition", OldParts)
        if disposition == OldParts.NONE:
            raise invalid(f"old_parts.{i}.disposition", _("Say what became of the old part."))
        chosen[line_id] = disposition
    return {line.pk: chosen.get(line.pk, default) for line, default in parts}


def _summary(dispositions: dict[int, str]) -> str:
    values = set(dispositions.values())
    if not values:
        return OldParts.NONE
    if len(values) == 1:
        return values.pop()
    return OldParts.RETURNED if OldParts.RETURNED in values else (
        OldParts.LEFT if OldParts.LEFT in values else OldParts.WARRANTY)


def work_order_deliver(*, user, order_id: int, data: dict) -> WorkOrder:
    """Record the delivery and move the settled order to delivered."""
    with command():
        order = locked_order(user, order_id)
        if not scope_for(user, "workshop.deliver_workorder").covers(order.service_point_id):
            raise PermissionDeniedError()
        if order.status != WorkOrderStatus.SETTLED:
            message = _("Order %(order)s is “%(state)s”: it is delivered once settled.") % {
                "order": order.number, "state": order.get_status_display()}
            raise ConflictError("invalid_state", message, {"status": [message]})
        proposal = delivery_proposal(order)
        notes = as_text(data.get("notes"), "notes", max_length=5000) or proposal.summary
        next_date = proposal.next_service_date
        if "next_service_date" in data:
            next_date = as_date(data.get("next_service_date"), "next_service_date")
            if next_date is not None and next_date < timezone.localdate():
                raise invalid("next_service_date", _("The next service cannot lie in the past."))
        next_mileage = proposal.next_service_mileage
        if "next_service_mileage" in data:
            next_mileage = as_int(data.get("next_service_mileage"), "next_service_mileage", maximum=MAX_METER_VALUE)
            if next_mileage is not None and order.mileage_in is not None and next_mileage < order.mileage_in:
                raise invalid("next_service_mileage", _("Enter at least the mileage at reception (%(km)s km).") % {
                    "km": order.mileage_in})
        dispositions = _dispositions(order, data.get("old_parts"), proposal.parts)
        OldPart.objects.filter(work_order=order).delete()
        OldPart.objects.bulk_create([OldPart(work_order=order, line_id=line_id, disposition=value, recorded_by=user)
                                     for line_id, value in dispositions.items()])
        order.delivery_notes = notes
        order.old_parts = _summary(dispositions)
        order.next_service_date = next_date
        order.next_service_mileage = next_mileage
        order.save(update_fields=["delivery_notes", "old_parts", "next_service_date", "next_service_mileage",
                                  "updated_at"])
        order = work_order_transition(
            user=user, order=order, name="deliver", note=as_text(data.get("note"), "note", max_length=500),
            data={"old_parts": {str(k): v for k, v in dispositions.items()},
                  "next_service_date": next_date.isoformat() if next_date else None,
                  "next_service_mileage": next_mileage})
    return order

