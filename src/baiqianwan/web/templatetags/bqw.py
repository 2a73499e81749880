from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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
    return mark_safe(value)  # noqa: S308 - both parts escaped above  # nosec


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + params.urlencode()


@register.filter
def highlight_terms(text: Any, terms: Any) -> SafeString:
    """Escape ``text`` and mark every matched search term, also across 繁/简 and full width."""
    from baiqianwan.matching.engine import highlight_spans

    value = str(text or "")
    spans = highlight_spans(value, list(terms or []))
    parts: list[str] = []
    cursor = 0
    for start, end in spans:
        parts.append(str(escape(value[cursor:start])))
        parts.append(f"<mark>{escape(value[start:end])}</mark>")
        cursor = end
    parts.append(str(escape(value[cursor:])))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above  # nosec


@register.filter
def translated(value: Any) -> Any:
    """A label kept in Chinese by the code or the data it comes from (a service field, a result tier,
    a unit type), in the language in use; a list item by item. Text without a translation is
    shown as it is."""
    if isinstance(value, list | tuple):
        return [gettext(str(item)) if item else item for item in value]
    return gettext(str(value)) if value else value


@register.filter
def reasons(lines: Any) -> list[str]:
    """The lines that explain a match (from the engine, or stored with a connection), translated."""
    from baiqianwan.matching.reasons import reason_text

    return [reason_text(line) for line in lines or ()]


@register.filter
def page_numbers(page: Any) -> list[int | None]:
    """The first and last page and two on each side of the current one; None for a gap (…).

    Pages of a long list are never looped over one by one in the template."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [n if isinstance(n, int) else None for n in numbers]


@register.filter
def total_label(paginator: Any) -> str:
    """A list's total: "1000+" when the count stopped at its limit (core/pagination.py)."""
    return f"{paginator.count}+" if getattr(paginator, "capped", False) else str(paginator.count)


@register.filter
def yuan(value: Any) -> str:
    """A sum in 元 as a person reads it: 8,500.00 元, or 125.00 万元 from 10 万 up."""
    from baiqianwan.core.money import yuan_text

    return yuan_text(value)


@register.filter
def share(value: Any) -> str:
    """A ratio kept as a fraction (0.6250) as a person reads it: 62.5%; empty when there is none."""
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        return ""
    try:
        percent = (Decimal(str(value)) * 100).normalize()
    except InvalidOperation:
        return ""
    return f"{percent:f}%"


@register.filter
def figure(value: Any) -> str:
    """A measured value as the plan page shows it: whole numbers whole, one decimal from 10 up, two
    from 1 up, and up to four below 1 — so 80 万元 of credit reads 0.008 亿元, not 0.0."""
    if value in (None, ""):
        return ""
    number = float(value)
    if number == int(number):
        return str(int(number))
    places = 1 if abs(number) >= 10 else 2 if abs(number) >= 1 else 4
    return f"{number:.{places}f}".rstrip("0").rstrip(".")
