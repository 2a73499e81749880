"""The dispatch documents over the API: the same PDFs as the pages, for other systems to file."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from baiqianwan.core.pdf import pdf_openapi, pdf_response
from baiqianwan.core.schemas import operation_ids_keep
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from ..rounds.models import Assignment
from . import selectors, services

router = Router(tags=["科技特派员"])


PDF_RESPONSE = pdf_openapi(api_scope(Assignment))


def _document(request: HttpRequest, assignment_id: int, kind: Literal["letter", "agreement"]) -> HttpResponse:
    assignment = found_or_404(selectors.document_assignment_get(user=request.user, pk=assignment_id))
    data, filename, fallback = services.document_file(assignment, kind)
    return pdf_response(data, filename, fallback=fallback)


@router.get(
    "/assignments/{assignment_id}/letter.pdf",
    openapi_extra=PDF_RESPONSE,
    summary="推荐函（PDF）",
    description="已发布派驻安排的推荐函；无权查看或未发布时返回 404。",
)
def letter(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _document(request, assignment_id, "letter")


@router.get(
    "/assignments/{assignment_id}/agreement.pdf",
    openapi_extra=PDF_RESPONSE,
    summary="派驻服务协议（PDF）",
    description="已发布派驻安排的三方派驻服务协议；无权查看或未发布时返回 404。",
)
def agreement(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _document(request, assignment_id, "agreement")


operation_ids_keep(router, "baiqianwan.commissioners.document_api")
