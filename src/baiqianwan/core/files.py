"""Uploaded files are judged by their content, not their name: size and type checked before storing."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

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
