"""Cache invalidation, not business rules: whatever path changes a membership, a role's permissions or
the service-point tree (services, the admin, a shell), the users' cached grants are read again."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .access import access_changed
from .models import Membership, Role, ServicePoint


def _changed(sender, **kwargs) -> None:
    access_changed()


def connect() -> None:
    for model in (Membership, Role, ServicePoint):
        post_save.connect(_changed, sender=model, dispatch_uid=f"access-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"access-{model.__name__}-delete")
    m2m_changed.connect(_changed, sender=Role.permissions.through, dispatch_uid="access-role-permissions")
