"""The vehicle outline (top view) where damage is marked: the same few dozen shapes on every order page,
so each rendering is kept per language, marked areas and mode instead of going through the template
engine again (it was a few milliseconds of every order page)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def vehicle_outline(marked=(), interactive=False, outline_id="vehicle-outline") -> SafeString:
    """``marked``: the damage areas to highlight; ``interactive``: zones are buttons that mark damage."""
    return _rendered(get_language(), frozenset(marked or ()), bool(interactive), outline_id)


@lru_cache(maxsize=512)
def _rendered(language: str, marked: frozenset[str], interactive: bool, outline_id: str) -> SafeString:
    from ..views.orders_context import outline

    html = render_to_string("workshop/orders/_outline.html",
                            {"outline": outline(marked), "interactive": interactive, "outline_id": outline_id})
    return mark_safe(html)  # noqa: S308 - rendered by our own template, every value escaped there
