from django import template

from ..quantities import qty as _qty

register = template.Library()


@register.filter
def qty(value) -> str:
    """``{{ row.on_hand|qty }}`` → 10, 12.5"""
    try:
        return _qty(value)
    except (ArithmeticError, ValueError, TypeError):
        return str(value)
