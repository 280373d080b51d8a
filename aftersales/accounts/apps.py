from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    label = "accounts"
    verbose_name = _("Organisation and users")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals
        from .roles import sync_default_roles

        signals.connect()
        # Default roles are data; (re)created after migrations so a fresh database has them.
        post_migrate.connect(sync_default_roles, sender=self)
