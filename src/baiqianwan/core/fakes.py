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
