"""Optimistic concurrency: two officials change the same record at once, one wins, the other is told.

A record that people edit or approve carries a ``version`` that every change adds one to. A
page sends back the version it showed (a hidden field), an API client the version it read (the
``version`` field of the body, or ``If-Match: "3"``). The service locks the row, compares, and
refuses a stale change with ``ConflictError``: a form error on the page, a 409 in the API. A
caller that sends no version is not checked (the row lock still serialises the two changes).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

STALE_MESSAGE = gettext_lazy("该记录已被他人修改，请刷新后重试")

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


class ConflictError(ValidationError):
    """The record changed since the caller read it; nothing was changed (HTTP 409)."""

    def __init__(self, message: str | Promise = STALE_MESSAGE) -> None:
        super().__init__(str(message), code="conflict")  # in the language of the request refused


def version_check(*, current: int, expected: int | None, message: str | Promise = STALE_MESSAGE) -> None:
    """Refuse the change when the caller read another version than the one now stored."""
    if expected is not None and int(expected) != current:
        raise ConflictError(message)


def expected_version(request: Any, given: int | None = None) -> int | None:
    """The version an API client read: the body's ``version``, else the ``If-Match`` header."""
    if given is not None:
        return given
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    found = _ETAG.match(header.split(",")[0])
    if found is None:
        raise ValidationError({"If-Match": gettext('应为读取时的版本号，如 "3"')})
    return int(found[1])


def posted_version(request: Any, default: int) -> int:
    """The version a page showed (its hidden ``version`` field), or ``default`` when it sent none
    that reads as one."""
    text = str(request.POST.get("version") or "")
    return int(text) if text.isdigit() and len(text) <= 9 else default


def locked_for_user(
    model: Any, acting_user: Any, pk: Any, version: int | None, missing: str | Promise
) -> Any:
    """The user's record of a scoped model, locked for the change and checked against the version
    read; refused with ``missing`` when the user cannot see it (or the id is not one)."""
    from django.core.exceptions import PermissionDenied

    from .selectors import valid_id

    record = (
        model.objects.for_user(acting_user).select_for_update(of=("self",)).filter(pk=pk).first()
        if valid_id(pk)
        else None
    )
    if record is None:
        raise PermissionDenied(missing)
    version_check(current=record.version, expected=version)
    return record
