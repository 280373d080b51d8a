from celery import shared_task

from .services.jobs import appointments_mark_no_shows, appointments_send_reminders


@shared_task(name="aftersales.appointments.tasks.send_reminders")
def send_reminders() -> int:
    return appointments_send_reminders()


@shared_task(name="aftersales.appointments.tasks.mark_no_shows")
def mark_no_shows() -> int:
    return appointments_mark_no_shows()
