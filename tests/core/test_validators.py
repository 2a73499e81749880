from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from baiqianwan.core.fakes import make_id_number, make_uscc
from baiqianwan.core.validators import (
    mask_id_number,
    mask_mobile,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

# Published examples: GB 11643 appendix-style sample and a GB 32100 code from public registers.
VALID_IDS = ["11010519491231002X", "440524188001010014"]
VALID_USCC = ["91350100M000100Y43", "914403001922038216", "91440300708461136T"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers_pass(number: str) -> None:
    assert validate_id_number(number) == number


def test_id_number_lower_case_x_and_full_width_are_normalised() -> None:
    assert validate_id_number(" １１０１０５１９４９１２３１００２x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("110105194912310021", "校验位错误：应为 X"),
        ("11010519491231002", "应为 18 位"),
        ("11010519491331002X", "出生日期"),
        ("1101051949123100AX", "前 17 位应为数字"),
    ],
)
def test_invalid_id_numbers_name_the_problem(number: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert fragment in caught.value.messages[0]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc_pass(code: str) -> None:
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y44", "校验位错误：应为 3"),
        ("91350100M000100Y4", "应为 18 位"),
        ("91350100M000I00Y43", "不允许的字符：I"),
        ("9135A100M000100Y43", "行政区划码"),
    ],
)
def test_invalid_uscc_name_the_problem(code: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    assert fragment in caught.value.messages[0]


@given(st.integers(min_value=0, max_value=10**6))
def test_generated_numbers_validate_and_any_single_change_is_caught(seed: int) -> None:
    rng = random.Random(seed)
    import datetime as dt

    number = make_id_number(rng, division_code="441422100000", born=dt.date(1975, 3, 9), female=seed % 2 == 0)
    assert validate_id_number(number) == number
    altered = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError):
        validate_id_number(altered)
    code = make_uscc(rng, kind="enterprise", division_code="441422000000")
    assert validate_uscc(code) == code
    position = seed % 17
    replacement = "0" if code[position] != "0" else "1"
    with pytest.raises(ValidationError):
        validate_uscc(code[:position] + replacement + code[position + 1 :])


def test_mobile_numbers() -> None:
    assert validate_mobile("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ValidationError, match="11 位"):
        validate_mobile("12800138000")


def test_masks_keep_only_ends() -> None:
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_mobile("13800138000") == "138****8000"
