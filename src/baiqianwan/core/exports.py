"""Excel downloads: one response shape for every export and template."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation

from .audit import audit_event_record
from .models import AuditEvent
from .spreadsheets import SheetSchema, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}-{stamp}.xlsx"
    return response


EXPORT_LIMIT = 100_000


def spreadsheet_export(
    request: Any, *, schema: SheetSchema, rows: Iterable[Sequence[Any]], name: str, count: int, note: str = ""
) -> HttpResponse:
    """An audited .xlsx download of a list. The file is always in Chinese, the language of the
    import templates, so an export re-imports whatever language the user reads the pages in."""
    with translation.override(settings.LANGUAGE_CODE):
        data = write_workbook(schema, rows)
    detail = f"导出{name} {count} 条" + (f"（{note}）" if note else "")
    audit_event_record(kind=AuditEvent.Kind.EXPORT, request=request, detail=detail)
    return xlsx_response(data, name)
