"""The default roles and the permissions they grant.

Patterns are ``app_label.codename`` with shell wildcards (``customers.*``, ``*.view_*``). The rows are
synced after every migration; an HQ manager may create further roles in the UI. Later apps
(workshop, warranty, …) add their permissions here.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.utils import translation
from django.utils.translation import gettext_lazy as _

VIEW_BASICS = ["accounts.view_servicepoint", "customers.view_customer", "assets.view_*"]
WORKSHOP_APPS = ["crm.*", "appointments.*", "parts.*", "warranty.*", "workshop.*", "insurance.*"]
# What everyone on the workshop floor may read: the orders, their lines and timeline, the catalogues.
WORKSHOP_VIEW = [
    "workshop.view_workorder", "workshop.view_workorderline", "workshop.view_workorderevent",
    "workshop.view_labouroperation", "workshop.view_jobassignment", "workshop.view_timeentry",
    "workshop.view_qcinspection", "workshop.view_qcchecklist", "parts.view_part", "parts.view_stock",
]

DEFAULT_ROLES: dict[str, dict] = {
    "hq_manager": {
        "name": _("HQ after-sales manager"),
        "scope": "all",
        "pii": True,
        "perms": ["accounts.*", "customers.*", "assets.*", "imports.*", "core.*", *WORKSHOP_APPS],
    },
    "point_manager": {
        "name": _("Service point manager"),
        "scope": "point",
        "pii": True,
        "perms": [
            "accounts.view_servicepoint", "accounts.change_servicepoint", "accounts.view_user", "accounts.manage_users",
            "customers.*", "assets.*", "imports.*", "core.view_auditlog", "core.view_accesslog", *WORKSHOP_APPS,
        ],
    },
    "service_advisor": {
        "name": _("Service advisor"),
        "scope": "point",
        "pii": True,
        "perms": [
            *VIEW_BASICS, "customers.add_customer", "customers.change_customer", "customers.view_classificationrule",
            "assets.add_*", "assets.change_*", "imports.view_importjob", "imports.add_importjob",
            "core.view_auditlog", *WORKSHOP_VIEW,
            "appointments.view_*", "appointments.add_appointment", "appointments.change_appointment",
            "appointments.confirm_appointment", "crm.view_notification",
            "workshop.add_workorder", "workshop.change_workorder", "workshop.*_workorderline",
            "workshop.*_workorderdamage", "workshop.*_workorderphoto", "workshop.view_approval",
            "workshop.add_approval", "workshop.record_approval_workorder", "workshop.dispatch_workorder",
            "workshop.finish_repair_workorder", "workshop.deliver_workorder", "workshop.cancel_workorder",
            "workshop.add_jobassignment", "workshop.delete_jobassignment", "workshop.view_payment",
            "workshop.view_discountrequest", "warranty.view_*", "insurance.view_*",
        ],
    },
    "hotline_agent": {
        "name": _("Hotline agent (information centre)"),
        "scope": "all",
        "pii": True,
        "perms": [*VIEW_BASICS, "customers.add_customer", "customers.change_customer", "assets.add_*",
                  "assets.change_*", "appointments.view_*", "appointments.add_appointment",
                  "appointments.change_appointment", "appointments.confirm_appointment", "crm.view_notification"],
    },
    "dispatcher": {
        "name": _("Dispatcher"),
        "scope": "all",
        "pii": False,
        "perms": [*VIEW_BASICS, "appointments.view_appointment"],
    },
    "technician": {
        "name": _("Technician"),
        "scope": "point",
        "pii": False,
        "perms": [*VIEW_BASICS, "assets.add_meterreading", *WORKSHOP_VIEW, "workshop.add_timeentry",
                  "workshop.finish_repair_workorder"],
    },
    "qc_inspector": {
        "name": _("Quality inspector"),
        "scope": "point",
        "pii": False,
        "perms": [*VIEW_BASICS, *WORKSHOP_VIEW, "workshop.inspect_workorder", "workshop.add_qcinspection"],
    },
    "parts_clerk": {
        "name": _("Parts clerk"),
        "scope": "point",
        "pii": False,
        "perms": ["accounts.view_servicepoint", "customers.view_customer", "parts.*", *WORKSHOP_VIEW],
    },
    "cashier": {
        "name": _("Cashier"),
        "scope": "point",
        "pii": True,
        "perms": [*VIEW_BASICS, *WORKSHOP_VIEW, "workshop.settle_workorder", "workshop.view_payment",
                  "workshop.add_payment", "workshop.view_discountrequest", "workshop.add_discountrequest"],
    },
    "claims_clerk": {
        "name": _("Claims clerk"),
        "scope": "point",
        "pii": True,
        "perms": [*VIEW_BASICS, "assets.change_coverage", "assets.add_coverage", *WORKSHOP_VIEW, "insurance.*",
                  "warranty.view_*"],
    },
}


def permissions_matching(patterns: list[str]):
    from django.contrib.auth.models import Permission

    everything = Permission.objects.select_related("content_type")
    return [
        p for p in everything
        if any(fnmatchcase(f"{p.content_type.app_label}.{p.codename}", pattern) for pattern in patterns)
    ]


def sync_default_roles(sender=None, **kwargs) -> None:
    """Create or update the system roles (their permission sets follow this file)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from .models import Role

    # Permissions of apps migrated after this one do not exist yet when our signal runs.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    with translation.override("en"):
        _sync(Role)


def _sync(Role) -> None:
    for code, spec in DEFAULT_ROLES.items():
        role, _created = Role.objects.update_or_create(
            code=code,
            defaults={"name": str(spec["name"]), "scope": spec["scope"], "sees_personal_data": spec["pii"],
                      "is_system": True},
        )
        role.permissions.set(permissions_matching(spec["perms"]))
