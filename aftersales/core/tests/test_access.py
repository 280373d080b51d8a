import pytest
from django.test import override_settings

from aftersales.accounts.access import forget, scope_for, sees_personal_data
from aftersales.accounts.models import ServicePoint
from aftersales.core.testing import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def test_point_role_covers_its_point_and_those_below(org):
    user = make_user("regional", point=org["east"], perms=["accounts.view_servicepoint"])
    scope = scope_for(user, "accounts.view_servicepoint")
    assert not scope.everything
    assert scope.point_ids == {org["east"].pk, org["a"].pk, org["b"].pk}


def test_all_points_role_sees_everything(org):
    user = make_user("agent", point=org["a"], role="hotline_agent")
    assert scope_for(user, "customers.view_customer").everything


def test_permission_not_granted_gives_nothing(org):
    user = make_user("tech", point=org["a"], role="technician")
    assert not scope_for(user, "accounts.add_servicepoint").allowed
    assert ServicePoint.objects.restrict(user, "add").count() == 0


def test_several_memberships_add_up(org):
    user = make_user("two", point=org["a"], perms=["accounts.view_servicepoint"])
    user2_role = user.memberships.get().role
    user.memberships.create(service_point=org["c"], role=user2_role)
    scope = scope_for(user, "accounts.view_servicepoint")
    assert scope.point_ids == {org["a"].pk, org["c"].pk}


@override_settings(ACCESS_CACHE_SECONDS=300)
def test_inactive_points_and_users_grant_nothing(org):
    user = make_user("gone", point=org["a"], perms=["accounts.view_servicepoint"])
    scope_for(user, "accounts.view_servicepoint")  # the grants are now cached between requests
    org["a"].is_active = False
    org["a"].save()  # a change of the tree moves the cache version on
    forget(user)  # a new request
    assert not scope_for(user, "accounts.view_servicepoint").allowed
    user.is_active = False
    assert ServicePoint.objects.restrict(user, "view").count() == 0


def test_anonymous_gets_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    assert ServicePoint.objects.restrict(AnonymousUser(), "view").count() == 0


def test_personal_data_follows_the_role_and_the_point(org):
    advisor = make_user("adv", point=org["a"], role="service_advisor")
    tech = make_user("tech", point=org["a"], role="technician")
    assert sees_personal_data(advisor, org["a"].pk)
    assert not sees_personal_data(advisor, org["c"].pk)
    assert not sees_personal_data(tech, org["a"].pk)


@override_settings(ACCESS_CACHE_SECONDS=300)
def test_grants_are_kept_between_requests_until_something_changes(org, django_assert_num_queries):
    user = make_user("cached", point=org["a"], perms=["accounts.view_servicepoint"])
    scope_for(user, "accounts.view_servicepoint")
    forget(user)  # the next request
    with django_assert_num_queries(0):
        assert scope_for(user, "accounts.view_servicepoint").point_ids == {org["a"].pk}
    user.memberships.create(service_point=org["c"], role=user.memberships.get().role)
    forget(user)
    assert scope_for(user, "accounts.view_servicepoint").point_ids == {org["a"].pk, org["c"].pk}
    role = user.memberships.first().role
    role.permissions.clear()
    forget(user)
    assert not scope_for(user, "accounts.view_servicepoint").allowed
