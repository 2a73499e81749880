"""推荐函 and 派驻服务协议: real PDFs with the right names, only for those who may see the posting."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.documents import selectors as documents_selectors
from baiqianwan.commissioners.rounds.models import Assignment, AssignmentStatus, Team
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.pdf import (
    BASE_URL,
    OfflineURLFetcher,
    RemoteFetchRefusedError,
    content_disposition,
    html_to_pdf,
)

from ...conftest import B


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    # Extraction may break a line anywhere; compare without whitespace.
    return "".join("".join(page.extract_text() or "" for page in reader.pages).split())


def _leader(team: Team) -> Assignment:
    return Assignment.all_objects.select_related("round", "nomination__expert__person").get(
        need=team.need, leader=True
    )


def test_letter_names_the_person_the_town_and_the_reference(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    assignment = _leader(team)
    person = assignment.nomination.expert.person
    response = client_for(setting["town"]).get(reverse("commissioners:letter", args=[assignment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        f"filename*=UTF-8''{quote('推荐函-湖寮镇-' + person.name + '.pdf')}"
        in response["Content-Disposition"]
    )
    text = _text(response.content)
    reference = f"粤科派〔2024〕{assignment.pk}号"
    assert reference == documents_selectors.reference_number(assignment)
    for expected in (
        person.name,
        person.title,
        "湖寮镇",
        "梅州市大埔县湖寮镇人民政府",
        reference,
        "华南农业大学",
        "团队负责人",
        "2024年3月1日",
        "2027年3月1日",
        "广东省科学技术厅",
    ):
        assert expected in text, expected


def test_agreement_has_three_parties_term_duties_and_signatures(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    member = Assignment.all_objects.filter(need=team.need, leader=False).first()
    assert member is not None
    person = member.nomination.expert.person
    response = client_for(member.nomination.expert.user).get(
        reverse("commissioners:agreement", args=[member.pk])
    )
    assert response.status_code == 200
    text = _text(response.content)
    for expected in (
        "科技特派员派驻服务协议",
        f"粤科派协〔2024〕{member.pk}号",
        "甲方（服务乡镇）：梅州市大埔县湖寮镇人民政府",
        f"乙方（科技特派员）：{person.name}",
        "丙方（派出单位）：华南农业大学",
        "团队成员",
        "累计在岗服务时间不少于1年",
        "服务日志",
        "各占50%和50%",
        "负责人（签字）",
    ):
        assert expected in text, expected


def test_each_commissioner_reaches_only_their_own_documents(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    own, other = (
        Assignment.all_objects.get(need=team.need, nomination__expert=expert)
        for expert in setting["experts"][:2]
    )
    client = client_for(setting["experts"][0].user)
    assert client.get(reverse("commissioners:letter", args=[own.pk])).status_code == 200
    assert client.get(reverse("commissioners:letter", args=[other.pk])).status_code == 404


def test_users_of_another_region_get_404(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    assignment = _leader(team)
    for user in (setting["prd_town"], make_user(Role.COUNTY, B["county"]), make_user(Role.CITY, B["city"])):
        client = client_for(user)
        for name in ("commissioners:letter", "commissioners:agreement"):
            assert client.get(reverse(name, args=[assignment.pk])).status_code == 404
        api = client.get(f"/api/v1/commissioners/assignments/{assignment.pk}/letter.pdf")
        assert api.status_code == 404


def test_unpublished_or_declined_postings_have_no_documents(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    assignment = _leader(team)
    province = client_for(setting["province"])
    url = reverse("commissioners:letter", args=[assignment.pk])
    Assignment.all_objects.filter(pk=assignment.pk).update(published=False, status=AssignmentStatus.PROPOSED)
    assert province.get(url).status_code == 404
    assert province.get(reverse("commissioners:agreement", args=[assignment.pk])).status_code == 404
    Assignment.all_objects.filter(pk=assignment.pk).update(published=True, status=AssignmentStatus.DECLINED)
    assert province.get(url).status_code == 404


def test_documents_need_a_login(team: Team) -> None:
    assignment = _leader(team)
    response = Client().get(reverse("commissioners:letter", args=[assignment.pk]))
    assert response.status_code == 302
    assert Client().get(f"/api/v1/commissioners/assignments/{assignment.pk}/letter.pdf").status_code == 401


def test_api_serves_the_same_pdfs(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    assignment = _leader(team)
    client = client_for(setting["org"])
    for kind, title in (("letter", "推荐函"), ("agreement", "派驻服务协议")):
        response = client.get(f"/api/v1/commissioners/assignments/{assignment.pk}/{kind}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="{kind}-{assignment.pk}.pdf"'
        )
        assert quote(title) in response["Content-Disposition"]
        assert assignment.nomination.expert.person.name in _text(response.content)


def test_round_zip_holds_a_letter_and_an_agreement_per_posting(
    team: Team,
    setting: dict[str, Any],
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    dispatch_round = team.need.round
    url = reverse("commissioners:documents_zip", args=[dispatch_round.pk])
    assert client_for(setting["town"]).get(url).status_code == 403
    assert client_for(setting["org"]).get(url).status_code == 403

    province = client_for(setting["province"])
    with django_assert_max_num_queries(9):  # one query for every posting's details, however many
        response = province.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert quote("2024年第一批-派驻文书.zip") in response["Content-Disposition"]
    posted = Assignment.all_objects.filter(round=dispatch_round, published=True).count()
    assert posted == 3
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert len(names) == 2 * posted
        assert sum(n.startswith("推荐函/") for n in names) == posted
        assert sum(n.startswith("派驻服务协议/") for n in names) == posted
        for name in names:
            assert archive.read(name).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, detail__contains="推荐函").exists()

    Assignment.all_objects.filter(round=dispatch_round).update(published=False)
    assert province.get(url).status_code == 404


def test_fetcher_refuses_remote_urls_and_serves_static_files_from_disk() -> None:
    fetcher = OfflineURLFetcher()
    for url in ("https://example.com/logo.png", "http://127.0.0.1:8000/secret", "file:///etc/passwd"):
        with pytest.raises(RemoteFetchRefusedError):
            fetcher.fetch(url)
    with pytest.raises(RemoteFetchRefusedError):
        fetcher.fetch(f"{BASE_URL}static/../settings.py")
    css = fetcher.fetch(f"{BASE_URL}static/core/pdf.css")
    assert b"Noto Serif CJK SC" in css.read()
    assert css.content_type == "text/css"


def test_a_remote_image_does_not_stop_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("生成 PDF 时不应访问网络")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    data = html_to_pdf(
        '<p>文书</p><img src="https://example.com/x.png"><link rel=stylesheet href="//cdn.example/a.css">'
    )
    assert "文书" in _text(data)


def test_without_chinese_fonts_the_pdf_is_still_made(tmp_path: Path) -> None:
    """A server without fonts-noto-cjk still gets its PDF (Chinese as boxes) and a warning."""
    latin = Path("/usr/share/fonts/truetype/dejavu")
    if not latin.is_dir():
        pytest.skip("本机没有 DejaVu 字体，无法模拟只有西文字体的服务器")
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{latin}</dir>'
        f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    script = (
        "import django, sys; django.setup()\n"
        "from baiqianwan.core.pdf import html_to_pdf, installed_fonts\n"
        "assert installed_fonts()[1] == '', installed_fonts()\n"
        "data = html_to_pdf('<link rel=stylesheet href=/static/core/pdf.css>'\n"
        "                   '<h1>推荐函</h1><p>陈晓燕 2024</p>')\n"
        "sys.stdout.buffer.write(data)\n"
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "BQW_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "baiqianwan.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert result.stdout.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(result.stdout)).pages) == 1
    assert "未找到中文字体" in result.stderr.decode()


def test_content_disposition_encodes_chinese_names() -> None:
    header = content_disposition("推荐函-湖寮镇-陈晓燕.pdf")
    assert header == (
        "attachment; filename=\"document.pdf\"; filename*=UTF-8''"
        "%E6%8E%A8%E8%8D%90%E5%87%BD-%E6%B9%96%E5%AF%AE%E9%95%87-%E9%99%88%E6%99%93%E7%87%95.pdf"
    )
    assert content_disposition("a b.pdf", inline=True).startswith('inline; filename="ab.pdf"')
