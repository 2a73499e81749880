"""Indicator collection: versioned definitions, checked values, the approval chain, locks."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import Notification
from baiqianwan.indicators.collection import rules, services
from baiqianwan.indicators.collection.models import Submission, SubmissionStatus
from baiqianwan.indicators.definitions import selectors as definition_selectors
from baiqianwan.indicators.definitions import services as definition_services
from baiqianwan.indicators.definitions.models import DataSet, SystemVersion
from baiqianwan.indicators.engine import load_shipped
from baiqianwan.indicators.engine.model import system_to_json
from baiqianwan.regions.models import Division

from ...conftest import A, B

DONGCHENG = "441900003000"  # 东莞市东城街道: a town directly under the city


@pytest.fixture
def town_set(divisions: None) -> DataSet:
    definition_services.system_load_shipped()
    return DataSet.objects.get(code="county_town_system.town")


def _values(dataset: DataSet, **overrides: Any) -> dict[str, Any]:
    _, system = definition_selectors.current_system(dataset.system_code)
    kinds = {e.code: e.kind for e in system.elements}
    values: dict[str, Any] = {
        code: {"percent": 40, "yes_no": "否", "text": "无"}.get(kinds[code], 10) for code in dataset.elements
    }
    values.update(gdp=50, rd_spend=300, demands_posted=12, demands_resolved=8)
    values.update(overrides)
    return values


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "town": make_user(Role.TOWN, A["town"]),
        "county": make_user(Role.COUNTY, A["county"]),
        "city": make_user(Role.CITY, A["city"]),
        "province": make_user(Role.PROVINCE, "440000000000"),
        "other_town": make_user(Role.TOWN, B["town"]),
        "other_county": make_user(Role.COUNTY, B["county"]),
        "village": make_user(Role.VILLAGE, A["village"]),
    }


def test_definitions_are_versioned_by_content(town_set: DataSet) -> None:
    first = SystemVersion.objects.get(code="county_town_system", is_current=True)
    again = definition_services.system_load_shipped()
    assert SystemVersion.objects.filter(code="county_town_system").count() == 1
    assert again[0].pk == first.pk
    changed = json.loads(system_to_json(load_shipped("county_town_system")))
    changed["version"] = "2026.1"
    changed["indicators"][0]["normalisation"] = "z_score"
    newer = definition_services.system_store(definition=changed, note="调整")
    first.refresh_from_db()
    assert newer.content_hash != first.content_hash
    assert newer.is_current
    assert not first.is_current
    broken = dict(
        changed,
        indicators=[dict(changed["indicators"][0], formula="#{gdp} / (1 +"), *changed["indicators"][1:]],
    )
    with pytest.raises(ValidationError) as caught:
        definition_services.system_store(definition=broken)
    assert caught.value.messages == [
        "指标“c_commissioners_per_town”（每个乡镇平均在岗科技特派员数）："
        "公式第 14 个字符处缺少运算数（公式不完整）"
    ]


def test_periods_and_their_deadlines(town_set: DataSet) -> None:
    assert definition_selectors.period_end("2025") == dt.date(2025, 12, 31)
    assert definition_selectors.period_end("2025H1") == dt.date(2025, 6, 30)
    assert definition_selectors.period_end("2025Q4") == dt.date(2025, 12, 31)
    assert definition_selectors.period_end("2025Q1") == dt.date(2025, 3, 31)
    with pytest.raises(ValidationError, match="格式不对"):
        definition_selectors.period_end("2025-1")
    with pytest.raises(ValidationError, match="按年度填报"):
        definition_selectors.check_period(town_set, "2025H1")
    assert definition_selectors.deadline(town_set, "2025") == dt.date(2026, 1, 15)
    assert definition_selectors.lock_date(town_set, "2025") == dt.date(2026, 2, 15)


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("number", "1,234.5", 1234.5),
        ("number", 7, 7.0),
        ("percent", "35%", 35.0),
        ("yes_no", "是", 1.0),
        ("yes_no", "否", 0.0),
        ("number", "", None),
        ("text", " 见附件 ", "见附件"),
    ],
)
def test_cells_are_read_by_their_kind(kind: str, raw: Any, expected: Any) -> None:
    element = type("E", (), {"kind": kind})()
    assert services.clean_value(element, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "reason"),
    [
        ("number", "N/A", "应填数字，不能填“N/A”"),
        ("number", "见附件", "应填数字"),
        ("percent", 130, "百分比应在 0 到 100 之间"),
        ("yes_no", "也许", "应填“是”或“否”"),
        ("number", True, "应填数字"),
    ],
)
def test_bad_cells_say_why(kind: str, raw: Any, reason: str) -> None:
    element = type("E", (), {"kind": kind})()
    with pytest.raises(ValueError, match=reason):
        services.clean_value(element, raw)


def test_a_town_fills_in_only_its_own_data(town_set: DataSet, people: dict[str, User]) -> None:
    huliao, maichen = Division.objects.get(code=A["town"]), Division.objects.get(code=B["town"])
    saved = services.submission_save(
        acting_user=people["town"], dataset=town_set, period="2026", unit=huliao, values=_values(town_set)
    )
    assert saved.status == SubmissionStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.submission_save(
            acting_user=people["town"],
            dataset=town_set,
            period="2026",
            unit=maichen,
            values=_values(town_set),
        )
    with pytest.raises(PermissionDenied):
        services.submission_save(
            acting_user=people["village"],
            dataset=town_set,
            period="2026",
            unit=huliao,
            values=_values(town_set),
        )
    with pytest.raises(ValidationError) as caught:
        services.submission_save(
            acting_user=people["town"],
            dataset=town_set,
            period="2026",
            unit=huliao,
            values=_values(town_set, hnte="N/A", gdp="见附件"),
        )
    assert set(caught.value.message_dict) == {"hnte", "gdp"}
    saved.refresh_from_db()
    assert saved.values["hnte"] == 10  # nothing partial stored
    with pytest.raises(ValidationError, match="数据已被他人修改"):
        services.submission_save(
            acting_user=people["county"],
            dataset=town_set,
            period="2026",
            unit=huliao,
            values=_values(town_set),
            version=saved.version + 5,
        )


def test_up_the_chain_with_returns_and_history(town_set: DataSet, people: dict[str, User]) -> None:
    huliao = Division.objects.get(code=A["town"])
    draft = services.submission_save(
        acting_user=people["town"],
        dataset=town_set,
        period="2026",
        unit=huliao,
        values=_values(town_set, demands_resolved=20),
    )
    with pytest.raises(ValidationError, match="已解决科技需求数（20）不能大于提交科技需求数（12）"):
        services.submission_submit(acting_user=people["town"], submission=draft)
    draft = services.submission_save(
        acting_user=people["town"], dataset=town_set, period="2026", unit=huliao, values=_values(town_set)
    )
    sent = services.submission_submit(acting_user=people["town"], submission=draft)
    assert (sent.status, sent.stage) == (SubmissionStatus.SUBMITTED, "county")
    with pytest.raises(ValidationError, match="不能修改"):
        services.submission_save(
            acting_user=people["town"], dataset=town_set, period="2026", unit=huliao, values=_values(town_set)
        )
    with pytest.raises(PermissionDenied, match="等待县（市、区）审核"):
        services.submission_approve(acting_user=people["city"], submission=sent)
    with pytest.raises(PermissionDenied):
        services.submission_approve(acting_user=people["other_county"], submission=sent)
    with pytest.raises(ValidationError, match="说明原因"):
        services.submission_return(acting_user=people["county"], submission=sent, reason=" ")
    returned = services.submission_return(
        acting_user=people["county"], submission=sent, reason="R&D 经费请按统计口径"
    )
    assert returned.status == SubmissionStatus.RETURNED
    assert Notification.objects.filter(user=people["town"], body="R&D 经费请按统计口径").exists()
    again = services.submission_save(
        acting_user=people["town"],
        dataset=town_set,
        period="2026",
        unit=huliao,
        values=_values(town_set, rd_spend=280),
    )
    services.submission_submit(acting_user=people["town"], submission=again)
    at_city = services.submission_approve(acting_user=people["county"], submission=again)
    assert at_city.stage == "city"
    done = services.submission_approve(acting_user=people["city"], submission=at_city)
    assert (done.status, done.stage) == (SubmissionStatus.APPROVED, "")
    assert done.approved_at is not None
    assert [e.action for e in done.events.all()] == [
        "save",
        "save",
        "submit",
        "return",
        "save",
        "submit",
        "approve",
        "approve",
    ]


def test_towns_without_a_county_skip_that_level(town_set: DataSet, make_user: Callable[..., User]) -> None:
    dongcheng = Division.objects.get(code=DONGCHENG)
    operator = make_user(Role.TOWN, DONGCHENG)
    assert rules.chain_for(town_set, dongcheng) == ["city"]
    draft = services.submission_save(
        acting_user=operator, dataset=town_set, period="2026", unit=dongcheng, values=_values(town_set)
    )
    assert services.submission_submit(acting_user=operator, submission=draft).stage == "city"


def _approved(town_set: DataSet, people: dict[str, User], period: str = "2025") -> Submission:
    huliao = Division.objects.get(code=A["town"])
    draft = services.submission_save(
        acting_user=people["town"], dataset=town_set, period=period, unit=huliao, values=_values(town_set)
    )
    sent = services.submission_submit(acting_user=people["town"], submission=draft)
    sent = services.submission_approve(acting_user=people["county"], submission=sent)
    return services.submission_approve(acting_user=people["city"], submission=sent)


def test_unapproving_is_for_the_final_level_with_a_reason(town_set: DataSet, people: dict[str, User]) -> None:
    done = _approved(town_set, people, period="2026")
    with pytest.raises(PermissionDenied, match="最终审定的地级市"):
        services.submission_unapprove(acting_user=people["county"], submission=done, reason="想改")
    with pytest.raises(ValidationError, match="说明原因"):
        services.submission_unapprove(acting_user=people["city"], submission=done, reason="")
    reopened = services.submission_unapprove(
        acting_user=people["city"], submission=done, reason="核对后发现录入错误"
    )
    assert (reopened.status, reopened.stage) == (SubmissionStatus.SUBMITTED, "city")
    assert reopened.events.last().reason == "核对后发现录入错误"


def test_a_locked_period_opens_only_by_exception(town_set: DataSet, people: dict[str, User]) -> None:
    # 2025 locks on 2026-02-15; today (in these tests) is later.
    huliao = Division.objects.get(code=A["town"])
    assert rules.is_locked(town_set, "2025", huliao.code, today=dt.date(2026, 3, 1))
    assert not rules.is_locked(town_set, "2025", huliao.code, today=dt.date(2026, 2, 14))
    if timezone.localdate() < dt.date(2026, 2, 15):
        pytest.skip("the 2025 period is not locked yet on this date")
    with pytest.raises(ValidationError, match="已于 2026年02月15日 锁定"):
        services.submission_save(
            acting_user=people["town"], dataset=town_set, period="2025", unit=huliao, values=_values(town_set)
        )
    with pytest.raises(PermissionDenied):
        services.lock_exception_grant(
            acting_user=people["other_county"],
            dataset=town_set,
            period="2025",
            unit=huliao,
            days=7,
            reason="补报",
        )
    with pytest.raises(ValidationError, match="1 到 30"):
        services.lock_exception_grant(
            acting_user=people["county"], dataset=town_set, period="2025", unit=huliao, days=90, reason="补报"
        )
    services.lock_exception_grant(
        acting_user=people["county"], dataset=town_set, period="2025", unit=huliao, days=7, reason="漏报补录"
    )
    saved = services.submission_save(
        acting_user=people["town"], dataset=town_set, period="2025", unit=huliao, values=_values(town_set)
    )
    assert saved.status == SubmissionStatus.DRAFT
    # Approved 2025 data: the city can no longer un-approve after the lock; the province can.
    sent = services.submission_submit(acting_user=people["town"], submission=saved)
    sent = services.submission_approve(acting_user=people["county"], submission=sent)
    done = services.submission_approve(acting_user=people["city"], submission=sent)
    from baiqianwan.indicators.collection.models import LockException

    LockException.all_objects.all().delete()
    with pytest.raises(ValidationError, match="由省科技厅办理"):
        services.submission_unapprove(acting_user=people["city"], submission=done, reason="错")
    assert services.submission_unapprove(
        acting_user=people["province"], submission=done, reason="错"
    ).status == (SubmissionStatus.SUBMITTED)


def test_outliers_against_history_need_confirming(town_set: DataSet, people: dict[str, User]) -> None:
    huliao = Division.objects.get(code=A["town"])
    for year in ("2021", "2022", "2023", "2024"):
        draft = services.submission_save(
            acting_user=people["province"],
            dataset=town_set,
            period=year,
            unit=huliao,
            values=_values(town_set),
        )
        services.submission_submit(acting_user=people["province"], submission=draft)
        Submission.all_objects.filter(pk=draft.pk).update(status=SubmissionStatus.APPROVED)
    jump = _values(town_set, tech_contract_value=5000, hnte=10)
    draft = services.submission_save(
        acting_user=people["province"], dataset=town_set, period="2026", unit=huliao, values=jump
    )
    with pytest.raises(ValidationError, match="请核实"):
        services.submission_submit(acting_user=people["province"], submission=draft)
    sent = services.submission_submit(acting_user=people["province"], submission=draft, confirm_warnings=True)
    assert sent.flags
    assert any("技术合同成交额" in flag for flag in sent.flags)
