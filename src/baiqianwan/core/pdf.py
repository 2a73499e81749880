"""PDF documents: a Django template rendered by WeasyPrint, without touching the network.

The platform runs on a government intranet, so rendering must never reach out: the URL fetcher
serves this site's static files from disk and `data:` URIs, and refuses everything else. Fonts
come from the system (fontconfig); the stylesheet names Noto CJK first and falls back to other
Chinese and generic fonts, so a machine without them still produces a PDF.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF = "application/pdf"


def pdf_openapi(extra: dict[str, Any]) -> dict[str, Any]:
    """An API operation's OpenAPI extras (its scope) with a PDF body as the answer."""
    return {
        **extra,
        "responses": {
            200: {
                "description": "PDF 文件",
                "content": {PDF: {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    }


# The Chinese families the stylesheet (core/static/core/pdf.css) asks for, in its order.
CHINESE_FAMILIES = ("Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "Source Han Sans SC")
# Relative URLs in templates (`{% static %}` gives /static/...) resolve against this origin; the
# reserved .invalid name can never be looked up, and the fetcher answers it from disk.
BASE_URL = "http://pdf.invalid/"


class RemoteFetchRefusedError(ValueError):
    """A document asked for a resource that is not one of this site's static files."""


class PdfUnavailableError(RuntimeError):
    """The server has no fonts at all; Pango would crash the process rather than fail."""


@functools.cache
def installed_fonts() -> tuple[int, str]:
    """How many fonts fontconfig knows, and the first Chinese family of the stylesheet it has
    ("" when none: Chinese then prints as boxes, but the PDF is still made)."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    count = int(fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem).nfont)
    for family in CHINESE_FAMILIES if count else ():
        pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        match = fontconfig.FcFontMatch(config, pattern, ffi.new("FcResult *"))
        if match == ffi.NULL:
            continue
        match = ffi.gc(match, fontconfig.FcPatternDestroy)
        name = ffi.new("FcChar8 **")
        found = fontconfig.FcPatternGetString(match, b"family", 0, name) == fontconfig.FcResultMatch
        if found and ffi.string(name[0]).decode() == family:
            return count, family
    logger.warning(
        "未找到中文字体（%s），PDF 中的中文将显示为方框；请安装 fonts-noto-cjk", "、".join(CHINESE_FAMILIES)
    )
    return count, ""


def _static_path(url: str) -> str | None:
    """The file on disk behind a static URL of this site, or None when it is not one."""
    static_url = settings.STATIC_URL or "/static/"
    parts = urlsplit(url)
    if static_url.startswith(("http://", "https://")):
        prefix = static_url
        target = url.split("?", 1)[0].split("#", 1)[0]
    else:
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
            return None
        prefix = "/" + static_url.lstrip("/")
        target = parts.path
    if not target.startswith(prefix):
        return None
    name = unquote(target[len(prefix) :])
    if not name or ".." in name.split("/"):
        return None
    try:
        # Deploy: collected (and hashed) files in STATIC_ROOT; development: the app directories.
        if staticfiles_storage.exists(name):
            return str(staticfiles_storage.path(name))
    except NotImplementedError:  # remote storage backends have no local path
        pass
    found = finders.find(name)
    return str(found) if isinstance(found, str) else None


class OfflineURLFetcher(URLFetcher):
    """Serves static files from disk and `data:` URIs; refuses every other URL."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme in ("http", "https"):
            path = _static_path(url)
            if path is not None:
                with open(path, "rb") as handle:
                    return URLFetcherResponse(url, handle.read(), _content_type_for(path))
        raise RemoteFetchRefusedError(f"生成 PDF 时不访问外部地址：{url}")


def _content_type_for(path: str) -> dict[str, str]:
    kinds = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}
    suffix = path[path.rfind(".") :].lower()
    return {"Content-Type": kinds.get(suffix, "application/octet-stream")}


def html_to_pdf(html: str) -> bytes:
    if not installed_fonts()[0]:
        raise PdfUnavailableError("服务器没有安装任何字体，无法生成 PDF；请安装 fonts-noto-cjk")
    data = HTML(string=html, base_url=BASE_URL, url_fetcher=OfflineURLFetcher()).write_pdf()
    assert data is not None  # without a target, write_pdf returns the bytes
    return bytes(data)


def render_pdf(template_name: str, context: dict[str, Any], *, request: Any = None) -> bytes:
    """A PDF of a Django template; static files in it are read from disk, nothing from the network."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def content_disposition(filename: str, *, fallback: str = "", inline: bool = False) -> str:
    """A header value naming a Chinese file (RFC 6266 with RFC 5987 `filename*`), with an ASCII
    name for clients that do not read the encoded form."""
    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    plain = fallback or re.sub(r"[^A-Za-z0-9._-]+", "", filename)
    if not re.search(r"[A-Za-z0-9]", plain.removesuffix(suffix)):
        plain = f"document{suffix}"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(data: bytes, filename: str, *, fallback: str = "", inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback, inline=inline)
    return response
