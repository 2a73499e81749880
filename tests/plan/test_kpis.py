"""KPI values by year: reported with evidence, counted by the platform, and the outlook to each goal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.spreadsheets import Column, SheetSchema, text_cell, write_workbook
from baiqianwan.plan import selectors, services
from baiqianwan.plan.models import Goal, Kpi, KpiValue

from ..conftest import A

EVIDENCE = write_workbook(SheetSchema(title="佐证", columns=[Column("a", "项目", text_cell)]), [("汇总表",)])
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def setting(divisions: None, make_user: Callable[..., User]) -> dict[str, Any]:
    services.plan_load()
    return {
        "province": make_user(Role.PROVINCE, "440000000000"),
        "city": make_user(Role.CITY, A["city"]),
        "town": make_user(Role.TOWN, A["town"]),
        "rd": Kpi.objects.get(code="KPI-COUNTY-RD-INTENSITY"),
        "commissioners": Kpi.objects.get(code="KPI-COMMISSIONERS-SERVING"),
    }


def _report(setting: dict[str, Any], year: int, value: float, **extra: Any) -> KpiValue:
    values: dict[str, Any] = {"evidence_name": "汇总.xlsx", "evidence": EVIDENCE} | extra
    return services.kpi_value_report(
        acting_user=setting["province"], kpi=setting["rd"], year=year, value=value, **values
    )


def test_reported_values_need_evidence_of_a_real_type(setting: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.kpi_value_report(
            acting_user=setting["city"],
            kpi=setting["rd"],
            year=2024,
            value=1.3,
            evidence_name="a.pdf",
            evidence=PDF,
        )
    with pytest.raises(ValidationError) as caught:
        services.kpi_value_report(acting_user=setting["province"], kpi=setting["rd"], year=2024, value=1.3)
    assert caught.value.message_dict["evidence"] == ["请上传佐证材料（县级统计部门 R&D 统计报表）"] or (
        "请上传佐证材料" in caught.value.message_dict["evidence"][0]
    )
    with pytest.raises(ValidationError, match="不是PDF 文件、JPG 图片、PNG 图片、Excel"):
        _report(setting, 2024, 1.3, evidence_name="报表.pdf", evidence=b"MZ\x90\x00not a pdf")
    with pytest.raises(ValidationError, match="年份应在 2023 到"):
        _report(setting, 2019, 1.3)
    with pytest.raises(ValidationError, match="不小于 0"):
        _report(setting, 2024, float("nan"))
    first = _report(setting, 2024, 1.3, evidence_name="报表.pdf", evidence=PDF)
    corrected = services.kpi_value_report(
        acting_user=setting["province"], kpi=setting["rd"], year=2024, value=1.31, note="更正口径"
    )
    assert corrected.pk == first.pk
    assert corrected.value == 1.31
    assert corrected.evidence_name == "报表.pdf"  # the evidence stays when only the number is corrected


def test_platform_counted_kpis_take_reports_only_for_earlier_years(setting: dict[str, Any]) -> None:
    kpi, this_year = setting["commissioners"], dt.date.today().year
    with pytest.raises(ValidationError, match="由平台实时统计"):
        services.kpi_value_report(
            acting_user=setting["province"],
            kpi=kpi,
            year=this_year,
            value=10,
            evidence_name="a.pdf",
            evidence=PDF,
        )
    services.kpi_value_report(
        acting_user=setting["province"], kpi=kpi, year=2024, value=845, evidence_name="通报.pdf", evidence=PDF
    )
    assert services.kpi_snapshot_live() >= 2
    counted = KpiValue.objects.get(kpi_id="KPI-DEMANDS-RESOLVED", year=this_year)
    assert (counted.source, counted.value) == ("live", 0.0)
    with pytest.raises(ValidationError, match="由平台实时统计"):
        services.kpi_value_report(
            acting_user=setting["province"],
            kpi=counted.kpi,
            year=this_year,
            value=3,
            evidence_name="a.pdf",
            evidence=PDF,
        )


def test_outlook_from_the_trend_and_from_past_years(setting: dict[str, Any]) -> None:
    goal_2027 = Goal.objects.get(code="G2027-01")
    with pytest.raises(PermissionDenied):
        services.goal_target_set(acting_user=setting["city"], goal=goal_2027, value=1.6, note="要点")
    with pytest.raises(ValidationError, match="依据"):
        services.goal_target_set(acting_user=setting["province"], goal=goal_2027, value=1.6)
    with pytest.raises(ValidationError, match="方案原文已规定目标值 1000"):
        services.goal_target_set(
            acting_user=setting["province"], goal=Goal.objects.get(code="G2025-11"), value=900, note="x"
        )
    services.goal_target_set(acting_user=setting["province"], goal=goal_2027, value=1.55, note="年度工作要点")
    for year, value in ((2023, 1.2), (2024, 1.3), (2025, 1.4)):
        _report(setting, year, value)
    today = dt.date(2026, 11, 29)

    def row(code: str) -> selectors.GoalRow:
        return next(r for _, rows in selectors.goals_by_year(today) for r in rows if r.goal.code == code)

    # 1.2, 1.3, 1.4 → 1.6 in 2027: on course for 1.55.
    assert row("G2027-01").outlook == "on_course"
    assert row("G2027-01").projected == pytest.approx(1.6)
    services.goal_target_set(acting_user=setting["province"], goal=goal_2027, value=1.8, note="提高")
    assert row("G2027-01").outlook == "behind"
    assert row("G2027-01").outlook_label == "按趋势将未达成"
    # A goal year already past is judged on that year's value: 2025's 千名 target.
    services.kpi_value_report(
        acting_user=setting["province"],
        kpi=setting["commissioners"],
        year=2025,
        value=1046,
        evidence_name="通报.pdf",
        evidence=PDF,
    )
    assert row("G2025-11").outlook == "met"
    assert row("G2025-11").attainment is not None


def test_pages_show_the_outlook_and_guard_the_evidence(
    setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    services.goal_target_set(
        acting_user=setting["province"], goal=Goal.objects.get(code="G2027-01"), value=1.5, note="要点"
    )
    for year, value in ((2023, 1.2), (2024, 1.3), (2025, 1.4)):
        _report(setting, year, value)
    province = client_for(setting["province"])
    plan_page = province.get("/plan/").content.decode()
    assert "按趋势可达成" in plan_page
    assert "工作目标" in plan_page
    kpi_page = province.get("/plan/kpis/KPI-COUNTY-RD-INTENSITY/").content.decode()
    assert "填报年度值" in kpi_page
    assert "kpi-chart-data" in kpi_page
    download = province.get("/plan/kpis/KPI-COUNTY-RD-INTENSITY/2024/evidence/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert (
        client_for(setting["town"]).get("/plan/kpis/KPI-COUNTY-RD-INTENSITY/2024/evidence/").status_code
        == 403
    )
    assert (
        "填报年度值"
        not in client_for(setting["town"]).get("/plan/kpis/KPI-COUNTY-RD-INTENSITY/").content.decode()
    )
    response = province.post("/plan/goals/G2027-02/target/", {"value": "一万", "note": "x"})
    assert response.status_code == 302
    assert Goal.objects.get(code="G2027-02").working_target is None
