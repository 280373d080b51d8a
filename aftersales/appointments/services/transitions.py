"""The only writer of ``Appointment.status`` (see ``states.py``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import is_row_id

from ..choices import AppointmentStatus
from ..models import Appointment, AppointmentEvent
from ..states import transition_between


def locked_appointment(user, pk, permissions: tuple[str, ...] = ("appointments.view_appointment",)) -> Appointment:
    """The appointment row-locked for the rest of the transaction, or 404 (also when none of
    ``permissions`` reaches its service point, so existence does not leak)."""
    if not is_row_id(pk):
        raise NotFoundError()
    appointment = Appointment.objects.select_for_update(of=("self",)).select_related(
        "service_point", "customer", "asset").filter(pk=pk).first()
    if appointment is None:
        raise NotFoundError()
    if not any(scope_for(user, p).covers(appointment.service_point_id) for p in permissions):
        raise NotFoundError()
    return appointment


def may_act(user, appointment: Appointment, permissions: tuple[str, ...]) -> bool:
    return any(scope_for(user, p).covers(appointment.service_point_id) for p in permissions)


def appointment_event(*, appointment: Appointment, kind: str, actor=None, from_status: str = "",
                      to_status: str = "", note: str = "", data: dict | None = None) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment, kind=kind, from_status=from_status, to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None, note=(note or "")[:500],
        data=data or {})


def appointment_transition(*, user, appointment: Appointment | int, to: str, note: str = "",
                           data: dict | None = None, system: bool = False,
                           field: str = "status") -> Appointment:
    """Move the appointment to ``to``. ``system``: a periodic job acts (no user, no permission).

    Refused with a ConflictError naming ``field`` when the table has no such step from the
    current state; with 403 when the user may see the appointment but not take this step."""
    with transaction.atomic():
        pk = appointment.pk if isinstance(appointment, Appointment) else appointment
        if system:
            appointment = Appointment.objects.select_for_update(of=("self",)).select_related(
                "service_point", "customer", "asset").get(pk=pk)
        else:
            candidates = ("appointments.view_appointment", "appointments.change_appointment",
                          "workshop.add_workorder")
            appointment = locked_appointment(user, pk, candidates)
        source = appointment.status
        step = transition_between(source, to)
        if step is None:
            message = _("An appointment that is “%(state)s” cannot become “%(target)s”.") % {
                "state": appointment.get_status_display(),
                "target": dict(AppointmentStatus.choices).get(to, to)}
            raise ConflictError("invalid_transition", message, {field: [message]})
        if not system and not may_act(user, appointment, step.permissions):
            raise PermissionDeniedError()
        now = timezone.now()
        appointment.status = step.target
        update = ["status", "updated_at"]
        if step.target == AppointmentStatus.CONFIRMED:
            appointment.confirmed_at = now
            update.append("confirmed_at")
        elif step.target == AppointmentStatus.ARRIVED:
            appointment.arrived_at = now
            update.append("arrived_at")
        elif step.target == AppointmentStatus.CANCELLED:
            appointment.cancelled_at = now
            appointment.cancel_reason = (note or "")[:255]
            update += ["cancelled_at", "cancel_reason"]
        appointment.save(update_fields=update)
        appointment_event(appointment=appointment, kind=step.name, actor=None if system else user,
                          from_status=source, to_status=step.target, note=note, data=data)
        return appointment


def appointment_arrive(*, user, appointment_id: int) -> Appointment:
    """The customer is here (reception): booked/confirmed → arrived, with ``arrived_at``.

    The user needs ``appointments.change_appointment`` or ``workshop.add_workorder`` at the
    appointment's point (else 404); any other state is a ConflictError naming ``appointment_id``."""
    return appointment_transition(user=user, appointment=appointment_id, to=AppointmentStatus.ARRIVED,
                                  field="appointment_id")
