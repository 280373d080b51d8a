"""The appointment's one transition table: (from, to) → name, permission.

Only ``services.transitions.appointment_transition`` changes ``Appointment.status``; it looks the
pair up here, checks the permission at the appointment's point, stamps the time and writes the
event, in one transaction.

    booked → confirmed → arrived
    booked | confirmed → cancelled | no_show        (reschedule keeps booked / confirmed)

Arrival may be done by whoever may change appointments or open work orders at the point
(reception), so its ``permission`` is a tuple of alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import AppointmentStatus as S


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    permissions: tuple[str, ...]
    label: str


OPEN_STATES = (S.BOOKED, S.CONFIRMED)
CONFIRM = "appointments.confirm_appointment"
ARRIVE = ("appointments.change_appointment", "workshop.add_workorder")

_TABLE = [
    Transition("confirm", S.BOOKED, S.CONFIRMED, (CONFIRM,), _("Confirm")),
    Transition("arrive", S.BOOKED, S.ARRIVED, ARRIVE, _("Check in")),
    Transition("arrive", S.CONFIRMED, S.ARRIVED, ARRIVE, _("Check in")),
    Transition("cancel", S.BOOKED, S.CANCELLED, (CONFIRM,), _("Cancel")),
    Transition("cancel", S.CONFIRMED, S.CANCELLED, (CONFIRM,), _("Cancel")),
    Transition("no_show", S.BOOKED, S.NO_SHOW, (CONFIRM,), _("Mark as no-show")),
    Transition("no_show", S.CONFIRMED, S.NO_SHOW, (CONFIRM,), _("Mark as no-show")),
]

TRANSITIONS: dict[tuple[str, str], Transition] = {(t.source, t.target): t for t in _TABLE}


def transition_between(source: str, target: str) -> Transition | None:
    return TRANSITIONS.get((source, target))


def transitions_from(source: str) -> list[Transition]:
    return [t for t in _TABLE if t.source == source]


def is_open(status: str) -> bool:
    """Booked or confirmed: the appointment still holds its capacity and may be moved."""
    return status in OPEN_STATES
