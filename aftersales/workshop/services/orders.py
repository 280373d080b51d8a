"""Reception (接车): opening a work order — walk-in or from an appointment — and its reception data,
the damage found on the walk-around with photos, and the early transitions the advisor presses
(revise the estimate, cancel)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint, User
from aftersales.assets.models import Asset
from aftersales.core.audit import record_change, snapshot
from aftersales.core.choices import ServiceType
from aftersales.core.commands import command
from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError
from aftersales.core.inputs import as_choice, as_datetime, as_id, as_int, as_text, invalid, is_row_id
from aftersales.core.models import AuditAction
from aftersales.core.sequences import next_number
from aftersales.core.tokens import new_link_token
from aftersales.customers.models import Customer

from ..choices import OPEN_STATUSES, ApprovalStatus, DamageArea, DamageKind, WorkOrderStatus
from ..models import WorkOrder, WorkOrderDamage, WorkOrderEvent, WorkOrderPhoto
from .totals import order_recompute_totals
from .transitions import locked_order, work_order_transition

S = WorkOrderStatus
TEXT_FIELDS = {"valuables": 2000, "concerns": 4000, "diagnosis": 4000, "walkaround_notes": 4000}
MAX_DAMAGES = 50
MAX_PHOTOS_AT_CHECK_IN = 10
MAX_LINES = 200
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_MAX_PIXELS = 40_000_000


def photo_max_bytes() -> int:
    return int(getattr(settings, "WORKSHOP_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


# ---- helpers shared by the workshop services -------------------------------------------------------

def order_event(*, order: WorkOrder, kind: str, user=None, note: str = "", data: dict | None = None,
                actor_label: str = "") -> WorkOrderEvent:
    """A business event on the order's timeline that is not a change of status."""
    return WorkOrderEvent.objects.create(
        work_order=order, kind=kind[:32], actor=user if getattr(user, "is_authenticated", False) else None,
        actor_label=(actor_label or "")[:100], note=(note or "")[:500], data=data or {})


def require_status(order: WorkOrder, allowed, message: str, field: str = "status") -> None:
    if order.status not in allowed:
        raise ConflictError("wrong_status", message, {field: [message]})


def order_number(point: ServicePoint, on: dt.date | None = None) -> str:
    """WO + point code + year + a gap-free six-digit number of that point and year."""
    year = (on or timezone.localdate()).year
    n = next_number(f"WO-{point.code}-{year}")
    number = f"WO{point.code}{year}{n:06d}"
    return number if len(number) <= 32 else f"WO{point.pk}-{year}{n:06d}"


def _point_for_new_order(user, point_id) -> ServicePoint:
    scope = scope_for(user, "workshop.add_workorder")
    if point_id in (None, ""):
        if not scope.everything and len(scope.point_ids) == 1:
            point_id = next(iter(scope.point_ids))
        else:
            raise invalid("service_point_id", _("Choose the service point."))
    point_id = as_id(point_id, "service_point_id")
    point = ServicePoint.objects.filter(pk=point_id, is_active=True).first()
    if point is None or not scope.covers(point.pk):
        raise invalid("service_point_id", _("Unknown service point, or not one where you may open work orders."))
    return point


def _advisor(user, advisor_id, point: ServicePoint) -> User | None:
    if advisor_id in (None, ""):
        return user if scope_for(user, "workshop.change_workorder").covers(point.pk) and user.pk else None
    advisor = User.objects.filter(pk=as_id(advisor_id, "advisor_id"), is_active=True).first()
    if advisor is None or not scope_for(advisor, "workshop.change_workorder").covers(point.pk):
        raise invalid("advisor_id", _("Choose a service advisor of this service point."))
    return advisor


def _visible_asset(user, asset_id) -> Asset:
    asset_id = as_id(asset_id, "asset_id")
    asset = Asset.objects.restrict(user, "view").filter(pk=asset_id).select_related("owner").first()
    if asset is None:
        raise invalid("asset_id", _("Unknown vehicle or product."))
    if not asset.is_active:
        raise invalid("asset_id", _("This vehicle or product is no longer active."))
    return asset


def _visible_customer(user, customer_id) -> Customer:
    customer = Customer.objects.restrict(user, "view").filter(pk=as_id(customer_id, "customer_id")).first()
    if customer is None:
        raise invalid("customer_id", _("Unknown customer."))
    if customer.merged_into_id:
        raise invalid("customer_id", _("This archive was merged into another one; choose that one."))
    return customer


def _promised(value, opened_at: dt.datetime) -> dt.datetime | None:
    promised = as_datetime(value, "promised_at")
    if promised is not None and promised <= opened_at:
        raise invalid("promised_at", _("The promised time must be later than the reception."))
    return promised


def _record_mileage(*, user, order: WorkOrder, value) -> None:
    """A meter reading for the reception (through the assets services: a reading below the last one is
    refused there, and shown on the mileage field)."""
    from aftersales.assets.services.readings import reading_insert

    mileage = as_int(value, "mileage")
    if mileage is None:
        return
    asset = Asset.objects.select_for_update().get(pk=order.asset_id)
    previous = order.meter_reading
    try:
        if previous is not None:
            record_change(actor=user, instance=previous, action=AuditAction.DELETE, before=snapshot(previous),
                          after=None, note=_("Corrected at reception of %(number)s") % {"number": order.number})
            previous.delete()
        reading = reading_insert(user=user, asset=asset, read_on=timezone.localdate(), value=mileage,
                                 source="reception")
    except ApplicationError as exc:
        exc.fields = {"mileage" if name in ("value", "read_on") else name: reasons
                      for name, reasons in exc.fields.items()}
        raise
    order.meter_reading = reading
    order.mileage_in = mileage


def _apply_reception(order: WorkOrder, data: dict[str, Any]) -> None:
    for name, max_length in TEXT_FIELDS.items():
        if name in data:
            setattr(order, name, as_text(data[name], name, max_length=max_length))
    if "fuel_level" in data:
        order.fuel_level = as_int(data["fuel_level"], "fuel_level", minimum=0, maximum=100)
    if "promised_at" in data:
        order.promised_at = _promised(data["promised_at"], order.opened_at)
    if "service_type" in data:
        order.service_type = as_choice(data["service_type"], "service_type", ServiceType)


def _appointment_for(user, appointment_id):
    from aftersales.appointments.choices import AppointmentStatus
    from aftersales.appointments.models import Appointment

    appointment_id = as_id(appointment_id, "appointment_id")
    appointment = (Appointment.objects.select_for_update(of=("self",))
                   .select_related("service_point", "customer", "asset").filter(pk=appointment_id).first())
    if appointment is None or not scope_for(user, "workshop.add_workorder").covers(appointment.service_point_id):
        raise invalid("appointment_id", _("Unknown appointment."))
    if WorkOrder.objects.filter(appointment_id=appointment.pk).exists():
        message = _("This appointment already has its work order.")
        raise ConflictError("appointment_used", message, {"appointment_id": [message]})
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.ARRIVED):
        message = _("This appointment is “%(status)s”; it cannot be checked in.") % {
            "status": appointment.get_status_display()}
        raise ConflictError("appointment_closed", message, {"appointment_id": [message]})
    return appointment


# ---- reception ----------------------------------------------------------------------------------

def work_order_open(*, user, data: dict[str, Any]) -> WorkOrder:
    """Check a vehicle or product in: a walk-in (``service_point_id``, ``asset_id``, optionally another
    paying ``customer_id``) or an appointment (``appointment_id``: point, customer, asset, service type,
    concerns and advisor come from it, and it is marked arrived). Optional in the same call: mileage,
    fuel level, valuables, concerns, diagnosis, walk-around notes, promised time, ``damages``,
    ``photos`` (uploaded files) and ``lines`` (see ``lines.line_insert``)."""
    from aftersales.appointments.choices import AppointmentStatus
    from aftersales.customers.services import customer_link_point

    from .lines import line_insert

    data = dict(data or {})
    with command():
        appointment = None
        if data.get("appointment_id") not in (None, ""):
            appointment = _appointment_for(user, data["appointment_id"])
            point = appointment.service_point
            if appointment.asset_id:
                asset = Asset.objects.restrict(user, "view").select_related("owner").filter(
                    pk=appointment.asset_id).first() or appointment.asset
            else:
                asset = _visible_asset(user, data.get("asset_id"))
            customer = appointment.customer
            data.setdefault("service_type", appointment.service_type)
            if not data.get("concerns"):
                data["concerns"] = appointment.concerns
            if data.get("advisor_id") in (None, "") and appointment.advisor_id:
                data["advisor_id"] = appointment.advisor_id
        else:
            point = _point_for_new_order(user, data.get("service_point_id"))
            if data.get("asset_id") in (None, ""):
                raise invalid("asset_id", _("Choose the vehicle or product."))
            asset = _visible_asset(user, data.get("asset_id"))
            customer = asset.owner if data.get("customer_id") in (None, "") else \
                _visible_customer(user, data["customer_id"])
        if data.get("service_type") in (None, ""):
            raise invalid("service_type", _("This field is required."))
        now = timezone.now()
        order = WorkOrder(
            service_point=point, customer=customer, asset=asset, appointment=appointment, opened_at=now,
            labour_rate=point.labour_rate, status_token=new_link_token()[0],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        order.advisor = _advisor(user, data.get("advisor_id"), point)
        _apply_reception(order, data)
        damages = _damage_specs(data.get("damages"))
        photos = _photo_specs(data.get("photos"))
        line_specs = data.get("lines") or []
        if not isinstance(line_specs, list | tuple):
            raise invalid("lines", _("Give a list of lines."))
        if len(line_specs) > MAX_LINES:
            raise invalid("lines", _("At most %(n)d lines.") % {"n": MAX_LINES})
        if data.get("mileage") not in (None, ""):
            _record_mileage(user=user, order=order, value=data["mileage"])  # the reading goes in with the order
        order.number = order_number(point)
        order.save()
        for area, kind, description in damages:
            WorkOrderDamage.objects.create(work_order=order, area=area, kind=kind, description=description,
                                           recorded_by=order.created_by)
        for content, extension in photos:
            _photo_save(order=order, user=user, content=content, extension=extension)
        # a new order: its lines are numbered 1, 2, … and its totals are those of the lines added here
        added = [line_insert(user=user, order=order, data=spec, field_prefix=f"lines.{i}.", recompute=False,
                             sequence=i + 1) for i, spec in enumerate(line_specs)]
        if added:
            order_recompute_totals(order, lines=added, payments=[])
        if appointment is not None and appointment.status != AppointmentStatus.ARRIVED:
            from aftersales.appointments.services import appointment_arrive

            appointment_arrive(user=user, appointment_id=appointment.pk)
        customer_link_point(customer=customer, service_point=point, reason="work_order")
        record_change(actor=user, instance=order, action=AuditAction.CREATE, before=None,
                      after=snapshot(order, extra={"damages": len(damages), "lines": len(line_specs)}))
        _after_open(order)
    return order


def _after_open(order: WorkOrder) -> None:
    customer_id = order.customer_id

    def refresh():
        from aftersales.customers.transactions import customer_transaction_status_refresh

        customer_transaction_status_refresh(customer_ids=[customer_id])

    transaction.on_commit(refresh)


def work_order_update(*, user, pk, data: dict[str, Any]) -> WorkOrder:
    """Change the reception data (``status`` is not among them: it moves only by transitions). The
    mileage can be corrected while the order is at reception; it re-runs the lines' warranty check."""
    from .lines import lines_recheck_warranty

    data = dict(data or {})
    with command():
        order = locked_order(user, pk, "workshop.change_workorder")
        require_status(order, OPEN_STATUSES, _("A closed work order cannot be changed."))
        before = snapshot(order)
        _apply_reception(order, data)
        if "advisor_id" in data:
            order.advisor = _advisor(user, data["advisor_id"], order.service_point) if data["advisor_id"] else None
        mileage_changed = False
        if data.get("mileage") not in (None, "") and as_int(data["mileage"], "mileage") != order.mileage_in:
            if order.status != S.RECEPTION:
                raise ConflictError("wrong_status", _("The mileage can be corrected only at reception."),
                                    {"mileage": [_("The mileage can be corrected only at reception.")]})
            _record_mileage(user=user, order=order, value=data["mileage"])
            mileage_changed = True
        order.save()
        if mileage_changed:
            lines_recheck_warranty(order=order)
        record_change(actor=user, instance=order, action=AuditAction.UPDATE, before=before, after=snapshot(order))
    return order


# ---- damage and photos --------------------------------------------------------------------------

def _damage_specs(value) -> list[tuple[str, str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise invalid("damages", _("Give a list of damages."))
    if len(value) > MAX_DAMAGES:
        raise invalid("damages", _("At most %(n)d damages.") % {"n": MAX_DAMAGES})
    specs = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise invalid(f"damages.{i}", _("Give the area and the kind of damage."))
        specs.append(_damage_spec(item, prefix=f"damages.{i}."))
    return specs


def _damage_spec(item: dict, prefix: str = "") -> tuple[str, str, str]:
    area = as_choice(item.get("area"), f"{prefix}area", DamageArea)
    kind = as_choice(item.get("kind"), f"{prefix}kind", DamageKind)
    description = as_text(item.get("description"), f"{prefix}description", max_length=255)
    return area, kind, description


def work_order_damage_add(*, user, order_id, data: dict[str, Any]) -> WorkOrderDamage:
    with command():
        order = locked_order(user, order_id, "workshop.add_workorderdamage")
        require_status(order, OPEN_STATUSES, _("A closed work order cannot be changed."))
        if order.damages.count() >= MAX_DAMAGES:
            raise invalid("area", _("At most %(n)d damages.") % {"n": MAX_DAMAGES})
        area, kind, description = _damage_spec(data or {})
        damage = WorkOrderDamage.objects.create(work_order=order, area=area, kind=kind, description=description,
                                                recorded_by=user if user.is_authenticated else None)
        record_change(actor=user, instance=damage, action=AuditAction.CREATE, before=None, after=snapshot(damage))
    return damage


def work_order_damage_remove(*, user, order_id, damage_id) -> None:
    with command():
        order = locked_order(user, order_id, "workshop.delete_workorderdamage")
        require_status(order, OPEN_STATUSES, _("A closed work order cannot be changed."))
        damage = order.damages.filter(pk=as_id(damage_id, "damage_id")).first() if is_row_id(damage_id) else None
        if damage is None:
            raise NotFoundError()
        record_change(actor=user, instance=damage, action=AuditAction.DELETE, before=snapshot(damage), after=None)
        damage.delete()


def photo_check(upload, field: str = "image") -> tuple[bytes, str]:
    """The bytes and file extension of an uploaded photo: a real JPEG, PNG or WebP within the size limit."""
    from PIL import Image, UnidentifiedImageError

    if upload is None:
        raise invalid(field, _("Choose a photo."))
    limit = photo_max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise invalid(field, _("The photo is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024) or 1})
    content = upload.read(limit + 1) if hasattr(upload, "read") else bytes(upload)
    if len(content) > limit:
        raise invalid(field, _("The photo is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024) or 1})
    if not content:
        raise invalid(field, _("The file is empty."))
    try:
        with Image.open(io.BytesIO(content)) as image:
            fmt = image.format
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise invalid(field, _("The photo has too many pixels."))
            image.verify()
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise invalid(field, _("This is not a JPEG, PNG or WebP image.")) from exc
    if fmt not in PHOTO_FORMATS:
        raise invalid(field, _("This is not a JPEG, PNG or WebP image."))
    return content, PHOTO_FORMATS[fmt]


def _photo_snapshot(photo: WorkOrderPhoto) -> dict:
    return snapshot(photo, extra={"image": photo.image.name})


def _photo_specs(value) -> list[tuple[bytes, str]]:
    """Photos taken at check-in (uploaded files), each checked before anything is written."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    if len(value) > MAX_PHOTOS_AT_CHECK_IN:
        raise invalid("photos", _("At most %(n)d photos at once.") % {"n": MAX_PHOTOS_AT_CHECK_IN})
    return [photo_check(upload, field="photos") for upload in value]


def _photo_save(*, order: WorkOrder, user, content: bytes, extension: str, caption: str = "",
                damage: WorkOrderDamage | None = None) -> WorkOrderPhoto:
    photo = WorkOrderPhoto(work_order=order, damage=damage, caption=caption,
                           uploaded_by=user if getattr(user, "is_authenticated", False) else None)
    photo.image.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
    photo.save()
    record_change(actor=user, instance=photo, action=AuditAction.CREATE, before=None, after=_photo_snapshot(photo))
    return photo


def work_order_photo_add(*, user, order_id, image, caption: str = "", damage_id=None) -> WorkOrderPhoto:
    """Attach a photo (of the walk-around, or of one damage) to the order."""
    with command():
        order = locked_order(user, order_id, "workshop.add_workorderphoto")
        require_status(order, OPEN_STATUSES, _("A closed work order cannot be changed."))
        caption = as_text(caption, "caption", max_length=200)
        damage = None
        if damage_id not in (None, ""):
            damage = order.damages.filter(pk=as_id(damage_id, "damage_id")).first()
            if damage is None:
                raise invalid("damage_id", _("Unknown damage of this work order."))
        content, extension = photo_check(image)
        return _photo_save(order=order, user=user, content=content, extension=extension, caption=caption,
                           damage=damage)


def work_order_photo_remove(*, user, order_id, photo_id) -> None:
    with command():
        order = locked_order(user, order_id, "workshop.delete_workorderphoto")
        require_status(order, OPEN_STATUSES, _("A closed work order cannot be changed."))
        photo = order.photos.filter(pk=photo_id).first() if is_row_id(photo_id) else None
        if photo is None:
            raise NotFoundError()
        record_change(actor=user, instance=photo, action=AuditAction.DELETE, before=_photo_snapshot(photo), after=None)
        name = photo.image.name
        photo.delete()
        storage = photo.image.storage
        transaction.on_commit(lambda: storage.delete(name))


# ---- the advisor's transitions ------------------------------------------------------------------

def _withdraw_pending(order: WorkOrder, user, kinds=None) -> list[int]:
    """Withdraw the approvals still waiting for the customer (their links then say so)."""
    pending = order.approvals.filter(status=ApprovalStatus.PENDING)
    if kinds:
        pending = pending.filter(kind__in=kinds)
    ids = list(pending.values_list("pk", flat=True))
    if ids:
        order.approvals.filter(pk__in=ids).update(status=ApprovalStatus.WITHDRAWN, decided_at=timezone.now(),
                                                  recorded_by=user if user.is_authenticated else None)
    return ids


def work_order_revise(*, user, order_id, note: str = "") -> WorkOrder:
    """Back from "awaiting approval" to reception to change the estimate; the pending estimate (and
    its link) is withdrawn, the lines stay for editing."""
    note = as_text(note, "note", max_length=500)
    with command():
        order = locked_order(user, order_id, "workshop.change_workorder")
        withdrawn = _withdraw_pending(order, user, kinds=["estimate"]) if order.status == S.AWAITING_APPROVAL else []
        return work_order_transition(user=user, order=order, name="revise", note=note,
                                     data={"withdrawn_approvals": withdrawn})


def work_order_cancel(*, user, order_id, reason) -> WorkOrder:
    """Cancel an order that has not gone into repair (reason required); reservations are released."""
    reason = as_text(reason, "reason", max_length=255, required=True)
    with command():
        order = locked_order(user, order_id, "workshop.cancel_workorder")
        if order.status in (S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED):
            withdrawn = _withdraw_pending(order, user)
        else:
            withdrawn = []
        try:
            return work_order_transition(user=user, order=order, name="cancel", note=reason,
                                         data={"withdrawn_approvals": withdrawn})
        except ApplicationError as exc:
            if exc.status == 409 and exc.code == "invalid_transition":
                message = _("A work order in state “%(state)s” can no longer be cancelled.") % {
                    "state": order.get_status_display()}
                raise ConflictError("invalid_transition", message, {"status": [message]}) from exc
            raise


__all__ = [
    "order_event", "order_number", "photo_check", "require_status", "work_order_cancel", "work_order_damage_add",
    "work_order_damage_remove", "work_order_open", "work_order_photo_add", "work_order_photo_remove",
    "work_order_revise", "work_order_update",
]
