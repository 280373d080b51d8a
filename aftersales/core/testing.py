"""Test support: an organisation to test against and base classes that generate the standard tests.

``StandardAPITests`` and ``StandardViewTests`` give every model the same checks — list, detail,
create, update, delete × anonymous, no permission, another service point, permitted — and check
that a denied request leaves the data unchanged. A subclass names the URLs and says how to make an
object at a service point and what to send.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from aftersales.accounts.choices import PointKind
from aftersales.accounts.models import Membership, Role, ServicePoint, User
from aftersales.accounts.roles import permissions_matching
from aftersales.accounts.tokens import api_token_issue
from aftersales.core.models import AuditLog


def make_point(code: str, *, parent: ServicePoint | None = None, kind: str = PointKind.DEALER, **extra) -> ServicePoint:
    point = ServicePoint.objects.create(code=code, name=extra.pop("name", code), kind=kind, parent=parent, **extra)
    point.path = f"{parent.path if parent else '/'}{point.pk}/"
    point.save(update_fields=["path"])
    return point


def make_org() -> dict[str, ServicePoint]:
    """HQ → region East → points A and B; region West → point C."""
    hq = make_point("HQ", kind=PointKind.COMPANY, name="HQ")
    east = make_point("EAST", parent=hq, kind=PointKind.REGION, name="East")
    west = make_point("WEST", parent=hq, kind=PointKind.REGION, name="West")
    return {
        "hq": hq, "east": east, "west": west,
        "a": make_point("A", parent=east, name="Point A"),
        "b": make_point("B", parent=east, name="Point B"),
        "c": make_point("C", parent=west, name="Point C"),
    }


def make_role(code: str, perms: list[str], *, scope: str = "point", pii: bool = True) -> Role:
    role = Role.objects.create(code=code, name=code, scope=scope, sees_personal_data=pii)
    role.permissions.set(permissions_matching(perms))
    return role


def make_user(username: str, *, point: ServicePoint | None = None, perms: list[str] | None = None,
              role: Role | str | None = None, scope: str = "point", pii: bool = True) -> User:
    """A user with a role at ``point``: a named default role, a Role, or a role made from ``perms``."""
    user = User.objects.create_user(username=username, password=username)
    if point is not None:
        if isinstance(role, str):
            role = Role.objects.get(code=role)
        if role is None:
            role = make_role(f"role-{username}", perms or [], scope=scope, pii=pii)
        Membership.objects.create(user=user, service_point=point, role=role)
    return user


def bearer(user: User) -> dict[str, str]:
    _token, raw = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


class _GeneratedTests(TestCase):
    """Shared set-up: an organisation, a permitted user at A, a user at A without the permission."""

    model: ClassVar[type]
    permission_patterns: ClassVar[list[str]] = []
    actions: ClassVar[set[str]] = {"list", "detail", "create", "update", "delete"}

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.point_a, cls.point_b = cls.org["a"], cls.org["b"]
        perms = cls.permission_patterns or [f"{cls.model._meta.app_label}.*_{cls.model._meta.model_name}"]
        cls.permitted = make_user("permitted", point=cls.point_a, perms=perms)
        cls.unpermitted = make_user("unpermitted", point=cls.point_a, perms=[])
        cls.obj_a = cls.make_object(cls.point_a)
        cls.obj_b = cls.make_object(cls.point_b)

    @classmethod
    def make_object(cls, point: ServicePoint):
        raise TypeError(f"{cls.__name__} must say how to make an object at a service point")

    def snapshot(self, obj) -> dict:
        obj = type(obj).objects.get(pk=obj.pk)
        return {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields if f.name != "updated_at"}

    def audit_rows(self, obj, action: str) -> int:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return AuditLog.objects.filter(content_type=ct, object_id=str(obj.pk), action=action).count()


class StandardAPITests(_GeneratedTests):
    """Subclasses set ``api_url`` (list/create URL, no trailing slash), ``model``, ``make_object``,
    ``create_payload(point)``, ``update_payload()`` and ``bad_payload()`` → (payload, field name)."""

    api_url: ClassVar[str]
    other_point_create_status: ClassVar[int] = 422
    detail_suffix: ClassVar[str] = ""

    __test__ = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__test__ = True

    def create_payload(self, point: ServicePoint) -> dict[str, Any]:
        raise TypeError(f"{type(self).__name__} must define this")

    def update_payload(self) -> dict[str, Any]:
        raise TypeError(f"{type(self).__name__} must define this")

    def bad_payload(self) -> tuple[dict[str, Any], str]:
        raise TypeError(f"{type(self).__name__} must define this")

    def detail_url(self, obj) -> str:
        return f"{self.api_url}/{obj.pk}{self.detail_suffix}"

    def call(self, method: str, url: str, user: User | None = None, data: dict | None = None):
        headers = bearer(user) if user is not None else {}
        body = json.dumps(data, default=str) if data is not None else None
        return getattr(self.client, method)(url, data=body, content_type="application/json", **headers)

    def _skip_unless(self, action: str) -> None:
        if action not in self.actions:
            self.skipTest(f"{self.model.__name__} has no {action} endpoint")

    # list
    def test_list_anonymous_is_401(self):
        self._skip_unless("list")
        self.assertEqual(self.call("get", self.api_url).status_code, 401)

    def test_list_without_permission_is_403(self):
        self._skip_unless("list")
        response = self.call("get", self.api_url, self.unpermitted)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "permission_denied")

    def test_list_shows_own_points_only(self):
        self._skip_unless("list")
        response = self.call("get", self.api_url, self.permitted)
        self.assertEqual(response.status_code, 200, response.content)
        ids = {item["id"] for item in response.json()["items"]}
        self.assertIn(self.obj_a.pk, ids)
        self.assertNotIn(self.obj_b.pk, ids)

    # detail
    def test_detail_anonymous_is_401(self):
        self._skip_unless("detail")
        self.assertEqual(self.call("get", self.detail_url(self.obj_a)).status_code, 401)

    def test_detail_without_permission_is_403(self):
        self._skip_unless("detail")
        self.assertEqual(self.call("get", self.detail_url(self.obj_a), self.unpermitted).status_code, 403)

    def test_detail_of_other_point_is_404(self):
        self._skip_unless("detail")
        self.assertEqual(self.call("get", self.detail_url(self.obj_b), self.permitted).status_code, 404)

    def test_detail_permitted(self):
        self._skip_unless("detail")
        response = self.call("get", self.detail_url(self.obj_a), self.permitted)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["id"], self.obj_a.pk)

    # create
    def test_create_anonymous_is_401_and_writes_nothing(self):
        self._skip_unless("create")
        before = self.model.objects.count()
        self.assertEqual(self.call("post", self.api_url, None, self.create_payload(self.point_a)).status_code, 401)
        self.assertEqual(self.model.objects.count(), before)

    def test_create_without_permission_is_403_and_writes_nothing(self):
        self._skip_unless("create")
        before = self.model.objects.count()
        response = self.call("post", self.api_url, self.unpermitted, self.create_payload(self.point_a))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.model.objects.count(), before)

    def test_create_at_other_point_is_refused_and_writes_nothing(self):
        self._skip_unless("create")
        before = self.model.objects.count()
        response = self.call("post", self.api_url, self.permitted, self.create_payload(self.point_b))
        self.assertEqual(response.status_code, self.other_point_create_status, response.content)
        self.assertEqual(self.model.objects.count(), before)

    def test_create_permitted(self):
        self._skip_unless("create")
        before = self.model.objects.count()
        response = self.call("post", self.api_url, self.permitted, self.create_payload(self.point_a))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(self.model.objects.count(), before + 1)
        created = self.model.objects.get(pk=response.json()["id"])
        self.assertEqual(self.audit_rows(created, "create"), 1)

    def test_create_bad_input_is_422_naming_the_field(self):
        self._skip_unless("create")
        before = self.model.objects.count()
        payload, field = self.bad_payload()
        response = self.call("post", self.api_url, self.permitted, payload)
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn(field, response.json()["fields"])
        self.assertEqual(self.model.objects.count(), before)

    # update
    def test_update_anonymous_is_401_and_changes_nothing(self):
        self._skip_unless("update")
        before = self.snapshot(self.obj_a)
        self.assertEqual(self.call("patch", self.detail_url(self.obj_a), None, self.update_payload()).status_code, 401)
        self.assertEqual(self.snapshot(self.obj_a), before)

    def test_update_without_permission_is_403_and_changes_nothing(self):
        self._skip_unless("update")
        before = self.snapshot(self.obj_a)
        response = self.call("patch", self.detail_url(self.obj_a), self.unpermitted, self.update_payload())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.snapshot(self.obj_a), before)

    def test_update_of_other_point_is_404_and_changes_nothing(self):
        self._skip_unless("update")
        before = self.snapshot(self.obj_b)
        response = self.call("patch", self.detail_url(self.obj_b), self.permitted, self.update_payload())
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.snapshot(self.obj_b), before)

    def test_update_permitted(self):
        self._skip_unless("update")
        before = self.snapshot(self.obj_a)
        response = self.call("patch", self.detail_url(self.obj_a), self.permitted, self.update_payload())
        self.assertEqual(response.status_code, 200, response.content)
        self.assertNotEqual(self.snapshot(self.obj_a), before)
        self.assertEqual(self.audit_rows(self.obj_a, "update"), 1)

    # delete
    def test_delete_anonymous_is_401_and_deletes_nothing(self):
        self._skip_unless("delete")
        self.assertEqual(self.call("delete", self.detail_url(self.obj_a)).status_code, 401)
        self.assertTrue(self.model.objects.filter(pk=self.obj_a.pk).exists())

    def test_delete_without_permission_is_403_and_deletes_nothing(self):
        self._skip_unless("delete")
        self.assertEqual(self.call("delete", self.detail_url(self.obj_a), self.unpermitted).status_code, 403)
        self.assertTrue(self.model.objects.filter(pk=self.obj_a.pk).exists())

    def test_delete_of_other_point_is_404_and_deletes_nothing(self):
        self._skip_unless("delete")
        self.assertEqual(self.call("delete", self.detail_url(self.obj_b), self.permitted).status_code, 404)
        self.assertTrue(self.model.objects.filter(pk=self.obj_b.pk).exists())

    def test_delete_permitted(self):
        self._skip_unless("delete")
        response = self.call("delete", self.detail_url(self.obj_a), self.permitted)
        self.assertEqual(response.status_code, 204, response.content)
        self.assertFalse(self.model.objects.filter(pk=self.obj_a.pk).exists())
        self.assertEqual(self.audit_rows(self.obj_a, "delete"), 1)


class StandardViewTests(_GeneratedTests):
    """Subclasses set ``list_url``, ``model``, ``make_object``, ``detail_url(obj)``, ``create_url``,
    ``edit_url(obj)``, ``delete_url(obj)`` (None where a view does not exist), ``form_data(point)``
    and ``edit_data(obj)``."""

    list_url: ClassVar[str]
    create_url: ClassVar[str | None] = None

    __test__ = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__test__ = True

    def detail_url(self, obj) -> str:
        return obj.get_absolute_url()

    def edit_url(self, obj) -> str | None:
        return None

    def delete_url(self, obj) -> str | None:
        return None

    def form_data(self, point: ServicePoint) -> dict:
        raise TypeError(f"{type(self).__name__} must define this")

    def edit_data(self, obj) -> dict:
        raise TypeError(f"{type(self).__name__} must define this")

    def _login(self, user):
        self.client.force_login(user)

    def test_list_anonymous_redirects_to_login(self):
        response = self.client.get(self.list_url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_list_without_permission_is_403(self):
        self._login(self.unpermitted)
        self.assertEqual(self.client.get(self.list_url).status_code, 403)

    def test_list_shows_own_points_only(self):
        self._login(self.permitted)
        response = self.client.get(self.list_url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.detail_url(self.obj_a))
        self.assertNotContains(response, self.detail_url(self.obj_b))

    def test_list_exports_to_excel(self):
        self._login(self.permitted)
        response = self.client.get(self.list_url, {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/vnd.openxmlformats"))

    def test_detail_anonymous_redirects_to_login(self):
        self.assertEqual(self.client.get(self.detail_url(self.obj_a)).status_code, 302)

    def test_detail_without_permission_is_403(self):
        self._login(self.unpermitted)
        self.assertEqual(self.client.get(self.detail_url(self.obj_a)).status_code, 403)

    def test_detail_of_other_point_is_404(self):
        self._login(self.permitted)
        self.assertEqual(self.client.get(self.detail_url(self.obj_b)).status_code, 404)

    def test_detail_permitted(self):
        self._login(self.permitted)
        self.assertEqual(self.client.get(self.detail_url(self.obj_a)).status_code, 200)

    def test_create_without_permission_is_403_and_writes_nothing(self):
        if not self.create_url:
            self.skipTest("no create view")
        self._login(self.unpermitted)
        before = self.model.objects.count()
        self.assertEqual(self.client.post(self.create_url, self.form_data(self.point_a)).status_code, 403)
        self.assertEqual(self.model.objects.count(), before)

    def test_create_permitted_redirects_to_the_new_object(self):
        if not self.create_url:
            self.skipTest("no create view")
        self._login(self.permitted)
        before = self.model.objects.count()
        response = self.client.post(self.create_url, self.form_data(self.point_a))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and
                         response.context.get("form") and response.context["form"].errors)
        self.assertEqual(self.model.objects.count(), before + 1)

    def test_edit_of_other_point_is_404_and_changes_nothing(self):
        url = self.edit_url(self.obj_b)
        if not url:
            self.skipTest("no edit view")
        self._login(self.permitted)
        before = self.snapshot(self.obj_b)
        self.assertEqual(self.client.post(url, self.edit_data(self.obj_b)).status_code, 404)
        self.assertEqual(self.snapshot(self.obj_b), before)

    def test_edit_without_permission_is_403_and_changes_nothing(self):
        url = self.edit_url(self.obj_a)
        if not url:
            self.skipTest("no edit view")
        self._login(self.unpermitted)
        before = self.snapshot(self.obj_a)
        self.assertEqual(self.client.post(url, self.edit_data(self.obj_a)).status_code, 403)
        self.assertEqual(self.snapshot(self.obj_a), before)

    def test_edit_permitted(self):
        url = self.edit_url(self.obj_a)
        if not url:
            self.skipTest("no edit view")
        self._login(self.permitted)
        before = self.snapshot(self.obj_a)
        response = self.client.post(url, self.edit_data(self.obj_a))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and
                         response.context.get("form") and response.context["form"].errors)
        self.assertNotEqual(self.snapshot(self.obj_a), before)

    def test_delete_of_other_point_is_404(self):
        url = self.delete_url(self.obj_b)
        if not url:
            self.skipTest("no delete view")
        self._login(self.permitted)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertTrue(self.model.objects.filter(pk=self.obj_b.pk).exists())

    def test_delete_permitted(self):
        url = self.delete_url(self.obj_a)
        if not url:
            self.skipTest("no delete view")
        self._login(self.permitted)
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertFalse(self.model.objects.filter(pk=self.obj_a.pk).exists())
