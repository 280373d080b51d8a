"""Cache invalidation, not business rules: whatever path changes a membership, a role's permissions or
the service-point tree (services, the admin, a shell), the users' cached grants are read again; whatever
saves or deletes an API token or a user, the cached token is read again."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .access import access_changed
from .models import ApiToken, Membership, Role, ServicePoint, User


def _changed(sender, **kwargs) -> None:
    access_changed()


def _token_cache_on() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "API_TOKEN_CACHE_SECONDS", 60))


def _token_changed(sender, instance, created=False, **kwargs) -> None:
    from .tokens import api_token_forget

    if not created and _token_cache_on():  # a new token has nothing cached yet
        api_token_forget([instance.prefix])


def _user_changed(sender, instance, created=False, **kwargs) -> None:
    from .tokens import api_token_forget

    if instance.pk is not None and not created and _token_cache_on():
        api_token_forget(ApiToken.objects.filter(user_id=instance.pk).values_list("prefix", flat=True))


def connect() -> None:
    for model in (Membership, Role, ServicePoint):
        post_save.connect(_changed, sender=model, dispatch_uid=f"access-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"access-{model.__name__}-delete")
    m2m_changed.connect(_changed, sender=Role.permissions.through, dispatch_uid="access-role-permissions")
    # Cached API tokens carry their user (tokens.py): a change of either is seen on the next request.
    post_save.connect(_token_changed, sender=ApiToken, dispatch_uid="apitoken-save")
    post_delete.connect(_token_changed, sender=ApiToken, dispatch_uid="apitoken-delete")
    post_save.connect(_user_changed, sender=User, dispatch_uid="apitoken-user-save")
    pre_delete.connect(_user_changed, sender=User, dispatch_uid="apitoken-user-delete")
