"""API tokens: issue, authenticate, revoke. The secret is shown once and stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change
from aftersales.core.errors import ApplicationError, NotFoundError

from .access import has_permission
from .models import ApiToken, User

TOKEN_PREFIX = "as_"
DEFAULT_LIFETIME = timedelta(days=90)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_issue(*, user: User, name: str = "", lifetime: timedelta | None = DEFAULT_LIFETIME) -> tuple[ApiToken, str]:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}{prefix}.{secret}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=prefix, key_hash=_hash(raw),
            expires_at=timezone.now() + lifetime if lifetime else None,
        )
        record_change(actor=user, instance=token, action="create", before=None,
                      after={"name": token.name, "prefix": prefix})
    return token, raw


def api_token_login(*, request, username: str, password: str, name: str = "") -> tuple[ApiToken, str]:
    """Checks the password (through django-axes, so failures count toward the lock-out)."""
    user = authenticate(request=request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise ApplicationError(
                "locked_out", _("Too many failed attempts; this account is locked for a while."), status=429
            )
        raise ApplicationError(
            "invalid_credentials", _("The user name or password is wrong."),
            {"password": [_("The user name or password is wrong.")]}, status=401,
        )
    return api_token_issue(user=user, name=name or "api")


def api_token_authenticate(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX) or "." not in raw:
        return None
    prefix = raw[len(TOKEN_PREFIX):].split(".", 1)[0]
    token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(raw)) or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # coarse, to spare writes
    token.user.api_token = token
    return token.user


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or (token.user_id != actor.pk and not has_permission(actor, "accounts.manage_users")):
            raise NotFoundError()
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_change(actor=actor, instance=token, action="update", before={"revoked_at": None},
                          after={"revoked_at": token.revoked_at.isoformat()})
    return token
