"""The navigation: menus of the entries the user may open (an entry whose app is not wired is left out)."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (menu label, icon, [(label, url name, icon, permission), …]); a menu with one visible entry shows as a link.
NAVIGATION = [
    (_("Workshop"), "wrench-adjustable", [
        (_("Day board"), "workshop:board", "kanban", "workshop.view_workorder"),
        (_("Appointments"), "appointments:list", "calendar-event", "appointments.view_appointment"),
        (_("Work orders"), "workshop:order_list", "clipboard-check", "workshop.view_workorder"),
        (_("My jobs"), "workshop:my_jobs", "stopwatch", "workshop.add_timeentry"),
        (_("Quality check"), "workshop:qc_queue", "patch-check", "workshop.inspect_workorder"),
        (_("Cashier"), "workshop:cashier", "cash-coin", "workshop.settle_workorder"),
        (_("Discount requests"), "workshop:discount_requests", "percent", "workshop.approve_discount_workorder"),
        (_("Technician hours"), "workshop:hours_report", "speedometer2", "workshop.change_timeentry"),
        (_("Insurance claims"), "insurance:list", "shield-check", "insurance.view_insuranceclaim"),
    ]),
    (_("Parts"), "box2", [
        (_("Parts catalogue"), "parts:part_list", "box2", "parts.view_part"),
        (_("Stock"), "parts:stock_list", "boxes", "parts.view_stock"),
    ]),
    (_("Customers"), "people", [
        (_("Customers"), "customers:list", "people", "customers.view_customer"),
        (_("Vehicles"), "assets:vehicle_list", "car-front", "assets.view_asset"),
        (_("Products"), "assets:product_list", "box-seam", "assets.view_asset"),
        (_("Notifications"), "crm:notification_list", "chat-dots", "crm.view_notification"),
        (_("Imports"), "imports:list", "upload", "imports.view_importjob"),
    ]),
    (_("Settings"), "gear", [
        (_("Service points"), "accounts:point_list", "diagram-3", "accounts.view_servicepoint"),
        (_("Users"), "accounts:user_list", "person-badge", "accounts.view_user"),
        (_("Classification rules"), "customers:rule_list", "sliders", "customers.view_classificationrule"),
        (_("Appointment capacity"), "appointments:capacity", "calendar-range", "appointments.change_appointment"),
        (_("Labour operations"), "workshop:operation_list", "list-task", "workshop.change_labouroperation"),
        (_("Quality checklists"), "workshop:checklist_list", "list-check", "workshop.change_qcchecklist"),
        (_("Warranty exclusions"), "warranty:exclusion_list", "shield-x", "warranty.view_warrantyexclusion"),
    ]),
]


def _entries(request, user, entries):
    from aftersales.accounts.access import has_permission

    items = []
    for label, url_name, icon, perm in entries:
        if not has_permission(user, perm):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # noqa: S112 - an app not wired yet simply has no entry
            continue
        items.append({"label": label, "url": url, "icon": icon, "active": request.path.startswith(url)})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menus": []}
    menus = []
    for label, icon, entries in NAVIGATION:
        items = _entries(request, user, entries)
        if items:
            menus.append({"label": label, "icon": icon, "items": items,
                          "active": any(item["active"] for item in items)})
    return {"nav_menus": menus}
