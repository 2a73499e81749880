"""Ranking quality on the development set's dev and test splits, for `make bench` and tuning.

    .venv/bin/python benchmarks/quality_matching.py   # every step, before → after, and jieba + BM25

It also prints the gain of pseudo-relevance feedback by query type (script, length).

Changes are chosen on the dev split (benchmarks/tune_matching.py reads only dev); the test split is
only reported. data/devset/README.md says how the set and its split are made.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from baiqianwan.matching.engine import IndexConfig, MatchIndex  # noqa: E402
from baiqianwan.matching.engine.eval import load_corpus, load_queries, metrics, read_qrels  # noqa: E402
from baiqianwan.matching.engine.index import Document, Query  # noqa: E402
from baiqianwan.matching.engine.normalise import dictionary_dir, read_word_list  # noqa: E402
from baiqianwan.matching.engine.places import default_place_names  # noqa: E402
from baiqianwan.matching.engine.tokenise import Analyzer, AnalyzerConfig, read_synonyms, read_terms  # noqa: E402

DEVSET = ROOT / "data" / "devset"
PARTS = ("dev", "test")
DEPTH = 100


@dataclass(frozen=True)
class Devset:
    docs: list[Document]
    queries: list[tuple[str, Query]]
    qrels: dict[str, dict[str, dict[str, int]]]


def load_devset(directory: Path = DEVSET) -> Devset:
    return Devset(
        docs=load_corpus(directory / "corpus.jsonl"),
        queries=load_queries(directory / "queries.jsonl"),
        qrels={part: read_qrels(directory / f"qrels.{part}.tsv") for part in PARTS},
    )


def score(devset: Devset, ranking: Mapping[str, list[str]]) -> dict[str, float]:
    """nDCG@10 per split, and the other metrics of each under `part:metric`."""
    out: dict[str, float] = {}
    for part in PARTS:
        for name, value in metrics(ranking, devset.qrels[part]).items():
            out[f"{part}:{name}"] = value
        out[part] = out[f"{part}:nDCG@10"]
    return out


def rank_engine(
    devset: Devset, config: IndexConfig, analyzer: Analyzer | None = None
) -> dict[str, list[str]]:
    index = MatchIndex.build(devset.docs, config=config, analyzer=analyzer)
    return {qid: [h.id for h in index.search(replace(q, top=DEPTH)).hits] for qid, q in devset.queries}


def rank_jieba_bm25(devset: Devset) -> dict[str, list[str]]:
    """The plain baseline of the issue: jieba's own dictionary, no domain words, no filters, BM25
    (Lucene idf, k1 1.2, b 0.75) over title and text in one field."""
    import logging

    import bm25s
    import jieba
    import numpy as np

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()

    def cut(text: str) -> list[str]:
        return [t for t in tokenizer.lcut(text) if t.strip() and any(c.isalnum() for c in t)]

    corpus = [cut(f"{d.title} {d.keywords} {d.text}") for d in devset.docs]
    model = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in tokens] for tokens in corpus]
    model.index((ids, vocab), show_progress=False)
    ranking: dict[str, list[str]] = {}
    for qid, query in devset.queries:
        wanted = [vocab[t] for t in dict.fromkeys(cut(query.text)) if t in vocab]
        if not wanted:
            ranking[qid] = []
            continue
        scores = model.get_scores(wanted)
        order = np.argsort(-scores)[:DEPTH]
        ranking[qid] = [devset.docs[i].id for i in order if scores[i] > 0]
    return ranking


def first_dictionary(config: AnalyzerConfig) -> Analyzer:
    """The analyser with agri_terms.txt alone, as before the larger vocabulary of issue 15."""
    directory = dictionary_dir()
    return Analyzer(
        terms=read_terms(directory / "agri_terms.txt"),
        stopwords=read_word_list(directory / "stopwords.txt"),
        config=config,
        places=default_place_names(),
        generic=read_word_list(directory / "generic_terms.txt"),
        synonyms=read_synonyms(directory / "synonyms.txt"),
    )


def step(
    config: IndexConfig, *, more_terms: bool = True
) -> Callable[[], tuple[IndexConfig, Analyzer | None]]:
    return lambda: (config, None if more_terms else first_dictionary(config.analyzer))


# The parameters as they were before issue 15 (see tune_matching.py for the new ones).
NO_QUANTITIES = AnalyzerConfig(quantities=False)
UNTUNED = IndexConfig(b=0.75, title_weight=3, single_weight=0.3, feedback_docs=0, analyzer=NO_QUANTITIES)
BEFORE = replace(UNTUNED, synonym_weight=0.0, analyzer=AnalyzerConfig(synonyms=False, quantities=False))
TUNED = replace(IndexConfig(), feedback_docs=0, analyzer=NO_QUANTITIES)
# Each step adds one change to the one before; "before" is the engine as it was at issue 15.
STEPS: Sequence[tuple[str, Callable[[], tuple[IndexConfig, Analyzer | None]]]] = (
    ("before (issue 15)", step(BEFORE, more_terms=False)),
    ("+ larger dictionary (agri_terms_more.txt)", step(BEFORE)),
    ("+ synonym words in the dictionary", step(replace(UNTUNED, synonym_weight=0.0))),
    ("+ synonym expansion at query time", step(UNTUNED)),
    ("+ parameters tuned on dev (b, title weight, lone characters)", step(TUNED)),
    (
        "+ pseudo-relevance feedback (Rocchio: 5 records, 10 words, weight 0.5)",
        step(replace(IndexConfig(), analyzer=NO_QUANTITIES)),
    ),
    ("+ quantities written one way, units left out of queries", step(IndexConfig())),
)


def main() -> int:
    devset = load_devset()
    write = sys.stdout.write
    write(f"dev {len(devset.qrels['dev'])} queries, test {len(devset.qrels['test'])} queries, ")
    write(f"{len(devset.docs)} documents\n\n")
    write("| step | dev nDCG@10 | Δ dev | test nDCG@10 | Δ test | test MRR@10 | test R@100 |\n")
    write("|---|---:|---:|---:|---:|---:|---:|\n")
    started = time.perf_counter()
    baseline = score(devset, rank_jieba_bm25(devset))
    previous: dict[str, float] | None = None
    rankings: dict[str, dict[str, list[str]]] = {}
    for label, make in STEPS:
        rankings[label] = rank_engine(devset, *make())
        result = score(devset, rankings[label])
        delta = {p: result[p] - previous[p] for p in PARTS} if previous else dict.fromkeys(PARTS, 0.0)
        write(
            f"| {label} | {result['dev']:.4f} | {delta['dev']:+.4f} | {result['test']:.4f} | "
            f"{delta['test']:+.4f} | {result['test:MRR@10']:.4f} | {result['test:Recall@100']:.4f} |\n"
        )
        previous = result
    write(
        f"| jieba + BM25 (plain baseline) | {baseline['dev']:.4f} | | {baseline['test']:.4f} | | "
        f"{baseline['test:MRR@10']:.4f} | {baseline['test:Recall@100']:.4f} |\n"
    )
    write(f"({time.perf_counter() - started:.1f} s)\n\n")
    feedback = next(i for i, (label, _) in enumerate(STEPS) if "feedback" in label)
    by_type(devset, rankings[STEPS[feedback - 1][0]], rankings[STEPS[feedback][0]], "feedback")
    return 0


def query_types(devset: Devset) -> dict[str, set[str]]:
    """Queries by script and by length (a short demand names its problem; a long one describes it)."""
    from baiqianwan.matching.engine.normalise import to_simplified

    texts = {qid: q.text for qid, q in devset.queries}
    return {
        "traditional script": {q for q, t in texts.items() if to_simplified(t) != t},
        "short (≤ 16 characters)": {q for q, t in texts.items() if len(t) <= 16},
        "long (> 16 characters)": {q for q, t in texts.items() if len(t) > 16},
        "all": set(texts),
    }


def by_type(
    devset: Devset, before: Mapping[str, list[str]], after: Mapping[str, list[str]], what: str
) -> None:
    """nDCG@10 before and after one step, per query type and split."""
    write = sys.stdout.write
    write(f"| {what}: query type | dev queries | dev before → after | test queries | test before → after |\n")
    write("|---|---:|---|---:|---|\n")
    for name, wanted in query_types(devset).items():
        cells = []
        for part in PARTS:
            qrels = {q: r for q, r in devset.qrels[part].items() if q in wanted}
            if not qrels:
                cells += ["0", "–"]
                continue
            old = metrics(before, qrels)["nDCG@10"]
            new = metrics(after, qrels)["nDCG@10"]
            cells += [str(len(qrels)), f"{old:.4f} → {new:.4f} ({new - old:+.4f})"]
        write(f"| {name} | " + " | ".join(cells) + " |\n")


if __name__ == "__main__":
    sys.exit(main())
