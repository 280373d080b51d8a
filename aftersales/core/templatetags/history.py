"""``{{ entry|changes }}``: an audit row's changed fields with labels and readable values."""

from django import template

from aftersales.core.history import describe_changes

register = template.Library()


@register.filter
def changes(entry) -> list[dict]:
    model = entry.content_type.model_class() if entry.content_type_id else None
    return describe_changes(entry, model) if model is not None else []
