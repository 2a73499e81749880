"""典型案例, 通报表扬 and policies as their users meet them in the browser and over the API: a county
bureau writes a case, uploads a photo and sends it; the province publishes it; other regions read
it only once published; commendations and policies are the province's to write and publish."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from baiqianwan.accounts.models import User
from baiqianwan.outreach.models import (
    CasePhoto,
    CaseStatus,
    Commendation,
    CommendationEntry,
    PolicyDocument,
    ShowcaseCase,
)
from baiqianwan.outreach.publicity import services

from ...conftest import A

pytestmark = pytest.mark.django_db

BODY = "大埔县湖寮镇的蜜柚园受黄龙病威胁多年。" * 8


def jpeg(size: tuple[int, int] = (640, 480), colour: tuple[int, int, int] = (70, 140, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def case_make(author: User, **overrides: Any) -> ShowcaseCase:
    values = {
        "place_code": A["town"],
        "title": "科技特派团助大埔蜜柚防治黄龙病",
        "summary": "湖寮镇科技特派团带着检测和防控技术进村入户，三年里黄龙病株率从 8% 降到 1.5%。",
        "body": BODY,
        "results": "病株率下降，亩产提高两成。",
        **overrides,
    }
    return services.case_create(acting_user=author, **values)


def published_case(cast: dict[str, Any], **overrides: Any) -> ShowcaseCase:
    case = case_make(cast["county"], **overrides)
    services.photo_add(
        acting_user=cast["county"], case_id=case.pk, name="园.jpg", data=jpeg(), caption="蜜柚园"
    )
    services.case_submit(acting_user=cast["county"], case_id=case.pk)
    return services.case_review(acting_user=cast["province"], case_id=case.pk, publish=True)


def test_a_county_writes_a_case_uploads_a_photo_and_the_province_publishes_it(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    county = client_for(cast["county"])
    response = county.post(
        reverse("outreach_publicity:case_new"),
        {
            "place": A["town"],
            "title": "科技特派团助大埔蜜柚防治黄龙病",
            "summary": "湖寮镇科技特派团带着检测和防控技术进村入户，三年里黄龙病株率从 8% 降到 1.5%。",
            "body": BODY,
            "results": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = ShowcaseCase.all_objects.get()
    assert case.status == CaseStatus.DRAFT
    page = reverse("outreach_publicity:case", args=[case.pk])
    # Sending it without a photo is refused with why.
    county.post(reverse("outreach_publicity:case_step", args=[case.pk, "submit"]), {"version": case.version})
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    uploaded = county.post(page, {"image": SimpleUploadedFile("园.jpg", jpeg()), "caption": "蜜柚园"})
    assert uploaded.status_code == 302
    photo = CasePhoto.objects.get()
    assert county.get(reverse("outreach_publicity:case_photo", args=[case.pk, photo.pk]))["Content-Type"] == (
        "image/jpeg"
    )
    case.refresh_from_db()
    county.post(reverse("outreach_publicity:case_step", args=[case.pk, "submit"]), {"version": case.version})
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    # Another county cannot see it; the province reviews it.
    assert client_for(cast["user_b"]).get(page).status_code == 404
    province = client_for(cast["province"])
    assert "发布到公众服务门户" in province.get(page).content.decode()
    province.post(
        reverse("outreach_publicity:case_step", args=[case.pk, "publish"]),
        {"version": case.version, "note": ""},
    )
    case.refresh_from_db()
    assert (case.status, case.is_published) == (CaseStatus.PUBLISHED, True)
    # Published, every signed-in user reads it, and the county can no longer change it.
    assert client_for(cast["user_b"]).get(page).status_code == 200
    assert county.get(reverse("outreach_publicity:case_edit", args=[case.pk])).status_code == 403


def test_a_photo_that_is_not_an_image_is_refused_on_the_page(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    case = case_make(cast["county"])
    county = client_for(cast["county"])
    response = county.post(
        reverse("outreach_publicity:case", args=[case.pk]),
        {"image": SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>"), "caption": ""},
    )
    assert response.status_code == 200
    assert "按文件内容判断" in response.content.decode()
    assert not CasePhoto.objects.exists()


def test_returning_a_case_needs_a_note_and_lets_the_county_edit_it_again(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    case = case_make(cast["county"])
    services.photo_add(acting_user=cast["county"], case_id=case.pk, name="a.jpg", data=jpeg())
    case = services.case_submit(acting_user=cast["county"], case_id=case.pk)
    province = client_for(cast["province"])
    step = reverse("outreach_publicity:case_step", args=[case.pk, "return"])
    province.post(step, {"version": case.version, "note": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    province.post(step, {"version": case.version, "note": "请补充亩产数据的来源"})
    case.refresh_from_db()
    assert (case.status, case.review_note) == (CaseStatus.RETURNED, "请补充亩产数据的来源")
    edit = client_for(cast["county"]).get(reverse("outreach_publicity:case_edit", args=[case.pk]))
    assert "请补充亩产数据的来源" in edit.content.decode()


def test_only_bureaus_write_cases_and_only_the_province_reviews(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    assert client_for(cast["town"]).get(reverse("outreach_publicity:case_new")).status_code == 403
    assert client_for(cast["org"]).get(reverse("outreach_publicity:case_new")).status_code == 403
    case = case_make(cast["county"])
    services.photo_add(acting_user=cast["county"], case_id=case.pk, name="a.jpg", data=jpeg())
    case = services.case_submit(acting_user=cast["county"], case_id=case.pk)
    city = client_for(cast["city"])
    city.post(reverse("outreach_publicity:case_step", args=[case.pk, "publish"]), {"version": case.version})
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    # A county writing about another county's town is told so by field.
    response = client_for(cast["county"]).post(
        reverse("outreach_publicity:case_new"),
        {"place": "440825102000", "title": "徐闻菠萝的案例标题", "summary": "x" * 30, "body": BODY},
    )
    assert response.status_code == 200
    assert ShowcaseCase.all_objects.count() == 1


def test_the_case_list_searches_in_either_script_and_filters(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    published_case(cast)
    case_make(cast["county"], title="大埔县茶叶的草稿案例", body="茶叶" + BODY)
    county = client_for(cast["county"])
    listing = county.get(reverse("outreach_publicity:cases"), {"q": "黃龍病"}).content.decode()
    assert "科技特派团助大埔蜜柚防治黄龙病" in listing
    drafts = county.get(reverse("outreach_publicity:cases"), {"status": "draft"}).content.decode()
    assert "大埔县茶叶的草稿案例" in drafts
    assert "蜜柚防治黄龙病" not in drafts
    other = client_for(cast["user_b"]).get(reverse("outreach_publicity:cases")).content.decode()
    assert "蜜柚防治黄龙病" in other
    assert "草稿案例" not in other


def test_the_province_fills_and_publishes_a_commendation(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    province = client_for(cast["province"])
    response = province.post(
        reverse("outreach_publicity:commendation_new"),
        {
            "title": "关于通报表扬2025年度优秀科技特派员的通知",
            "document_number": "粤科函农字〔2026〕1号",
            "year": 2025,
        },
    )
    assert response.status_code == 302
    item = Commendation.all_objects.get()
    page = reverse("outreach_publicity:commendation", args=[item.pk])
    province.post(
        page,
        {"kind": "person", "name": "陈晓燕", "organisation": "华南农业大学", "reason": "扎根湖寮镇服务三年"},
    )
    assert CommendationEntry.objects.filter(commendation=item).count() == 1
    # Others read it only once published; nobody but the province writes.
    assert client_for(cast["county"]).get(page).status_code == 404
    assert client_for(cast["county"]).get(reverse("outreach_publicity:commendation_new")).status_code == 403
    province.post(reverse("outreach_publicity:commendation_step", args=[item.pk, "publish"]), {})
    item.refresh_from_db()
    assert item.is_published
    assert item.published_on
    assert "陈晓燕" in client_for(cast["county"]).get(page).content.decode()
    # Published, the list is closed for changes.
    province.post(page, {"kind": "person", "name": "李四", "organisation": "", "reason": "表现突出的事由"})
    assert CommendationEntry.objects.filter(commendation=item).count() == 1


def test_policies_and_their_interpretations(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    province = client_for(cast["province"])
    text = "为深入贯彻落实省委省政府关于实施百县千镇万村高质量发展工程的决策部署，制定本方案。" * 3
    province.post(
        reverse("outreach_publicity:policy_new"),
        {
            "kind": "policy",
            "title": "科技支撑百县千镇万村高质量发展工程实施方案",
            "issuer": "广东省科学技术厅",
            "document_number": "粤科农字〔2023〕116号",
            "issued_on": "2023-08-01",
            "body": text,
        },
    )
    policy = PolicyDocument.all_objects.get()
    response = province.post(
        reverse("outreach_publicity:policy_new"),
        {
            "kind": "interpretation",
            "title": "一图读懂科技支撑百千万工程实施方案",
            "issuer": "广东省科学技术厅",
            "issued_on": "2023-08-02",
            "interprets": policy.pk,
            "body": text,
        },
    )
    assert response.status_code == 302
    reading = PolicyDocument.all_objects.exclude(pk=policy.pk).get()
    assert reading.interprets_id == policy.pk
    county = client_for(cast["county"])
    assert county.get(reverse("outreach_publicity:policy", args=[policy.pk])).status_code == 404
    province.post(reverse("outreach_publicity:policy_step", args=[policy.pk, "publish"]), {})
    assert county.get(reverse("outreach_publicity:policy", args=[policy.pk])).status_code == 200
    bad = province.post(
        reverse("outreach_publicity:policy_new"),
        {
            "kind": "policy",
            "title": "<b>标题</b>标题标题",
            "issuer": "省厅",
            "issued_on": "2023-08-01",
            "body": text,
        },
    )
    assert "HTML" in bad.content.decode()
    assert PolicyDocument.all_objects.count() == 2


# ---- the API ------------------------------------------------------------------------------------


def test_the_case_api_follows_the_same_rules(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    county = client_for(cast["county"])
    created = county.post(
        "/api/v1/publicity/cases",
        json.dumps(
            {
                "place_code": A["town"],
                "title": "科技特派团助大埔蜜柚防治黄龙病",
                "summary": "湖寮镇科技特派团带着检测和防控技术进村入户，三年里黄龙病株率明显下降。",
                "body": BODY,
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    photo = county.post(
        f"/api/v1/publicity/cases/{case_id}/photos",
        {"image": SimpleUploadedFile("a.png", _png()), "caption": "园"},
    )
    assert photo.status_code == 201, photo.content
    assert photo.json()["width"] == 300
    bad_photo = county.post(
        f"/api/v1/publicity/cases/{case_id}/photos",
        {"image": SimpleUploadedFile("a.png", b"GIF89a" + b"0" * 100)},
    )
    assert bad_photo.status_code == 422
    assert "image" in json.dumps(bad_photo.json(), ensure_ascii=False)
    sent = county.post(f"/api/v1/publicity/cases/{case_id}/submit", "{}", content_type="application/json")
    assert sent.json()["status"] == "submitted"
    assert (
        county.post(
            f"/api/v1/publicity/cases/{case_id}/review",
            json.dumps({"publish": True}),
            content_type="application/json",
        ).status_code
        == 403
    )
    province = client_for(cast["province"])
    refused = province.post(
        f"/api/v1/publicity/cases/{case_id}/review",
        json.dumps({"publish": False}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "note" in json.dumps(refused.json())
    done = province.post(
        f"/api/v1/publicity/cases/{case_id}/review",
        json.dumps({"publish": True}),
        content_type="application/json",
    )
    assert done.json()["status"] == "published"
    assert client_for(cast["user_b"]).get(f"/api/v1/publicity/cases/{case_id}").status_code == 200
    # Absurd input is a clear 4xx, never a 500.
    for payload in (
        {"place_code": "x" * 13},
        {"title": "=HYPERLINK(1)"},
        {"demand_id": -1},
        {"person_ids": [0]},
    ):
        response = county.patch(
            f"/api/v1/publicity/cases/{case_id}", json.dumps(payload), content_type="application/json"
        )
        assert 400 <= response.status_code < 500, payload


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (200, 120, 40, 255)).save(out, format="PNG")
    return out.getvalue()


def test_commendation_and_policy_api_are_the_provinces(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    county = client_for(cast["county"])
    payload = json.dumps({"title": "关于通报表扬先进集体的通知", "year": 2025})
    assert (
        county.post("/api/v1/publicity/commendations", payload, content_type="application/json").status_code
        == 403
    )
    province = client_for(cast["province"])
    item = province.post("/api/v1/publicity/commendations", payload, content_type="application/json").json()
    empty = province.post(
        f"/api/v1/publicity/commendations/{item['id']}/publish",
        json.dumps({"publish": True}),
        content_type="application/json",
    )
    assert empty.status_code == 422
    entry = province.post(
        f"/api/v1/publicity/commendations/{item['id']}/entries",
        json.dumps({"kind": "unit", "name": "梅州市农林科学院", "reason": "牵头攻关项目通过验收"}),
        content_type="application/json",
    )
    assert entry.status_code == 201
    policy = province.post(
        "/api/v1/publicity/policies",
        json.dumps(
            {
                "kind": "policy",
                "title": "关于科技支撑百千万工程的实施方案",
                "issuer": "广东省科学技术厅",
                "issued_on": "2023-08-01",
                "body": "正文" * 40,
            }
        ),
        content_type="application/json",
    )
    assert policy.status_code == 201
    assert county.get(f"/api/v1/publicity/policies/{policy.json()['id']}").status_code == 404
