"""Pure rules over 统计用区划代码 and Guangdong's four regions (no Django imports)."""

from __future__ import annotations

from enum import StrEnum

PROVINCE_CODE = "440000000000"


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"


LEVEL_LABELS = {
    Level.PROVINCE: "省",
    Level.CITY: "地级市",
    Level.COUNTY: "县级",
    Level.TOWN: "乡级",
    Level.VILLAGE: "村级",
}

# Significant code digits per level: the prefix every descendant's code starts with.
PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWN: 9, Level.VILLAGE: 12}


class Region(StrEnum):
    PRD = "prd"
    EAST = "east"
    WEST = "west"
    NORTH = "north"


REGION_LABELS = {Region.PRD: "珠三角", Region.EAST: "粤东", Region.WEST: "粤西", Region.NORTH: "粤北"}

# 珠三角 9 市；粤东 4 市；粤西 3 市；粤北 5 市 (by city code, positions 1–4).
CITY_REGION = {
    "4401": Region.PRD,  # 广州
    "4403": Region.PRD,  # 深圳
    "4404": Region.PRD,  # 珠海
    "4406": Region.PRD,  # 佛山
    "4413": Region.PRD,  # 惠州
    "4419": Region.PRD,  # 东莞
    "4420": Region.PRD,  # 中山
    "4407": Region.PRD,  # 江门
    "4412": Region.PRD,  # 肇庆
    "4405": Region.EAST,  # 汕头
    "4415": Region.EAST,  # 汕尾
    "4451": Region.EAST,  # 潮州
    "4452": Region.EAST,  # 揭阳
    "4408": Region.WEST,  # 湛江
    "4409": Region.WEST,  # 茂名
    "4417": Region.WEST,  # 阳江
    "4402": Region.NORTH,  # 韶关
    "4416": Region.NORTH,  # 河源
    "4414": Region.NORTH,  # 梅州
    "4418": Region.NORTH,  # 清远
    "4453": Region.NORTH,  # 云浮
}

# Cities whose towns stand directly under the city, with no county-level unit between.
CITIES_WITHOUT_COUNTIES = frozenset({"441900000000", "442000000000"})


def region_of(code: str) -> Region | None:
    return CITY_REGION.get(code[:4])


def is_east_west_north(code: str) -> bool:
    """粤东粤西粤北: the areas the plan tilts support towards."""
    region = region_of(code)
    return region is not None and region is not Region.PRD


def town_kind(code: str) -> str:
    """乡级 unit type from positions 7–9 of its code."""
    number = int(code[6:9])
    if 1 <= number <= 99:
        return "街道"
    if 100 <= number <= 199:
        return "镇"
    if 200 <= number <= 399:
        return "乡"
    if 400 <= number <= 599:
        return "类似乡级单位"
    return "其他"


def village_kind(code: str) -> str:
    """村级 unit type from positions 10–12 of its code."""
    number = int(code[9:12])
    if 1 <= number <= 199:
        return "居委会"
    if 200 <= number <= 399:
        return "村委会"
    if 400 <= number <= 499:
        return "类似居委会"
    if 500 <= number <= 599:
        return "类似村委会"
    return "其他"


def county_kind(name: str) -> str:
    if name.endswith("自治县"):
        return "自治县"
    if name.endswith("县"):
        return "县"
    if name.endswith("市"):
        return "县级市"
    if name.endswith("区"):
        return "市辖区"
    return "其他"


def kind_of(level: Level, code: str, name: str) -> str:
    if level is Level.TOWN:
        return town_kind(code)
    if level is Level.VILLAGE:
        return village_kind(code)
    if level is Level.COUNTY:
        return county_kind(name)
    if level is Level.CITY:
        return "地级市"
    return "省"


def scope_prefix(level: Level, code: str) -> str:
    return code[: PREFIX_LENGTH[level]]


def valid_code(code: str) -> bool:
    return len(code) == 12 and code.isdigit() and code.startswith("44")


def prefix_of_code(code: str) -> str:
    """The descendant prefix of a 12-digit code, read from its trailing zeros."""
    for length in (2, 4, 6, 9):
        if code[length:].strip("0") == "":
            return code[:length]
    return code
