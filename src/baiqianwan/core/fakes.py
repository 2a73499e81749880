"""Deterministic, check-digit-valid identifiers for demo and test data."""

from __future__ import annotations

import datetime as dt
import random

from .validators import USCC_ALPHABET, id_number_check_char, uscc_check_char

# 登记管理部门代码 + 机构类别 for each kind of body (GB 32100 table 1).
USCC_KIND_PREFIX = {
    "government": "11",
    "institute": "12",
    "university": "12",
    "extension": "12",
    "society": "51",
    "enterprise": "91",
    "bank": "91",
    "fund": "91",
    "new_rd": "52",
    "cooperative": "93",
    "family_farm": "92",
    "other": "91",
}


def make_uscc(rng: random.Random, *, kind: str, division_code: str) -> str:
    body_alphabet = USCC_ALPHABET
    first17 = (
        USCC_KIND_PREFIX.get(kind, "91")
        + division_code[:6]
        + "".join(rng.choice(body_alphabet) for _ in range(9))
    )
    return first17 + uscc_check_char(first17)


def make_id_number(rng: random.Random, *, division_code: str, born: dt.date, female: bool) -> str:
    sequence = rng.randrange(0, 99)
    sex_digit = rng.choice("02468" if female else "13579")
    first17 = f"{division_code[:6]}{born:%Y%m%d}{sequence:02d}{sex_digit}"
    return first17 + id_number_check_char(first17)


def make_mobile(rng: random.Random) -> str:
    return (
        rng.choice(["135", "136", "137", "138", "139", "150", "158", "188", "189", "199"])
        + f"{rng.randrange(10**8):08d}"
    )


# Common surnames of Guangdong (more often first) and characters of given names, for people that
# generated data sets need by the thousand.
SURNAMES = "陈李黄张梁林刘吴罗何郑杨谢钟邓冯曾蔡许彭朱苏卢蒋余叶温赖丘肖潘廖方邱江"
GIVEN_CHARS = (
    "志建晓国丽海秀文嘉伟雪振少锦俊慧敏婷华明强军平辉芳燕玲红霞勇杰涛斌彬宇航鹏飞思雅颖琳欣怡永荣德祥瑞"
)


def make_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.85 else "")
    return rng.choice(SURNAMES) + given


def agri_terms() -> dict[str, list[str]]:
    """The domain dictionary's words by section (``# 岭南水果`` …), for realistic generated text."""
    from django.conf import settings

    groups: dict[str, list[str]] = {}
    current = "其他"
    path = settings.DATA_DIR / "dictionaries" / "agri_terms.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and "：" not in line:
            current = line[2:].strip()
        elif line.strip() and not line.startswith("#"):
            groups.setdefault(current, []).append(line.split()[0])
    return groups
