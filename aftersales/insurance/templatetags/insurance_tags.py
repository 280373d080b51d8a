"""``{% order_claim order as info %}``: what a work order's page shows about its insurance claim."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def order_claim(context, order):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"applies": False}
    return selectors.order_claim_summary(user=user, order=order)
