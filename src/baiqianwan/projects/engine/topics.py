"""Near-duplicate demands grouped into topics, each labelled and explained.

Steps: every demand's terms (terms.py) → unit TF-IDF vectors and the pairs alike enough
(vectors.py) → clusters grown from the most similar pairs down, each merge checked (cluster.py) →
one topic per cluster (here): the terms at least half of its demands share, a label of the 2–4
heaviest, its counties, and for each demand the topic terms it has and how close it is to the
topic's centre.

The input is sorted by id first and every tie is broken by id, so the same demands give the same
topics whatever order they come in.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from baiqianwan.matching.engine import Analyzer, AnalyzerConfig, default_analyzer
from baiqianwan.matching.engine.normalise import clean

from .cluster import cluster
from .model import DemandText, Source, Topic, checked
from .terms import FAMILY_OF, Terms, analyse
from .vectors import Vectors, vectors

# Demands about one problem in the tests' phrasings score 0.45-0.95 against each other. Sharing only
# a crop or only a disease is refused by the subject and issue check, not by this threshold; where
# that check cannot apply (texts without dictionary terms), sharing one word of three scores ~0.35.
DEFAULT_THRESHOLD = 0.45
LABEL_TERMS = 4
# A third or fourth label term must weigh at least this share of the heaviest one.
LABEL_SHARE = 0.5
TOPIC_TERMS = 8
EXPLANATION_TERMS = 4
UNTITLED_CHARS = 20


def group(
    demands: Iterable[DemandText],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    analyzer: Analyzer | None = None,
) -> list[Topic]:
    """Every demand in exactly one topic, most counties first, then most sources, then id.

    ``threshold``: the cosine similarity (0 < t ≤ 1) two demands, and two merged clusters' centres,
    must reach. ``analyzer``: the matching engine's, by default the shipped dictionaries.
    Raises ``ValueError`` (in Chinese, naming the demand) for a duplicate or empty id or a county
    that is not a division code."""
    if not 0 < threshold <= 1:
        raise ValueError(f"相似度阈值须大于 0 且不大于 1，收到：{threshold}")
    items = checked(demands)
    analyzer = analyzer or default_analyzer(AnalyzerConfig(bigrams=False))
    found = vectors([analyse(item, analyzer) for item in items])
    topics = [_topic(members, items, found, analyzer) for members in cluster(found, threshold)]
    topics.sort(key=lambda t: (-len(t.counties), -len(t.sources), t.id))
    return topics


def _implies(longer: str, shorter: str) -> bool:
    """Having ``longer`` says ``shorter``: it contains it (黄龙病, 黄龙) or is its variety (蜜柚, 柚子)."""
    return (shorter in longer and shorter != longer) or FAMILY_OF.get(longer) == shorter


def _shown(names: Sequence[str], coverage: Counter[str]) -> list[str]:
    """The key terms worth saying: of two where one implies the other, the more specific when it
    covers as many demands, else the broader one (柚子 when some wrote 蜜柚 and some 沙田柚)."""
    dropped: set[str] = set()
    for longer in names:
        for shorter in names:
            if _implies(longer, shorter):
                dropped.add(shorter if coverage[longer] >= coverage[shorter] else longer)
    return [name for name in names if name not in dropped]


def _forms(name: str, members: Sequence[Terms]) -> list[str]:
    return sorted({m.form_of(name) for m in members if name in m.weights})


def _said(name: str, members: Sequence[Terms]) -> str:
    """A term as the explanation says it: 柚子（含蜜柚、沙田柚） when the demands wrote varieties."""
    forms = _forms(name, members)
    if forms == [name] or not forms:
        return name
    if len(forms) == 1:
        return forms[0]
    return f"{name}（含{'、'.join(f for f in forms if f != name)}）"


def _label_form(name: str, members: Sequence[Terms]) -> str:
    forms = _forms(name, members)
    return forms[0] if len(forms) == 1 else name


def _untitled(demand: DemandText, analyzer: Analyzer) -> str:
    for text in (demand.title, demand.description):
        label = analyzer.normalise(text) or clean(text)
        if label:
            return label[:UNTITLED_CHARS]
    return "（无标题）"


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else ""


def _topic(members: list[int], items: list[DemandText], vectors: Vectors, analyzer: Analyzer) -> Topic:
    demands = [items[i] for i in members]
    terms = [vectors.terms[i] for i in members]
    counties = tuple(sorted({d.county for d in demands}))
    size = len(members)
    matrix, vocabulary = vectors.matrix, vectors.vocabulary
    rows = [
        dict(
            zip(
                matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]].tolist(),
                matrix.data[matrix.indptr[i] : matrix.indptr[i + 1]].tolist(),
                strict=True,
            )
        )
        for i in members
    ]
    summed: Counter[int] = Counter()
    for row in rows:
        summed.update(row)
    length = math.sqrt(sum(v * v for v in summed.values())) or 1.0
    weight = {vocabulary[c]: v / length for c, v in summed.items()}
    coverage = Counter(vocabulary[c] for row in rows for c in row)
    need = 1 if size == 1 else max(2, math.ceil(size / 2))
    shown = _shown(
        sorted((t for t in weight if coverage[t] >= need), key=lambda t: (-weight[t], t)), coverage
    )
    similarity = [sum(weight[vocabulary[c]] * v for c, v in row.items()) for row in rows]
    if shown:
        central = terms[max(range(size), key=lambda k: (similarity[k], -k))]
        label = " ".join(_label_form(name, terms) for name in _label_names(shown, weight, central))
    else:
        label = _untitled(demands[0], analyzer)
    return Topic(
        id="T-" + demands[0].id,
        label=label,
        sources=tuple(d.id for d in demands),
        counties=counties,
        industry=_most_common(d.industry for d in demands),
        terms=tuple((name, round(weight[name], 4)) for name in shown[:TOPIC_TERMS]),
        explanation=_explanation(terms, shown, coverage, len(counties)),
        members=tuple(
            Source(
                id=d.id,
                county=d.county,
                similarity=1.0 if size == 1 else round(s, 4),
                shared=tuple(t.form_of(name) for name in shown if name in t.weights),
            )
            for d, t, s in zip(demands, terms, similarity, strict=True)
        ),
    )


def _label_names(shown: list[str], weight: dict[str, float], central: Terms) -> list[str]:
    """The 2–4 heaviest terms, in the order the most central demand reads them (蜜柚 黄龙病)."""
    names = [
        name
        for rank, name in enumerate(shown[:LABEL_TERMS])
        if rank < 2 or weight[name] >= LABEL_SHARE * weight[shown[0]]
    ]
    return sorted(names, key=lambda name: (central.position(name), -weight[name]))


def _explanation(terms: list[Terms], shown: list[str], coverage: Counter[str], counties: int) -> str:
    size = len(terms)
    if not shown:
        return "标题和描述中没有可比较的关键词，单独成题"
    everyone = [_said(name, terms) for name in shown if coverage[name] == size]
    most = [_said(name, terms) for name in shown if coverage[name] < size][:EXPLANATION_TERMS]
    said = f"{size} 项需求（来自 {counties} 个县）"
    if size == 1:
        return f"{said}，暂无足够相近的需求；关键词：{'、'.join(everyone[:EXPLANATION_TERMS])}"
    if not everyone:
        return f"{said}多数提到：{'、'.join(most)}"
    return f"{said}均提到：{'、'.join(everyone)}" + (f"；多数提到：{'、'.join(most)}" if most else "")
