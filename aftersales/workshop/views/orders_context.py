"""What the order page shows, gathered in a fixed number of queries whatever the number of lines."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission, scope_for

from ..choices import ApprovalStatus, DamageArea, DamageKind, LineKind, WorkOrderStatus
from ..forms.orders import DamageForm, DecisionForm, LineForm, NoteForm, PhotoForm, SubmitForm
from ..models import LabourOperation
from ..selectors import orders as selectors
from ..services.lines import SUPPLEMENT_STATUSES, line_is_editable

S = WorkOrderStatus
MAX_OPERATIONS = 300


def operations_for(order):
    """Active catalogue operations for the order's brand (and those for every brand)."""
    brand = order.asset.brand or ""
    return list(LabourOperation.objects.filter(is_active=True).filter(Q(brand="") | Q(brand__iexact=brand))
                .order_by("code")[:MAX_OPERATIONS])


# The vehicle outline (top view, front up, viewBox 0 0 200 390): rectangles (x, y, width, height, rx).
OUTLINE = {
    "front_bumper": [(40, 8, 120, 22, 10)], "lights": [(26, 26, 24, 12, 5), (150, 26, 24, 12, 5)],
    "bonnet": [(50, 30, 100, 78, 6)], "left_front_wing": [(22, 40, 28, 68, 6)],
    "right_front_wing": [(150, 40, 28, 68, 6)], "windscreen": [(50, 108, 100, 30, 4)],
    "left_front_door": [(22, 108, 28, 88, 4)], "right_front_door": [(150, 108, 28, 88, 4)],
    "roof": [(50, 138, 100, 122, 4)], "left_rear_door": [(22, 196, 28, 88, 4)],
    "right_rear_door": [(150, 196, 28, 88, 4)], "left_rear_wing": [(22, 284, 28, 76, 6)],
    "right_rear_wing": [(150, 284, 28, 76, 6)], "boot": [(50, 260, 100, 100, 6)],
    "rear_bumper": [(40, 360, 120, 22, 10)], "mirrors": [(4, 112, 18, 12, 3), (178, 112, 18, 12, 3)],
    "wheels": [(8, 50, 14, 44, 3), (178, 50, 14, 44, 3), (8, 292, 14, 44, 3), (178, 292, 14, 44, 3)],
}


def outline(marked=()) -> dict:
    """The outline's zones (with their labels and whether damage is marked there) and the areas
    that have no place on it (interior, other)."""
    labels = dict(DamageArea.choices)
    zones = [{"area": area, "label": labels[area], "marked": area in marked,
              "shapes": [{"x": x, "y": y, "w": w, "h": h, "rx": rx} for x, y, w, h, rx in shapes]}
             for area, shapes in OUTLINE.items()]
    extra = [{"area": area, "label": labels[area], "marked": area in marked}
             for area in DamageArea.values if area not in OUTLINE]
    return {"zones": zones, "extra": extra}


def event_label(kind: str) -> str:
    from .. import states

    own = {
        "approval_link_sent": _("Approval link sent"), "supplement_submitted": _("Supplement put to the customer"),
        "supplement_approved": _("Supplement approved"), "supplement_declined": _("Supplement declined"),
        "submit_estimate": _("Estimate put to the customer"), "approve": _("Estimate approved"),
        "revise": _("Back to reception"), "cancel": _("Cancelled"),
        # events other stages write on the order's timeline
        "insurance_claim": _("Insurance claim started"), "insurer_share": _("Insurer's share set"),
        "insurer_payment": _("Payment from the insurer"), "parts_reserved": _("Parts arrived and reserved"),
    }
    from ..templatetags.workshop_floor import EVENT_LABELS  # the floor's and the cashier's events

    own.update(EVENT_LABELS)
    if kind in own:
        return own[kind]
    step = next((t for t in states.TRANSITIONS.values() if t.name == kind), None)
    return str(step.label) if step else kind.replace("_", " ")


def may(user, permission: str, order) -> bool:
    return scope_for(user, permission).covers(order.service_point_id)


def lines_context(request, order, *, line_form=None, edit_line=None, edit_form=None) -> dict:
    user = request.user
    lines = list(order.lines.all())
    takes_lines = order.status == S.RECEPTION or order.status in SUPPLEMENT_STATUSES
    can_add = takes_lines and may(user, "workshop.add_workorderline", order)
    for line in lines:
        line.editable = line_is_editable(line, order)
    context = {
        "order": order, "lines": lines, "totals": selectors.totals_by_pay_type(order),
        "can_add_line": can_add, "can_change_line": may(user, "workshop.change_workorderline", order),
        "can_delete_line": may(user, "workshop.delete_workorderline", order),
        "adding_supplement": order.status in SUPPLEMENT_STATUSES, "edit_line": edit_line, "edit_form": edit_form,
        "unsent_supplements": [ln for ln in lines if ln.is_supplement and ln.status == "proposed"
                               and not (ln.approval_id and ln.approval.status == ApprovalStatus.PENDING)],
    }
    if can_add:
        context["line_form"] = line_form or LineForm(operations=operations_for(order),
                                                     initial={"kind": LineKind.LABOUR})
    return context


def steps_context(request, order, **forms) -> dict:
    steps = selectors.order_steps(request.user, order)
    return {"steps": steps, "step_names": {step["name"]: step for step in steps},
            "submit_form": forms.get("submit_form") or SubmitForm(), "cancel_form": forms.get("cancel_form")}


def detail_context(request, order, **forms) -> dict:
    user = request.user
    approvals = list(order.approvals.all())
    lines = list(order.lines.all())
    for approval in approvals:
        approval.line_list = [line for line in lines if line.approval_id == approval.pk]
    damages = list(order.damages.all())
    events = list(order.events.all())
    for event in events:
        event.label = event_label(event.kind)
    open_order = order.status not in (S.SETTLED, S.DELIVERED, S.CANCELLED)
    context = {
        **lines_context(request, order, line_form=forms.get("line_form")),
        **steps_context(request, order, **forms),
        "approvals": approvals, "damages": damages, "photos": list(order.photos.all()),
        "events": events, "customer_label": selectors.customer_label(user, order),
        "marked": {d.area for d in damages}, "damage_areas": DamageArea.choices, "damage_kinds": DamageKind.choices,
        "sees_customer": has_permission(user, "customers.view_customer"),
        "can_change": open_order and may(user, "workshop.change_workorder", order),
        "can_record": may(user, "workshop.record_approval_workorder", order),
        "can_cancel": may(user, "workshop.cancel_workorder", order),
        "can_damage": open_order and may(user, "workshop.add_workorderdamage", order),
        "can_delete_damage": open_order and may(user, "workshop.delete_workorderdamage", order),
        "can_photo": open_order and may(user, "workshop.add_workorderphoto", order),
        "can_delete_photo": open_order and may(user, "workshop.delete_workorderphoto", order),
        "damage_form": forms.get("damage_form") or DamageForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(damages=damages),
        "decision_form": forms.get("decision_form") or DecisionForm(initial={"approver_name": order.customer.name}),
        "decision_for": forms.get("decision_for"),
        "note_form": NoteForm(),
        "open_tab": forms.get("open_tab", ""),
    }
    return context
