"""Yearly assessment and provincial key tasks: rules, rights, grades with the quota, Excel, pages."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.assessment import selectors as assessment_selectors
from baiqianwan.commissioners.assessment import services as assessment_services
from baiqianwan.commissioners.assessment.models import (
    AssessmentRecord,
    AssessmentScheme,
    Grade,
    KeyTask,
    KeyTaskStatus,
)
from baiqianwan.commissioners.rounds.models import Assignment, AssignmentStatus, Team
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.spreadsheets import ImportRejectedError
from baiqianwan.orgs.models import Organisation

from ...conftest import A, B
from ..helpers import api_refuses, page_ignores


@pytest.fixture
def scheme(setting: dict[str, Any], team: Team) -> AssessmentScheme:
    return assessment_services.assessment_scheme_create(acting_user=setting["province"], year=2025)


def _records(scheme: AssessmentScheme) -> list[AssessmentRecord]:
    return list(
        AssessmentRecord.all_objects.filter(scheme=scheme)
        .select_related(*assessment_selectors.RECORD_RELATED, "assignment__nomination__expert")
        .order_by("assignment__nomination__expert__person__name")
    )


def _score_all(setting: dict[str, Any], scheme: AssessmentScheme, unit: list[Any], host: list[Any]) -> None:
    for record, u, h in zip(_records(scheme), unit, host, strict=True):
        if u is not None:
            assessment_services.assessment_score(acting_user=setting["org"], record=record, score=u)
        if h is not None:
            assessment_services.assessment_score(acting_user=setting["town"], record=record, score=h)


# ---- the scheme ----------------------------------------------------------------------------------


def test_scheme_rules_are_checked_with_clear_messages(setting: dict[str, Any], team: Team) -> None:
    province = setting["province"]
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_scheme_create(
            acting_user=province, year=2025, unit_weight=60, host_weight=30
        )
    assert "两方评分权重之和应为 100%（现为 90%）" in caught.value.message_dict["host_weight"]
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_scheme_create(acting_user=province, year=2025, excellent_quota=120)
    assert "优秀比例上限（%）应在 0 到 100 之间" in caught.value.message_dict["excellent_quota"]
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_scheme_create(
            acting_user=province, year=2025, pass_mark=90, excellent_mark=90
        )
    assert caught.value.message_dict["pass_mark"] == ["合格最低分应低于优秀最低分"]
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_scheme_create(acting_user=province, year=2025, excellent_mark=101)
    assert "excellent_mark" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_scheme_create(acting_user=province, year=2025, unit_weight="五十")  # type: ignore[arg-type]
    assert caught.value.message_dict["unit_weight"] == ["派出单位评分权重（%）应为整数"]
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_scheme_create(acting_user=setting["town"], year=2025)

    scheme = assessment_services.assessment_scheme_create(
        acting_user=province, year=2025, unit_weight=60, host_weight=40, excellent_quota=0
    )
    assert scheme.records.count() == 3  # the team serving since 2024-03-01
    with pytest.raises(ValidationError, match="已存在"):
        assessment_services.assessment_scheme_create(acting_user=province, year=2025)
    updated = assessment_services.assessment_scheme_update(
        acting_user=province, scheme=scheme, excellent_quota=30
    )
    assert updated.excellent_quota == 30
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_scheme_update(acting_user=province, scheme=scheme, unit_weight=70)
    assert "host_weight" in caught.value.message_dict
    with pytest.raises(ValidationError):
        assessment_services.assessment_scheme_update(acting_user=province, scheme=scheme, year=2026)
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_scheme_update(
            acting_user=setting["org"], scheme=scheme, excellent_quota=20
        )


def test_only_accepted_assignments_overlapping_the_year_are_assessed(
    setting: dict[str, Any], team: Team
) -> None:
    province = setting["province"]
    members = list(Assignment.all_objects.filter(need=team.need).order_by("pk"))
    Assignment.all_objects.filter(pk=members[0].pk).update(status=AssignmentStatus.DECLINED)
    Assignment.all_objects.filter(pk=members[1].pk).update(
        status=AssignmentStatus.RECALLED, ended_on=dt.date(2024, 8, 1)
    )
    assert assessment_services.assessment_scheme_create(acting_user=province, year=2025).records.count() == 1
    assert assessment_services.assessment_scheme_create(acting_user=province, year=2023).records.count() == 0
    assert assessment_services.assessment_scheme_create(acting_user=province, year=2027).records.count() == 1
    assert assessment_services.assessment_scheme_create(acting_user=province, year=2028).records.count() == 0

    # Someone accepted after the scheme opened joins the list when it is brought up to date.
    scheme = AssessmentScheme.all_objects.get(year=2025)
    Assignment.all_objects.filter(pk=members[0].pk).update(status=AssignmentStatus.ACCEPTED)
    assert assessment_services.assessment_records_sync(acting_user=province, scheme=scheme) == (1, 0)
    assert scheme.records.count() == 2


# ---- scoring rights ------------------------------------------------------------------------------


def test_who_may_score_whom(
    setting: dict[str, Any],
    scheme: AssessmentScheme,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> None:
    record = _records(scheme)[0]
    scored = assessment_services.assessment_score(
        acting_user=setting["org"], record=record, score="88.5", comment="认真"
    )
    assert (scored.unit_score, scored.unit_comment, scored.host_score) == (Decimal("88.5"), "认真", None)
    scored = assessment_services.assessment_score(acting_user=setting["town"], record=record, score=91)
    assert scored.host_score == Decimal("91.0")
    county = make_user(Role.COUNTY, A["county"])
    assert assessment_services.assessment_score(
        acting_user=county, record=record, score=90
    ).host_score == Decimal("90.0")

    other_org = make_user(Role.ORG, organisation=make_org("中山大学", "university", "440106000000"))
    refused = [
        other_org,  # another sending unit
        setting["prd_town"],  # another town
        make_user(Role.TOWN, B["town"]),
        make_user(Role.COUNTY, B["county"]),
        make_user(Role.CITY, A["city"]),  # the city reads but does not score
        setting["province"],
        make_user(Role.VILLAGE, A["village"]),
    ]
    for user in refused:
        with pytest.raises(PermissionDenied):
            assessment_services.assessment_score(acting_user=user, record=record, score=60)
    own = record.assignment.nomination.expert.user
    with pytest.raises(PermissionDenied, match="不能为本人评分"):
        assessment_services.assessment_score(acting_user=own, record=record, score=100)
    record.refresh_from_db()
    assert (record.unit_score, record.host_score) == (Decimal("88.5"), Decimal("90.0"))

    for bad, message in (
        ("100.5", "评分应在 0 到 100 之间"),
        (-1, "评分应在 0 到 100 之间"),
        ("85.25", "评分最多保留一位小数"),
        ("很好", "评分应为数字，实际为“很好”"),
        ("", "评分必填"),
    ):
        with pytest.raises(ValidationError) as caught:
            assessment_services.assessment_score(acting_user=setting["org"], record=record, score=bad)
        assert caught.value.message_dict["score"] == [message], bad
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_score(
            acting_user=setting["org"], record=record, score=80, comment="长" * 301
        )
    assert "comment" in caught.value.message_dict


# ---- grades ----------------------------------------------------------------------------------------


def _grades(totals: list[float], quota: int = 30, excellent: int = 90, passing: int = 60) -> list[str]:
    outcome = assessment_selectors.grades_compute(
        {i: Decimal(str(t)) for i, t in enumerate(totals)},
        pass_mark=passing,
        excellent_mark=excellent,
        quota=quota,
    )
    return [outcome.grades[i] for i in range(len(totals))]


E, P, F = Grade.EXCELLENT, Grade.PASS, Grade.FAIL


def test_grades_follow_marks_and_quota() -> None:
    # Ten people, 30 %: at most three 优秀, best totals first.
    assert _grades([96, 95, 94, 93, 92, 80, 75, 70, 61, 59.9]) == [E, E, E, P, P, P, P, P, P, F]
    # Fewer than the cap reach the mark: only they are 优秀.
    assert _grades([91, 89.9, 85, 80, 80, 80, 70, 70, 65, 60]) == [E, P, P, P, P, P, P, P, P, P]
    # Three people: floor(3 × 30 %) = 0, nobody is 优秀 however good.
    assert _grades([99, 98, 97]) == [P, P, P]


def test_a_tie_across_the_quota_gets_no_excellent() -> None:
    totals = [95, 93, 93, 93, 85, 80, 80, 75, 70, 50]
    assert _grades(totals) == [E, P, P, P, P, P, P, P, P, F]
    outcome = assessment_selectors.grades_compute(
        {i: Decimal(t) for i, t in enumerate(totals)}, pass_mark=60, excellent_mark=90, quota=30
    )
    assert (outcome.cap, outcome.tie_total, outcome.tie_size, outcome.tie_free_places) == (3, 93, 3, 2)
    # A tie that fits exactly is kept whole.
    assert _grades([95, 93, 93, 85, 80, 80, 75, 70, 65, 60]) == [E, E, E, P, P, P, P, P, P, P]
    # Nobody below a cut-off tie moves up into its places.
    assert _grades([95, 93, 93, 93, 92, 80, 80, 75, 70, 65]) == [E, P, P, P, P, P, P, P, P, P]


@settings(max_examples=300, deadline=None)
@given(
    totals=st.lists(st.integers(min_value=0, max_value=1000), min_size=0, max_size=40),
    quota=st.integers(min_value=0, max_value=100),
    excellent=st.integers(min_value=1, max_value=100),
    gap=st.integers(min_value=1, max_value=60),
)
def test_grade_properties(totals: list[int], quota: int, excellent: int, gap: int) -> None:
    passing = max(0, excellent - gap)
    values = {i: Decimal(t) / 10 for i, t in enumerate(totals)}
    outcome = assessment_selectors.grades_compute(
        values, pass_mark=passing, excellent_mark=excellent, quota=quota
    )
    grades = outcome.grades
    best = [i for i, g in grades.items() if g == E]
    assert len(best) <= len(values) * quota // 100
    for i, total in values.items():
        assert (grades[i] == F) == (total < passing)
        if grades[i] == E:
            assert total >= excellent
        for j, other in values.items():
            if total == other:
                assert grades[i] == grades[j]  # equal totals, equal grades
            if grades[i] == E and grades[j] != E:
                assert total > other  # every 优秀 is ahead of everyone else
    # Greedy and maximal: the best group left out at or above the mark did not fit.
    left = sorted({t for i, t in values.items() if grades[i] != E and t >= excellent}, reverse=True)
    if left:
        group = sum(1 for t in values.values() if t == left[0])
        assert len(best) + group > outcome.cap


# ---- finalising, locking and reopening -------------------------------------------------------


def test_finalise_needs_every_score_then_locks(setting: dict[str, Any], scheme: AssessmentScheme) -> None:
    province = setting["province"]
    assessment_services.assessment_scheme_update(
        acting_user=province, scheme=scheme, unit_weight=60, host_weight=40
    )
    _score_all(setting, scheme, [90, 80, None], [80, None, None])
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_finalise(acting_user=province, scheme=scheme)
    message = caught.value.messages[0]
    assert "共 2 人" in message
    assert "缺服务乡镇评分" in message
    assert "缺派出单位评分、服务乡镇评分" in message
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_finalise(acting_user=setting["org"], scheme=scheme)

    _score_all(setting, scheme, [90, 80, 50], [80, 70, 55])
    outcome = assessment_services.assessment_finalise(acting_user=province, scheme=scheme)
    assert outcome.cap == 0  # three people, 30 %
    totals = {r.assignment.nomination.expert.person.name: (r.total, r.grade) for r in _records(scheme)}
    names = sorted(totals)
    assert totals[names[0]] == (Decimal("86.0"), Grade.PASS)  # 90 × 60 % + 80 × 40 %
    assert totals[names[1]] == (Decimal("76.0"), Grade.PASS)
    assert totals[names[2]] == (Decimal("52.0"), Grade.FAIL)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION, detail__contains="定档").exists()

    record = _records(scheme)[0]
    with pytest.raises(ValidationError, match="已定档"):
        assessment_services.assessment_score(acting_user=setting["org"], record=record, score=99)
    with pytest.raises(ValidationError, match="已定档"):
        assessment_services.assessment_scheme_update(acting_user=province, scheme=scheme, excellent_quota=50)
    with pytest.raises(ValidationError, match="已定档"):
        assessment_services.assessment_finalise(acting_user=province, scheme=scheme)

    with pytest.raises(PermissionDenied):
        assessment_services.assessment_unfinalise(acting_user=setting["town"], scheme=scheme, reason="想改分")
    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_unfinalise(acting_user=province, scheme=scheme, reason="  ")
    assert caught.value.message_dict["reason"] == ["撤销定档请说明原因"]
    assessment_services.assessment_unfinalise(
        acting_user=province, scheme=scheme, reason="湖寮镇评分录入错误，需更正"
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION, detail__contains="撤销")
    assert "湖寮镇评分录入错误" in event.detail
    assert event.user == province
    assert event.extra["reason"] == "湖寮镇评分录入错误，需更正"
    scheme.refresh_from_db()
    assert not scheme.finalised
    assert set(scheme.records.values_list("grade", flat=True)) == {""}
    assessment_services.assessment_score(acting_user=setting["org"], record=record, score=99)
    assessment_services.assessment_finalise(acting_user=province, scheme=scheme)
    record.refresh_from_db()
    assert record.total == Decimal("91.4")  # 99 × 60 % + 80 × 40 %


# ---- the score sheet ------------------------------------------------------------------------------


def _filled(sheet: bytes, values: dict[str, Any]) -> SimpleUploadedFile:
    workbook = load_workbook(io.BytesIO(sheet))
    ws = workbook["考核评分表"]
    for cell, value in values.items():
        ws[cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("评分表.xlsx", out.getvalue())


def test_score_sheet_round_trip_is_all_or_nothing(
    setting: dict[str, Any], scheme: AssessmentScheme, client_for: Callable[[User], Client]
) -> None:
    org = client_for(setting["org"])
    response = org.get(f"/commissioners/assessment/{scheme.pk}/sheet.xlsx")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, detail__contains="评分表").exists()
    sheet = response.content
    ws = load_workbook(io.BytesIO(sheet))["考核评分表"]
    assert [c.value for c in ws[1]][:7] == [
        "记录编号*",
        "科技特派员",
        "派出单位",
        "服务乡镇",
        "评分方",
        "评分",
        "评语",
    ]
    assert {ws.cell(row=r, column=5).value for r in (2, 3, 4)} == {"派出单位评分"}

    bad = _filled(sheet, {"F2": 88, "F3": "九十", "F4": 85.25, "G2": "表现突出"})
    page = org.post(f"/commissioners/assessment/{scheme.pk}/upload/", {"file": bad}, follow=True)
    text = page.content.decode()
    assert "工作表“考核评分表”第 3 行 F 列（评分）" in text
    assert "第 4 行 F 列（评分）：评分最多保留一位小数" in text
    assert not AssessmentRecord.all_objects.filter(unit_score__isnull=False).exists()

    foreign = _filled(sheet, {"A2": 999999, "F2": 80})
    with pytest.raises(ImportRejectedError) as caught:
        assessment_services.score_sheet_import(acting_user=setting["org"], scheme=scheme, data=foreign.read())
    assert str(caught.value.errors[0]).startswith("工作表“考核评分表”第 2 行 A 列（记录编号）")

    good = _filled(sheet, {"F2": 88, "F3": 90.5, "F4": 79, "G2": "表现突出"})
    org.post(f"/commissioners/assessment/{scheme.pk}/upload/", {"file": good})
    assert sorted(AssessmentRecord.all_objects.values_list("unit_score", flat=True)) == [
        Decimal("79.0"),
        Decimal("88.0"),
        Decimal("90.5"),
    ]
    assert AssessmentRecord.all_objects.filter(unit_comment="表现突出").count() == 1
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.IMPORT, detail__contains="派出单位评分 3 条"
    ).exists()

    # The town's sheet carries the host side; another town's sheet is empty.
    town_sheet = client_for(setting["town"]).get(f"/commissioners/assessment/{scheme.pk}/sheet.xlsx").content
    assert load_workbook(io.BytesIO(town_sheet))["考核评分表"]["E2"].value == "服务乡镇评分"
    other = client_for(setting["prd_town"]).get(f"/commissioners/assessment/{scheme.pk}/sheet.xlsx").content
    assert load_workbook(io.BytesIO(other))["考核评分表"].max_row == 1
    assert (
        client_for(setting["province"]).get(f"/commissioners/assessment/{scheme.pk}/sheet.xlsx").status_code
        == 403
    )


# ---- pages ---------------------------------------------------------------------------------------


def test_assessment_pages_for_province_city_unit_and_town(
    setting: dict[str, Any],
    scheme: AssessmentScheme,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    url = f"/commissioners/assessment/{scheme.pk}/"
    unit_page = client_for(setting["org"]).get(url).content.decode()
    assert "您填写<strong>派出单位评分</strong>" in unit_page
    assert unit_page.count('name="score"') == 3
    record = _records(scheme)[0]
    client_for(setting["org"]).post(f"{url}records/{record.pk}/score/", {"score": "86", "comment": "好"})
    record.refresh_from_db()
    assert record.unit_score == Decimal("86.0")

    province = client_for(setting["province"])
    page = province.get(url).content.decode()
    assert "评分未齐" in page
    assert "计算等次并定档" in page
    assert (
        province.post(
            url,
            {
                "unit_weight": 70,
                "host_weight": 40,
                "excellent_quota": 30,
                "excellent_mark": 90,
                "pass_mark": 60,
            },
        ).status_code
        == 200
    )
    _score_all(setting, scheme, [86, 80, 50], [92, 85, 58])
    province.post(f"{url}finalise/")
    scheme.refresh_from_db()
    assert scheme.finalised
    page = province.get(url).content.decode()
    assert "比例核验" in page
    ranks = [
        r.rank for r in assessment_selectors.assessment_record_list(user=setting["province"], scheme=scheme)
    ]
    assert ranks == [1, 2, 3]
    failed = assessment_selectors.assessment_record_list(
        user=setting["province"], scheme=scheme, grade=Grade.FAIL
    )
    assert [r.rank for r in failed] == [3]  # the rank in the year, not in the filtered rows
    assert "不合格" in page
    assert "撤销定档" in page
    export = province.get(url, {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws is not None
    assert ws["A1"].value == "名次"
    assert ws.max_row == 4
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.EXPORT, detail__contains="年度考核结果 3 条"
    ).exists()

    meizhou = client_for(make_user(Role.CITY, A["city"])).get(url).content.decode()
    assert "陈晓燕" in meizhou
    assert "撤销定档" not in meizhou
    zhanjiang = client_for(make_user(Role.CITY, B["city"])).get(url).content.decode()
    assert "陈晓燕" not in zhanjiang
    assert "您的范围内没有需要考核的科技特派员" in zhanjiang
    filtered = province.get(url, {"city": "4401"}).content.decode()
    assert "没有符合条件的考核记录" in filtered

    assert client_for(setting["town"]).post(f"{url}unfinalise/", {"reason": "x"}).status_code == 403
    scheme.refresh_from_db()
    assert scheme.finalised
    listing = client_for(setting["town"]).get("/commissioners/assessment/").content.decode()
    assert "2025 年度" in listing
    assert "新建年度考核" not in listing


# ---- 省级重点派驻任务 -------------------------------------------------------------------------------


def _task(setting: dict[str, Any], team: Team, **changes: Any) -> KeyTask:
    values: dict[str, Any] = {
        "team": team,
        "code": "ZDPZ-2024-001",
        "title": "金柚黄龙病绿色防控技术示范",
        "goals": "建立示范园 300 亩\n\n培训果农 500 人次",
        "budget": "60",
        "starts_on": dt.date(2024, 4, 1),
        "ends_on": dt.date(2024, 12, 31),
    }
    values.update(changes)
    return assessment_services.key_task_create(acting_user=setting["province"], **values)


def test_key_task_creation_is_validated(setting: dict[str, Any], team: Team) -> None:
    cases = [
        ({"code": "任务一"}, "code", "任务编号应为 3 到 30 位字母、数字或连字符，如 ZDPZ-2025-001"),
        ({"title": "示范"}, "title", "请填写任务名称（至少 4 个字）"),
        ({"goals": " \n "}, "goals", "请至少填写一项考核指标（每行一项）"),
        ({"budget": "0"}, "budget", "省财政资助应大于 0 万元"),
        ({"budget": "十万"}, "budget", "省财政资助应为数字"),
        ({"budget": "12.345"}, "budget", "省财政资助最多保留两位小数（万元）"),
        ({"ends_on": dt.date(2024, 3, 1)}, "ends_on", "结束日期应晚于开始日期"),
        ({"starts_on": dt.date(2023, 1, 1)}, "starts_on", "开始日期不能早于团队服务开始（2024-03-01）"),
        ({"ends_on": dt.date(2028, 1, 1)}, "ends_on", "结束日期不能晚于团队服务期满（2027-03-01）"),
    ]
    for changes, name, message in cases:
        with pytest.raises(ValidationError) as caught:
            _task(setting, team, **changes)
        assert caught.value.message_dict[name] == [message], changes
    with pytest.raises(PermissionDenied):
        assessment_services.key_task_create(
            acting_user=setting["town"],
            team=team,
            code="ZDPZ-X-1",
            title="越权下达的任务",
            goals="一项",
            budget=10,
            starts_on=dt.date(2024, 4, 1),
            ends_on=dt.date(2024, 5, 1),
        )
    task = _task(setting, team, code="zdpz-2024-001")
    assert (task.code, task.goals, task.budget) == (
        "ZDPZ-2024-001",
        "建立示范园 300 亩\n培训果农 500 人次",
        Decimal("60.00"),
    )
    with pytest.raises(ValidationError) as caught:
        _task(setting, team)
    assert caught.value.message_dict["code"] == ["任务编号 ZDPZ-2024-001 已被使用"]


def test_key_task_progress_overdue_and_closing(
    setting: dict[str, Any], team: Team, make_user: Callable[..., User]
) -> None:
    task = _task(setting, team)
    leader = Assignment.all_objects.get(need=team.need, leader=True).nomination.expert.user
    member = Assignment.all_objects.filter(need=team.need, leader=False).first().nomination.expert.user  # type: ignore[union-attr]
    county = make_user(Role.COUNTY, A["county"])
    assessment_services.key_task_progress(
        acting_user=leader, task=task, progress=40, note="示范园完成 120 亩"
    )
    assessment_services.key_task_progress(
        acting_user=county, task=task, progress="60", note="县里核实：完成 180 亩"
    )
    for user in (member, setting["town"], make_user(Role.COUNTY, B["county"]), setting["org"]):
        with pytest.raises(PermissionDenied):
            assessment_services.key_task_progress(acting_user=user, task=task, progress=90, note="越权")
    with pytest.raises(ValidationError) as caught:
        assessment_services.key_task_progress(acting_user=leader, task=task, progress=120, note="")
    assert caught.value.message_dict == {
        "progress": ["完成进度应在 0 到 100 之间"],
        "note": ["请填写最新进展"],
    }
    task.refresh_from_db()
    assert (task.progress, task.progress_note) == (60, "县里核实：完成 180 亩")

    assert assessment_selectors.key_task_status(task, today=dt.date(2024, 12, 31)) == KeyTaskStatus.ACTIVE
    assert assessment_selectors.key_task_status(task, today=dt.date(2025, 1, 1)) == KeyTaskStatus.OVERDUE
    province = setting["province"]
    overdue = assessment_selectors.key_task_list(user=province, status="overdue", today=dt.date(2025, 1, 1))
    assert [t.pk for t in overdue] == [task.pk]
    assert not assessment_selectors.key_task_list(
        user=province, status="overdue", today=dt.date(2024, 6, 1)
    ).exists()
    assert [t.pk for t in assessment_selectors.key_task_list(user=leader)] == [
        task.pk
    ]  # members see their team's task
    assert not assessment_selectors.key_task_list(user=make_user(Role.CITY, B["city"])).exists()

    with pytest.raises(ValidationError, match="达到 100% 后才能验收"):
        assessment_services.key_task_close(acting_user=province, task=task, status=KeyTaskStatus.ACCEPTED)
    with pytest.raises(PermissionDenied):
        assessment_services.key_task_close(
            acting_user=county, task=task, status=KeyTaskStatus.TERMINATED, reason="x"
        )
    assessment_services.key_task_progress(acting_user=leader, task=task, progress=100, note="全部完成")
    done = assessment_services.key_task_close(acting_user=province, task=task, status=KeyTaskStatus.ACCEPTED)
    assert assessment_selectors.key_task_status(done, today=dt.date(2026, 1, 1)) == KeyTaskStatus.ACCEPTED
    with pytest.raises(ValidationError, match="不能再填报进展"):
        assessment_services.key_task_progress(acting_user=leader, task=task, progress=100, note="再改")

    other = _task(setting, team, code="ZDPZ-2024-002")
    with pytest.raises(ValidationError) as caught:
        assessment_services.key_task_close(acting_user=province, task=other, status=KeyTaskStatus.TERMINATED)
    assert caught.value.message_dict["reason"] == ["终止任务请说明原因"]
    stopped = assessment_services.key_task_close(
        acting_user=province, task=other, status=KeyTaskStatus.TERMINATED, reason="依托企业停产"
    )
    assert stopped.progress_note.startswith("终止原因：依托企业停产")


def test_key_task_pages(
    setting: dict[str, Any], team: Team, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    task = _task(setting, team)  # ended 2024-12-31, so 逾期 today
    province = client_for(setting["province"])
    page = province.get("/commissioners/key-tasks/").content.decode()
    assert "ZDPZ-2024-001" in page
    assert "逾期" in page
    created = province.post(
        "/commissioners/key-tasks/",
        {
            "team": team.pk,
            "code": "ZDPZ-2025-009",
            "title": "茶园标准化管理示范",
            "goals": "示范茶园 100 亩",
            "budget": "30",
            "starts_on": "2025-01-01",
            "ends_on": "2024-12-01",
        },
    )
    assert "结束日期应晚于开始日期" in created.content.decode()
    export = province.get("/commissioners/key-tasks/", {"export": "xlsx", "status": "overdue"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws is not None
    assert (ws["A2"].value, ws["I2"].value) == ("ZDPZ-2024-001", "逾期")

    county = client_for(make_user(Role.COUNTY, A["county"]))
    detail = county.get(f"/commissioners/key-tasks/{task.pk}/").content.decode()
    assert "填报进展" in detail
    assert "验收通过" not in detail
    county.post(
        f"/commissioners/key-tasks/{task.pk}/", {"action": "progress", "progress": "80", "note": "推进中"}
    )
    task.refresh_from_db()
    assert task.progress == 80
    assert (
        client_for(make_user(Role.COUNTY, B["county"]))
        .get(f"/commissioners/key-tasks/{task.pk}/")
        .status_code
        == 404
    )
    town = client_for(setting["town"]).get(f"/commissioners/key-tasks/{task.pk}/").content.decode()
    assert "填报进展" not in town
    assert client_for(setting["town"]).post("/commissioners/key-tasks/", {"code": "X"}).status_code == 403


def test_api_schemes_scores_and_key_tasks(
    setting: dict[str, Any], team: Team, client_for: Callable[[User], Client]
) -> None:
    province = client_for(setting["province"])
    bad = province.post(
        "/api/v1/commissioners/assessment/schemes", {"year": 2025, "unit_weight": 70}, "application/json"
    )
    assert bad.status_code == 422
    assert "两方评分权重之和应为 100%" in bad.json()["detail"]
    created = province.post("/api/v1/commissioners/assessment/schemes", {"year": 2025}, "application/json")
    assert created.status_code == 201
    scheme_id = created.json()["id"]
    patched = province.patch(
        f"/api/v1/commissioners/assessment/schemes/{scheme_id}", {"excellent_quota": 20}, "application/json"
    )
    assert patched.json()["excellent_quota"] == 20
    assert (
        client_for(setting["org"])
        .post("/api/v1/commissioners/assessment/schemes", {"year": 2026}, "application/json")
        .status_code
        == 403
    )

    org = client_for(setting["org"])
    records = org.get("/api/v1/commissioners/assessment/records", {"scheme_id": scheme_id}).json()
    assert records["count"] == 3
    first = records["items"][0]["id"]
    scored = org.post(
        f"/api/v1/commissioners/assessment/records/{first}/score",
        {"score": 87.5, "comment": "好"},
        "application/json",
    )
    assert scored.status_code == 200
    assert (scored.json()["unit_score"], scored.json()["host_score"]) == (87.5, None)
    too_fine = org.post(
        f"/api/v1/commissioners/assessment/records/{first}/score", {"score": 87.55}, "application/json"
    )
    assert too_fine.status_code == 422
    assert (
        client_for(setting["prd_town"])
        .post(f"/api/v1/commissioners/assessment/records/{first}/score", {"score": 60}, "application/json")
        .status_code
        == 404
    )

    task = province.post(
        "/api/v1/commissioners/key-tasks",
        {
            "team_id": team.pk,
            "code": "ZDPZ-2024-010",
            "title": "金柚保果技术示范",
            "goals": "示范园 200 亩",
            "budget": 45.5,
            "starts_on": "2024-04-01",
            "ends_on": "2024-12-31",
        },
        "application/json",
    )
    assert task.status_code == 201
    assert (task.json()["status"], task.json()["budget"]) == ("overdue", 45.5)
    leader = Assignment.all_objects.get(need=team.need, leader=True).nomination.expert.user
    progress = client_for(leader).post(
        f"/api/v1/commissioners/key-tasks/{task.json()['id']}/progress",
        {"progress": 65, "note": "完成 130 亩"},
        "application/json",
    )
    assert progress.json()["progress"] == 65
    listed = client_for(setting["town"]).get("/api/v1/commissioners/key-tasks", {"status": "overdue"}).json()
    assert [t["code"] for t in listed["items"]] == ["ZDPZ-2024-010"]


def test_list_pages_cost_the_same_for_one_row_and_three(
    setting: dict[str, Any], scheme: AssessmentScheme, client_for: Callable[[User], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(client: Client, path: str) -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    team = Team.all_objects.get()
    for n in (1, 2, 3):
        _task(setting, team, code=f"ZDPZ-2024-00{n}")
    pages = [
        (client_for(setting["org"]), f"/commissioners/assessment/{scheme.pk}/"),
        (client_for(setting["province"]), f"/commissioners/assessment/{scheme.pk}/"),
        (client_for(setting["province"]), "/commissioners/key-tasks/"),
        (client_for(setting["province"]), "/commissioners/overview/"),
    ]
    three = [queries(client, path) for client, path in pages]
    first = _records(scheme)[0]
    AssessmentRecord.all_objects.exclude(pk=first.pk).delete()
    KeyTask.all_objects.exclude(code="ZDPZ-2024-001").delete()
    one = [queries(client, path) for client, path in pages]
    assert one == three


# ---- filters -------------------------------------------------------------------------------------


def test_results_and_key_tasks_share_one_filter_with_the_api(
    setting: dict[str, Any], team: Team, scheme: AssessmentScheme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(setting["province"])
    unit = _records(scheme)[0].assignment.nomination.organisation_id
    records, results = "/api/v1/commissioners/assessment/records", f"/commissioners/assessment/{scheme.pk}/"
    mine = {"organisation_id": unit, "city": A["town"][:4]}
    other = {"organisation_id": unit + 1000}
    assert len(client.get(records, {"scheme_id": scheme.pk, **mine}).json()["items"]) == 3
    assert client.get(records, {"scheme_id": scheme.pk, **other}).json()["items"] == []
    assert "没有符合条件的考核记录" not in client.get(results, mine).content.decode()
    assert "没有符合条件的考核记录" in client.get(results, other).content.decode()
    export = client.get(results, {**other, "export": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))) == 1  # type: ignore[union-attr]
    # Typed parameters are refused by the schema first, the form's choices next: each names its field.
    assert api_refuses(client, records, {"organisation_id": "华农", "grade": "great"}) == {"organisation_id"}
    assert api_refuses(client, records, {"grade": "great"}) == {"grade"}
    assert "等次：" in page_ignores(client, results, {"grade": "great"})

    task = _task(setting, team, ends_on=team.ends_on)
    tasks, task_page = "/api/v1/commissioners/key-tasks", "/commissioners/key-tasks/"
    active = {"status": assessment_selectors.key_task_status(task), "q": "黄龙病", "city": A["town"][:4]}
    assert [t["id"] for t in client.get(tasks, active).json()["items"]] == [task.pk]
    assert client.get(tasks, {"status": "accepted"}).json()["items"] == []
    assert f"/commissioners/key-tasks/{task.pk}/" in client.get(task_page, active).content.decode()
    assert (
        f"/commissioners/key-tasks/{task.pk}/"
        not in client.get(task_page, {"status": "accepted"}).content.decode()
    )
    assert api_refuses(client, tasks, {"status": "late", "city": "湛江"}) == {"status", "city"}
    assert f"/commissioners/key-tasks/{task.pk}/" in page_ignores(client, task_page, {"status": "late"})
