import pytest

from aftersales.accounts.models import Membership, User
from aftersales.core.models import AuditLog
from aftersales.core.testing import bearer, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def _post(client, url, user, data):
    return client.post(url, data, content_type="application/json", **bearer(user))


def _new_user_payload(point, role="service_advisor", username="newbie"):
    return {"username": username, "password": "Str0ng-pass-2026", "display_name": "新同事",
            "memberships": [{"service_point_id": point.pk, "role": role}]}


def test_hq_creates_a_user_with_a_role(client, org):
    hq = make_user("hq", point=org["hq"], role="hq_manager")
    response = _post(client, "/api/v1/users", hq, _new_user_payload(org["a"]))
    assert response.status_code == 201, response.content
    user = User.objects.get(username="newbie")
    assert user.check_password("Str0ng-pass-2026")
    assert [(m.service_point_id, m.role.code) for m in user.memberships.all()] == [(org["a"].pk, "service_advisor")]
    assert AuditLog.objects.filter(object_id=str(user.pk), action="create").count() == 1
    assert "Str0ng-pass-2026" not in str(AuditLog.objects.get(object_id=str(user.pk)).after)


def test_point_manager_cannot_create_users_elsewhere_or_grant_hq_roles(client, org):
    manager = make_user("mgr", point=org["a"], role="point_manager")
    other = _post(client, "/api/v1/users", manager, _new_user_payload(org["b"]))
    assert other.status_code == 422
    assert "service_point_id" in other.json()["fields"]
    hq_role = _post(client, "/api/v1/users", manager, _new_user_payload(org["a"], role="hq_manager"))
    assert hq_role.status_code == 422
    assert "role" in hq_role.json()["fields"]
    assert not User.objects.filter(username="newbie").exists()


def test_weak_password_and_taken_name_are_422(client, org):
    hq = make_user("hq", point=org["hq"], role="hq_manager")
    weak = _post(client, "/api/v1/users", hq, {**_new_user_payload(org["a"]), "password": "123"})
    assert weak.status_code == 422
    assert "password" in weak.json()["fields"]
    taken = _post(client, "/api/v1/users", hq, {**_new_user_payload(org["a"]), "username": "HQ"})
    assert taken.status_code == 422
    assert taken.json()["fields"]["username"] == ["This user name is taken."]


def test_users_of_other_points_are_invisible_to_a_point_manager(client, org):
    manager = make_user("mgr", point=org["a"], role="point_manager")
    mine = make_user("mine", point=org["a"], role="technician")
    theirs = make_user("theirs", point=org["b"], role="technician")
    listing = client.get("/api/v1/users", **bearer(manager)).json()["items"]
    names = {u["username"] for u in listing}
    assert "mine" in names and "theirs" not in names
    assert client.get(f"/api/v1/users/{theirs.pk}", **bearer(manager)).status_code == 404
    assert client.get(f"/api/v1/users/{mine.pk}", **bearer(manager)).status_code == 200


def test_technician_cannot_list_users(client, org):
    tech = make_user("tech", point=org["a"], role="technician")
    assert client.get("/api/v1/users", **bearer(tech)).status_code == 403


def test_grant_and_withdraw_roles_and_last_role_is_kept(client, org):
    hq = make_user("hq", point=org["hq"], role="hq_manager")
    target = make_user("target", point=org["a"], role="technician")
    granted = _post(client, f"/api/v1/users/{target.pk}/memberships", hq,
                    {"service_point_id": org["b"].pk, "role": "cashier"})
    assert granted.status_code == 201
    assert target.memberships.count() == 2
    first = Membership.objects.get(user=target, role__code="technician")
    assert client.delete(f"/api/v1/users/{target.pk}/memberships/{first.pk}", **bearer(hq)).status_code == 204
    last = Membership.objects.get(user=target)
    response = client.delete(f"/api/v1/users/{target.pk}/memberships/{last.pk}", **bearer(hq))
    assert response.status_code == 422
    assert target.memberships.count() == 1


def test_deactivating_yourself_is_refused(client, org):
    hq = make_user("hq", point=org["hq"], role="hq_manager")
    response = client.patch(f"/api/v1/users/{hq.pk}", {"is_active": False}, content_type="application/json",
                            **bearer(hq))
    assert response.status_code == 422
    hq.refresh_from_db()
    assert hq.is_active


def test_deactivated_user_loses_api_access(client, org):
    hq = make_user("hq", point=org["hq"], role="hq_manager")
    tech = make_user("tech", point=org["a"], role="technician")
    tech_auth = bearer(tech)
    assert client.patch(f"/api/v1/users/{tech.pk}", {"is_active": False}, content_type="application/json",
                        **bearer(hq)).status_code == 200
    assert client.get("/api/v1/auth/me", **tech_auth).status_code == 401


def test_roles_endpoint_lists_default_roles(client, org):
    hq = make_user("hq", point=org["hq"], role="hq_manager")
    roles = {r["code"]: r for r in client.get("/api/v1/roles", **bearer(hq)).json()}
    assert {"hq_manager", "service_advisor", "technician", "cashier", "claims_clerk", "hotline_agent",
            "dispatcher", "qc_inspector", "parts_clerk", "point_manager"} <= set(roles)
    assert roles["hotline_agent"]["scope"] == "all"
    assert roles["technician"]["sees_personal_data"] is False


def test_user_pages(client, org):
    hq = make_user("hq", point=org["hq"], role="hq_manager")
    client.force_login(hq)
    assert client.get("/accounts/users/").status_code == 200
    response = client.post("/accounts/users/new/", {
        "username": "uiuser", "password": "Str0ng-pass-2026", "service_point_id": org["a"].pk,
        "role": "cashier", "discount_limit_percent": "5"})
    assert response.status_code == 302
    created = User.objects.get(username="uiuser")
    assert client.get(f"/accounts/users/{created.pk}/").status_code == 200
    bad = client.post("/accounts/users/new/", {
        "username": "ui2", "password": "1", "service_point_id": org["a"].pk, "role": "cashier",
        "discount_limit_percent": "5"})
    assert bad.status_code == 200
    assert "password" in bad.context["form"].errors
    tech = make_user("tech", point=org["a"], role="technician")
    client.force_login(tech)
    assert client.get("/accounts/users/").status_code == 403
