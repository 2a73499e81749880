"""创新型专业镇验收评价: the data set, who takes part, the numbers against a hand-computed case,
grade boundaries, weights as new versions, scope of the pages and the API, export, the demo."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import AuditEvent
from baiqianwan.indicators.acceptance import selectors as acceptance
from baiqianwan.indicators.acceptance import services as acceptance_services
from baiqianwan.indicators.collection import selectors
from baiqianwan.indicators.collection.models import Submission, SubmissionStatus
from baiqianwan.indicators.definitions import selectors as definition_selectors
from baiqianwan.indicators.definitions import services as definition_services
from baiqianwan.indicators.definitions.models import DataSet, SystemVersion
from baiqianwan.indicators.demo_acceptance import demo_acceptance
from baiqianwan.indicators.results import selectors as results
from baiqianwan.regions.models import Division

from ...conftest import A, B

# 大埔县 towns (梅州, side A) and a 徐闻县 town (湛江, side B).
A_TOWN, A_TOWN2 = A["town"], "441422101000"
B_TOWN = B["town"]

# Every indicator exactly at its 2025 target.
AT_TARGET: dict[str, Any] = {
    "above_scale_enterprises": 100,
    "hnte": 15,
    "sme_tech": 30,
    "firms_with_rd": 35,
    "rd_spend": 1500,
    "industrial_output": 100000,
    "provincial_platforms": 3,
    "public_service_platforms": 1,
    "coop_projects": 10,
    "platform_services": 200,
    "leading_industry_output": 50000,
    "leading_industry_enterprises": 50,
    "standards": 3,
    "tech_contract_value": 2000,
    "patents_granted": 50,
    "invention_patents": 20,
    "new_product_output": 20000,
    "achievements_transferred": 10,
    "talents_introduced": 50,
    "rd_staff": 300,
    "employees": 10000,
    "commissioners_on_duty": 3,
    "trainees": 1000,
    "construction_report": "建设情况总结",
}


@pytest.fixture
def loaded(divisions: None) -> DataSet:
    definition_services.system_load_shipped()
    return acceptance_services.acceptance_dataset_ensure()


def _approved(dataset: DataSet, unit: str, period: str, values: dict[str, Any]) -> Submission:
    return Submission.all_objects.create(
        dataset=dataset,
        period=period,
        unit_id=unit,
        status=SubmissionStatus.APPROVED,
        values={k: (float(v) if isinstance(v, int | float) else v) for k, v in values.items()},
    )


def _two_years(dataset: DataSet, unit: str, **changes: Any) -> None:
    """2024 with a lower leading output (growth 25 %, above target), 2025 at target with changes."""
    _approved(dataset, unit, "2024", {**AT_TARGET, "leading_industry_output": 40000})
    _approved(dataset, unit, "2025", {**AT_TARGET, **changes})


def _marked(unit: str, period: str, flag: int) -> Submission:
    host = DataSet.objects.get(code=acceptance.HOST_DATASET_CODE)
    return _approved(host, unit, period, {acceptance.FLAG: flag, "leading_industry_output": 40000})


# ---- the data set and participants ------------------------------------------------------------


def test_dataset_is_a_yearly_town_report_up_to_the_province(loaded: DataSet) -> None:
    assert loaded.code == "specialised_town_acceptance.town"
    assert loaded.level == "town"
    assert loaded.frequency == "year"
    assert loaded.approval_chain == ["county", "city", "province"]
    assert "hnte" in loaded.elements
    assert "construction_report" in loaded.elements
    loaded.approval_chain = ["county", "province"]
    loaded.save()
    again = acceptance_services.acceptance_dataset_ensure()
    assert again.pk == loaded.pk
    assert again.approval_chain == ["county", "province"]


def test_participants_are_marked_towns_and_towns_that_report(loaded: DataSet) -> None:
    _marked(A_TOWN, "2024", 1)
    _marked(A_TOWN2, "2023", 1)
    _marked(A_TOWN2, "2024", 0)  # no longer a 专业镇
    Submission.all_objects.create(dataset=loaded, period="2025", unit_id=B_TOWN, values={})
    found = acceptance.participants(year="2025")
    assert found == {A_TOWN: "认定专业镇", B_TOWN: "已填报验收数据"}
    assert acceptance.participants(year="2023") == {A_TOWN2: "认定专业镇"}


def test_collection_lists_only_participants_but_any_town_may_start(
    loaded: DataSet, make_user: Callable[..., User]
) -> None:
    county = make_user(Role.COUNTY, A["county"])
    _marked(A_TOWN, "2024", 1)
    listed = set(selectors.units_in_scope(user=county, dataset=loaded).values_list("code", flat=True))
    assert listed == {A_TOWN}
    assert selectors.unit_get(user=county, dataset=loaded, code=A_TOWN2) is not None
    host = DataSet.objects.get(code=acceptance.HOST_DATASET_CODE)
    assert selectors.units_in_scope(user=county, dataset=host).count() > 1


def test_entry_form_and_template_work_for_the_acceptance_report(
    loaded: DataSet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    _marked(A_TOWN, "2024", 1)
    town = make_user(Role.TOWN, A_TOWN)
    client = client_for(town)
    period = str(dt.date.today().year)  # a period still open
    url = f"/indicators/collect/{loaded.code}/{period}/{A_TOWN}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "高新技术企业数" in page.content.decode()
    assert "建设情况总结报告" in page.content.decode()
    response = client.post(url, {**AT_TARGET, "action": "submit"})
    assert response.status_code == 302
    saved = Submission.all_objects.get(dataset=loaded, unit_id=A_TOWN, period=period)
    assert saved.status == SubmissionStatus.SUBMITTED
    assert saved.stage == "county"
    assert saved.values["hnte"] == 15.0
    county = make_user(Role.COUNTY, A["county"])
    template = client_for(county).get(f"/indicators/collect/{loaded.code}/{period}/template/")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content))["填报数据"]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [A_TOWN]
    assert "规模以上工业企业数（家）" in [c.value for c in sheet[1]]


# ---- the numbers --------------------------------------------------------------------------------


def test_scores_against_a_hand_computed_case(loaded: DataSet) -> None:
    _two_years(loaded, A_TOWN)
    # hnte 6 of target 15 → 40; its share kept at 15 % (6 of 40 firms); the rest at target.
    _two_years(
        loaded,
        A_TOWN2,
        hnte=6,
        above_scale_enterprises=40,
        firms_with_rd=14,
        leading_industry_enterprises=20,
    )
    evaluation = acceptance.evaluate(year="2025")
    rows = {r.code: r for r in evaluation.towns}
    full, partial = rows[A_TOWN], rows[A_TOWN2]
    assert full.total == pytest.approx(100)
    assert full.grade == "优秀"
    assert full.rank == 1
    # 企业发展 = 0.25 × 40 + 0.75 × 100 = 85; 产业集聚: 20 of 50 leading firms → 40,
    # 0.35 × 100 + 0.25 × 100 + 0.25 × 40 + 0.15 × 100 = 85.
    assert partial.dimensions["d_enterprise"] == pytest.approx(85)
    assert partial.dimensions["d_cluster"] == pytest.approx(85)
    assert partial.dimensions["d_platform"] == pytest.approx(100)
    # Total = 0.25 × 85 + 0.2 × 100 + 0.2 × 85 + 0.2 × 100 + 0.15 × 100 = 93.25.
    assert partial.total == pytest.approx(93.25)
    assert partial.rank == 2
    assert partial.grade == "优秀"
    hnte = next(line for line in partial.indicators if line.code == "e_hnte")
    assert (hnte.value, hnte.target, hnte.score, hnte.met) == (6, 15, pytest.approx(40), False)
    growth = next(line for line in full.indicators if line.code == "i_leading_growth")
    assert growth.value == pytest.approx(25)
    assert evaluation.version.content_hash == acceptance.current_version().content_hash


def test_first_year_growth_uses_last_years_monitoring_report(loaded: DataSet) -> None:
    _marked(A_TOWN, "2024", 1)  # leading output 40000 in the monitoring report
    _approved(loaded, A_TOWN, "2025", AT_TARGET)
    row = acceptance.evaluate(year="2025").towns[0]
    growth = next(line for line in row.indicators if line.code == "i_leading_growth")
    assert growth.value == pytest.approx(25)
    assert row.total == pytest.approx(100)


def test_per_town_targets_override(loaded: DataSet) -> None:
    _two_years(loaded, A_TOWN)
    targets = {"e_hnte": np.array([[30.0, 30.0]])}  # a committed target of 30
    row = acceptance.evaluate(year="2025", targets=targets).towns[0]
    hnte = next(line for line in row.indicators if line.code == "e_hnte")
    assert (hnte.target, hnte.score) == (30.0, pytest.approx(50))


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (90.0, "优秀"),
        (89.999, "良好"),
        (80.0, "良好"),
        (79.99, "合格"),
        (70.0, "合格"),
        (69.99, "不合格"),
        (0, "不合格"),
    ],
)
def test_grade_boundaries(loaded: DataSet, total: float, grade: str) -> None:

    system = definition_selectors.system_of(acceptance.current_version())
    assert results.grade_of(system, acceptance.TOTAL, total, 1, 1) == grade


def test_grade_boundary_through_the_data(loaded: DataSet) -> None:
    # No 人才建设 data (−0.15 × 100) and no public service platform (−0.2 × 0.25 × 100): exactly 80.
    missing = (
        "talents_introduced",
        "rd_staff",
        "commissioners_on_duty",
        "trainees",
        "public_service_platforms",
    )
    _approved(loaded, A_TOWN, "2024", {**AT_TARGET, "leading_industry_output": 40000})
    _approved(loaded, A_TOWN, "2025", {k: v for k, v in AT_TARGET.items() if k not in missing})
    row = acceptance.evaluate(year="2025").towns[0]
    assert row.total == 80
    assert row.grade == "良好"


def test_participant_without_approved_return_has_no_score(loaded: DataSet) -> None:
    _two_years(loaded, A_TOWN)
    _marked(A_TOWN2, "2025", 1)
    Submission.all_objects.create(
        dataset=loaded, period="2025", unit_id=B_TOWN, values={}, status="submitted"
    )
    rows = {r.code: r for r in acceptance.evaluate(year="2025").towns}
    assert rows[A_TOWN2].status == "missing"
    assert rows[A_TOWN2].total is None
    assert rows[A_TOWN2].rank is None
    assert rows[B_TOWN].status == "pending"
    assert rows[A_TOWN].rank == 1


# ---- weights and versions -------------------------------------------------------------------------

NEW_WEIGHTS = {
    "d_enterprise": 0.4,
    "d_platform": 0.15,
    "d_cluster": 0.15,
    "d_transfer": 0.15,
    "d_talent": 0.15,
}


def test_weights_change_stores_a_new_version_and_old_results_recompute_equal(
    loaded: DataSet, make_user: Callable[..., User]
) -> None:
    _two_years(
        loaded, A_TOWN2, hnte=6, above_scale_enterprises=40, firms_with_rd=14, leading_industry_enterprises=20
    )
    old = acceptance.current_version()
    before = acceptance.evaluate(year="2025")
    province = make_user(Role.PROVINCE, "440000000000")
    new = acceptance_services.weights_update(acting_user=province, weights=NEW_WEIGHTS, note="试行调整")
    assert new.pk != old.pk
    assert new.content_hash != old.content_hash
    assert new.is_current
    assert new.loaded_by == province
    assert "企业发展 0.4" in new.note
    assert new.version.startswith("2024.1-w")
    old.refresh_from_db()
    assert not old.is_current
    now = acceptance.evaluate(year="2025")
    assert now.version.pk == new.pk
    # 0.4 × 85 + 0.15 × (100 + 85 + 100 + 100) = 91.75
    assert now.towns[0].total == pytest.approx(91.75)
    again = acceptance.evaluate(year="2025", version=old)
    assert again.version.content_hash == before.version.content_hash
    assert [(r.code, r.total, r.rank, r.grade, r.dimensions) for r in again.towns] == [
        (r.code, r.total, r.rank, r.grade, r.dimensions) for r in before.towns
    ]
    assert [v.pk for v in acceptance.versions()] == [new.pk, old.pk]
    assert acceptance.version_find(old.content_hash[:12]) == old


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({**NEW_WEIGHTS, "d_enterprise": 0.5}, "之和须为 1"),
        ({**NEW_WEIGHTS, "d_enterprise": 0, "d_platform": 0.55}, "须大于 0"),
        ({**NEW_WEIGHTS, "d_talent": "很多"}, "请填写"),
        ({k: v for k, v in NEW_WEIGHTS.items() if k != "d_talent"}, "请填写"),
        (
            {"d_enterprise": 0.25, "d_platform": 0.2, "d_cluster": 0.2, "d_transfer": 0.2, "d_talent": 0.15},
            "相同",
        ),
    ],
)
def test_weights_are_checked(
    loaded: DataSet, make_user: Callable[..., User], weights: dict[str, Any], message: str
) -> None:
    province = make_user(Role.PROVINCE, "440000000000")
    with pytest.raises(ValidationError) as caught:
        acceptance_services.weights_update(acting_user=province, weights=weights)
    assert message in "；".join(caught.value.messages)
    assert SystemVersion.objects.filter(code=acceptance.SYSTEM_CODE).count() == 1


def test_only_the_province_changes_weights(loaded: DataSet, make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionDenied):
        acceptance_services.weights_update(acting_user=make_user(Role.CITY, A["city"]), weights=NEW_WEIGHTS)


def test_weights_page(
    loaded: DataSet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    province = client_for(make_user(Role.PROVINCE, "440000000000"))
    response = province.post("/indicators/acceptance/weights/", {**NEW_WEIGHTS, "note": ""})
    assert response.status_code == 302
    page = province.get("/indicators/acceptance/weights/").content.decode()
    assert acceptance.current_version().content_hash[:12] in page
    assert "调整维度权重" in page
    bad = province.post("/indicators/acceptance/weights/", {**NEW_WEIGHTS, "d_talent": "0.5"})
    assert bad.status_code == 200
    assert "之和须为 1" in bad.content.decode()
    city = client_for(make_user(Role.CITY, A["city"]))
    assert city.get("/indicators/acceptance/weights/").status_code == 200
    assert city.post("/indicators/acceptance/weights/", NEW_WEIGHTS).status_code == 403


# ---- scope of the pages, API and export ---------------------------------------------------------


@pytest.fixture
def two_sides(loaded: DataSet) -> None:
    _two_years(loaded, A_TOWN)
    _two_years(
        loaded, B_TOWN, hnte=6, above_scale_enterprises=40, firms_with_rd=14, leading_industry_enterprises=20
    )


def test_page_shows_scores_only_within_the_readers_area(
    two_sides: None, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    province = client_for(make_user(Role.PROVINCE, "440000000000"))
    html = province.get("/indicators/acceptance/?year=2025").content.decode()
    full = '<td class="text-end fw-bold">100</td>'
    assert "93.25" in html
    assert full in html
    assert acceptance.current_version().content_hash[:12] in html
    for role, division in ((Role.CITY, A["city"]), (Role.COUNTY, A["county"]), (Role.TOWN, A_TOWN)):
        page = client_for(make_user(role, division)).get("/indicators/acceptance/?year=2025").content.decode()
        assert full in page, role
        assert "93.25" not in page, role
        assert "其他地区：只显示排名" in page, role
    county = client_for(make_user(Role.COUNTY, A["county"]))
    assert county.get(f"/indicators/acceptance/towns/{A_TOWN}/?year=2025").status_code == 200
    assert county.get(f"/indicators/acceptance/towns/{B_TOWN}/?year=2025").status_code == 403
    only_b = province.get(f"/indicators/acceptance/?year=2025&city={B['city']}").content.decode()
    assert "93.25" in only_b
    assert full not in only_b
    assert f"/towns/{A_TOWN}/" not in only_b


def test_towns_without_a_return_are_listed_on_the_page_only_when_asked_for(
    two_sides: None, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    _marked(A_TOWN2, "2025", 1)
    name = Division.objects.get(code=A_TOWN2).name
    province = client_for(make_user(Role.PROVINCE, "440000000000"))
    page = province.get("/indicators/acceptance/?year=2025").content.decode()
    assert name not in page
    assert "另有 1 个认定的专业镇本年度未报送验收年报" in page
    assert "missing=1" in page
    listed = province.get("/indicators/acceptance/?year=2025&missing=1").content.decode()
    assert name in listed
    assert "另有" not in listed
    assert '<input type="hidden" name="missing" value="1">' in listed
    # The API lists them always: it offers no such filter.
    towns = province.get("/api/v1/indicators/acceptance/results?year=2025").json()["towns"]
    assert {t["code"]: t["status"] for t in towns}[A_TOWN2] == "missing"


def test_api_results_and_weights(
    two_sides: None, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    body = (
        client_for(make_user(Role.CITY, A["city"]))
        .get("/api/v1/indicators/acceptance/results?year=2025")
        .json()
    )
    assert body["system_hash"] == acceptance.current_version().content_hash
    towns = {t["code"]: t for t in body["towns"]}
    assert towns[A_TOWN]["own"]
    assert towns[A_TOWN]["total"] == pytest.approx(100)
    assert towns[A_TOWN]["indicators"][0]["target"] == 15
    assert not towns[B_TOWN]["own"]
    assert towns[B_TOWN]["total"] is None
    assert towns[B_TOWN]["rank"] == 2
    assert towns[B_TOWN]["indicators"] == []
    assert towns[B_TOWN]["dimensions"] == {}
    city = client_for(make_user(Role.CITY, A["city"]))
    denied = city.post(
        "/api/v1/indicators/acceptance/weights",
        json.dumps({"weights": NEW_WEIGHTS}),
        content_type="application/json",
    )
    assert denied.status_code == 403
    province = client_for(make_user(Role.PROVINCE, "440000000000"))
    made = province.post(
        "/api/v1/indicators/acceptance/weights",
        json.dumps({"weights": NEW_WEIGHTS}),
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["is_current"]
    old_hash = body["system_hash"]
    again = province.get(f"/api/v1/indicators/acceptance/results?year=2025&version={old_hash[:12]}").json()
    assert again["system_hash"] == old_hash
    assert (
        province.get("/api/v1/indicators/acceptance/results?year=2025&version=ffffffffff").status_code == 404
    )


def test_export_is_scoped_and_audited(
    two_sides: None, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    response = client_for(make_user(Role.COUNTY, A["county"])).get(
        "/indicators/acceptance/export.xlsx?year=2025"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert "总分" in headers
    assert any(str(h).startswith("高新技术企业数（家，目标 15）") for h in headers)
    by_code = {r[1]: r for r in rows[1:]}
    total = headers.index("总分")
    assert by_code[A_TOWN][total] == 100
    assert by_code[B_TOWN][total] is None
    assert by_code[B_TOWN][0] == 2
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).latest("at")
    assert "专业镇验收评价" in event.detail
    assert acceptance.current_version().content_hash[:12] in event.detail


def test_menu_entry_for_region_users(
    loaded: DataSet, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from baiqianwan.web.navigation import menu_for

    def labels(user: User) -> list[str]:
        items = menu_for(user, "/")
        return [str(c["label"]) for i in items for c in i.get("children", [i])]

    for role, division in (
        (Role.PROVINCE, "440000000000"),
        (Role.CITY, A["city"]),
        (Role.COUNTY, A["county"]),
        (Role.TOWN, A_TOWN),
    ):
        assert "专业镇验收" in labels(make_user(role, division)), role
    assert "专业镇验收" not in labels(make_user(Role.VILLAGE, A["village"]))
    empty = client_for(make_user(Role.TOWN, A_TOWN)).get("/indicators/acceptance/")
    assert empty.status_code == 200
    assert "还没有专业镇验收数据" in empty.content.decode()


# ---- the demo -------------------------------------------------------------------------------------


def test_demo_is_deterministic_and_idempotent(loaded: DataSet, make_user: Callable[..., User]) -> None:
    from baiqianwan.indicators.demo import demo_indicators

    make_user(Role.PROVINCE, "440000000000")
    demo_indicators(prefix="441881", publish=False)  # 英德市's monitoring reports
    first = demo_acceptance()
    assert first["towns"] >= 1
    assert first["submissions"] == 2 * first["towns"]
    assert demo_acceptance()["submissions"] == 0
    stored = {
        (s.unit_id, s.period): s.values
        for s in Submission.all_objects.filter(dataset=loaded).order_by("unit_id", "period")
    }
    assert all(s.status == SubmissionStatus.APPROVED for s in Submission.all_objects.filter(dataset=loaded))
    Submission.all_objects.filter(dataset=loaded).delete()
    demo_acceptance()
    again = {(s.unit_id, s.period): s.values for s in Submission.all_objects.filter(dataset=loaded)}
    assert again == stored
    evaluation = acceptance.evaluate(year="2025")
    assert evaluation.scored == first["towns"]
    for (unit, _), values in stored.items():
        assert values["firms_with_rd"] <= values["above_scale_enterprises"]
        assert values["leading_industry_output"] <= values["industrial_output"]
        assert values["invention_patents"] <= values["patents_granted"]
        assert values["rd_staff"] <= values["employees"]
        assert unit.startswith("441881")
