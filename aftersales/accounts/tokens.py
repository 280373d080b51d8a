"""API tokens: issue, authenticate, revoke. The secret is shown once and stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
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


def _cache_key(prefix: str) -> str:
    return f"apitoken:{prefix}"


def api_token_forget(prefixes) -> None:
    """Drop cached tokens (signals.py calls it when a token or its user is saved or deleted)."""
    keys = [_cache_key(prefix) for prefix in prefixes]
    if keys:
        cache.delete_many(keys)
        # Again once the change is committed: a request that read the old row meanwhile may have
        # cached it (what is left of that race lasts at most API_TOKEN_CACHE_SECONDS).
        transaction.on_commit(lambda: cache.delete_many(keys))


def _usable_token(prefix: str) -> ApiToken | None:
    """The token with its user: from the cache (Redis in production) when it was read in the last
    ``API_TOKEN_CACHE_SECONDS``, else from the database. Every save or delete of the token or its user
    drops the cached copy (signals), so a revoked token or a deactivated user is refused on the next
    request; revocation, expiry and the user's state are checked again below on every request."""
    seconds = getattr(settings, "API_TOKEN_CACHE_SECONDS", 60)
    if seconds:
        token = cache.get(_cache_key(prefix))
        if token is not None:
            return token
    token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is not None and seconds:
        cache.set(_cache_key(prefix), token, seconds)
    return token


def api_token_authenticate(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX) or "." not in raw:
        return None
    prefix = raw[len(TOKEN_PREFIX):].split(".", 1)[0]
    token = _usable_token(prefix)
    now = timezone.now()
    if (token is None or token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now)
            or not hmac.compare_digest(token.key_hash, _hash(raw)) or not token.user.is_active):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # coarse, to spare writes
        token.last_used_at = now
        if getattr(settings, "API_TOKEN_CACHE_SECONDS", 60):
            cache.set(_cache_key(prefix), token, settings.API_TOKEN_CACHE_SECONDS)
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
