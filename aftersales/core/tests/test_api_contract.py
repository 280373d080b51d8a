import pytest

from aftersales.core.models import AuditLog
from aftersales.core.testing import bearer, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq():
    org = make_org()
    return make_user("hq", point=org["hq"], role="hq_manager"), org


def test_openapi_is_published_and_documents_errors(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    post = spec["paths"]["/api/v1/service-points"]["post"]
    assert {"201", "401", "403", "422"} <= set(post["responses"])


def test_schema_errors_are_422_naming_each_field(client, hq):
    user, _org = hq
    response = client.post("/api/v1/service-points", {"code": "", "kind": "nope"}, content_type="application/json",
                           **bearer(user))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert {"code", "kind", "name"} <= set(body["fields"])


def test_malformed_json_is_a_4xx_not_a_500(client, hq):
    user, _org = hq
    response = client.post("/api/v1/service-points", "{not json", content_type="application/json", **bearer(user))
    assert 400 <= response.status_code < 500


def test_nul_byte_in_input_is_422(client, hq):
    user, org = hq
    response = client.post("/api/v1/service-points", {"code": "X\x00", "name": "n", "kind": "dealer",
                                                      "parent_id": org["east"].pk},
                           content_type="application/json", **bearer(user))
    assert response.status_code == 422
    assert "code" in response.json()["fields"]


def test_changes_are_logged_with_request_id_and_before_after(client, hq):
    user, org = hq
    response = client.patch(f"/api/v1/service-points/{org['a'].pk}", {"name": "浦东店"},
                            content_type="application/json", HTTP_X_REQUEST_ID="req-12345678", **bearer(user))
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-12345678"
    entry = AuditLog.objects.get(object_id=str(org["a"].pk), action="update")
    assert entry.request_id == "req-12345678"
    assert entry.user == user
    assert entry.before == {"name": "Point A"}
    assert entry.after == {"name": "浦东店"}


def test_bad_cursor_is_422(client, hq):
    user, _org = hq
    response = client.get("/api/v1/service-points?cursor=%%%", **bearer(user))
    assert response.status_code == 422
    assert "cursor" in response.json()["fields"]


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
