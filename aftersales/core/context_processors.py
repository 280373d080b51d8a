"""The navigation: only entries the user may open are shown."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    # (label, url name, icon, permission)
    (_("Customers"), "customers:list", "people", "customers.view_customer"),
    (_("Vehicles"), "assets:vehicle_list", "car-front", "assets.view_asset"),
    (_("Products"), "assets:product_list", "box-seam", "assets.view_asset"),
    (_("Imports"), "imports:list", "upload", "imports.view_importjob"),
    (_("Service points"), "accounts:point_list", "diagram-3", "accounts.view_servicepoint"),
    (_("Users"), "accounts:user_list", "person-badge", "accounts.view_user"),
    (_("Classification rules"), "customers:rule_list", "sliders", "customers.view_classificationrule"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from aftersales.accounts.access import has_permission

    items = []
    for label, url_name, icon, perm in NAVIGATION:
        if not has_permission(user, perm):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # noqa: S112 - an app not wired yet simply has no entry
            continue
        items.append({"label": label, "url": url, "icon": icon, "active": request.path.startswith(url)})
    return {"nav_items": items}
