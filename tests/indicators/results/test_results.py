"""Assessment results: computed from approved data only, ranked by province and region, scoped
scorecards, publishing under a stored definition, map data, exports and the demo data."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import AuditEvent
from baiqianwan.indicators import demo
from baiqianwan.indicators.collection import services
from baiqianwan.indicators.collection.models import Submission, SubmissionEvent, SubmissionStatus
from baiqianwan.indicators.definitions import services as definition_services
from baiqianwan.indicators.definitions.models import DataSet, SystemVersion
from baiqianwan.indicators.engine import Dataset, load_shipped, validate
from baiqianwan.indicators.engine.model import system_to_json
from baiqianwan.indicators.results import cache as results_cache
from baiqianwan.indicators.results import selectors as results
from baiqianwan.indicators.results import services as results_services
from baiqianwan.indicators.results.models import PublishedResult
from baiqianwan.regions.models import Division

from ...conftest import A, B

# 大埔县 (粤北, side A), 徐闻县 (粤西, side B), 英德市 (粤北), 南海区 (珠三角), 饶平县 (粤东), and 东莞,
# whose towns stand directly under the city.
PREFIXES = ("441422", "440825", "441881", "440605", "445122", "4419")
SYSTEM = results.DEFAULT_SYSTEM
DONGGUAN = "441900000000"
YINGDE = "441881000000"
NANHAI = "440605000000"


@pytest.fixture(autouse=True)
def fresh_results() -> Iterator[None]:
    """Each test starts without results cached by an earlier one (database ids are reused)."""
    cache.clear()
    results_cache.forget()
    yield
    results_cache.forget()


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    definition_services.system_load_shipped()
    return {
        "province": make_user(Role.PROVINCE, "440000000000"),
        "city": make_user(Role.CITY, A["city"]),
        "county": make_user(Role.COUNTY, A["county"]),
        "town": make_user(Role.TOWN, A["town"]),
        "other_county": make_user(Role.COUNTY, B["county"]),
        "expert": make_user(Role.EXPERT),
    }


@pytest.fixture
def loaded(people: dict[str, User]) -> dict[str, User]:
    for prefix in PREFIXES:
        demo.demo_indicators(prefix=prefix, publish=False)
    return people


def _publish(people: dict[str, User], period: str = "2025") -> PublishedResult:
    return results_services.result_publish(acting_user=people["province"], system_code=SYSTEM, period=period)


def _view(user: User, period: str = "2025", preview: bool = False) -> results.PeriodView:
    view = results.result_view(user=user, system_code=SYSTEM, period=period, preview=preview)
    assert view is not None
    return view


def test_units_follow_the_division_registry(divisions: None) -> None:
    units = results.units_load()
    assert len(units) == Division.objects.count()
    town = Division.objects.filter(parent_id=DONGGUAN, level="town").first()
    assert town is not None
    assert units.parent(town.code) == DONGGUAN  # 东莞's towns are children of the city
    assert units.parent(A["town"]) == A["county"]
    assert units.region(A["county"]) == "north"
    assert units.region(NANHAI) == "prd"


def test_results_come_from_approved_data_only(loaded: dict[str, User]) -> None:
    province = loaded["province"]
    version, _ = results.current()
    live = results.results_compute(version=version)
    assert live.periods == ("2021", "2022", "2023", "2024", "2025")
    assert live.approved == Submission.all_objects.count()
    assert results.frame_of(live, "2025").score("ci_overall", A["county"]) is not None

    town_set = DataSet.objects.get(code="county_town_system.town")
    # Drafts and returns under review count for nothing, not even as a period.
    Submission.all_objects.create(
        dataset=town_set,
        period="2026",
        unit_id=A["town"],
        status=SubmissionStatus.DRAFT,
        values={"hnte": 9.0},
    )
    outside = "445102007000"  # 桥东街道 of 潮州, outside the demo subset
    Submission.all_objects.create(
        dataset=town_set,
        period="2025",
        unit_id=outside,
        status=SubmissionStatus.SUBMITTED,
        stage="county",
        values={"hnte": 50.0, "commissioners_on_duty": 3.0},
    )
    county_return = Submission.all_objects.get(dataset__level="county", unit_id=A["county"], period="2025")
    services.submission_unapprove(acting_user=province, submission=county_return, reason="GDP 单位填错")

    fresh = results.results_compute(version=version)
    assert fresh.key != live.key  # the un-approval changed the approval stamp
    assert fresh.periods[-1] == "2025"
    frame = results.frame_of(fresh, "2025")
    assert frame.score("ci_overall", A["county"]) is None
    assert results.frame_of(fresh, "2024").score("ci_overall", A["county"]) is not None
    assert frame.score("t_hnte", outside) is None
    assert frame.score("ti_overall", A["town"]) is not None  # its own approved town return still counts


def test_rankings_order_by_score_in_the_province_and_in_each_region(loaded: dict[str, User]) -> None:
    province = loaded["province"]
    view = _view(province)
    item = results.top_index(view.system, "county")
    assert item is not None
    assert item.code == "ci_overall"
    rows = [r for r in results.ranking(user=province, view=view, item=item) if r.rank]
    assert {r.code for r in rows} == {A["county"], B["county"], YINGDE, NANHAI, "445122000000"}
    scores = [r.score for r in rows]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    for r in rows:  # 并列 ranking: one more than the number of better scores
        assert r.rank == 1 + sum(1 for s in scores if round(s, 6) > round(r.score, 6))  # type: ignore[arg-type]
    by_region: dict[str, list[results.RankRow]] = {}
    for r in rows:
        by_region.setdefault(r.region, []).append(r)
    assert set(by_region) == {"prd", "east", "west", "north"}
    for members in by_region.values():
        assert [r.region_rank for r in members] == list(range(1, len(members) + 1))
    north = results.ranking(user=province, view=view, item=item, region="north")
    assert {r.code for r in north} == {
        c.code for c in Division.objects.filter(level="county", region="north")
    }
    assert all(r.region != "prd" for r in results.ranking(user=province, view=view, item=item, region="ewn"))

    stats = {s.region: s for s in results.region_summary(view=view, item=item)}
    assert stats["prd"].scored == 1
    assert stats["north"].scored == 2
    assert stats["ewn"].scored == 4
    assert stats["all"].scored == 5
    assert stats["all"].units == 122
    # The 珠三角 district leads on high-tech enterprises, as in Guangdong.
    hnte = results.item_get(view.system, "c_hnte")
    assert hnte is not None
    ranked = [r for r in results.ranking(user=province, view=view, item=hnte) if r.rank]
    assert ranked[0].code == NANHAI


def test_scorecards_are_seen_within_the_region_only(
    loaded: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    _publish(loaded)
    county = client_for(loaded["county"])
    page = county.get(f"/indicators/results/units/{A['county']}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "大埔县 · 考核成绩单" in text
    assert "所辖乡镇（街道）排名" in text
    assert "已审定的填报数据" in text
    assert county.get(f"/indicators/results/units/{A['town']}/").status_code == 200
    assert county.get(f"/indicators/results/units/{B['county']}/").status_code == 403
    assert county.get(f"/api/v1/indicators/results/scorecards/{B['county']}").status_code == 404
    card = county.get(f"/api/v1/indicators/results/scorecards/{A['county']}").json()
    assert card["source"] == "published"
    assert card["entries"]["高新技术企业数"] > 0
    assert {c["code"][:6] for c in card["children"]} == {A["county"][:6]}

    city = client_for(loaded["city"])
    assert city.get(f"/indicators/results/units/{A['county']}/").status_code == 200
    assert city.get(f"/indicators/results/units/{A['town']}/").status_code == 200
    assert city.get(f"/indicators/results/units/{YINGDE}/").status_code == 403

    town = client_for(loaded["town"])
    assert town.get(f"/indicators/results/units/{A['town']}/").status_code == 200
    assert town.get(f"/indicators/results/units/{A['county']}/").status_code == 403

    assert client_for(loaded["expert"]).get(f"/indicators/results/units/{A['county']}/").status_code == 403
    assert client_for(loaded["province"]).get(f"/indicators/results/units/{B['county']}/").status_code == 200

    # Everyone sees every unit's score and rank; values only within their own region.
    ranking = county.get(
        "/api/v1/indicators/results/rankings", {"index": "c_hnte", "level": "county", "period": "2025"}
    ).json()["items"]
    by_code = {r["code"]: r for r in ranking}
    assert by_code[B["county"]]["score"] is not None
    assert by_code[B["county"]]["value"] is None
    assert by_code[A["county"]]["value"] > 0
    listing = county.get("/indicators/results/", {"item": "c_hnte", "level": "county"}).content.decode()
    assert "徐闻县" in listing
    assert f"/indicators/results/units/{B['county']}/" not in listing
    assert f"/indicators/results/units/{A['county']}/" in listing


def test_unpublished_results_are_seen_by_the_province_only(
    loaded: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    county = client_for(loaded["county"])
    assert "还没有已发布的考核结果" in county.get("/indicators/results/").content.decode()
    assert county.get("/api/v1/indicators/results/rankings").status_code == 404
    assert county.get("/api/v1/indicators/results/rankings", {"preview": "true"}).status_code == 404
    province = client_for(loaded["province"]).get("/indicators/results/").content.decode()
    assert "未发布（体系版本 2024.1" in province


def test_publishing_freezes_a_period_under_its_definition(
    loaded: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    with pytest.raises(PermissionDenied):
        results_services.result_publish(acting_user=loaded["county"], system_code=SYSTEM, period="2025")
    published = _publish(loaded)
    stored = published.system
    assert stored.is_current
    assert published.ranks["ci_overall"][A["county"]][0] >= 1

    # A new definition becomes current: weights of the county total change.
    changed = json.loads(system_to_json(load_shipped(SYSTEM)))
    changed["version"] = "2026.1"
    total = next(i for i in changed["indices"] if i["code"] == "ci_overall")
    total["components"] = [
        dict(c, weight=1.0 if c["ref"] == "ci_carriers" else 0.05) for c in total["components"]
    ]
    newer = definition_services.system_store(definition=changed, note="调整权重")
    stored.refresh_from_db()
    assert newer.is_current
    assert not stored.is_current

    published.refresh_from_db()
    again = results.result_recompute(published=published)
    assert again.scores == published.scores
    assert again.ranks == published.ranks
    assert results.result_differences(published=published) == []
    live = results.frame_of(results.results_compute(version=newer), "2025")
    assert live.scores["ci_overall"] != published.scores["ci_overall"]

    label = f"已发布（体系版本 {stored.version} 摘要 {stored.content_hash[:12]}"
    assert label in client_for(loaded["county"]).get("/indicators/results/").content.decode()
    preview = client_for(loaded["province"]).get("/indicators/results/", {"preview": "1"}).content.decode()
    assert f"实时预览（体系版本 2026.1 摘要 {newer.content_hash[:12]}" in preview
    # A later data change shows up as a difference against the publication.
    Submission.all_objects.filter(dataset__level="county", unit_id=A["county"], period="2025").update(
        status=SubmissionStatus.SUBMITTED, stage="province"
    )
    results_cache.forget()
    cache.clear()
    assert results.result_differences(published=published)


def test_map_data_by_county_and_city(loaded: dict[str, User], client_for: Callable[[User], Client]) -> None:
    _publish(loaded)
    client = client_for(loaded["county"])
    data = client.get(
        "/api/v1/indicators/results/map", {"index": "ci_overall", "level": "county", "period": "2025"}
    ).json()
    assert data["source"] == "published"
    assert (
        client.get("/api/v1/indicators/results/map", {"period": "2024"}).status_code == 404
    )  # not published
    assert len(data["counties"]) == 123
    assert len(data["cities"]) == 21
    counties = {c["code"]: c for c in data["counties"]}
    frame = _view(loaded["county"]).frame
    assert counties[A["county"]]["value"] == round(frame.score("ci_overall", A["county"]), 2)  # type: ignore[arg-type]
    assert counties[A["county"]]["rank"] == frame.ranks_of("ci_overall", A["county"])[0]
    assert counties[DONGGUAN]["value"] is None  # no county level in 东莞
    cities = {c["code"]: c for c in data["cities"]}
    assert cities[A["city"]]["value"] == counties[A["county"]]["value"]  # 梅州: only 大埔县 reported
    assert cities["441800000000"]["value"] == counties[YINGDE]["value"]

    towns = client.get(
        "/api/v1/indicators/results/map", {"index": "ti_overall", "level": "town", "period": "2025"}
    ).json()
    by_code = {c["code"]: c for c in towns["counties"]}
    dongguan = [v for code, v in frame.scores["ti_overall"].items() if code.startswith("4419")]
    assert by_code[DONGGUAN]["n"] == len(dongguan) == Division.objects.filter(parent_id=DONGGUAN).count()
    assert by_code[DONGGUAN]["value"] == pytest.approx(float(np.mean(dongguan)), abs=0.01)

    view = _view(loaded["county"])
    item = results.item_get(view.system, "ci_overall")
    assert item is not None
    shown = {c["code"]: c for c in results.map_data(user=loaded["county"], view=view, item=item)["counties"]}
    assert shown[A["county"]]["url"].startswith(f"/indicators/results/units/{A['county']}/")
    assert shown[B["county"]]["url"] == ""
    page = client.get("/indicators/results/map/")
    assert page.status_code == 200
    assert "vendor/maps/guangdong-counties.json" in page.content.decode()


def test_exports_are_limited_by_role(loaded: dict[str, User], client_for: Callable[[User], Client]) -> None:
    _publish(loaded)
    county = client_for(loaded["county"])
    before = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count()
    ranking = county.get("/indicators/results/ranking.xlsx", {"level": "county"})
    assert ranking.status_code == 200
    sheet = load_workbook(io.BytesIO(ranking.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["全省排名", "区域内排名", "区划代码", "单位"]
    assert sheet.max_row == 1 + 122
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count() == before + 1

    assert county.get("/indicators/results/entries.xlsx").status_code == 403
    assert client_for(loaded["town"]).get("/indicators/results/entries.xlsx").status_code == 403
    city = client_for(loaded["city"])
    assert "请妥善保管" in city.get("/indicators/results/").content.decode()
    entries = city.get("/indicators/results/entries.xlsx", {"level": "town"})
    assert entries.status_code == 200
    book = load_workbook(io.BytesIO(entries.content))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))  # type: ignore[union-attr]
    assert rows
    assert all(str(r[0]).startswith("4414") for r in rows)
    assert "高新技术企业数（家）" in [c.value for c in book.active[1]]  # type: ignore[index]
    assert AuditEvent.objects.filter(detail__contains="含填报原始数据").exists()
    province = client_for(loaded["province"]).get("/indicators/results/entries.xlsx", {"level": "town"})
    codes = {
        str(r[0])[:4]
        for r in load_workbook(io.BytesIO(province.content)).active.iter_rows(min_row=2, values_only=True)
    }  # type: ignore[union-attr]
    assert {"4414", "4408", "4419"} <= codes

    report = county.get("/indicators/results/report.pdf")
    assert report.status_code == 200
    assert report["Content-Type"] == "application/pdf"
    assert report.content.startswith(b"%PDF")


def test_demo_is_deterministic_idempotent_and_valid(people: dict[str, User]) -> None:
    one = demo._all_values("441881")
    assert one == demo._all_values("441881")
    whole = demo._all_values("4418")  # a subset draws the same numbers as a larger run
    assert all(whole[code][1] == values for code, (_, values) in one.items())

    first = demo.demo_indicators(prefix="441881", publish=True)
    towns = Division.objects.filter(parent_id=YINGDE).count()
    assert first["submissions"] == (1 + towns) * 5
    assert first["published"] == 5
    assert demo.demo_indicators(prefix="441881")["submissions"] == 0
    assert not Submission.all_objects.filter(period="2026").exists()
    assert set(Submission.all_objects.values_list("status", "stage").distinct()) == {
        (SubmissionStatus.APPROVED, "")
    }
    assert not Submission.all_objects.filter(approved_at=None).exists()
    # Past years are imported history: one event each, by the province, saying so.
    town_return = Submission.all_objects.get(unit_id="441881129000", period="2025")
    steps = list(
        SubmissionEvent.objects.filter(submission=town_return).values_list("action", "level", "to_status")
    )
    assert steps == [("history", "", "approved")]
    assert town_return.events.get().reason.startswith("历史数据导入：2025 年")
    assert town_return.updated_by.is_province  # type: ignore[union-attr]
    assert town_return.approved_at is not None
    assert town_return.approved_at.year == 2026
    published = PublishedResult.objects.get(period="2025")
    assert published.created_at.year == 2026
    assert published.system == SystemVersion.objects.get(code=SYSTEM, is_current=True)

    # Every value passes the system's validation rules, without warnings.
    _, system = results.current()
    units = results.units_load()
    records = [
        (s.unit_id, s.period, code, value)
        for s in Submission.all_objects.all()
        for code, value in s.values.items()
        if isinstance(value, int | float)
    ]
    dataset = Dataset.from_records(units.hierarchy, results.data_periods(SYSTEM), records)
    mask = np.array(
        [
            c.startswith("441881") and lv in ("county", "town")
            for c, lv in zip(units.codes, units.levels, strict=True)
        ]
    )
    report = validate(system, dataset, rows=mask)
    assert [f.message for f in report.findings] == []


@pytest.mark.parametrize("who", ["province", "city", "county", "town"])
def test_pages_render_for_each_region_role(
    who: str, loaded: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    _publish(loaded, "2024")
    _publish(loaded)
    client = client_for(loaded[who])
    own = {"province": YINGDE, "city": A["county"], "county": A["county"], "town": A["town"]}[who]
    pages = {
        "/indicators/results/": "四大区域比较",
        "/indicators/results/?level=town&item=ti_innovation&region=ewn": "镇级·企业创新与产业",
        "/indicators/results/map/": "各地级市平均得分",
        "/indicators/results/trends/": "县域高新技术企业数",
        f"/indicators/results/units/{own}/": "考核成绩单",
        "/indicators/results/published/": "发布记录",
    }
    for path, text in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert text in response.content.decode(), path
    menu = client.get("/").content.decode()
    assert "考核结果" in menu
    published = client.get("/api/v1/indicators/results/published").json()["items"]
    assert [p["period"] for p in published] == ["2025", "2024"]


def test_a_partly_approved_period_is_left_out_of_a_total_and_said(loaded: dict[str, User]) -> None:
    """A total over the units approved so far would read as a collapse: the period is shown as not
    yet complete and left out of the series and its projection. A ratio stands on the same units
    above and below its line, so it stays."""
    import dataclasses

    view = _view(loaded["province"])
    computation = view.computation
    periods = list(computation.periods)
    before = {
        t.code: t for t in results.kpi_trends(computation=computation, system=view.system, periods=periods)
    }
    hitech = before["KPI-COUNTY-HITECH"]
    assert hitech.series[-1] is not None
    assert "未报齐" not in hitech.note
    # Only half the counties' returns of the last period are approved yet.
    last = len(periods) - 1
    counts = {e: {k: list(v) for k, v in by.items()} for e, by in computation.counts.items()}
    totals = {e: {k: list(v) for k, v in by.items()} for e, by in computation.totals.items()}
    for element in ("hnte", "rd_spend", "gdp"):
        for key in counts.get(element, {}):
            counts[element][key][last] = (counts[element][key][last] + 1) // 2
            totals[element][key][last] /= 2
    partial = dataclasses.replace(computation, counts=counts, totals=totals)
    after = {t.code: t for t in results.kpi_trends(computation=partial, system=view.system, periods=periods)}
    assert after["KPI-COUNTY-HITECH"].series[-1] is None
    assert after["KPI-COUNTY-HITECH"].series[:-1] == hitech.series[:-1]
    assert f"{periods[-1]} 数据未报齐（已审核" in after["KPI-COUNTY-HITECH"].note
    if "KPI-COUNTY-RD-INTENSITY" in after:
        assert after["KPI-COUNTY-RD-INTENSITY"].series[-1] == before["KPI-COUNTY-RD-INTENSITY"].series[-1]
