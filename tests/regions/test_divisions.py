"""Counts and classification computed from the shipped 2023 registry."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from baiqianwan.regions.classification import Region, prefix_of_code, region_of, town_kind, village_kind
from baiqianwan.regions.models import Division
from baiqianwan.regions.selectors import division_ancestors, division_search, division_stats

pytestmark = pytest.mark.usefixtures("divisions")


def test_counts_by_level_match_the_registry() -> None:
    stats = division_stats()
    assert stats["by_level"] == {"省": 1, "地级市": 21, "县级": 122, "乡级": 1757, "村级": 26842}


def test_town_and_village_types_follow_code_positions() -> None:
    stats = division_stats()
    assert stats["by_kind"]["乡级"] == {"乡": 11, "类似乡级单位": 147, "街道": 482, "镇": 1117}
    assert stats["by_kind"]["县级"] == {"县": 34, "县级市": 20, "市辖区": 65, "自治县": 3}
    assert sum(stats["by_kind"]["村级"].values()) == 26842
    assert town_kind("441422100000") == "镇"
    assert town_kind("440106001000") == "街道"
    assert village_kind("441422100001") == "居委会"
    assert village_kind("441422100202") == "村委会"


def test_four_regions_partition_the_cities() -> None:
    stats = division_stats()
    assert stats["by_region"]["地级市"] == {"珠三角": 9, "粤东": 4, "粤西": 3, "粤北": 5}
    assert sum(stats["by_region"]["县级"].values()) == 122
    assert region_of("441422100202") is Region.NORTH  # 梅州
    assert region_of("440825000000") is Region.WEST  # 湛江
    assert region_of("445100000000") is Region.EAST  # 潮州
    assert region_of("441900003000") is Region.PRD  # 东莞


def test_a_known_village_resolves_to_its_town_county_city_and_region() -> None:
    village = Division.objects.get(code="441881129202")  # 连樟村委会
    assert village.full_name == "清远市英德市连江口镇连樟村委会"
    chain = [d.name for d in division_ancestors(division=village)]
    assert chain == ["广东省", "清远市", "英德市", "连江口镇"]
    assert village.region_label == "粤北"
    assert village.parent.parent.kind == "县级市"


def test_dongguan_and_zhongshan_towns_stand_directly_under_the_city() -> None:
    town = Division.objects.get(code="441900003000")
    assert town.parent_id == "441900000000"
    assert town.parent.level == "city"
    assert not Division.objects.filter(level="county", code__startswith="4419").exists()
    assert not Division.objects.filter(level="county", code__startswith="4420").exists()
    assert [d.name for d in division_ancestors(division=town)] == ["广东省", "东莞市"]


def test_prefixes_scope_descendants() -> None:
    assert prefix_of_code("441400000000") == "4414"
    assert prefix_of_code("441422000000") == "441422"
    assert prefix_of_code("441422100000") == "441422100"
    assert prefix_of_code("441422100202") == "441422100202"
    assert Division.objects.get(code="441422100000").prefix == "441422100"


def test_search_accepts_traditional_characters() -> None:
    simplified = list(division_search(query="连江口镇").values_list("code", flat=True))
    traditional = list(division_search(query="連江口鎮").values_list("code", flat=True))
    assert "441881129000" in simplified
    assert simplified == traditional
    assert list(division_search(query="大埔縣", level="county").values_list("code", flat=True)) == [
        "441422000000"
    ]


def test_stats_command_prints_counts_and_json() -> None:
    out = StringIO()
    call_command("regions", "stats", stdout=out)
    assert "村级" in out.getvalue()
    assert "26,842" in out.getvalue()
    out = StringIO()
    call_command("regions", "stats", "--json", stdout=out)
    assert json.loads(out.getvalue())["by_level"]["乡级"] == 1757


def test_load_is_idempotent() -> None:
    call_command("regions", "load", stdout=StringIO())
    assert Division.objects.count() == 28743
