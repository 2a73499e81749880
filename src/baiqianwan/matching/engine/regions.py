"""Guangdong city codes the re-rank needs (a copy of the public classification, so the engine
stands alone without the regions app)."""

from __future__ import annotations

CITY_NAMES: dict[str, str] = {
    "4401": "广州市",
    "4402": "韶关市",
    "4403": "深圳市",
    "4404": "珠海市",
    "4405": "汕头市",
    "4406": "佛山市",
    "4407": "江门市",
    "4408": "湛江市",
    "4409": "茂名市",
    "4412": "肇庆市",
    "4413": "惠州市",
    "4414": "梅州市",
    "4415": "汕尾市",
    "4416": "河源市",
    "4417": "阳江市",
    "4418": "清远市",
    "4419": "东莞市",
    "4420": "中山市",
    "4451": "潮州市",
    "4452": "揭阳市",
    "4453": "云浮市",
}

# 粤东 (汕头 汕尾 潮州 揭阳)、粤西 (湛江 茂名 阳江)、粤北 (韶关 河源 梅州 清远 云浮).
EAST_WEST_NORTH: frozenset[str] = frozenset(
    {"4405", "4415", "4451", "4452", "4408", "4409", "4417", "4402", "4416", "4414", "4418", "4453"}
)


def region_int(code: str | None) -> int:
    """A 12-digit division code as an integer (prefix filters become integer division); -1 if absent."""
    code = (code or "").strip()
    if len(code) != 12 or not code.isascii() or not code.isdigit():
        return -1
    return int(code)


def city_of(code: str | None) -> str:
    """The 4-digit city part, or "" when the code does not name a Guangdong city."""
    code = code or ""
    return code[:4] if len(code) >= 4 and code[:4] in CITY_NAMES else ""


def county_of(code: str | None) -> str:
    """The 6-digit county part; "" for city-level codes and for cities with no counties (东莞、中山)."""
    code = code or ""
    if not city_of(code) or len(code) < 6 or not code[4:6].isdigit() or code[4:6] == "00":
        return ""
    return code[:6]


def town_of(code: str | None) -> str:
    """The 9-digit town part of a town or village code; "" for a county or city code."""
    code = code or ""
    if not city_of(code) or len(code) < 9 or not code[6:9].isdigit() or code[6:9] == "000":
        return ""
    return code[:9]


def is_east_west_north(code: str | None) -> bool:
    return city_of(code) in EAST_WEST_NORTH
