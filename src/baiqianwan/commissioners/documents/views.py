"""Downloads of the dispatch documents: one letter or agreement, or a round's documents in a zip."""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.pdf import content_disposition, pdf_response
from baiqianwan.core.selectors import found_or_404

from ..rounds import selectors as round_selectors
from . import rules, selectors, services


def _document(request: HttpRequest, assignment_id: int, kind: Literal["letter", "agreement"]) -> HttpResponse:
    assignment = found_or_404(selectors.document_assignment_get(user=request.user, pk=assignment_id))
    data, filename, fallback = services.document_file(assignment, kind)
    return pdf_response(data, filename, fallback=fallback, inline=True)  # opens in the browser


@login_required
@require_GET
def letter(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _document(request, assignment_id, "letter")


@login_required
@require_GET
def agreement(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _document(request, assignment_id, "agreement")


@login_required
@require_GET
def documents_zip(request: HttpRequest, round_id: int) -> HttpResponse:
    dispatch_round = found_or_404(round_selectors.round_get(user=request.user, pk=round_id))
    if not rules.can_download_round(request.user):
        raise PermissionDenied(gettext("只有省级用户可以批量下载派驻文书"))
    data, count = services.round_documents_zip(user=request.user, dispatch_round=dispatch_round)
    if not count:
        raise Http404(gettext("该批次没有已发布的派驻安排"))
    audit_event_record(
        kind=AuditEvent.Kind.EXPORT,
        request=request,
        detail=f"下载{dispatch_round.name}推荐函和派驻服务协议 {count} 份",
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        gettext("{name}-派驻文书.zip").format(name=dispatch_round.name),
        fallback=f"round-{dispatch_round.pk}-documents.zip",
    )
    return response
