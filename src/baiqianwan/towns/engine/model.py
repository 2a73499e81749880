"""The pairing problem as data: town profiles, the province's locks and bans, the score weights,
the answer, and the checks that turn a malformed problem into Chinese messages naming each town."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from .profile import EWN, PEARL, SIDE_LABELS, Pair, PairKey, Side, TownProfile, Weights
from .relatedness import Scores, score_towns

__all__ = ["EWN", "PEARL", "SIDE_LABELS", "Pair", "PairKey", "Side", "TownProfile", "Weights"]

# Scores are floats in [0, 1]; min-cost flow needs integers. ×10⁶ keeps six decimals: finer
# differences are rounded away when choosing; reported totals are sums of the floats.
SCALE = 1_000_000
MAX_CAPACITY = 50

_TOWN_CODE = re.compile(r"\d{9}")
# GB/T 4754-2017: 门类 letter, then 大类 (2 digits), 中类 (3) or 小类 (4).
_INDUSTRY_CODE = re.compile(r"[A-T](\d{2}|\d{3}|\d{4})")


class PairingInputError(ValueError):
    """The pairing problem is malformed; `errors` lists every problem found, in Chinese."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__(errors[0])
        self.errors = list(errors)


# Frozen: the scores are computed once and cached, so nothing they depend on may change.
# eq=False: identity is enough, and the mapping field would make a value hash fail.
@dataclass(frozen=True, eq=False, init=False)
class Instance:
    """Towns to pair and the province's adjustments.

    `locked` pairs are always in the answer (whatever their score); `forbidden` pairs never are;
    pairs scoring below `min_score` are never proposed. A pair may be given in either order: it
    is stored as (珠三角镇, 粤东西北镇). `top_k` keeps, for each town, only its `top_k` best
    partners as candidates (a pair stays if it is in the top of either town): the optimum is then
    exact over those candidates only. `industry_names` (code or prefix → name) lets explanations
    say 「C1371 蔬菜加工」 rather than the bare code. A malformed problem raises
    PairingInputError listing every problem.
    """

    towns: tuple[TownProfile, ...]
    locked: frozenset[PairKey]
    forbidden: frozenset[PairKey]
    min_score: float
    top_k: int | None
    weights: Weights
    industry_names: Mapping[str, str]

    def __init__(
        self,
        towns: Iterable[TownProfile],
        locked: Iterable[PairKey] = (),
        forbidden: Iterable[PairKey] = (),
        min_score: float = 0.15,
        top_k: int | None = None,
        weights: Weights | None = None,
        industry_names: Mapping[str, str] | None = None,
    ) -> None:
        given = tuple(towns)
        weights = weights or Weights()
        errors = _town_problems(given)
        by_code = {t.code: t for t in given}
        locked_pairs = normalise_pairs("锁定", locked, by_code, errors)
        forbidden_pairs = normalise_pairs("禁止", forbidden, by_code, errors)
        for key in sorted(locked_pairs & forbidden_pairs):
            errors.append(f"结对 {by_code[key[0]].label}—{by_code[key[1]].label} 既被锁定又被禁止")
        load = Counter(code for key in locked_pairs for code in key)
        for code, count in sorted(load.items()):
            town = by_code[code]
            if count > town.capacity >= 0:
                errors.append(f"{town.label} 锁定了 {count} 个结对，超过其结对名额 {town.capacity}")
        if not 0 <= min_score <= 1:
            errors.append(f"最低得分 min_score 应在 0 到 1 之间，现为 {min_score:g}")
        if top_k is not None and top_k < 1:
            errors.append(f"每镇候选数 top_k 应不小于 1，现为 {top_k}")
        errors.extend(weights.problems())
        if errors:
            raise PairingInputError(errors)
        for name, value in (
            ("towns", given),
            ("locked", frozenset(locked_pairs)),
            ("forbidden", frozenset(forbidden_pairs)),
            ("min_score", min_score),
            ("top_k", top_k),
            ("weights", weights),
            ("industry_names", dict(industry_names or {})),
        ):
            object.__setattr__(self, name, value)

    def adjust(
        self,
        *,
        locked: Iterable[PairKey] | None = None,
        forbidden: Iterable[PairKey] | None = None,
        min_score: float | None = None,
        top_k: int | Literal["keep"] | None = "keep",
    ) -> Instance:
        """The same towns under other locks, bans, threshold or candidate cut — what the province
        changes between two proposals. Validated again; the scores are not computed again."""
        other = Instance(
            self.towns,
            locked=self.locked if locked is None else locked,
            forbidden=self.forbidden if forbidden is None else forbidden,
            min_score=self.min_score if min_score is None else min_score,
            top_k=self.top_k if top_k == "keep" else top_k,
            weights=self.weights,
            industry_names=self.industry_names,
        )
        if "scores" in self.__dict__:
            other.__dict__["scores"] = self.__dict__["scores"]  # same towns and weights: same scores
        return other

    @cached_property
    def by_code(self) -> dict[str, TownProfile]:
        return {t.code: t for t in self.towns}

    @cached_property
    def scores(self) -> Scores:
        """Every pair's score and its components, computed once per instance."""
        return score_towns(self.towns, self.weights)


def _town_problems(towns: tuple[TownProfile, ...]) -> list[str]:
    errors: list[str] = []
    seen: dict[str, TownProfile] = {}
    for town in towns:
        if not isinstance(town.code, str) or not _TOWN_CODE.fullmatch(town.code):
            errors.append(f"{town.name} 的镇代码 {town.code!r} 应为 9 位数字（统计用区划代码前 9 位）")
        if town.code in seen:
            errors.append(f"镇代码 {town.code} 重复：{seen[town.code].name}、{town.name}")
        seen.setdefault(town.code, town)
        if town.side not in SIDE_LABELS:
            errors.append(f"{town.label} 的 side 应为 pearl（珠三角）或 ewn（粤东西北），现为 {town.side!r}")
        if town.capacity < 0:
            errors.append(f"{town.label} 的结对名额不能为负数，现为 {town.capacity}")
        elif town.capacity > MAX_CAPACITY:
            errors.append(f"{town.label} 的结对名额不能大于 {MAX_CAPACITY}，现为 {town.capacity}")
        if town.platforms < 0 or town.enterprises < 0:
            errors.append(f"{town.label} 的创新平台数和企业数不能为负数")
        for code in town.industries:
            if not isinstance(code, str) or not _INDUSTRY_CODE.fullmatch(code):
                errors.append(f"{town.label} 的行业代码 {code!r} 不是国民经济行业分类代码（如 C1371）")
    return errors


def normalise_pairs(
    what: str, given: Iterable[PairKey], by_code: Mapping[str, TownProfile], errors: list[str]
) -> set[PairKey]:
    """The pairs as (珠三角镇, 粤东西北镇); each bad one is reported and left out."""
    out: set[PairKey] = set()
    for item in given:
        if len(item) != 2:
            errors.append(f"{what}的结对 {item!r} 应由两个镇代码组成")
            continue
        first, second = item
        missing = [code for code in (first, second) if code not in by_code]
        if missing:
            errors.append(
                f"{what}的结对 {first}—{second}：镇代码 {'、'.join(map(str, missing))} 不在镇名单中"
            )
            continue
        a, b = by_code[first], by_code[second]
        if a.code == b.code:
            errors.append(f"{what}的结对 {a.label} 与自身结对")
            continue
        if a.side == b.side:
            if a.side in SIDE_LABELS:
                errors.append(f"两个{SIDE_LABELS[a.side]}镇不能结对：{a.label}与{b.label}（{what}）")
            continue
        key = (a.code, b.code) if a.side == PEARL else (b.code, a.code)
        if key in out:
            errors.append(f"{what}的结对 {by_code[key[0]].label}—{by_code[key[1]].label} 重复")
        out.add(key)
    return out


@dataclass(frozen=True, slots=True)
class Unpaired:
    """A town left with `missing` of its partner places open, and why; a town with no places at all
    is listed too, with `missing` 0."""

    code: str
    missing: int
    reason: str


@dataclass
class Result:
    """`pairs` is the whole plan (locked pairs included, flagged); after `replace`, `added` holds the
    pairs it made and every other pair is as it was."""

    pairs: list[Pair]
    unpaired: list[Unpaired]
    total_score: float = 0.0
    candidates: int = 0
    seconds: float = 0.0
    method: str = "optimal"
    added: list[Pair] = field(default_factory=list)

    @property
    def keys(self) -> list[PairKey]:
        return [p.key for p in self.pairs]
