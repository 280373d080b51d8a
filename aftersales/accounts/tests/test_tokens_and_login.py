import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.accounts.models import ApiToken
from aftersales.core.testing import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def _login(client, username, password):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json")


def test_token_is_issued_for_the_right_password_and_stored_hashed(client, org):
    make_user("alice", point=org["a"], perms=["accounts.view_servicepoint"])
    response = _login(client, "alice", "alice")
    assert response.status_code == 201
    raw = response.json()["token"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.key_hash, token.prefix}
    me = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


def test_wrong_password_is_401_naming_the_password(client, org):
    make_user("bob", point=org["a"])
    response = _login(client, "bob", "wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert "password" in response.json()["fields"]


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, org, settings):
    make_user("carol", point=org["a"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "carol", "nope")
    response = _login(client, "carol", "carol")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_ui_login_locks_out_after_repeated_failures(client, org, settings):
    make_user("dave", point=org["a"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "dave", "password": "bad"})
    response = client.post("/accounts/login/", {"username": "dave", "password": "dave"})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_revoked_and_expired_tokens_are_refused(client, org):
    make_user("erin", point=org["a"], perms=["accounts.view_servicepoint"])
    raw = _login(client, "erin", "erin").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    token_id = ApiToken.objects.get().pk
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", **auth).status_code == 204
    assert client.get("/api/v1/auth/me", **auth).status_code == 401
    raw2 = _login(client, "erin", "erin").json()["token"]
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(client, org):
    make_user("frank", point=org["a"])
    make_user("gina", point=org["a"])
    _login(client, "frank", "frank")
    frank_token = ApiToken.objects.get(user__username="frank")
    raw = _login(client, "gina", "gina").json()["token"]
    response = client.delete(f"/api/v1/auth/tokens/{frank_token.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404
    frank_token.refresh_from_db()
    assert frank_token.revoked_at is None


def test_garbage_tokens_are_401(client, org):
    for value in ["Bearer nonsense", "Bearer as_abc.def", "Token x", "Bearer "]:
        assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=value).status_code == 401


def test_token_page_issues_and_revokes(client, org):
    user = make_user("hank", point=org["a"])
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": "laptop"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=user, name="laptop").count() == 1
    assert response.context["new_token"].startswith("as_")
    token = ApiToken.objects.get(user=user)
    client.post("/accounts/tokens/", {"revoke": str(token.pk)})
    token.refresh_from_db()
    assert token.revoked_at is not None
