"""Writes of the organisation tree and users."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, validation_error
from aftersales.core.validation import clean_text_fields, full_clean_or_raise

from .access import forget, scope_for
from .choices import PointKind
from .models import Membership, Role, ServicePoint, User
from .selectors import MANAGE_USERS, user_get

POINT_FIELDS = (
    "code", "name", "kind", "province", "city", "address", "latitude", "longitude", "phone", "brands", "skills",
    "opening_hours", "bays", "technician_count", "labour_rate", "is_active",
)


def _path_for(point: ServicePoint) -> str:
    return f"{point.parent.path if point.parent else '/'}{point.pk}/"


def _check_parent(*, user: User, parent: ServicePoint | None, kind: str) -> None:
    if parent is None:
        if kind != PointKind.COMPANY:
            raise validation_error(_("Only a company stands at the top of the tree."),
                                   {"parent_id": [_("Choose the point above this one.")]})
        if not scope_for(user, "accounts.add_servicepoint").everything:
            raise PermissionDeniedError()
    elif not scope_for(user, "accounts.add_servicepoint").covers(parent.pk):
        # A point the user cannot see is answered like one that does not exist.
        raise validation_error(_("The parent does not exist."), {"parent_id": [_("Unknown service point.")]})


def service_point_create(*, user: User, parent_id: int | None, **data) -> ServicePoint:
    data = clean_text_fields(data)
    with transaction.atomic():
        parent = ServicePoint.objects.filter(pk=parent_id).first() if parent_id else None
        if parent_id and parent is None:
            raise validation_error(_("The parent does not exist."), {"parent_id": [_("Unknown service point.")]})
        _check_parent(user=user, parent=parent, kind=data.get("kind", ""))
        if ServicePoint.objects.filter(code=data["code"]).exists():
            raise validation_error(_("This code is taken."), {"code": [_("Another service point has this code.")]})
        point = ServicePoint(parent=parent, **{k: v for k, v in data.items() if k in POINT_FIELDS})
        full_clean_or_raise(point, exclude=["path", "parent"])
        point.save()
        point.path = _path_for(point)
        point.save(update_fields=["path"])
        record_change(actor=user, instance=point, action="create", before=None, after=snapshot(point))
    return point


def service_point_update(*, user: User, pk: int, **data) -> ServicePoint:
    data = clean_text_fields(data)
    with transaction.atomic():
        point = ServicePoint.objects.restrict(user, "change").select_for_update().filter(pk=pk).first()
        if point is None:
            raise NotFoundError()
        before = snapshot(point)
        if "code" in data and ServicePoint.objects.filter(code=data["code"]).exclude(pk=pk).exists():
            raise validation_error(_("This code is taken."), {"code": [_("Another service point has this code.")]})
        for key, value in data.items():
            if key in POINT_FIELDS:
                setattr(point, key, value)
        full_clean_or_raise(point, exclude=["path", "parent"])
        point.save()
        record_change(actor=user, instance=point, action="update", before=before, after=snapshot(point))
    return point


def service_point_delete(*, user: User, pk: int) -> None:
    with transaction.atomic():
        point = ServicePoint.objects.restrict(user, "delete").select_for_update().filter(pk=pk).first()
        if point is None:
            raise NotFoundError()
        if point.children.exists() or point.memberships.exists():
            raise validation_error(
                _("This service point still has points below it or staff; deactivate it instead."),
                {"__all__": [_("Service point in use.")]},
            )
        before = snapshot(point)
        record_change(actor=user, instance=point, action="delete", before=before, after=None)
        from django.db.models import ProtectedError

        try:
            point.delete()
        except ProtectedError as exc:
            raise validation_error(_("Records still belong to this service point; deactivate it instead."),
                                   {"__all__": [_("Service point in use.")]}) from exc


USER_FIELDS = ("display_name", "first_name", "last_name", "email", "phone", "language", "is_active",
               "discount_limit_percent")


def _check_password(password: str, target: User | None) -> None:
    try:
        validate_password(password, target)
    except ValidationError as exc:
        raise validation_error(_("The password is too weak."), {"password": list(exc.messages)}) from exc


def user_create(*, user: User, data: dict) -> User:
    data = clean_text_fields(data)
    memberships = data.pop("memberships", [])
    password = data.pop("password", "")
    username = data.pop("username", "")
    if not username:
        raise validation_error(_("Some fields are not valid."), {"username": [_("This field is required.")]})
    if not memberships:
        raise validation_error(_("Give the user a role at a service point."),
                               {"memberships": [_("At least one role is required.")]})
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise validation_error(_("This user name is taken."), {"username": [_("This user name is taken.")]})
        target = User(username=username, **{k: v for k, v in data.items() if k in USER_FIELDS})
        _check_password(password, target)
        target.set_password(password)
        target.save()
        for spec in memberships:
            _membership_add(actor=user, target=target, point_id=spec.get("service_point_id"),
                            role_code=spec.get("role", ""))
        record_change(actor=user, instance=target, action="create", before=None,
                      after=snapshot(target, extra={"memberships": memberships}))
    return target


def user_update(*, user: User, pk: int, data: dict) -> User:
    data = clean_text_fields(data)
    with transaction.atomic():
        target = user_get(user=user, pk=pk, manage=True)
        target = User.objects.select_for_update().get(pk=target.pk)
        if target.pk == user.pk and data.get("is_active") is False:
            raise validation_error(_("You cannot deactivate yourself."), {"is_active": [_("Not for yourself.")]})
        before = snapshot(target)
        password = data.pop("password", None)
        for key, value in data.items():
            if key in USER_FIELDS and value is not None:
                setattr(target, key, value)
        if password:
            _check_password(password, target)
            target.set_password(password)
        target.save()
        record_change(actor=user, instance=target, action="update", before=before, after=snapshot(target),
                      note=_("password changed") if password else "")
    return target


def _membership_add(*, actor: User, target: User, point_id, role_code: str) -> Membership:
    point = ServicePoint.objects.filter(pk=point_id).first() if point_id else None
    if point is None or not scope_for(actor, MANAGE_USERS).covers(point.pk):
        raise validation_error(_("Unknown service point."), {"service_point_id": [_("Unknown service point.")]})
    role = Role.objects.filter(code=role_code).first()
    if role is None:
        raise validation_error(_("Unknown role."), {"role": [_("Unknown role.")]})
    if role.scope == "all" and not scope_for(actor, MANAGE_USERS).everything:
        raise validation_error(_("Only HQ may grant a role that covers all service points."),
                               {"role": [_("Only HQ may grant this role.")]})
    membership, _created = Membership.objects.get_or_create(user=target, service_point=point, role=role)
    forget(target)
    return membership


def membership_add(*, user: User, pk: int, service_point_id: int, role: str) -> Membership:
    with transaction.atomic():
        target = user_get(user=user, pk=pk, manage=True)
        membership = _membership_add(actor=user, target=target, point_id=service_point_id, role_code=role)
        record_change(actor=user, instance=target, action="update", before=None,
                      after={"membership_added": f"{role}@{service_point_id}"})
    return membership


def membership_remove(*, user: User, pk: int, membership_id: int) -> None:
    with transaction.atomic():
        target = user_get(user=user, pk=pk, manage=True)
        membership = target.memberships.filter(pk=membership_id).select_related("role").first()
        if membership is None or not scope_for(user, MANAGE_USERS).covers(membership.service_point_id):
            raise NotFoundError()
        if target.memberships.count() == 1 and target.is_active:
            raise ApplicationError("last_role", _("An active user keeps at least one role; deactivate instead."),
                                   {"membership_id": [_("This is the user's last role.")]}, status=422)
        record_change(actor=user, instance=target, action="update",
                      before={"membership": f"{membership.role.code}@{membership.service_point_id}"}, after=None)
        membership.delete()
        forget(target)
