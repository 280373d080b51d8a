from ninja import Query, Router, Schema, Status

from aftersales.core.api import ERRORS, Page, offset_page, require
from aftersales.core.errors import PermissionDeniedError

from . import selectors, services
from .access import has_permission
from .models import ApiToken, Role
from .schemas import (
    MembershipIn,
    MembershipOut,
    MeOut,
    RoleOut,
    ServicePointIn,
    ServicePointOut,
    ServicePointPatch,
    TokenIn,
    TokenInfoOut,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from .tokens import api_token_login, api_token_revoke

auth_router = Router(tags=["auth"])
router = Router(tags=["organisation"])


@auth_router.post("/token", auth=None, response={201: TokenOut, **ERRORS},
                  summary="Exchange user name and password for a bearer token")
def token_create(request, data: TokenIn):
    token, raw = api_token_login(request=request, username=data.username, password=data.password, name=data.name)
    return Status(201, {"id": token.id, "token": raw, "expires_at": token.expires_at})


@auth_router.get("/tokens", response={200: list[TokenInfoOut], **ERRORS}, summary="My API tokens")
def token_list(request):
    return list(ApiToken.objects.filter(user=request.user)[:100])


@auth_router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke a token")
def token_revoke(request, token_id: int):
    api_token_revoke(actor=request.user, token_id=token_id)
    return Status(204, None)


@auth_router.get("/me", response={200: MeOut, **ERRORS}, summary="Who am I, with my roles and points")
def me(request):
    user = request.user
    memberships = [
        {"service_point_id": m.service_point_id, "service_point": m.service_point.name, "role": m.role.code}
        for m in user.memberships.select_related("service_point", "role")
    ]
    return {"id": user.id, "username": user.username, "display_name": str(user), "is_superuser": user.is_superuser,
            "memberships": memberships}


class PointFilters(Schema):
    q: str = ""
    kind: str = ""
    parent_id: int | None = None
    active: bool | None = None
    limit: int = 50
    cursor: str | None = None


@router.get("/service-points", response={200: Page[ServicePointOut], **ERRORS}, summary="List service points")
def service_point_list(request, filters: Query[PointFilters]):
    require(request.user, "accounts.view_servicepoint")
    qs = selectors.service_point_list(user=request.user, q=filters.q, kind=filters.kind,
                                      parent_id=filters.parent_id, active=filters.active)
    items, cursor = offset_page(qs, limit=max(1, min(filters.limit, 200)), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.get("/service-points/{pk}", response={200: ServicePointOut, **ERRORS}, summary="One service point")
def service_point_detail(request, pk: int):
    require(request.user, "accounts.view_servicepoint")
    return selectors.service_point_get(user=request.user, pk=pk)


@router.post("/service-points", response={201: ServicePointOut, **ERRORS}, summary="Create a service point")
def service_point_create(request, data: ServicePointIn):
    require(request.user, "accounts.add_servicepoint")
    payload = data.dict()
    parent_id = payload.pop("parent_id")
    return Status(201, services.service_point_create(user=request.user, parent_id=parent_id, **payload))


@router.patch("/service-points/{pk}", response={200: ServicePointOut, **ERRORS}, summary="Change a service point")
def service_point_update(request, pk: int, data: ServicePointPatch):
    require(request.user, "accounts.change_servicepoint")
    return services.service_point_update(user=request.user, pk=pk, **data.dict(exclude_unset=True))


@router.delete("/service-points/{pk}", response={204: None, **ERRORS}, summary="Delete an unused service point")
def service_point_delete(request, pk: int):
    require(request.user, "accounts.delete_servicepoint")
    services.service_point_delete(user=request.user, pk=pk)
    return Status(204, None)




class UserFilters(Schema):
    q: str = ""
    service_point_id: int | None = None
    role: str = ""
    limit: int = 50
    cursor: str | None = None


def _require_user_view(user) -> None:
    if not (has_permission(user, "accounts.view_user") or has_permission(user, "accounts.manage_users")):
        raise PermissionDeniedError()


@router.get("/users", response={200: Page[UserOut], **ERRORS}, summary="List users (administration)")
def user_list(request, filters: Query[UserFilters]):
    _require_user_view(request.user)
    qs = selectors.users_visible(user=request.user, q=filters.q, point_id=filters.service_point_id,
                                 role=filters.role)
    items, cursor = offset_page(qs, limit=max(1, min(filters.limit, 200)), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.get("/users/{pk}", response={200: UserOut, **ERRORS}, summary="One user with roles")
def user_detail(request, pk: int):
    _require_user_view(request.user)
    return selectors.user_get(user=request.user, pk=pk)


@router.post("/users", response={201: UserOut, **ERRORS}, summary="Create a user with roles at service points")
def user_create(request, data: UserIn):
    require(request.user, "accounts.manage_users")
    return Status(201, services.user_create(user=request.user, data=data.dict()))


@router.patch("/users/{pk}", response={200: UserOut, **ERRORS}, summary="Change a user (or reset the password)")
def user_update(request, pk: int, data: UserPatch):
    require(request.user, "accounts.manage_users")
    return services.user_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))


@router.post("/users/{pk}/memberships", response={201: MembershipOut, **ERRORS}, summary="Grant a role at a point")
def membership_add(request, pk: int, data: MembershipIn):
    require(request.user, "accounts.manage_users")
    membership = services.membership_add(user=request.user, pk=pk, service_point_id=data.service_point_id,
                                         role=data.role)
    return Status(201, membership)


@router.delete("/users/{pk}/memberships/{membership_id}", response={204: None, **ERRORS}, summary="Withdraw a role")
def membership_remove(request, pk: int, membership_id: int):
    require(request.user, "accounts.manage_users")
    services.membership_remove(user=request.user, pk=pk, membership_id=membership_id)
    return Status(204, None)


@router.get("/roles", response={200: list[RoleOut], **ERRORS}, summary="The roles and what they grant")
def role_list(request):
    _require_user_view(request.user)
    return list(Role.objects.prefetch_related("permissions__content_type"))
