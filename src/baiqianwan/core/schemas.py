"""Shared pieces of the API's request schemas.

A PATCH body changes only the fields it names. A field the model keeps non-null is typed without
``| None`` and defaults to ``OMITTED``: leaving it out changes nothing, while an explicit ``null``
is refused by the schema with a 422 naming the field, before any service runs (a ``str | None``
there once let ``null`` through to a NOT NULL column and a 500). Only fields the model allows to be
empty are typed ``X | None``, where ``null`` means "clear it"."""

from __future__ import annotations

import datetime as dt
from typing import Any

# Typed Any so that ``name: str = Field(OMITTED, ...)`` type-checks; pydantic does not validate defaults.
OMITTED: Any = None


def filter_query(form_class: type[Any]) -> type[Any]:
    """The API's query schema for a list, derived from the list's ``FilterForm``.

    The form stays the one definition of the filters: the handler declares
    ``filters: Query[filter_query(XFilterForm)]`` so the parameters appear in the OpenAPI
    document, then passes them to ``XFilterForm.strict()``, which validates them exactly as the page does.
    """
    from ninja import Schema
    from pydantic import Field, create_model

    fields: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        fields[name] = (_query_type(field), Field(None, description=str(field.label or name)))
    return create_model(form_class.__name__.removesuffix("Form") + "Query", __base__=Schema, **fields)


def _query_type(field: Any) -> Any:
    """The OpenAPI type of a filter: lists, yes/no, whole numbers and dates as such, the rest text."""
    from django import forms

    from .forms import YesNoFilterField

    if isinstance(field, forms.MultipleChoiceField):
        return list[str] | None
    if isinstance(field, YesNoFilterField):
        return bool | None
    if isinstance(field, forms.IntegerField):
        return int | None
    if isinstance(field, forms.DateField):
        return dt.date | None
    return str | None


def filter_data(filters: Any) -> dict[str, Any]:
    """The query values a client sent, as form data (what it left out stays out)."""
    return {name: value for name, value in filters.dict().items() if value not in (None, "", [])}


def operation_ids_keep(router: Any, module: str) -> None:
    """Give a router's operations the ids they had while their handlers lived in ``module``.

    django-ninja derives an operation id from the handler's module, and clients generate code
    against the ids: handlers moved to another module keep the ids they were published with.
    """
    for view in router.path_operations.values():
        for operation in view.operations:
            if operation.operation_id is None:
                operation.operation_id = f"{module}_{operation.view_func.__name__}".replace(".", "_")
