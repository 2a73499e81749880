"""Shared pieces of the API's request schemas.

A PATCH body changes only the fields it names. A field the model keeps non-null is typed without
``| None`` and defaults to ``OMITTED``: leaving it out changes nothing, while an explicit ``null``
is refused by the schema with a 422 naming the field, before any service runs (a ``str | None``
there once let ``null`` through to a NOT NULL column and a 500). Only fields the model allows to be
empty are typed ``X | None``, where ``null`` means "clear it"."""

from __future__ import annotations

from typing import Any

# Typed Any so that ``name: str = Field(OMITTED, ...)`` type-checks; pydantic does not validate defaults.
OMITTED: Any = None
