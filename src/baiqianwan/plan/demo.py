"""Demo progress reports: some cities on track, some behind, some not yet reported."""

from __future__ import annotations

from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.core.spreadsheets import Column, SheetSchema, text_cell, write_workbook

from .models import Goal, Kpi, KpiValue, Measure, ProgressReport
from .selectors import closed_period
from .services import goal_target_set, kpi_value_report, plan_load

# (username, measure, status, summary)
REPORTS = [
    (
        "gd_admin",
        "T6-M1",
        "on_track",
        "已组织两批农村科技特派员选派，覆盖粤东西北 1,000 余个镇，正在组建团队并派驻。",
    ),
    ("gd_admin", "T2-M1", "on_track", "技术市场上线成果 3,200 余项，组织成果对接会 12 场。"),
    ("gd_admin", "T3-M2", "at_risk", "粤东西北科技信贷风险补偿比例调整方案已起草，待财政部门会签。"),
    ("mz_city", "T6-M1", "on_track", "梅州市接收省派科技特派员 86 名，组建 29 个团队，进驻 29 个镇。"),
    ("mz_city", "T1-M1", "on_track", "围绕金柚黄龙病、茶叶加工征集技术需求 146 条，已对接 58 条。"),
    ("mz_city", "T5-M1", "delayed", "大埔县创新型专业镇申报材料尚未齐备，预计下季度提交。"),
    ("qy_city", "T6-M1", "on_track", "清远市科技特派员工作站新建 6 个，英德市连江口镇实现茶产业团队全覆盖。"),
    ("qy_city", "T2-M1", "done", "英红九号红茶加工标准化成果在 5 个镇推广应用。"),
]


def demo_progress() -> int:
    if not Measure.objects.exists():
        plan_load()
    period, _ = closed_period(timezone.localdate())
    users = {u.username: u for u in User.objects.filter(username__in={r[0] for r in REPORTS})}
    created = 0
    for username, measure, status, summary in REPORTS:
        user = users.get(username)
        if user is None or user.division is None:
            continue
        _, new = ProgressReport.all_objects.get_or_create(
            measure_id=measure,
            period=period,
            division=user.division,
            defaults={
                "status": status,
                "summary": summary,
                "reporting_unit": user.display_name,
                "submitted_by": user,
            },
        )
        created += new
    return created


# Reported KPIs: (code, {year: value}, source of the figure) — illustrative figures for the demo.
KPI_VALUES: list[tuple[str, dict[int, float], str]] = [
    ("KPI-COUNTY-RD-INTENSITY", {2023: 1.21, 2024: 1.29, 2025: 1.36}, "县域 R&D 经费统计汇总表"),
    ("KPI-COUNTY-HITECH", {2023: 7860, 2024: 8410, 2025: 9020}, "高新技术企业认定名单（县域汇总）"),
    ("KPI-NATIONAL-STRONG-TOWNS", {2023: 41, 2024: 44, 2025: 46}, "全国千强镇名单（广东入选部分）"),
]
# Working targets the province sets where the policy names no number: (goal, value, basis).
WORKING_TARGETS = [
    ("G2027-01", 1.6, "省科技厅年度工作要点（演示）"),
    ("G2027-02", 11000, "省科技厅年度工作要点（演示）"),
    ("G2027-11", 60, "省科技厅年度工作要点（演示）"),
]
EVIDENCE = SheetSchema(
    title="佐证材料",
    columns=[
        Column("item", "项目", text_cell),
        Column("value", "数值", text_cell),
        Column("basis", "依据", text_cell),
    ],
)


def demo_kpi_values() -> int:
    """The province's reported KPI values for 2023–2025, each with an Excel evidence file."""
    province = User.objects.filter(username="gd_admin").first()
    if province is None or KpiValue.objects.filter(source=Kpi.Source.REPORTED).exists():
        return 0
    stored = 0
    for code, values, basis in KPI_VALUES:
        kpi = Kpi.objects.get(code=code)
        for year, value in values.items():
            workbook = write_workbook(
                EVIDENCE, [(f"{kpi.name}（{year} 年）", f"{value:g} {kpi.unit}", basis)]
            )
            kpi_value_report(
                acting_user=province,
                kpi=kpi,
                year=year,
                value=value,
                note=basis,
                evidence_name=f"{year}年{kpi.name}佐证.xlsx",
                evidence=workbook,
            )
            stored += 1
    for goal_code, value, basis in WORKING_TARGETS:
        goal = Goal.objects.filter(code=goal_code).first()
        if goal is not None and goal.target is None:
            goal_target_set(acting_user=province, goal=goal, value=value, note=basis)
    return stored
