"""Users, the organisation tree (company → regions → service points), roles and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.core.querysets import RestrictedQuerySet

from .choices import PointKind, RoleScope


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    discount_limit_percent = models.DecimalField(
        _("discount limit (%)"), max_digits=5, decimal_places=2, default=0,
        help_text=_("Largest discount this user may give without a manager's approval."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [("manage_users", _("Can manage users and their roles"))]

    def __str__(self) -> str:
        return self.label_of(self.username, self.first_name, self.last_name, self.display_name)

    @staticmethod
    def label_of(username: str, first_name: str = "", last_name: str = "", display_name: str = "") -> str:
        """How a user is named on screen, from the bare columns (pages that read rows, not instances)."""
        return display_name or f"{first_name} {last_name}".strip() or username


class ServicePoint(TimeStampedModel):
    """A node of the organisation tree. ``path`` (/1/4/9/) makes "this point and below" one query."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PointKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True, default="")
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    brands = models.JSONField(_("brands served"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    opening_hours = models.JSONField(
        _("opening hours"), default=dict, blank=True,
        help_text=_('Per weekday 1-7: [["08:30", "17:30"]]'),
    )
    bays = models.PositiveSmallIntegerField(_("service bays"), default=0)
    technician_count = models.PositiveSmallIntegerField(_("technicians"), default=0)
    labour_rate = models.DecimalField(_("labour rate per hour"), max_digits=14, decimal_places=2, default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(pk__in=point_ids)

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Role(TimeStampedModel):
    """A named set of permissions. Default roles are synced from ``roles.py``; HQ can add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=RoleScope.choices, default=RoleScope.POINT)
    permissions = models.ManyToManyField(Permission, verbose_name=_("permissions"), blank=True, related_name="+")
    sees_personal_data = models.BooleanField(
        _("sees personal data"), default=False, help_text=_("Phone, ID number and address shown unmasked.")
    )
    is_system = models.BooleanField(_("system role"), default=False, editable=False)

    objects = models.Manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        from .roles import DEFAULT_ROLES

        if self.is_system and self.code in DEFAULT_ROLES:
            return str(DEFAULT_ROLES[self.code]["name"])  # translated label of a built-in role
        return str(self.name)


class Membership(TimeStampedModel):
    """A user holds a role at a service point (and so at every point below it)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    service_point = models.ForeignKey(
        ServicePoint, verbose_name=_("service point"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "service_point", "role"], name="accounts_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.service_point}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A bearer token. Only a SHA-256 of the secret is stored; the prefix finds the row."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


__all__ = ["ApiToken", "Membership", "Role", "ServicePoint", "User", "RestrictedQuerySet"]
