from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def add_class(field: BoundField, css: str) -> Any:
    existing = field.field.widget.attrs.get("class", "")
    classes = f"{existing} {css}".strip()
    if field.errors:
        classes += " is-invalid"
    return field.as_widget(attrs={"class": classes})


@register.filter
def highlight(text: Any, query: str) -> SafeString:
    """Escape ``text`` and mark the query inside it."""
    value = str(escape(str(text or "")))
    needle = str(escape(query or "")).strip()
    if needle and needle in value:
        value = value.replace(needle, f"<mark>{needle}</mark>")
    return mark_safe(value)  # noqa: S308  (both parts escaped above)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + params.urlencode()
