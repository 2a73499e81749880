"""Coordinate ascent over the ranking parameters, on the dev split only.

    nice -n 10 .venv/bin/python benchmarks/tune_matching.py [--rounds 2]

Each parameter in turn is set to the value of its grid that gives the best dev nDCG@10 with the
others held; rounds repeat until nothing changes. A change must gain at least MIN_GAIN to be taken,
so noise on a small dev split does not move a default. The test split is printed once at the end,
for the start and the result, and never read while choosing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from quality_matching import Devset, load_devset, rank_engine, score

from baiqianwan.matching.engine import IndexConfig
from baiqianwan.matching.engine.index import DEFAULT_WEIGHTS

MIN_GAIN = 0.001
GRID: Mapping[str, tuple[float, ...]] = {
    "k1": (0.6, 0.9, 1.2, 1.5, 2.0, 2.5, 3.0),
    "b": (0.3, 0.5, 0.65, 0.75, 0.9),
    "title_weight": (1, 2, 3, 4, 5),
    "keywords_weight": (0, 1, 2, 3),
    "text_weight": (1, 2),
    "bigram_weight": (0.0, 0.15, 0.3, 0.5, 0.7),
    "single_weight": (0.0, 0.15, 0.3, 0.5),
    "synonym_weight": (0.0, 0.3, 0.5, 0.7, 1.0),
    "feedback_docs": (0, 3, 5, 10),
    "feedback_terms": (5, 10, 20),
    "feedback_weight": (0.2, 0.3, 0.5, 0.7),
    "feature:industry": (0.1, 0.2, 0.3, 0.4, 0.5),
}


def evaluate(devset: Devset, params: Mapping[str, Any]) -> dict[str, float]:
    config_values = {k: v for k, v in params.items() if not k.startswith("feature:")}
    weights = {k.removeprefix("feature:"): v for k, v in params.items() if k.startswith("feature:")}
    config = replace(IndexConfig(), **config_values)
    weighted = Devset(
        docs=devset.docs,
        queries=[(qid, replace(q, feature_weights=weights or None)) for qid, q in devset.queries],
        qrels=devset.qrels,
    )
    return score(weighted, rank_engine(weighted, config))


def current() -> dict[str, Any]:
    defaults = IndexConfig()
    values: dict[str, Any] = {}
    for name in GRID:
        if name.startswith("feature:"):
            values[name] = DEFAULT_WEIGHTS[name.removeprefix("feature:")]
        else:
            values[name] = getattr(defaults, name)
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description="在开发集的 dev 部分上做坐标上升调参")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    devset = load_devset()
    start = current()
    params = dict(start)
    best = evaluate(devset, params)["dev"]
    sys.stdout.write(f"start: dev nDCG@10 {best:.4f}  {params}\n")
    for round_number in range(1, args.rounds + 1):
        changed = False
        for name, values in GRID.items():
            results = {value: evaluate(devset, {**params, name: value})["dev"] for value in values}
            value, found = max(results.items(), key=lambda item: item[1])
            if found > best + MIN_GAIN and value != params[name]:
                sys.stdout.write(f"round {round_number}: {name} {params[name]} → {value}: {found:.4f}\n")
                params[name], best, changed = value, found, True
            else:
                # Evaluated again at the held value, so `best` stays the dev score of `params`.
                best = results.get(params[name], best)
        if not changed:
            break
    before, after = evaluate(devset, start), evaluate(devset, params)
    sys.stdout.write(f"result: {params}\n")
    sys.stdout.write(
        f"dev {before['dev']:.4f} → {after['dev']:.4f}; test (reported only) {before['test']:.4f} → "
        f"{after['test']:.4f}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
