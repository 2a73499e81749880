"""Loading the plan from data/plan/plan.json, and progress reporting."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.files import check_upload

from .models import Goal, Kpi, KpiValue, Measure, ProgressReport, Section

PLAN_JSON = Path(settings.DATA_DIR) / "plan" / "plan.json"
PERIOD_RE = re.compile(r"^20\d\d(H[12]|Q[1-4])?$")


class PlanDataError(Exception):
    pass


@transaction.atomic
def plan_load(*, path: Path = PLAN_JSON) -> dict[str, int]:
    """Insert or update the plan from the shipped file (idempotent)."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanDataError(f"无法读取实施方案数据 {path}：{exc}") from exc
    for kpi in document["kpis"]:
        Kpi.objects.update_or_create(
            code=kpi["code"],
            defaults={
                "name": kpi["name"],
                "unit": kpi["unit"],
                "source": kpi["source"],
                "definition": kpi.get("definition", ""),
                "evidence": kpi.get("evidence", ""),
            },
        )
    position = 0
    for block in document["goals"]:
        for item in block["items"]:
            position += 1
            kpi = item.get("kpi") or {}
            Goal.objects.update_or_create(
                code=item["id"],
                defaults={
                    "year": item["year"],
                    "text": item["text"],
                    "theme": item.get("theme", ""),
                    "kpi_id": kpi.get("code"),
                    "target": kpi.get("target"),
                    "note": (item.get("note") or kpi.get("note") or "")[:300],
                    "position": position,
                },
            )
    for kind, sections in (("task", document["tasks"]), ("safeguard", document["safeguards"])):
        for section in sections:
            position += 1
            Section.objects.update_or_create(
                code=section["id"],
                defaults={
                    "kind": kind,
                    "clause": section["clause"],
                    "title": section["title"],
                    "intro": section.get("intro") or section.get("text", ""),
                    "lead": section.get("lead", ["省科技厅"]),
                    "responsible": section.get("responsible", []),
                    "position": position,
                },
            )
            for measure in section["measures"]:
                position += 1
                Measure.objects.update_or_create(
                    code=measure["id"],
                    defaults={
                        "section_id": section["id"],
                        "ordinal": measure.get("ordinal", ""),
                        "title": measure["title"],
                        "text": measure["text"],
                        "capability": measure.get("capability") or "",
                        "lead": measure.get("lead", []),
                        "responsible": measure.get("responsible", []),
                        "position": position,
                    },
                )
    return plan_counts()


def plan_counts() -> dict[str, int]:
    return {
        "goals": Goal.objects.count(),
        "goal_years": Goal.objects.values("year").distinct().count(),
        "kpis": Kpi.objects.count(),
        "tasks": Section.objects.filter(kind=Section.Kind.TASK).count(),
        "task_measures": Measure.objects.filter(section__kind=Section.Kind.TASK).count(),
        "safeguards": Section.objects.filter(kind=Section.Kind.SAFEGUARD).count(),
        "safeguard_measures": Measure.objects.filter(section__kind=Section.Kind.SAFEGUARD).count(),
    }


@transaction.atomic
def progress_report_submit(
    *, acting_user: Any, measure: Measure, period: str, status: str, summary: str
) -> ProgressReport:
    """City bureaus and the province report on measures; a new report for the same period replaces
    nothing silently: it updates the unit's report and the audit trail keeps the old text."""
    if not (acting_user.is_province or acting_user.role == "city"):
        raise PermissionDenied(gettext("进展报告由省科技厅和地市科技局填报"))
    period = period.strip().upper()
    errors = {}
    if not PERIOD_RE.match(period):
        errors["period"] = gettext("报告期格式应为 2025、2025H1 或 2025Q3")
    if len(summary.strip()) < 10:
        errors["summary"] = gettext("请用至少 10 个字说明进展")
    if errors:
        raise ValidationError(errors)
    division = acting_user.division
    report, _ = ProgressReport.all_objects.update_or_create(
        measure=measure,
        period=period,
        division=division,
        defaults={
            "status": status,
            "summary": summary.strip(),
            "reporting_unit": acting_user.display_name,
            "submitted_by": acting_user,
        },
    )
    report.full_clean()
    return report


ESCALATE_AFTER_DAYS = 30


def progress_reminders_send(*, today: Any) -> dict[str, int]:
    """Remind each city bureau of the reports it owes; after 30 days, escalate to the province.

    Safe to run daily (a cron or Celery beat job): each reminder is sent once per period."""
    from baiqianwan.accounts.models import User
    from baiqianwan.accounts.roles import Role
    from baiqianwan.core.notifications import notify

    from .selectors import overdue_reports

    province_users = list(User.objects.filter(role=Role.PROVINCE, is_active=True))
    province = province_users[0] if province_users else None
    rows = overdue_reports(user=province, today=today) if province is not None else []
    by_division: dict[str, list[Any]] = {}
    for row in rows:
        by_division.setdefault(row.division_code, []).append(row)
    reminded = escalated = 0
    late: list[str] = []
    for code, owed in by_division.items():
        first = owed[0]
        recipients = (
            province_users
            if code == "440000000000"
            else list(User.objects.filter(role=Role.CITY, division_id=code, is_active=True))
        )
        titles = "、".join(r.measure.title for r in owed[:5]) + ("等" if len(owed) > 5 else "")
        reminded += notify(
            users=recipients,
            title=f"请报送 {first.period} 实施方案进展（{len(owed)} 项）",
            body=f"{first.reporter}尚未报送：{titles}。报送截止日期 {first.due:%Y-%m-%d}。",
            url="/plan/overdue/",
            key=f"plan-remind:{first.period}:{code}",
        )
        if first.days_overdue > ESCALATE_AFTER_DAYS and code != "440000000000":
            late.append(f"{first.reporter}（{len(owed)} 项）")
    if late:
        # One escalation per period to the province, naming every late bureau.
        first = rows[0]
        escalated = notify(
            users=province_users,
            title=f"督办：{len(late)} 个地市科技局逾期 {first.days_overdue} 天未报送 {first.period} 进展",
            body="、".join(late),
            url="/plan/overdue/",
            key=f"plan-escalate:{first.period}",
        )
    return {"overdue": len(rows), "reminded": reminded, "escalated": escalated, "late_units": len(late)}


# ---- KPI values ------------------------------------------------------------------------------

EVIDENCE_KINDS = ("pdf", "jpeg", "png", "xlsx")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@transaction.atomic
def kpi_value_report(
    *,
    acting_user: Any,
    kpi: Kpi,
    year: int,
    value: float,
    note: str = "",
    evidence_name: str = "",
    evidence: bytes = b"",
) -> KpiValue:
    """The province reports a KPI the platform cannot count, with the evidence behind the number."""
    if not acting_user.is_province:
        raise PermissionDenied(gettext("目标指标的年度值由省科技厅填报"))
    counted = KpiValue.objects.filter(kpi=kpi, year=year, source=Kpi.Source.LIVE).exists()
    if kpi.source == Kpi.Source.LIVE and (int(year) >= timezone.localdate().year or counted):
        # Years before the platform counted it may be reported, with the evidence of the count.
        raise ValidationError(
            {"year": gettext("“{name}”{year} 年由平台实时统计，不需要填报").format(name=kpi.name, year=year)}
        )
    errors = {}
    if not 2023 <= int(year) <= timezone.localdate().year:
        errors["year"] = gettext("年份应在 2023 到 {year} 之间").format(year=timezone.localdate().year)
    if not (value == value and 0 <= float(value) < 1e12):  # NaN compares unequal to itself
        errors["value"] = gettext("数值应为不小于 0 的数字")
    if not evidence and not KpiValue.objects.filter(kpi=kpi, year=year).exclude(evidence="").exists():
        errors["evidence"] = gettext("请上传佐证材料（{value}）").format(value=kpi.evidence or "相关文件")
    if errors:
        raise ValidationError(errors)
    content_ok = evidence and check_upload(
        name=evidence_name,
        data=evidence,
        allowed=EVIDENCE_KINDS,
        max_bytes=MAX_EVIDENCE_BYTES,
        field="evidence",
    )
    row, _ = KpiValue.objects.update_or_create(
        kpi=kpi,
        year=int(year),
        defaults={
            "value": float(value),
            "source": Kpi.Source.REPORTED,
            "note": note.strip()[:300],
            "reported_by": acting_user,
        },
    )
    if content_ok:
        row.evidence_name = evidence_name[-120:]
        row.evidence.save(evidence_name[-100:], ContentFile(evidence), save=False)
        row.save()
    return row


def kpi_snapshot_live(*, today: Any = None) -> int:
    """Keep this year's value of every KPI the platform counts, so the series grows year by year."""
    from .selectors import LIVE_KPIS

    year = (today or timezone.localdate()).year
    stored = 0
    for code, compute in LIVE_KPIS.items():
        kpi = Kpi.objects.filter(code=code).first()
        if kpi is None:
            continue
        KpiValue.objects.update_or_create(
            kpi=kpi,
            year=year,
            defaults={"value": float(compute()), "source": Kpi.Source.LIVE, "note": gettext("平台统计")},
        )
        stored += 1
    return stored


@transaction.atomic
def goal_target_set(*, acting_user: Any, goal: Goal, value: float | None, note: str = "") -> Goal:
    """A working target where the policy names no number (the policy's own targets stay as written)."""
    if not acting_user.is_province:
        raise PermissionDenied(gettext("工作目标值由省科技厅设定"))
    if goal.target is not None:
        raise ValidationError(
            {"value": gettext("方案原文已规定目标值 {target:g}，不能另设").format(target=goal.target)}
        )
    if goal.kpi_id is None:
        raise ValidationError({"value": gettext("定性目标没有衡量指标，不能设定目标值")})
    if value is not None and not (value == value and value >= 0):  # NaN compares unequal to itself
        raise ValidationError({"value": gettext("目标值应为不小于 0 的数字")})
    if value is not None and not note.strip():
        raise ValidationError({"note": gettext("请说明目标值的依据（如厅务会议纪要、年度工作要点）")})
    goal.working_target = value
    goal.working_target_note = note.strip()[:200] if value is not None else ""
    goal.save(update_fields=["working_target", "working_target_note"])
    return goal


# ---- `bqw plan kpis`: where each KPI's number comes from ---------------------------------------


def live_source(compute: Callable[[], float]) -> str:
    """The dotted name of a live KPI's function (``baiqianwan.talent.services.outposts_open``)."""
    return f"{compute.__module__}.{compute.__qualname__}"


def kpi_sources(today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every KPI of data/plan/plan.json: its unit, its source (``live: <module.function>`` for the
    function a module registered, else ``reported`` with the reason), its targets by year (the Goal
    rows when the plan is loaded, including the province's working targets; else plan.json) and its
    current value (counted now, or the latest stored value of a reported one)."""
    from .selectors import LIVE_KPIS

    try:
        document: Any = json.loads(PLAN_JSON.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanDataError(f"无法读取实施方案数据 {PLAN_JSON}：{exc}") from exc
    year = (today or timezone.localdate()).year
    file_targets: dict[str, dict[int, float]] = {}
    notes: dict[str, list[str]] = {}
    for block in document["goals"]:
        for item in block["items"]:
            kpi = item.get("kpi") or {}
            if not kpi.get("code"):
                continue
            if kpi.get("target") is not None:
                file_targets.setdefault(kpi["code"], {})[item["year"]] = float(kpi["target"])
            note = item.get("note") or kpi.get("note") or ""
            if note and note not in notes.setdefault(kpi["code"], []):
                notes[kpi["code"]].append(note)
    stored_targets: dict[str, dict[int, float]] = {}
    for goal in Goal.objects.filter(kpi__isnull=False).order_by("year", "position"):
        if goal.effective_target is not None:
            stored_targets.setdefault(goal.kpi_id or "", {})[goal.year] = goal.effective_target
    latest: dict[str, KpiValue] = {}
    for value in KpiValue.objects.order_by("kpi_id", "year"):
        latest[value.kpi_id] = value
    rows = []
    for kpi in document["kpis"]:
        code = kpi["code"]
        compute = LIVE_KPIS.get(code)
        if compute is not None:
            source, reason = f"live: {live_source(compute)}", ""
            current: dict[str, Any] | None = {"year": year, "value": float(compute()), "kind": "实时统计"}
        else:
            source = "reported"
            why = [kpi.get("definition", "")]
            if kpi.get("source") == "live":
                why.insert(0, "plan.json 将其列为平台实时统计，但尚无模块注册统计函数（live_kpi_register）。")
            if kpi.get("evidence"):
                why.append(f"佐证：{kpi['evidence']}")
            reason = " ".join(part for part in [*why, *notes.get(code, [])[:1]] if part)
            stored = latest.get(code)
            current = (
                {"year": stored.year, "value": float(stored.value), "kind": "填报"}
                if stored is not None
                else None
            )
        targets = stored_targets.get(code) or file_targets.get(code) or {}
        rows.append(
            {
                "code": code,
                "name": kpi["name"],
                "unit": kpi["unit"],
                "source": source,
                "reason": reason,
                "targets": {str(y): v for y, v in sorted(targets.items())},
                "current": current,
            }
        )
    return rows
