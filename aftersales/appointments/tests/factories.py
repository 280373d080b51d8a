"""Appointments, customers and vehicles for the appointment tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from aftersales.appointments.models import Appointment
from aftersales.assets.tests.factories import customer, vehicle

_n = itertools.count(1)


def appointment(point, *, starts_at: dt.datetime | None = None, minutes: int = 60, status: str = "booked",
                owner=None, **extra) -> Appointment:
    """An appointment row at ``point`` (written directly: for tests of reads and transitions)."""
    owner = owner or customer(point, f"客户{next(_n)}")
    asset = extra.pop("asset", None) or vehicle(owner)
    starts_at = starts_at or timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    return Appointment.objects.create(
        number=f"T{next(_n):06d}", service_point=point, customer=owner, asset=asset,
        service_type=extra.pop("service_type", "periodic_maintenance"), starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes), estimated_minutes=minutes, status=status, **extra)
