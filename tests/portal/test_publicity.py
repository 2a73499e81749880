"""The portal's 典型案例, 通报表扬, policies and dispatch list, as a stranger reads them — and, as an
attacker would, every public address tried with the ids of records that are not published and of
personal data: none of them may show a word of those records."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.rounds.models import DispatchRound, RoundStatus
from baiqianwan.demands.models import Demand
from baiqianwan.outreach.models import CasePhoto
from baiqianwan.outreach.publicity import services
from baiqianwan.portal import urls as portal_urls

from ..commissioners.conftest import setting, team  # noqa: F401 - the dispatch cast, for the list
from ..conftest import A
from ..outreach.conftest import cast  # noqa: F401 - the outreach cast
from ..outreach.publicity.test_pages import BODY, case_make, jpeg

pytestmark = pytest.mark.django_db

SECRET = "内部未公开"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def published(cast: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    county, province = cast["county"], cast["province"]
    case = case_make(county, title="科技特派团助大埔蜜柚防治黄龙病")
    services.photo_add(acting_user=county, case_id=case.pk, name="园.jpg", data=jpeg(), caption="蜜柚园")
    services.case_submit(acting_user=county, case_id=case.pk)
    case = services.case_review(acting_user=province, case_id=case.pk, publish=True)
    honour = services.commendation_create(
        acting_user=province, title="关于通报表扬先进集体和个人的通知", year=2025
    )
    services.entry_add(
        acting_user=province,
        commendation_id=honour.pk,
        kind="person",
        name="陈晓燕",
        reason="扎根湖寮镇服务三年",
    )
    honour = services.commendation_publish(acting_user=province, commendation_id=honour.pk, publish=True)
    policy = services.policy_create(
        acting_user=province,
        kind="policy",
        title="科技支撑百县千镇万村高质量发展工程实施方案",
        issuer="广东省科学技术厅",
        document_number="粤科农字〔2023〕116号",
        issued_on=dt.date(2023, 8, 1),
        body="为深入贯彻落实省委省政府关于实施百县千镇万村高质量发展工程的决策部署，制定本方案。" * 3,
    )
    policy = services.policy_publish(acting_user=province, policy_id=policy.pk, publish=True)
    return {"case": case, "honour": honour, "policy": policy}


@pytest.fixture
def hidden(cast: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """A record of every kind in every state the public must not see, each carrying ``SECRET``."""
    county, province = cast["county"], cast["province"]
    draft = case_make(county, title=f"{SECRET}的草稿案例", body=SECRET + BODY)
    services.photo_add(acting_user=county, case_id=draft.pk, name="d.jpg", data=jpeg(colour=(1, 2, 3)))
    waiting = case_make(county, title=f"{SECRET}的待审案例", body=SECRET + BODY)
    services.photo_add(acting_user=county, case_id=waiting.pk, name="w.jpg", data=jpeg())
    services.case_submit(acting_user=county, case_id=waiting.pk)
    withdrawn = case_make(county, title=f"{SECRET}的撤下案例", body=SECRET + BODY)
    services.photo_add(acting_user=county, case_id=withdrawn.pk, name="x.jpg", data=jpeg())
    services.case_submit(acting_user=county, case_id=withdrawn.pk)
    services.case_review(acting_user=province, case_id=withdrawn.pk, publish=True)
    services.case_withdraw(acting_user=province, case_id=withdrawn.pk, note="数据有误待核实")
    honour = services.commendation_create(acting_user=province, title=f"{SECRET}的通报草稿", year=2025)
    services.entry_add(
        acting_user=province, commendation_id=honour.pk, kind="unit", name=SECRET, reason="未发布的事由"
    )
    policy = services.policy_create(
        acting_user=province,
        kind="interpretation",
        interprets_id=published["policy"].pk,
        title=f"{SECRET}的解读草稿",
        issuer="广东省科学技术厅",
        issued_on=dt.date(2023, 8, 2),
        body=SECRET * 30,
    )
    dispatch = DispatchRound.all_objects.create(
        name=f"{SECRET}批次", year=2026, status=RoundStatus.SOLVED, created_by=province
    )
    person = cast["person_a"]
    demand = Demand.all_objects.filter().first()
    ids = {
        draft.pk,
        waiting.pk,
        withdrawn.pk,
        honour.pk,
        policy.pk,
        dispatch.pk,
        person.pk,
        cast["users"][Role.COUNTY].pk,
        *CasePhoto.objects.exclude(case=published["case"]).values_list("pk", flat=True),
        *([demand.pk] if demand else []),
    }
    return {"ids": sorted(ids), "person": person, "draft": draft}


def _int_patterns(patterns: list[Any], prefix: str = "") -> list[tuple[str, list[str]]]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _int_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            names = re.findall(r"<int:(\w+)>", route)
            if names:
                found.append((route, names))
    return found


def test_no_public_address_shows_an_unpublished_record_or_personal_data(
    published: dict[str, Any], hidden: dict[str, Any]
) -> None:
    person = hidden["person"]
    markers = [SECRET, person.id_number, person.mobile, "数据有误待核实"]
    routes = [("public/" + route, names) for route, names in _int_patterns(portal_urls.urlpatterns)]
    routes += [
        ("api/v1/public/cases/<int:case_id>", ["case_id"]),
        ("api/v1/public/commendations/<int:commendation_id>/entries", ["commendation_id"]),
        ("api/v1/public/policies/<int:policy_id>", ["policy_id"]),
    ]
    assert len(routes) >= 10
    client = Client()
    probes = [*hidden["ids"], published["case"].pk, 0, 2**63, 10**30]
    tried = 0
    for route, names in routes:
        for value in probes:
            path = "/" + re.sub(r"<int:\w+>", str(value), route)
            for other in names[1:]:
                assert other  # every parameter took the same probe
            response = client.get(path)
            tried += 1
            assert response.status_code in (200, 404), (path, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            for marker in markers:
                assert marker not in text, (path, marker)
    # The lists and searches leak nothing either (a search box shows back the words typed, so
    # there the titles are looked for: each hidden one is "内部未公开的…").
    listed = [
        "/public/",
        "/public/cases/",
        f"/public/cases/?q={SECRET}",
        "/public/honours/",
        "/public/policies/",
        "/public/notices/",
        "/api/v1/public/cases",
        f"/api/v1/public/cases?q={SECRET}",
        "/api/v1/public/commendations",
        "/api/v1/public/policies",
    ]
    for path in listed:
        text = client.get(path).content.decode()
        for marker in [f"{SECRET}的", *markers[1:]]:
            assert marker not in text, (path, marker)
        if "?q=" not in path:
            assert SECRET not in text, path
    assert tried == len(routes) * len(probes)


def test_the_public_reads_published_cases_with_photos_and_search(published: dict[str, Any]) -> None:
    client = Client()
    case = published["case"]
    listing = client.get(reverse("portal:cases"), {"q": "蜜柚 黃龍病"}).content.decode()
    assert case.title in listing
    assert case.title not in client.get(reverse("portal:cases"), {"q": "罗非鱼"}).content.decode()
    assert case.title in client.get(reverse("portal:cases"), {"city": A["city"][:4]}).content.decode()
    assert case.title not in client.get(reverse("portal:cases"), {"city": "4408"}).content.decode()
    page = client.get(reverse("portal:case", args=[case.pk])).content.decode()
    assert "陈晓燕" not in page  # nobody was linked
    photo = case.photos.get()
    picture = client.get(reverse("portal:case_photo", args=[case.pk, photo.pk]))
    assert picture["Content-Type"] == "image/jpeg"
    assert picture["X-Content-Type-Options"] == "nosniff"
    assert "蜜柚园" in page
    api = client.get("/api/v1/public/cases").json()
    assert api["count"] == 1
    assert api["items"][0]["photos"][0]["url"] == f"/public/cases/{case.pk}/photos/{photo.pk}/"
    assert set(api["items"][0]) >= {"title", "summary", "place_name", "people"}
    assert "review_note" not in api["items"][0]


def test_commendations_and_policies_are_public_once_published(published: dict[str, Any]) -> None:
    client = Client()
    honours = client.get(reverse("portal:honours")).content.decode()
    assert published["honour"].title in honours
    assert "陈晓燕" in client.get(reverse("portal:honour", args=[published["honour"].pk])).content.decode()
    assert published["policy"].title in client.get(reverse("portal:policies")).content.decode()
    assert (
        "粤科农字〔2023〕116号"
        in client.get(reverse("portal:policy", args=[published["policy"].pk])).content.decode()
    )
    assert client.get("/api/v1/public/policies").json()["count"] == 1
    entries = client.get(f"/api/v1/public/commendations/{published['honour'].pk}/entries").json()
    assert [e["name"] for e in entries["items"]] == ["陈晓燕"]


def test_the_public_api_is_read_only_and_counted_by_address(published: dict[str, Any], settings: Any) -> None:
    client = Client()
    assert client.post("/api/v1/public/cases", "{}", content_type="application/json").status_code == 405
    settings.RATE_LIMITS = {"public_api_address": (3, 60)}
    statuses = [client.get("/api/v1/public/policies").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/public/cases", {"city": "<script>"}).status_code == 429
    settings.RATE_LIMITS = {}
    assert client.get("/api/v1/public/cases", {"city": "<script>"}).status_code == 422


def test_the_dispatch_list_shows_names_units_and_towns_only(request: pytest.FixtureRequest) -> None:
    serving = request.getfixturevalue("team")  # a published round whose team serves 湖寮镇
    dispatch = serving.need.round
    assignment = serving.need.assignments.select_related(
        "nomination__expert__person", "nomination__organisation"
    ).first()
    client = Client()
    notices = client.get(reverse("portal:notices")).content.decode()
    assert dispatch.name in notices
    page = client.get(reverse("portal:dispatch", args=[dispatch.pk])).content.decode()
    person = assignment.nomination.expert.person
    assert person.name in page
    assert assignment.nomination.organisation.name in page
    assert person.mobile not in page
    assert person.id_number not in page
