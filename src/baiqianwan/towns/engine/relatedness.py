"""Pair scores: industrial relatedness (industry codes, leading products) and complementarity (a
珠三角 town's innovation resources against a 粤东西北 town's needs), for every 珠三角 × 粤东西北
pair at once as dense matrices — and, for one pair, the evidence behind its score, in words.

Texts go through the matching engine's analyser (繁 → 简, the agri-tech dictionary, place names
and generic words such as 种植 dropped), so 「陳皮 涼果」 and 「陈皮 凉果」 score alike.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from baiqianwan.matching.engine import Analyzer, default_analyzer
from baiqianwan.matching.engine.tokenise import BIGRAM_MARK

from .profile import EWN, PEARL, Pair, TownProfile, Weights

# Industry code lengths the relatedness compares, deepest first: 小类, 中类, 大类, 门类.
LEVELS = (5, 4, 3, 1)
LEVEL_NAMES = {5: "小类", 4: "中类", 3: "大类", 1: "门类"}
SHOWN_TERMS = 3  # terms named in an explanation: enough to recognise the link, short to read
# Character pairs catch what segmentation splits apart (实木家具 → 实, 木家具 against 家具) but are
# weaker evidence than a whole word.
BIGRAM_WEIGHT = 0.5


class _TfIdf:
    """Documents (lists of terms) as L2-normalised TF-IDF rows: sublinear term frequency, smoothed
    IDF over the documents given, so a term every town names counts little."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        for row, doc in enumerate(docs):
            for term, count in Counter(doc).items():
                rows.append(row)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                counts.append(count)
        self.terms = list(vocabulary)
        col = np.asarray(cols, dtype=np.int64)
        df = np.bincount(col, minlength=len(vocabulary))
        idf = np.log((1 + len(docs)) / (1 + df)) + 1
        kind = np.array([BIGRAM_WEIGHT if t.startswith(BIGRAM_MARK) else 1.0 for t in vocabulary])
        data = (1 + np.log(np.asarray(counts, dtype=np.float64))) * idf[col] * kind[col]
        matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(docs), len(vocabulary)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        self.matrix = sparse.csr_matrix(sparse.diags(1 / norms) @ matrix)

    def row(self, index: int) -> dict[str, float]:
        start, end = self.matrix.indptr[index], self.matrix.indptr[index + 1]
        return {
            self.terms[t]: float(w)
            for t, w in zip(self.matrix.indices[start:end], self.matrix.data[start:end], strict=True)
        }


def shared_terms(first: Mapping[str, float], second: Mapping[str, float]) -> tuple[str, ...]:
    """The terms both texts weigh most, without one that only repeats part of another already
    named (冷链 after 冷链物流). A shared character pair is named only when it ends a word of each
    text, where a Chinese compound keeps its head (家具 of 实木家具 and 红木家具), never a fragment
    (木家) or a pair across two words (子加 of 柚子加工)."""
    common = sorted(set(first) & set(second), key=lambda t: (-first[t] * second[t], t))
    shown: list[str] = []
    for term in common:
        if term.startswith(BIGRAM_MARK):
            term = term[len(BIGRAM_MARK) :]
            if not (_ends_a_word(term, first) and _ends_a_word(term, second)):
                continue
        if not any(term in other or other in term for other in shown):
            shown.append(term)
        if len(shown) == SHOWN_TERMS:
            break
    return tuple(shown)


def _ends_a_word(pair: str, terms: Mapping[str, float]) -> bool:
    return any(term.endswith(pair) for term in terms if not term.startswith(BIGRAM_MARK))


def _saturation(counts: np.ndarray, full: int) -> np.ndarray:
    """0 for none, 1 from `full` on, on a log scale: the first platforms matter most."""
    return np.minimum(1.0, np.log1p(counts) / math.log1p(full))


def _prefix_sets(towns: Sequence[TownProfile], length: int) -> list[set[str]]:
    return [{code[:length] for code in town.industries if len(code) >= length} for town in towns]


def _industry_relatedness(
    pearl: Sequence[TownProfile], ewn: Sequence[TownProfile], levels: Sequence[float]
) -> np.ndarray:
    """Σ weight · Dice coefficient of the two towns' codes cut to each level's length. Only pairs
    sharing something are touched: the shared counts come sparse, never as a dense matrix per level."""
    total = np.zeros((len(pearl), len(ewn)))
    for weight, length in zip(levels, LEVELS, strict=True):
        if not weight:
            continue
        left, right = _prefix_sets(pearl, length), _prefix_sets(ewn, length)
        vocabulary = {code: k for k, code in enumerate(sorted(set().union(*left, *right)))}
        common = (_incidence(left, vocabulary) @ _incidence(right, vocabulary).T).tocoo()
        sizes = np.array([len(s) for s in left])[common.row] + np.array([len(s) for s in right])[common.col]
        total[common.row, common.col] += weight * 2 * common.data / sizes
    return total


def _incidence(sets: Sequence[set[str]], vocabulary: Mapping[str, int]) -> sparse.csr_matrix:
    rows = [row for row, items in enumerate(sets) for _ in items]
    cols = [vocabulary[item] for items in sets for item in items]
    shape = (len(sets), max(len(vocabulary), 1))
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)


@dataclass
class Scores:
    """Every 珠三角 × 粤东西北 pair's score and its components (rows: 珠三角 towns in input order,
    columns: 粤东西北 towns), and what the explanations need."""

    pearl: tuple[TownProfile, ...]
    ewn: tuple[TownProfile, ...]
    industry: np.ndarray
    products: np.ndarray
    complement: np.ndarray
    total: np.ndarray
    product_terms: _TfIdf  # rows: 珠三角 towns, then 粤东西北 towns
    need_terms: _TfIdf  # rows: 粤东西北 towns' needs, then 珠三角 towns' products and strengths

    def __post_init__(self) -> None:
        self.row = {t.code: i for i, t in enumerate(self.pearl)}
        self.col = {t.code: j for j, t in enumerate(self.ewn)}

    def of(self, pearl_code: str, ewn_code: str) -> float:
        return float(self.total[self.row[pearl_code], self.col[ewn_code]])

    def pair(self, i: int, j: int, *, locked: bool, names: Mapping[str, str]) -> Pair:
        """Pair (i, j) with its components and an explanation naming what the two share."""
        pearl, ewn = self.pearl[i], self.ewn[j]
        level, shared = _shared_industries(pearl, ewn)
        products = shared_terms(self.product_terms.row(i), self.product_terms.row(len(self.pearl) + j))
        needs = shared_terms(self.need_terms.row(j), self.need_terms.row(len(self.ewn) + i))
        parts = []
        if shared:
            labelled = "、".join(f"{code} {names[code]}" if names.get(code) else code for code in shared)
            parts.append(f"同属 {labelled}" if level == LEVELS[0] else f"同属{LEVEL_NAMES[level]} {labelled}")
        if products:
            parts.append("主导产品均含 " + "、".join(products))
        complement = float(self.complement[i, j])
        if complement > 0:
            parts.append(_resources_sentence(pearl, ewn, needs))
        if not parts:
            parts.append("产业与创新资源关联较弱")
        score = float(self.total[i, j])
        industry, product_score = float(self.industry[i, j]), float(self.products[i, j])
        explanation = (
            "；".join(parts)
            + f"。综合得分 {score:.2f}（产业关联 {industry:.2f}、产品相似 {product_score:.2f}、"
            + f"资源互补 {complement:.2f}）"
            + ("，为锁定结对" if locked else "")
        )
        return Pair(
            pearl=pearl.code,
            ewn=ewn.code,
            score=score,
            industry=industry,
            products=product_score,
            complement=complement,
            explanation=explanation,
            shared_industries=shared,
            shared_products=products,
            matched_needs=needs,
            locked=locked,
        )


def _shared_industries(pearl: TownProfile, ewn: TownProfile) -> tuple[int, tuple[str, ...]]:
    """The deepest level at which the two towns' codes meet, and the codes shared there."""
    for length in LEVELS:
        common = set.intersection(*_prefix_sets((pearl, ewn), length))
        if common:
            return length, tuple(sorted(common))
    return 0, ()


def _resources_sentence(pearl: TownProfile, ewn: TownProfile, needs: tuple[str, ...]) -> str:
    held = []
    if pearl.platforms:
        held.append(f"{pearl.platforms} 个创新平台")
    if pearl.enterprises:
        held.append(f"{pearl.enterprises} 家高新技术企业")
    sentence = f"{pearl.name}有 " + "、".join(held)
    if needs:
        return sentence + "，可对应对方需求 " + "、".join(needs)
    if not ewn.platforms:
        return sentence + f"，{ewn.name}尚无创新平台"
    if ewn.platforms < pearl.platforms:
        return sentence + f"，{ewn.name}仅有 {ewn.platforms} 个"
    return sentence


def score_towns(towns: Sequence[TownProfile], weights: Weights, analyzer: Analyzer | None = None) -> Scores:
    """Scores of every 珠三角 × 粤东西北 pair among `towns`."""
    pearl = tuple(t for t in towns if t.side == PEARL)
    ewn = tuple(t for t in towns if t.side == EWN)
    terms = _term_reader(analyzer or default_analyzer())

    product_terms = _TfIdf([terms(t.products) for t in (*pearl, *ewn)])
    split = len(pearl)
    products = (product_terms.matrix[:split] @ product_terms.matrix[split:].T).toarray()

    need_terms = _TfIdf([terms(t.needs) for t in ewn] + [terms(f"{t.products} {t.strengths}") for t in pearl])
    need_fit = (need_terms.matrix[len(ewn) :] @ need_terms.matrix[: len(ewn)].T).toarray()

    platforms = np.array([t.platforms for t in pearl], dtype=np.float64)
    enterprises = np.array([t.enterprises for t in pearl], dtype=np.float64)
    resources = weights.platform_share * _saturation(platforms, weights.platform_saturation) + (
        1 - weights.platform_share
    ) * _saturation(enterprises, weights.enterprise_saturation)
    gap = 1 - _saturation(np.array([t.platforms for t in ewn], dtype=np.float64), weights.platform_saturation)
    complement = resources[:, None] * (
        weights.need_share * need_fit + (1 - weights.need_share) * gap[None, :]
    )

    industry = _industry_relatedness(pearl, ewn, weights.levels)
    total = weights.industry * industry + weights.products * products + weights.complement * complement
    return Scores(
        pearl=pearl,
        ewn=ewn,
        industry=industry,
        products=products,
        complement=complement,
        total=total,
        product_terms=product_terms,
        need_terms=need_terms,
    )


def _term_reader(analyzer: Analyzer) -> Callable[[str], list[str]]:
    """Analysed words of a text (what the matching engine would search on), each text analysed once."""
    seen: dict[str, list[str]] = {}

    def read(text: str) -> list[str]:
        if text not in seen:
            words, bigrams, _lone = analyzer.query(text) if text.strip() else ([], [], [])
            seen[text] = words + bigrams
        return seen[text]

    return read
