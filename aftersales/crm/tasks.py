from celery import shared_task

from .services import notification_deliver


@shared_task(name="aftersales.crm.tasks.deliver_notification")
def deliver_notification(notification_id: int) -> str:
    notification = notification_deliver(notification_id=notification_id)
    return notification.status if notification is not None else "missing"
