"""The .ics invitation of an appointment (RFC 5545, with the Asia/Shanghai time zone block)."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from .choices import AppointmentStatus


def invitation_ics(appointment, *, language: str = "zh-hans") -> bytes:
    point = appointment.service_point
    tz = timezone.get_default_timezone()
    with translation.override(language):
        summary = _("%(service)s at %(point)s") % {"service": appointment.get_service_type_display(),
                                                     "point": point.name}
        lines = [_("Appointment %(number)s") % {"number": appointment.number}]
        if appointment.asset_id:
            lines.append(_("Vehicle or product: %(asset)s") % {"asset": appointment.asset})
        if appointment.concerns:
            lines.append(_("Work: %(concerns)s") % {"concerns": appointment.concerns})
        lines.append(_("Estimated duration: %(minutes)d minutes") % {"minutes": appointment.estimated_minutes})
        if appointment.estimated_price is not None:
            lines.append(_("Estimated price: ¥%(price)s") % {"price": appointment.estimated_price})
        if point.phone:
            lines.append(_("Phone: %(phone)s") % {"phone": point.phone})
    cal = Calendar()
    cal.add("prodid", "-//Aftersales//appointments//ZH")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if appointment.status == AppointmentStatus.CANCELLED else "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}-{appointment.number}@aftersales")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(appointment.starts_at, tz))
    event.add("dtend", timezone.localtime(appointment.ends_at, tz))
    event.add("summary", summary)
    event.add("location", vText(" ".join(p for p in (point.name, point.address) if p)))
    event.add("description", "\n".join(lines))
    event.add("sequence", appointment.reschedule_count)
    event.add("status", "CANCELLED" if appointment.status == AppointmentStatus.CANCELLED else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
