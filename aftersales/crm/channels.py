"""Notification channels. ``NOTIFICATION_CHANNELS`` maps a channel code to a class with ``send()``.

The default, ``LogChannel``, keeps the message in the database (the row itself) and writes it to
the log, so the system runs with no outside service. An SMS or WeChat gateway is a class with the
same ``send(notification)`` method, named in the setting; a channel without a class falls back to
the default and says so on the row.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("aftersales.notifications")


class ChannelError(Exception):
    """A gateway refused or failed; the message stays on the row with the reason."""


class LogChannel:
    def send(self, notification) -> None:
        logger.info("notification %s [%s] to %s: %s | %s", notification.pk, notification.kind,
                    notification.recipient or "-", notification.subject, notification.body.replace("\n", " "))


def channel_for(code: str):
    """(channel object, code actually used)."""
    configured = getattr(settings, "NOTIFICATION_CHANNELS", {}) or {}
    path = configured.get(code)
    if path is None:
        return LogChannel(), "log"
    return import_string(path)(), code
