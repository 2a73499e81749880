"""Pages and API of indicator collection: lists, the entry form, review queue, completeness."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.indicators.collection import selectors, services
from baiqianwan.indicators.collection.models import Submission, SubmissionStatus
from baiqianwan.indicators.definitions.models import DataSet
from baiqianwan.regions.models import Division

from ...conftest import A, B
from ..factories import town_set_with_a_percentage, town_values

ENTRY = "/indicators/collect/county_town_system.town/2026/{}/"


@pytest.fixture
def town_set(divisions: None) -> DataSet:
    return town_set_with_a_percentage()


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "village": make_user(Role.VILLAGE, A["village"]),
        "town": make_user(Role.TOWN, A["town"]),
        "county": make_user(Role.COUNTY, A["county"]),
        "city": make_user(Role.CITY, A["city"]),
        "province": make_user(Role.PROVINCE, "440000000000"),
        "other_county": make_user(Role.COUNTY, B["county"]),
        "expert": make_user(Role.EXPERT),
    }


def _town(code: str = A["town"]) -> Division:
    return Division.objects.select_related("parent").get(code=code)


def _sent(dataset: DataSet, user: User, code: str, period: str = "2026", **values: Any) -> Submission:
    draft = services.submission_save(
        acting_user=user,
        dataset=dataset,
        period=period,
        unit=_town(code),
        values=town_values(dataset, **values),
    )
    return services.submission_submit(acting_user=user, submission=draft)


def _dabu_towns(n: int) -> list[str]:
    return list(
        Division.objects.filter(level="town", code__startswith="441422")
        .order_by("code")
        .values_list("code", flat=True)[:n]
    )


@pytest.mark.parametrize("who", ["town", "county", "city", "province", "village"])
def test_the_pages_render_for_each_level(
    who: str, town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    _sent(town_set, people["county"], A["town"])
    client = client_for(people[who])
    overview = client.get("/indicators/collect/")
    assert overview.status_code == 200
    page = overview.content.decode()
    assert "指标填报" in page
    assert "2026 年" in page
    assert "锁定于 2027-02-15" in page
    if who == "village":
        assert "村科技创新监测年报" in page
        assert "乡镇科技创新监测年报" not in page
        return
    assert "乡镇科技创新监测年报" in page
    units = client.get("/indicators/collect/county_town_system.town/2026/", {"q": "湖寮"})
    assert units.status_code == 200
    assert "梅州市大埔县湖寮镇" in units.content.decode()
    entry = client.get(ENTRY.format(A["town"]))
    assert entry.status_code == 200
    assert "有研发活动的规上工业企业占比" in entry.content.decode()
    assert client.get("/indicators/collect/review/").status_code == 200
    assert client.get("/indicators/collect/county_town_system.town/2026/upload/").status_code == 200
    completeness = client.get("/indicators/collect/county_town_system.town/2026/completeness/")
    assert completeness.status_code == (403 if who == "town" else 200)


def test_pages_are_closed_outside_the_scope(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    submission = _sent(town_set, people["county"], A["town"])
    outsider = client_for(people["other_county"])
    assert outsider.get(ENTRY.format(A["town"])).status_code == 404
    assert outsider.get(f"/indicators/submissions/{submission.pk}/").status_code == 404
    assert outsider.post(f"/indicators/submissions/{submission.pk}/approve/").status_code == 404
    submission.refresh_from_db()
    assert submission.stage == "county"
    expert = client_for(people["expert"])
    assert expert.get("/indicators/collect/").status_code == 403
    assert expert.get(ENTRY.format(A["town"])).status_code == 404
    assert client_for(people["village"]).get(ENTRY.format(A["town"])).status_code == 404


def test_the_unit_list_filters_and_costs_the_same_for_more_rows(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    towns = _dabu_towns(4)
    _sent(town_set, people["county"], towns[0])
    client = client_for(people["county"])
    url = "/indicators/collect/county_town_system.town/2026/"

    def listed(page: Any) -> set[str]:
        html = page.content.decode()
        return {code for code in _dabu_towns(50) if f'<td class="code">{code}</td>' in html}

    page = client.get(url, {"status": "submitted"})
    assert listed(page) == {towns[0]}
    assert "待县（市、区）审核" in page.content.decode()
    assert "按时" in page.content.decode()
    assert towns[0] not in listed(client.get(url, {"status": "none"}))
    assert towns[1] in listed(client.get(url, {"status": "none"}))
    assert listed(client.get(url, {"q": _town(towns[1]).name})) == {towns[1]}
    province = client_for(people["province"])
    assert listed(province.get(url, {"region": A["city"], "status": "submitted"})) == {towns[0]}
    assert listed(province.get(url, {"region": B["city"], "status": "submitted"})) == set()
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"status": "submitted"})
    for code in towns[1:]:
        _sent(town_set, people["county"], code)
    with CaptureQueriesContext(connection) as four:
        client.get(url, {"status": "submitted"})
    assert len(four) == len(one)


def test_the_entry_form_saves_checks_and_submits(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(people["town"])
    url = ENTRY.format(A["town"])
    values = {k: ("" if v is None else v) for k, v in town_values(town_set).items()}
    bad = {**values, "hnte": "N/A", "rd_firm_share": "130", "action": "save"}
    page = client.post(url, bad).content.decode()
    assert "高新技术企业数：应填数字，不能填“N/A”" in page
    assert "有研发活动的规上工业企业占比：百分比应在 0 到 100 之间，不能是 130" in page
    assert not Submission.all_objects.exists()
    response = client.post(url, {**values, "action": "save"}, follow=True)
    assert "已保存草稿" in response.content.decode()
    saved = Submission.all_objects.get()
    assert (saved.status, saved.values["rd_firm_share"], saved.values["is_specialised_town"]) == (
        SubmissionStatus.DRAFT,
        40.0,
        0.0,
    )
    # Someone else changed it since this form was opened.
    services.submission_save(
        acting_user=people["county"],
        dataset=town_set,
        period="2026",
        unit=_town(),
        values=town_values(town_set),
    )
    page = client.post(url, {**values, "version": saved.version, "action": "save"}).content.decode()
    assert "数据已被他人修改，请刷新后再改" in page
    # A rule error blocks submitting; the draft is kept.
    saved.refresh_from_db()
    broken = {**values, "demands_resolved": 20, "version": saved.version, "action": "submit"}
    page = client.post(url, broken, follow=True).content.decode()
    assert "未能报送" in page
    assert "已解决科技需求数（20）不能大于提交科技需求数（12）" in page
    assert "报送前检查" in page
    saved.refresh_from_db()
    response = client.post(url, {**values, "version": saved.version, "action": "submit"}, follow=True)
    page = response.content.decode()
    assert "已报送，等待县（市、区）审核" in page
    saved.refresh_from_db()
    assert (saved.status, saved.stage) == (SubmissionStatus.SUBMITTED, "county")
    assert 'name="hnte"' in page
    assert "disabled" in page
    assert "正在审核，不能修改" in page


def test_warnings_need_the_checkbox(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    for year in ("2022", "2023", "2024", "2025"):
        done = _sent(town_set, people["province"], A["town"], period=year)
        Submission.all_objects.filter(pk=done.pk).update(status=SubmissionStatus.APPROVED)
    client = client_for(people["province"])
    url = ENTRY.format(A["town"])
    values = {k: ("" if v is None else v) for k, v in town_values(town_set, tech_contract_value=5000).items()}
    page = client.post(url, {**values, "action": "submit"}, follow=True).content.decode()
    assert "已核实" in page
    assert "技术合同成交额" in page
    assert "未能报送" in page
    saved = Submission.all_objects.get(period="2026")
    assert saved.status == SubmissionStatus.DRAFT
    response = client.post(
        url, {**values, "version": saved.version, "action": "submit", "confirmed": "on"}, follow=True
    )
    assert "已报送" in response.content.decode()
    saved.refresh_from_db()
    assert saved.status == SubmissionStatus.SUBMITTED
    assert saved.flags


def test_review_approve_return_unapprove_and_reopen(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    sent = _sent(town_set, people["town"], A["town"])
    county, city = client_for(people["county"]), client_for(people["city"])
    entry = county.get(ENTRY.format(A["town"])).content.decode()
    assert "审核通过" in entry
    assert "退回修改" in entry
    page = county.post(f"/indicators/submissions/{sent.pk}/return/", {"reason": " "}, follow=True)
    assert "退回须说明原因" in page.content.decode()
    county.post(f"/indicators/submissions/{sent.pk}/return/", {"reason": "R&D 经费口径不对"})
    sent.refresh_from_db()
    assert sent.status == SubmissionStatus.RETURNED
    town_page = (
        client_for(people["town"]).get(f"/indicators/submissions/{sent.pk}/", follow=True).content.decode()
    )
    assert "退回原因：</strong>R&amp;D 经费口径不对" in town_page
    sent = services.submission_submit(acting_user=people["town"], submission=sent)
    county.post(f"/indicators/submissions/{sent.pk}/approve/")
    page = city.post(f"/indicators/submissions/{sent.pk}/approve/", follow=True).content.decode()
    assert "已审定，数据锁定" in page
    assert "撤销审定" in page
    sent.refresh_from_db()
    assert sent.status == SubmissionStatus.APPROVED
    assert "撤销审定" not in county.get(ENTRY.format(A["town"])).content.decode()
    city.post(f"/indicators/submissions/{sent.pk}/unapprove/", {"reason": "GDP 录入有误"})
    sent.refresh_from_db()
    assert (sent.status, sent.stage) == (SubmissionStatus.SUBMITTED, "city")


def test_a_locked_period_is_reopened_for_one_unit(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    url = "/indicators/collect/county_town_system.town/2024/{}/".format(A["town"])
    town = client_for(people["town"])
    page = town.get(url).content.decode()
    assert "已锁定" in page
    assert "exception-box" not in page
    assert "统计期已锁定" in page
    county = client_for(people["county"])
    assert "exception-box" in county.get(url).content.decode()
    page = county.post(url + "exception/", {"days": "90", "reason": "补报"}, follow=True).content.decode()
    assert "开放天数应在 1 到 30 之间" in page
    county.post(url + "exception/", {"days": "7", "reason": "漏报补录"})
    page = town.get(url).content.decode()
    assert "临时开放至" in page
    assert 'name="action" value="submit"' in page


def test_the_review_queue_approves_in_bulk_and_says_what_failed(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    towns = _dabu_towns(3)
    sent = [_sent(town_set, people["county"], code) for code in towns]
    services.submission_approve(acting_user=people["county"], submission=sent[2])  # now waits for the city
    client = client_for(people["county"])
    queue = client.get("/indicators/collect/review/").content.decode()
    assert towns[0] in queue
    assert towns[1] in queue
    assert towns[2] not in queue
    response = client.post("/indicators/collect/review/", {"submission": [s.pk for s in sent]}, follow=True)
    page = response.content.decode()
    assert "已审核通过 2 份报表" in page
    assert f"{_town(towns[2]).full_name}（2026）未通过：该报表正等待地级市审核" in page
    assert set(Submission.all_objects.values_list("stage", flat=True)) == {"city"}
    city_queue = client_for(people["city"]).get("/indicators/collect/review/").content.decode()
    assert all(code in city_queue for code in towns)


def test_completeness_counts_reported_approved_and_on_time(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    towns = _dabu_towns(4)
    approved = _sent(town_set, people["county"], towns[0])
    approved = services.submission_approve(acting_user=people["county"], submission=approved)
    services.submission_approve(acting_user=people["city"], submission=approved)
    late = _sent(town_set, people["county"], towns[1])
    Submission.all_objects.filter(pk=late.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2027, 1, 20, 9, 0))
    )
    returned = _sent(town_set, people["county"], towns[2])
    services.submission_return(acting_user=people["county"], submission=returned, reason="重填")
    services.submission_save(
        acting_user=people["county"], dataset=town_set, period="2026", unit=_town(towns[3]), values={}
    )
    rows, total = selectors.completeness(user=people["city"], dataset=town_set, period="2026")  # type: ignore[misc]
    dabu = next(r for r in rows if r.code == A["county"])
    expected = Division.objects.filter(level="town", code__startswith="441422").count()
    assert (dabu.expected, dabu.submitted, dabu.approved, dabu.on_time) == (expected, 2, 1, 1)
    assert dabu.submitted_share == round(200 / expected, 1)
    assert total.expected == Division.objects.filter(level="town", code__startswith="4414").count()
    assert (total.submitted, total.approved, total.on_time) == (2, 1, 1)
    by_city, _ = selectors.completeness(user=people["province"], dataset=town_set, period="2026")  # type: ignore[misc]
    meizhou = next(r for r in by_city if r.code == A["city"])
    assert (meizhou.submitted, meizhou.approved, meizhou.on_time) == (2, 1, 1)
    assert sum(r.expected for r in by_city) == Division.objects.filter(level="town").count()
    assert selectors.completeness(user=people["town"], dataset=town_set, period="2026") is None
    city = client_for(people["city"])
    page = city.get("/indicators/collect/county_town_system.town/2026/completeness/")
    assert "大埔县" in page.content.decode()
    export = city.get("/indicators/collect/county_town_system.town/2026/completeness/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:3] == ["区域", "应报单位数", "已报送"]
    exported = {row[0]: list(row[1:5]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported["大埔县"] == [expected, 2, round(200 / expected, 1), 1]
    assert exported["合计"][1:] == [2, total.submitted_share, 1]
    overview = selectors.collection_overview(user=people["county"], today=dt.date(2026, 11, 29))
    town_report = next(o for o in overview if o.dataset.code == "county_town_system.town")
    state = town_report.periods[0]
    assert state.period == "2026"
    assert state.counts == {"approved": 1, "submitted": 1, "returned": 1, "draft": 1}
    assert state.not_started == expected - 4


def test_api_happy_path(
    town_set: DataSet, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    town, county, city = (client_for(people[k]) for k in ("town", "county", "city"))
    datasets = town.get("/api/v1/indicators/datasets").json()
    town_report = next(d for d in datasets if d["code"] == "county_town_system.town")
    assert any(e["code"] == "rd_firm_share" and e["kind"] == "percent" for e in town_report["elements"])
    body = {
        "dataset": "county_town_system.town",
        "period": "2026",
        "unit_code": A["town"],
        "values": {**town_values(town_set), "hnte": "N/A"},
    }
    bad = town.post("/api/v1/indicators/submissions", json.dumps(body), content_type="application/json")
    assert bad.status_code == 422
    assert "高新技术企业数：应填数字" in bad.json()["detail"]
    body["values"]["hnte"] = 7
    saved = town.post("/api/v1/indicators/submissions", json.dumps(body), content_type="application/json")
    assert saved.status_code == 200, saved.content
    pk = saved.json()["id"]
    assert saved.json()["values"]["hnte"] == 7.0
    assert saved.json()["status"] == "draft"
    stale = town.post(
        "/api/v1/indicators/submissions", json.dumps({**body, "version": 9}), content_type="application/json"
    )
    assert stale.status_code == 409  # someone else's later save: a conflict, nothing stored
    assert stale.json()["code"] == "conflict"
    sent = town.post(f"/api/v1/indicators/submissions/{pk}/submit", "{}", content_type="application/json")
    assert (sent.json()["status"], sent.json()["stage"]) == ("submitted", "county")
    assert county.post(f"/api/v1/indicators/submissions/{pk}/approve").json()["stage"] == "city"
    assert city.post(f"/api/v1/indicators/submissions/{pk}/approve").json()["status"] == "approved"
    listed = county.get(
        "/api/v1/indicators/submissions", {"dataset": "county_town_system.town", "status": "approved"}
    )
    assert [s["id"] for s in listed.json()["items"]] == [pk]
    detail = county.get(f"/api/v1/indicators/submissions/{pk}").json()
    assert [e["action"] for e in detail["history"]] == ["save", "submit", "approve", "approve"]
    assert detail["deadline"] == "2027-01-15"
    assert detail["locked"] is False
    refused = county.post(
        f"/api/v1/indicators/submissions/{pk}/unapprove",
        json.dumps({"reason": "想改"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    reopened = city.post(
        f"/api/v1/indicators/submissions/{pk}/unapprove",
        json.dumps({"reason": "核对后有误"}),
        content_type="application/json",
    )
    assert reopened.json()["status"] == "submitted"
    returned = city.post(
        f"/api/v1/indicators/submissions/{pk}/return",
        json.dumps({"reason": "请更正 GDP"}),
        content_type="application/json",
    )
    assert returned.json()["status"] == "returned"
    assert client_for(people["other_county"]).get(f"/api/v1/indicators/submissions/{pk}").status_code == 404
