"""Messages to the customer about an appointment (in the customer's language: Chinese by default)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.core.tokens import new_link_token
from aftersales.crm.services import notification_queue

CUSTOMER_LANGUAGE = "zh-hans"


def customer_language(customer) -> str:
    return getattr(customer, "language", "") or CUSTOMER_LANGUAGE


def invite_path(raw_token: str) -> str:
    return f"/api/v1/public/appointments/{raw_token}/invite.ics"


def invite_link(raw_token: str) -> str:
    base = (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{invite_path(raw_token)}"


def _when(appointment) -> str:
    start = timezone.localtime(appointment.starts_at)
    end = timezone.localtime(appointment.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _details(appointment) -> list[str]:
    lines = [
        _("Time: %(when)s") % {"when": _when(appointment)},
        _("Place: %(point)s %(address)s") % {"point": appointment.service_point.name,
                                             "address": appointment.service_point.address},
        _("Work: %(service)s") % {"service": appointment.get_service_type_display()},
    ]
    if appointment.concerns:
        lines.append(_("Your concerns: %(concerns)s") % {"concerns": appointment.concerns})
    lines.append(_("Estimated duration: %(minutes)d minutes") % {"minutes": appointment.estimated_minutes})
    if appointment.estimated_price is not None:
        lines.append(_("Estimated price: ¥%(price)s") % {"price": appointment.estimated_price})
    return lines


def send_confirmation(*, appointment, actor) -> str:
    """Queue the confirmation with a new invitation link; returns the token's hash to store on the row
    (a new confirmation makes the previous link stop working)."""
    raw, digest = new_link_token()
    with translation.override(customer_language(appointment.customer)):
        subject = _("Appointment confirmed: %(when)s") % {"when": _when(appointment)}
        body = "\n".join([
            _("Dear %(name)s, your appointment %(number)s is confirmed.") % {
                "name": appointment.customer.name, "number": appointment.number},
            *_details(appointment),
            _("Add it to your calendar: %(link)s") % {"link": invite_link(raw)},
        ])
    notification_queue(kind="appointment.confirmation", subject=subject, body=body, customer=appointment.customer,
                       service_point=appointment.service_point, related=appointment, actor=actor)
    return digest


def send_reminder(*, appointment) -> None:
    with translation.override(customer_language(appointment.customer)):
        subject = _("Reminder: your appointment tomorrow, %(when)s") % {"when": _when(appointment)}
        body = "\n".join([
            _("Dear %(name)s, we look forward to seeing you tomorrow (appointment %(number)s).") % {
                "name": appointment.customer.name, "number": appointment.number},
            *_details(appointment),
        ])
    notification_queue(kind="appointment.reminder", subject=subject, body=body, customer=appointment.customer,
                       service_point=appointment.service_point, related=appointment)


def send_cancellation(*, appointment, actor) -> None:
    with translation.override(customer_language(appointment.customer)):
        subject = _("Appointment cancelled: %(when)s") % {"when": _when(appointment)}
        body = _("Dear %(name)s, your appointment %(number)s on %(when)s has been cancelled.") % {
            "name": appointment.customer.name, "number": appointment.number, "when": _when(appointment)}
    notification_queue(kind="appointment.cancellation", subject=subject, body=body, customer=appointment.customer,
                       service_point=appointment.service_point, related=appointment, actor=actor)
