"""The API token cache (``API_TOKEN_CACHE_SECONDS``): a known token costs no query, and whatever changes
the token or its user is seen on the next request."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.models import ApiToken
from aftersales.accounts.tokens import api_token_issue
from aftersales.core.testing import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def token_cache(settings):
    settings.API_TOKEN_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user():
    org = make_org()
    return make_user("tina", point=org["a"], perms=["accounts.view_servicepoint"])


def _me(client, raw):
    return client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def _token_queries(client, raw) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert _me(client, raw).status_code == 200
    return sum("accounts_apitoken" in q["sql"] for q in captured)


def test_a_known_token_is_not_read_again(client, user):
    _token, raw = api_token_issue(user=user, name="t")
    assert _token_queries(client, raw) >= 1  # first use: read (and last use stamped)
    assert _token_queries(client, raw) == 0


def test_the_secret_is_checked_on_every_request_also_when_cached(client, user):
    _token, raw = api_token_issue(user=user, name="t")
    assert _me(client, raw).status_code == 200
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert _me(client, forged).status_code == 401


def test_a_revoked_token_is_refused_on_the_next_request(client, user):
    token, raw = api_token_issue(user=user, name="t")
    assert _me(client, raw).status_code == 200
    response = client.delete(f"/api/v1/auth/tokens/{token.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 204
    assert _me(client, raw).status_code == 401


def test_a_deactivated_user_is_refused_on_the_next_request(client, user):
    _token, raw = api_token_issue(user=user, name="t")
    assert _me(client, raw).status_code == 200
    user.is_active = False
    user.save()
    assert _me(client, raw).status_code == 401


def test_a_deleted_token_is_refused(client, user):
    token, raw = api_token_issue(user=user, name="t")
    assert _me(client, raw).status_code == 200
    token.delete()
    assert _me(client, raw).status_code == 401


def test_expiry_is_checked_against_the_clock_on_every_request(client, user, monkeypatch):
    token, raw = api_token_issue(user=user, name="t", lifetime=timedelta(hours=1))
    assert _me(client, raw).status_code == 200
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr("aftersales.accounts.tokens.timezone.now", lambda: later)
    assert _me(client, raw).status_code == 401


def test_with_the_cache_off_every_request_reads_the_token(client, user, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    _token, raw = api_token_issue(user=user, name="t")
    assert _me(client, raw).status_code == 200
    assert _token_queries(client, raw) == 1
    ApiToken.objects.update(revoked_at=timezone.now())  # a bulk update, seen without the cache
    assert _me(client, raw).status_code == 401
