"""The periodic jobs: the day-before reminder and the automatic no-show."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aftersales.core.errors import ConflictError

from ..choices import AppointmentStatus
from ..models import Appointment
from ..states import OPEN_STATES
from . import notify
from .capacity import local_day_bounds
from .transitions import appointment_event, appointment_transition

BATCH = 500


def appointments_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue one reminder for each booked/confirmed appointment of tomorrow that has none yet.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` and stamped in one UPDATE guarded by
    ``reminder_sent_at IS NULL``, so two runs at once, or a second run, never remind twice."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    start, end = local_day_bounds(tomorrow)
    sent = 0
    while True:
        with transaction.atomic():
            ids = list(Appointment.objects.select_for_update(skip_locked=True)
                       .filter(status__in=OPEN_STATES, reminder_sent_at__isnull=True, starts_at__gte=start,
                               starts_at__lt=end).order_by("id").values_list("id", flat=True)[:BATCH])
            if not ids:
                return sent
            Appointment.objects.filter(pk__in=ids, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
            for appointment in Appointment.objects.filter(pk__in=ids).select_related("customer", "service_point"):
                notify.send_reminder(appointment=appointment)
                appointment_event(appointment=appointment, kind="reminded", data={"for": tomorrow.isoformat()})
            sent += len(ids)


def grace_minutes() -> int:
    return int(getattr(settings, "APPOINTMENT_NO_SHOW_GRACE_MINUTES", 30))


def appointments_mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Booked/confirmed appointments whose start is more than the grace period ago become no-shows."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=grace_minutes())
    ids = list(Appointment.objects.filter(status__in=OPEN_STATES, starts_at__lte=cutoff)
               .order_by("id").values_list("id", flat=True)[:5000])
    marked = 0
    for pk in ids:
        try:
            appointment_transition(user=None, appointment=pk, to=AppointmentStatus.NO_SHOW, system=True,
                                   note="automatic", data={"grace_minutes": grace_minutes()})
        except ConflictError:  # arrived or cancelled meanwhile
            continue
        marked += 1
    return marked
