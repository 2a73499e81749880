"""Loading the plan from data/plan/plan.json, and progress reporting."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import Goal, Kpi, Measure, ProgressReport, Section

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
        raise PermissionDenied("进展报告由省科技厅和地市科技局填报")
    period = period.strip().upper()
    errors = {}
    if not PERIOD_RE.match(period):
        errors["period"] = "报告期格式应为 2025、2025H1 或 2025Q3"
    if len(summary.strip()) < 10:
        errors["summary"] = "请用至少 10 个字说明进展"
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
