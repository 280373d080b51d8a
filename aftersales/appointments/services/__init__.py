"""Writes of appointments. Import from here: ``from aftersales.appointments.services import …``."""

from .booking import (
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_no_show,
    appointment_reschedule,
    appointment_update,
)
from .capacity import (
    capacity_override_create,
    capacity_override_delete,
    capacity_override_update,
    capacity_plan_set,
    holiday_create,
    holiday_delete,
    holiday_update,
)
from .jobs import appointments_mark_no_shows, appointments_send_reminders
from .transitions import appointment_arrive, appointment_transition, locked_appointment

__all__ = [
    "appointment_arrive", "appointment_book", "appointment_cancel", "appointment_confirm", "appointment_no_show",
    "appointment_reschedule", "appointment_transition", "appointment_update", "appointments_mark_no_shows",
    "appointments_send_reminders", "capacity_override_create", "capacity_override_delete",
    "capacity_override_update", "capacity_plan_set", "holiday_create", "holiday_delete", "holiday_update",
    "locked_appointment",
]
