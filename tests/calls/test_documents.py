"""The decision notice and each approved unit's letter, as PDFs on the pages and over the API."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.test import Client
from pypdf import PdfReader

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls.models import Call
from baiqianwan.orgs.models import Organisation

from ..conftest import B
from .test_lifecycle import decided_application, joint_application


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text() or "" for page in reader.pages).split())


def test_the_unit_downloads_its_letter_and_everyone_the_notice(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    world: dict[str, Any],
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    application = decided_application(open_call(), enterprise, university, world)
    applicant = client_for(enterprise)
    page = applicant.get(f"/calls/applications/{application.pk}/").content.decode()
    assert f'href="/calls/applications/{application.pk}/letter.pdf"' in page
    letter = applicant.get(f"/calls/applications/{application.pk}/letter.pdf")
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    text = _text(letter.content)
    assert "关于认定广东省柚类精深加工工程技术研究中心的通知" in text
    assert "梅州柚香食品有限公司：" in text
    assert "认定为工程技术研究中心，有效期至" in text
    assert "嘉应学院" in text  # the co-builder
    assert "粤科函农字〔2025〕88号" in text

    api = applicant.get(f"/api/v1/calls/applications/{application.pk}/letter.pdf")
    assert api.status_code == 200
    assert "梅州柚香食品有限公司：" in _text(api.content)
    notice = applicant.get(f"/api/v1/calls/{application.call_id}/decision.pdf")
    assert notice.status_code == 200
    assert "广东省柚类精深加工工程技术研究中心" in _text(notice.content)

    # Another side's county does not see the application, so not its letter either.
    outsider = client_for(make_user(Role.COUNTY, B["county"]))
    assert outsider.get(f"/calls/applications/{application.pk}/letter.pdf").status_code == 404
    assert outsider.get(f"/api/v1/calls/applications/{application.pk}/letter.pdf").status_code == 404


def test_no_letter_before_the_decision(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    client_for: Callable[[User], Client],
) -> None:
    call = open_call()
    application = joint_application(enterprise, call, university)
    client = client_for(enterprise)
    assert client.get(f"/calls/applications/{application.pk}/letter.pdf").status_code == 404
    assert client.get(f"/api/v1/calls/applications/{application.pk}/letter.pdf").status_code == 404
    assert client.get(f"/api/v1/calls/{call.pk}/decision.pdf").status_code == 404
    assert client.get(f"/api/v1/calls/{10**30}/decision.pdf").status_code == 404
