"""Writes of appointments. Import from here: ``from aftersales.appointments.services import …``."""

from .transitions import appointment_arrive, appointment_transition, locked_appointment

__all__ = ["appointment_arrive", "appointment_transition", "locked_appointment"]
