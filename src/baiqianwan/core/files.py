"""Uploaded files are judged by their content, not their name: size and type checked before storing."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# kind: (leading bytes, content type, what a user calls it)
FILE_KINDS = {
    "jpeg": (b"\xff\xd8\xff", "image/jpeg", _("JPG 图片")),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png", _("PNG 图片")),
    "pdf": (b"%PDF-", "application/pdf", _("PDF 文件")),
    "xlsx": (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _("Excel（.xlsx）文件"),
    ),
}


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def file_kind(data: bytes, allowed: Iterable[str]) -> str | None:
    """The allowed kind the bytes really are, or None."""
    for kind in allowed:
        signature = FILE_KINDS[kind][0]
        if data.startswith(signature) and (kind != "xlsx" or _is_xlsx(data)):
            return kind
    return None


def check_upload(
    *, name: str, data: bytes, allowed: Iterable[str], max_bytes: int, field: str = "file"
) -> str:
    """The content type of an acceptable upload; otherwise a Chinese error naming the file."""
    kinds = list(allowed)
    if not data:
        raise ValidationError({field: gettext("“{name}”是空文件").format(name=name)})
    if len(data) > max_bytes:
        raise ValidationError(
            {field: gettext("“{name}”超过 {value} MB").format(name=name, value=max_bytes // (1024 * 1024))}
        )
    kind = file_kind(data, kinds)
    if kind is None:
        wanted = gettext("、").join(str(FILE_KINDS[k][2]) for k in kinds)
        raise ValidationError(
            {
                field: gettext("“{name}”不是{wanted}（按文件内容判断，不看扩展名）").format(
                    name=name, wanted=wanted
                )
            }
        )
    return FILE_KINDS[kind][1]


def private_file_response(
    stored: Any, *, name: str, allowed: Iterable[str], inline_kinds: Iterable[str] = ("jpeg", "png")
) -> Any:
    """A stored upload for someone the caller has already checked may see it (files never sit under
    a public URL). The type is judged again by the bytes on disk, never by the stored name; the
    headers keep a browser from running or sniffing anything in it."""
    from django.http import FileResponse
    from django.utils.http import content_disposition_header

    handle = stored.open("rb")
    head = handle.read(16)
    handle.seek(0)
    kind = next((k for k in allowed if head.startswith(FILE_KINDS[k][0])), None)
    inline = kind in tuple(inline_kinds)
    response = FileResponse(handle, content_type=FILE_KINDS[kind][1] if kind else "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(not inline, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
