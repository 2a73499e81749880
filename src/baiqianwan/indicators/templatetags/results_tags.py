"""Small formatting helpers of the results pages: numbers, changes, and inline SVG sparklines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def num(value: Any, digits: int = 2) -> str:
    """A value as people read it: thousands separators, no needless decimals, "—" when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    number = float(value)
    if not math.isfinite(number):
        return "—"
    if abs(number) >= 1000 or number == int(number):
        return f"{number:,.0f}" if abs(number) >= 100 or number == int(number) else f"{number:,.{digits}f}"
    return f"{number:,.{digits}f}".rstrip("0").rstrip(".")


@register.filter
def signed(value: Any, digits: int = 1) -> str:
    if value is None:
        return ""
    number = float(value)
    if round(number, digits) == 0:
        return "±0"
    return f"{number:+.{digits}f}"


@register.filter
def absolute(value: Any) -> Any:
    return abs(value) if isinstance(value, int | float) else value


@register.simple_tag
def sparkline(
    periods: Sequence[str],
    series: Sequence[float | None],
    targets: Any = None,
    width: int = 132,
    height: int = 30,
) -> SafeString:
    """An SVG line of the values by year; projections to later years (2027) as a dashed tail.

    Only numbers go into the markup, so it is safe to mark as such.
    """
    points = [(_year(p), float(v)) for p, v in zip(periods, series, strict=False) if v is not None]
    empty = f'<svg width="{width}" height="{height}" aria-hidden="true"></svg>'
    if len(points) < 2:
        return mark_safe(empty)  # noqa: S308 - no data in it  # nosec
    last_x, last_y = points[-1]
    future = sorted(
        (float(t["year"]), float(t["projected"]))
        for t in (targets or [])
        if isinstance(t, dict) and t.get("projected") is not None and t["year"] > last_x
    )
    xs = [x for x, _ in points + future]
    ys = [y for _, y in points + future]
    x0, span_x = min(xs), (max(xs) - min(xs)) or 1.0
    y0, span_y = min(ys), (max(ys) - min(ys)) or 1.0
    pad = 3

    def at(x: float, y: float) -> str:
        px = pad + (x - x0) / span_x * (width - 2 * pad)
        py = height - pad - (y - y0) / span_y * (height - 2 * pad)
        return f"{px:.1f},{py:.1f}"

    cx, cy = at(last_x, last_y).split(",")
    line = " ".join(at(x, y) for x, y in points)
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">',
        f'<polyline points="{line}" fill="none" stroke="#206bc4" stroke-width="1.6"/>',
    ]
    if future:
        tail = " ".join(at(x, y) for x, y in [(last_x, last_y), *future])
        dashes = 'stroke="#f59f00" stroke-width="1.5" stroke-dasharray="3,2"'
        parts.append(f'<polyline points="{tail}" fill="none" {dashes}/>')
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.2" fill="#206bc4"/></svg>')
    return mark_safe("".join(parts))  # noqa: S308 - numbers only  # nosec


def _year(period: str) -> float:
    return float(str(period)[:4])
