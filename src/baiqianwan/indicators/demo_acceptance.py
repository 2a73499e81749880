"""Demo 创新型专业镇验收: approved 2024 and 2025 acceptance returns of two dozen 专业镇.

The towns are chosen from the demo's own monitoring data (approved town reports saying
是创新型专业镇 in 2024 and 2025): a few in 英德市 and 清远市 (the demo accounts' area), the rest
spread over the province, at most three per city. Each town gets a level of achievement against the
targets, so the grades spread over 优秀、良好、合格 and 不合格; industrial output and the leading
industry follow the town's monitoring report. Every value satisfies the system's rules. Each town
draws from its own seeded generator. Both years are past and locked: the returns are loaded as
history (``demo.history_import``), like the monitoring reports, and re-running adds nothing.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baiqianwan.regions.models import Division

from .acceptance import selectors as acceptance
from .acceptance.services import acceptance_dataset_ensure
from .collection.models import Submission, SubmissionStatus
from .definitions.selectors import current_system
from .definitions.services import system_load_shipped
from .demo import _province, history_import, past_return

SEED = "bqw-acceptance-20230607"
YEARS = (2024, 2025)
TOWNS = 24
PER_CITY = 3
FIRST = ("441881", "4418")  # 英德市, then the rest of 清远市
# Achievement against the targets by band, cycled over the towns: 优秀, 良好, 合格, 不合格.
BANDS = ((0.96, 1.1), (0.8, 0.85), (0.68, 0.72), (0.45, 0.6))
BAND_ORDER = (0, 1, 2, 0, 1, 3, 2, 1, 0, 2, 3, 1)


def _order(code: str) -> str:
    return hashlib.sha256(f"{SEED}:{code}".encode()).hexdigest()


def demo_towns() -> list[str]:
    """Specialised 镇 in both years' approved monitoring reports, chosen as described above."""
    years = [str(y) for y in YEARS]
    flags: dict[str, int] = {}
    marked = Submission.all_objects.filter(
        dataset__code=acceptance.HOST_DATASET_CODE,
        status=SubmissionStatus.APPROVED,
        period__in=years,
        **{f"values__{acceptance.FLAG}": 1},
    ).values_list("unit_id", flat=True)
    for code in marked:
        flags[code] = flags.get(code, 0) + 1
    towns = set(Division.objects.filter(code__in=list(flags), kind="镇").values_list("code", flat=True))
    candidates = sorted((c for c, n in flags.items() if n == len(years) and c in towns), key=_order)
    chosen: list[str] = []
    for prefix in FIRST:
        chosen += [c for c in candidates if c.startswith(prefix) and c not in chosen][:PER_CITY]
    per_city: dict[str, int] = {}
    for code in chosen:
        per_city[code[:4]] = per_city.get(code[:4], 0) + 1
    for code in candidates:
        if len(chosen) >= TOWNS:
            break
        if code in chosen or per_city.get(code[:4], 0) >= PER_CITY:
            continue
        chosen.append(code)
        per_city[code[:4]] = per_city.get(code[:4], 0) + 1
    return sorted(chosen)


def _monitoring(codes: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    periods = [str(YEARS[0] - 1), *(str(y) for y in YEARS)]
    rows = Submission.all_objects.filter(
        dataset__code=acceptance.HOST_DATASET_CODE,
        status=SubmissionStatus.APPROVED,
        period__in=periods,
        unit_id__in=codes,
    ).values_list("unit_id", "period", "values")
    return {(unit, period): values or {} for unit, period, values in rows}


def acceptance_values(
    code: str, name: str, band: int, monitoring: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The town's returns for YEARS, from its achievement band and its monitoring reports."""
    rng = random.Random(f"{SEED}:{code}")
    low, high = BANDS[band]
    level = rng.uniform(low, high)
    firms = rng.randint(80, 130)
    per_employee = rng.uniform(80, 150)
    leading = float(monitoring.get(str(YEARS[0] - 1), {}).get("leading_industry_output") or 0.0)
    rows = []
    for t, year in enumerate(YEARS):
        p = level * (1 + 0.02 * t)

        def near(target: float, p: float = p) -> float:
            return target * p * rng.uniform(0.8, 1.2)

        report = monitoring.get(str(year), {})
        above = round(firms * (1.03**t))
        output = float(report.get("industrial_output") or above * rng.uniform(8000, 15000))
        leading = leading * (1 + near(0.08)) if leading else output * min(0.85, near(0.5))
        output = max(output, leading / 0.9)
        employees = round(above * per_employee)
        patents = max(1, round(near(5) * output / 10000))
        rows.append(
            {
                "above_scale_enterprises": above,
                "hnte": min(above, round(near(15))),
                "sme_tech": round(near(30)),
                "firms_with_rd": min(above, round(above * near(0.35))),
                "rd_spend": round(output * near(1.5) / 100, 1),
                "industrial_output": round(output, 1),
                "provincial_platforms": round(near(3)),
                "public_service_platforms": max(0, round(near(1.2))),
                "coop_projects": round(near(10)),
                "platform_services": round(near(200)),
                "leading_industry_output": round(leading, 1),
                "leading_industry_enterprises": min(above, round(near(50))),
                "standards": round(near(3)),
                "tech_contract_value": round(near(2000), 1),
                "patents_granted": patents,
                "invention_patents": min(patents, round(near(20))),
                "new_product_output": round(output * min(0.8, near(0.2)), 1),
                "achievements_transferred": round(near(10)),
                "talents_introduced": round(near(50)),
                "rd_staff": min(employees, round(employees * near(0.03))),
                "employees": employees,
                "commissioners_on_duty": round(near(3)),
                "trainees": round(near(1000)),
                "construction_report": f"{name}{year}年度创新型专业镇建设情况：围绕主导产业推进技术改造、"
                "平台建设和产学研合作，按建设任务书推进各项目标。",
            }
        )
    return rows


@transaction.atomic
def demo_acceptance() -> dict[str, int]:
    """Approved acceptance returns of YEARS for the demo towns; nothing added when already there."""
    try:
        current_system(acceptance.SYSTEM_CODE)
    except ValidationError:
        system_load_shipped()
    dataset = acceptance_dataset_ensure()
    codes = demo_towns()
    if not codes:
        return {"towns": 0, "submissions": 0, "events": 0}
    periods = [str(y) for y in YEARS]
    existing = set(
        Submission.all_objects.filter(dataset=dataset, period__in=periods).values_list("unit_id", "period")
    )
    monitoring = _monitoring(codes)
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    returns: list[Submission] = []
    for i, code in enumerate(codes):
        history = {p: v for (c, p), v in monitoring.items() if c == code}
        yearly = acceptance_values(code, names[code], BAND_ORDER[i % len(BAND_ORDER)], history)
        returns += [
            past_return(dataset, code, year, values, "province")
            for year, values in zip(YEARS, yearly, strict=True)
            if (code, str(year)) not in existing
        ]
    created, events = history_import(returns, importer=_province())
    return {"towns": len(codes), "submissions": len(created), "events": events}
