"""From score sheets to a ranking: mean, median, trimmed mean and spread side by side, an optional
per-reviewer normalisation for harsh and lenient reviewers, contested applications flagged, and a
ranking whose tie-break (粤东西北 teams first among equals) is applied and explained.

    table = aggregate(sheets, normalise=True, contested_spread=20)
    ranking = rank(table, by="trimmed_mean", preferred={"A7", "A9"}, preferred_label="粤东西北创新团队")
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

STATISTICS = ("mean", "median", "trimmed_mean", "normalised")
STATISTIC_LABELS = {
    "mean": "平均分",
    "median": "中位数",
    "trimmed_mean": "去掉最高最低后的平均分",
    "normalised": "按专家尺度校正后的平均分",
}
# How a ranking explains itself; the platform passes the words of the language in use.
WORDING = {
    "score": "{statistic} {value}",
    "preferred_first": "，与 {others} 同分，{preferred}同分优先",
    "preferred_other": "，与 {others} 同分，对方为{preferred}，同分优先",
    "shared": "；与 {others} 同分并列",
    "and_more": "{names} 等 {n} 项",
    "separator": "、",
}
# Scores equal to two decimals are equal: that is how they are shown and published.
TIE_DECIMALS = 2


@dataclass(frozen=True, slots=True)
class Sheet:
    application: Any
    reviewer: Any
    score: float


@dataclass(frozen=True, slots=True)
class Aggregate:
    application: Any
    count: int
    mean: float
    median: float
    trimmed_mean: float
    std: float
    spread: float
    normalised: float | None
    contested: bool
    # How many of the highest and of the lowest scores the trimmed mean left out (0: too few
    # sheets to trim, and the trimmed mean is the mean).
    trimmed: int = 0

    def value(self, statistic: str) -> float:
        value = getattr(self, statistic)
        if value is None:
            raise ValueError(f"未计算“{STATISTIC_LABELS[statistic]}”：汇总时请选择按专家尺度校正")
        return float(value)


@dataclass(frozen=True, slots=True)
class Ranked:
    position: int
    application: Any
    value: float
    explanation: str


def trimmed_count(count: int, trim: float) -> int:
    """How many scores at each end a trimmed mean of `count` scores leaves out (one each of five
    at 0.2; none of fewer, whose trimmed mean is their mean)."""
    return int(count * trim)


def trimmed_mean(scores: list[float], trim: float) -> float:
    """The mean without the `trim` share of highest and of lowest scores (one each of five at 0.2)."""
    ordered = sorted(scores)
    cut = trimmed_count(len(ordered), trim)
    kept = ordered[cut : len(ordered) - cut] or ordered
    return sum(kept) / len(kept)


def aggregate(
    sheets: Iterable[Sheet],
    *,
    trim: float = 0.2,
    contested_spread: float = 20.0,
    normalise: bool = False,
) -> dict[Any, Aggregate]:
    """Every application's statistics. `contested_spread`: a highest-minus-lowest gap above it flags
    the application for a panel discussion. `normalise`: also compute each application's mean of
    its reviewers' z-scores, put back on the scale of all scores (a harsh reviewer's 70 can then
    weigh like a lenient reviewer's 85)."""
    if not 0 <= trim < 0.5:
        raise ValueError("去掉最高最低的比例须在 0 到 0.5 之间")
    sheets = list(sheets)
    by_application: dict[Any, list[float]] = defaultdict(list)
    for sheet in sheets:
        if not math.isfinite(sheet.score):
            raise ValueError(f"申报 {sheet.application} 的评分不是有限的数字")
        by_application[sheet.application].append(sheet.score)

    normalised: dict[Any, float] = {}
    if normalise and sheets:
        normalised = _normalised_means(sheets)

    table = {}
    for application, scores in by_application.items():
        spread = max(scores) - min(scores)
        table[application] = Aggregate(
            application=application,
            count=len(scores),
            mean=sum(scores) / len(scores),
            median=statistics.median(scores),
            trimmed_mean=trimmed_mean(scores, trim),
            std=statistics.stdev(scores) if len(scores) > 1 else 0.0,
            spread=spread,
            normalised=normalised.get(application) if normalise else None,
            contested=spread > contested_spread,
            trimmed=trimmed_count(len(scores), trim),
        )
    return table


def _normalised_means(sheets: list[Sheet]) -> dict[Any, float]:
    by_reviewer: dict[Any, list[float]] = defaultdict(list)
    for sheet in sheets:
        by_reviewer[sheet.reviewer].append(sheet.score)
    # A reviewer with one sheet, or the same score everywhere, shows no scale to correct: z = 0.
    scale = {
        reviewer: (statistics.fmean(scores), statistics.pstdev(scores) if len(scores) > 1 else 0.0)
        for reviewer, scores in by_reviewer.items()
    }
    everything = [sheet.score for sheet in sheets]
    centre, width = statistics.fmean(everything), statistics.pstdev(everything)
    z_scores: dict[Any, list[float]] = defaultdict(list)
    for sheet in sheets:
        mean, std = scale[sheet.reviewer]
        z_scores[sheet.application].append((sheet.score - mean) / std if std > 0 else 0.0)
    return {application: centre + width * statistics.fmean(zs) for application, zs in z_scores.items()}


def rank(
    table: Mapping[Any, Aggregate],
    *,
    by: str = "mean",
    preferred: Collection[Any] = (),
    preferred_label: str = "粤东西北创新团队",
    names: Mapping[Any, str] | None = None,
    labels: Mapping[str, str] | None = None,
    wording: Mapping[str, str] | None = None,
) -> list[Ranked]:
    """Order by the chosen statistic, highest first. Among applications with the same score (to two
    decimals) the `preferred` ones come first and the explanation says so; a tie the rule does not
    break shares its position. `names` says how explanations name the others (ids by default);
    `labels` and `wording` replace STATISTIC_LABELS and WORDING (another language's words)."""
    if by not in STATISTICS:
        raise ValueError(f"排序依据须是 {'、'.join(STATISTICS)} 之一")
    preferred = set(preferred)
    rows = [(round(aggregate.value(by), TIE_DECIMALS), aggregate.application) for aggregate in table.values()]
    rows.sort(key=lambda row: (-row[0], row[1] not in preferred, str(row[1])))

    ranked: list[Ranked] = []
    label = {**STATISTIC_LABELS, **(labels or {})}[by]
    words = {**WORDING, **(wording or {})}
    for value, group in itertools.groupby(rows, key=lambda row: row[0]):
        members = [application for _, application in group]
        first = [a for a in members if a in preferred]
        rest = [a for a in members if a not in preferred]
        start = len(ranked) + 1
        for tier, (mine, others) in enumerate(((first, rest), (rest, first))):
            position = start + (len(first) if tier else 0)
            for application in mine:
                explanation = words["score"].format(statistic=label, value=f"{value:.2f}")
                equals = [a for a in mine if a != application]
                if others:
                    explanation += words["preferred_other" if tier else "preferred_first"].format(
                        others=_names(others, names, words), preferred=preferred_label
                    )
                if equals:
                    explanation += words["shared"].format(others=_names(equals, names, words))
                ranked.append(Ranked(position, application, value, explanation))
    return ranked


def _names(applications: list[Any], names: Mapping[Any, str] | None, words: Mapping[str, str]) -> str:
    shown = words["separator"].join((names or {}).get(a, str(a)) for a in applications[:3])
    return words["and_more"].format(names=shown, n=len(applications)) if len(applications) > 3 else shown
