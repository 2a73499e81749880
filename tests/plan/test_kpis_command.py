"""`bqw plan kpis [--json]`: every KPI of plan.json with its source (the registered function, or
`reported` with the reason), its targets by year and its current value."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from baiqianwan.plan.models import Goal, Kpi, KpiValue
from baiqianwan.plan.selectors import LIVE_KPIS
from baiqianwan.plan.services import PLAN_JSON, plan_load
from baiqianwan.talent import services as talent

from ..conftest import A

pytestmark = pytest.mark.django_db


def kpis(*args: str) -> Any:
    out = io.StringIO()
    call_command("plan", "kpis", *args, stdout=out)
    return out.getvalue()


def test_every_kpi_has_a_source_a_unit_targets_and_a_value(world: dict[str, Any], make_org: Any) -> None:
    plan_load()
    Goal.objects.filter(code="G2027-08").update(working_target=60)
    KpiValue.objects.create(
        kpi=Kpi.objects.get(code="KPI-COUNTY-HITECH"), year=2024, value=812, source="reported"
    )
    university = make_org("嘉应学院", "university", "441402000000")
    talent.outpost_register(
        acting_user=world["users"]["province"],
        county_code=A["county"],
        host_id=university.pk,
        name="嘉应学院大埔客家茶研究院",
        kind="institute",
        staff_on_site=4,
        opened_on=dt.date(2024, 1, 1),
    )
    rows = {row["code"]: row for row in json.loads(kpis("--json"))}
    shipped = json.loads(PLAN_JSON.read_text(encoding="utf-8"))["kpis"]
    assert set(rows) == {kpi["code"] for kpi in shipped}
    for kpi in shipped:
        row = rows[kpi["code"]]
        assert row["unit"] == kpi["unit"]
        if kpi["code"] in LIVE_KPIS:
            function = LIVE_KPIS[kpi["code"]]
            assert row["source"] == f"live: {function.__module__}.{function.__qualname__}"
        else:
            assert row["source"] == "reported"
            assert row["reason"]
    outposts = rows["KPI-COUNTY-OUTPOSTS"]
    assert outposts["source"] == "live: baiqianwan.talent.services.outposts_open"
    assert outposts["current"]["value"] == 1.0
    assert outposts["targets"] == {"2027": 60.0}
    assert rows["KPI-TALENT-SERVING"]["source"] == "live: baiqianwan.talent.selectors.talent_serving"
    assert rows["KPI-TALENT-SERVING"]["current"]["value"] == 4.0
    assert rows["KPI-COMMISSIONERS-SERVING"]["targets"] == {"2025": 1000.0}
    hitech = rows["KPI-COUNTY-HITECH"]
    assert (hitech["source"], hitech["current"]) == (
        "reported",
        {"year": 2024, "value": 812.0, "kind": "填报"},
    )
    assert "高新技术企业认定名单" in hitech["reason"]
    # Every KPI the platform can count is live: only the statistics-bureau figures and the national
    # list the policy does not name are reported.
    assert {code for code, row in rows.items() if row["source"] == "reported"} == {
        "KPI-COUNTY-RD-INTENSITY",
        "KPI-COUNTY-HITECH",
        "KPI-NATIONAL-STRONG-TOWNS",
    }


def test_the_table_is_readable_without_the_plan_loaded(db: None) -> None:
    text = kpis()
    assert "KPI-COUNTY-OUTPOSTS  科研院校县域研究机构数（个）" in text
    assert "来源：live: baiqianwan.talent.services.outposts_open" in text
    assert "来源：reported" in text
    assert "目标：2025 年 1000" in text  # from plan.json when the plan is not loaded
    assert "共 12 个目标指标" in text
