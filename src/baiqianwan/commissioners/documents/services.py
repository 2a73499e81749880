"""The dispatch documents as files: a letter or agreement as PDF, a round's documents in a zip."""

from __future__ import annotations

import io
import zipfile
from typing import Any, Literal

from baiqianwan.core.pdf import render_pdf

from ..rounds.models import Assignment, DispatchRound
from .selectors import (
    _stem,
    agreement_context,
    agreement_filename,
    letter_context,
    letter_filename,
    round_document_assignments,
)


def letter_pdf(assignment: Assignment) -> bytes:
    return render_pdf("commissioners/pdf/letter.html", letter_context(assignment))


def agreement_pdf(assignment: Assignment) -> bytes:
    return render_pdf("commissioners/pdf/agreement.html", agreement_context(assignment))


def document_file(assignment: Assignment, kind: Literal["letter", "agreement"]) -> tuple[bytes, str, str]:
    """One document of a posting: the PDF, its file name, and a plain name for clients without UTF-8."""
    if kind == "letter":
        return letter_pdf(assignment), letter_filename(assignment), f"letter-{assignment.pk}.pdf"
    return agreement_pdf(assignment), agreement_filename(assignment), f"agreement-{assignment.pk}.pdf"


def round_documents_zip(*, user: Any, dispatch_round: DispatchRound) -> tuple[bytes, int]:
    """Every letter and agreement of a round in one archive, a folder per kind; and how many postings."""
    buffer = io.BytesIO()
    count = 0
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for assignment in round_document_assignments(user=user, dispatch_round=dispatch_round):
            stem = _stem(assignment)
            if stem in used:  # two people of one name in one town
                stem = f"{stem}-{assignment.pk}"
            used.add(stem)
            archive.writestr(f"推荐函/推荐函-{stem}.pdf", letter_pdf(assignment))
            archive.writestr(f"派驻服务协议/派驻服务协议-{stem}.pdf", agreement_pdf(assignment))
            count += 1
    return buffer.getvalue(), count
