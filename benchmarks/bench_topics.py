"""Topic benchmark (`make bench`): 100,000 accepted demands grouped into 攻关 topics.

Demands (seeded, reproducible): about 2,000 underlying problems, each a crop or animal × a disease,
pest or technique from data/dictionaries/agri_terms.txt, of very unequal sizes (the largest over a
thousand demands), spread over some of Guangdong's 122 counties (codes from data/divisions). Each
demand phrases its problem in one of many title templates, names the crop by a variety or local
name where it has one (蜜柚, 沙田柚 for 柚子), is in traditional script one time in eight, and has a
description of restatements, everyday details, place names, numbers and, one time in ten, another
crop mentioned in passing. One title in seven leaves the crop or the problem to the description,
which one time in five does not say it either: such a demand cannot be told from its crop's other
problems, and the engine keeps it out of their topics (most of the recall lost). 2 % of demands are
vague (技术需求, 怎么办 …), each a problem of its own.

Printed beside ``group()``, in the same run: exact-title grouping after ``normalise`` (what a
spreadsheet would do), and the time only to analyse every text. Quality is pairwise: precision is
the share of demand pairs put in one topic that belong to one problem; recall, the share of pairs of
one problem put in one topic.

    .venv/bin/python benchmarks/bench_topics.py [--demands 100000] [--problems 2000] [--threshold 0.45]

Target: group 100,000 demands in ≤ 30 s on one core at the default threshold; exits 1 if missed.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_matching import one_core, sections, vocabulary, write  # noqa: E402

from baiqianwan.matching.engine import AnalyzerConfig, default_analyzer  # noqa: E402
from baiqianwan.projects.engine import DEFAULT_THRESHOLD, DemandText, group  # noqa: E402
from baiqianwan.projects.engine.terms import FAMILY_MEMBERS, FAMILY_OF, SECTORS, analyse  # noqa: E402

TARGET_SECONDS = 30.0
VAGUE_SHARE = 0.02
TRADITIONAL_SHARE = 1 / 8
ASIDE_SHARE = 0.1

# Titles that leave the crop, or the problem, to the description.
VAGUE_TITLES = ["{s}出了问题，求助", "{s}长势不好怎么办", "{i}怎么防治", "求{i}方面的技术"]
VAGUE_TITLE_SHARE = 0.15
PROBLEM_TITLES = [
    "{s}{i}防控技术需求",
    "我村{s}得了{i}怎么办",
    "{s}{i}严重，求专家指导",
    "{place}{s}{i}问题",
    "求{s}{i}防治方法",
    "{s}发生{i}，急需技术支持",
    "关于{s}{i}的求助",
    "{s}{i}",
    "{i}危害{s}，请问如何处理",
    "{s}{i}综合防控",
]
TECHNIQUE_TITLES = [
    "{s}{i}技术需求",
    "想发展{s}{i}，需要技术指导",
    "{place}{s}{i}",
    "求{s}{i}方面的专家",
    "{s}{i}怎么做",
    "{s}生产中的{i}问题",
    "引进{s}{i}技术",
]
RESTATEMENTS = [
    "我们这里的{s}{i}越来越严重。",
    "{s}出现{i}，",
    "{i}让{s}损失很大，",
    "希望专家帮助解决{s}{i}的问题。",
    "{s}种了{n}亩，{i}没办法解决。",
]
DETAILS = [
    "今年雨水多，",
    "叶片发黄脱落，",
    "产量下降了{p}%，",
    "用药效果不好，",
    "村里没有懂行的技术员，",
    "面积大约{n}亩，",
    "已经连续两年出现，",
    "周边几个村也有类似情况，",
    "价格低，卖不上价，",
    "品质不稳定，",
    "农户管理跟不上，",
    "买不到合适的药，",
    "合作社带动{h}户农户，",
    "请派专家实地查看。",
    "希望得到科技特派员的帮助。",
    "镇里已经组织过培训。",
]
ASIDES = ["旁边的{o}也有类似情况，", "去年{o}也出现过，"]
VAGUE = [
    "技术需求",
    "怎么办",
    "种植技术需求怎么办",
    "急需技术指导",
    "请专家帮忙",
    "求助",
    "需要科技支持",
    "想学新技术",
]


def counties() -> list[tuple[str, str]]:
    """(6-digit code, name) of every county-level unit."""
    with (ROOT / "data" / "divisions" / "guangdong.csv").open(encoding="utf-8", newline="") as handle:
        return [(r["code"][:6], r["name"]) for r in csv.DictReader(handle) if r["level"] == "county"]


def distinct(words: Sequence[str]) -> list[str]:
    """Without sector and variety names and without a word containing another: what the engine
    counts as one."""
    kept = list(dict.fromkeys(w for w in words if w not in FAMILY_OF and w not in SECTORS))
    return [w for w in kept if not any(o != w and o in w for o in kept)]


def problems(n: int, rng: random.Random) -> list[tuple[str, str, bool]]:
    """(subject, issue, is_technique) for ``n`` distinct problems."""
    words, g = vocabulary(), sections()
    plants, animals = distinct(words["crop"]), distinct(words["animal"])
    subjects = plants + animals
    ailments = [w for w in distinct(words["pest"]) if not any(s in w for s in subjects)]
    diseases = distinct(g["动物疫病"])
    crafts = distinct(g["种植与栽培技术"] + g["农机装备"] + g["采后、加工与流通"] + g["数字农业与电商"])
    crafts = [w for w in crafts if w != "病虫害" and not any(s in w for s in subjects)]
    husbandry = distinct(g["养殖技术"] + g["采后、加工与流通"])
    candidates = (
        [(s, i, False) for s in plants for i in ailments]
        + [(s, i, True) for s in plants for i in crafts]
        + [(s, i, False) for s in animals for i in diseases]
        + [(s, i, True) for s in animals for i in husbandry if not any(a in i for a in subjects)]
    )
    return rng.sample(candidates, n)


def demands(
    n: int, n_problems: int, seed: int
) -> tuple[list[DemandText], dict[str, int], dict[int, tuple[str, str]]]:
    """The demands, each demand's problem number, and each problem's (subject, issue)."""
    rng = random.Random(seed)
    places = counties()
    chosen = problems(n_problems, rng)
    subjects = sorted({s for s, _, _ in chosen})
    to_traditional = opencc.OpenCC("s2t")
    vague = int(n * VAGUE_SHARE)
    weights = [rng.lognormvariate(0, 1.1) for _ in chosen]
    # Every problem at least once, the rest in proportion to its weight.
    owner = list(range(len(chosen))) + rng.choices(range(len(chosen)), weights, k=n - vague - len(chosen))
    homes = [rng.sample(places, min(len(places), max(1, int(rng.paretovariate(1.2) * 3)))) for _ in chosen]
    out: list[DemandText] = []
    truth: dict[str, int] = {}
    for k, p in enumerate(owner):
        subject, issue, technique = chosen[p]
        spoken = rng.choice((subject, *FAMILY_MEMBERS[subject])) if subject in FAMILY_MEMBERS else subject
        code, county = rng.choice(homes[p])
        words = {
            "s": spoken,
            "i": issue,
            "place": rng.choice((county, county[:-1], "")),
            "o": rng.choice(subjects),
            "n": rng.randint(10, 5000),
            "p": rng.randint(5, 60),
            "h": rng.randint(5, 300),
        }
        vague_title = rng.random() < VAGUE_TITLE_SHARE
        templates = VAGUE_TITLES if vague_title else TECHNIQUE_TITLES if technique else PROBLEM_TITLES
        title = rng.choice(templates).format(**words)
        # A vague title is mostly, not always, made good in the description.
        parts = [rng.choice(RESTATEMENTS)] if rng.random() < (0.8 if vague_title else 0.6) else []
        parts += rng.sample(DETAILS, rng.randint(1, 4))
        if rng.random() < ASIDE_SHARE:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(ASIDES))
        description = "".join(parts).format(**words)
        if rng.random() < TRADITIONAL_SHARE:
            title, description = to_traditional.convert(title), to_traditional.convert(description)
        demand_id = f"D{k:06d}"
        out.append(DemandText(demand_id, title, description, code, industry=""))
        truth[demand_id] = p
    for k in range(vague):
        demand_id = f"V{k:05d}"
        code, _ = rng.choice(places)
        out.append(DemandText(demand_id, rng.choice(VAGUE), rng.choice(("", "急需", "请帮忙")), code))
        truth[demand_id] = len(chosen) + k
    rng.shuffle(out)
    return out, truth, {p: (s, i) for p, (s, i, _) in enumerate(chosen)}


def pairs(sizes: Counter[object]) -> int:
    return sum(c * (c - 1) // 2 for c in sizes.values())


def quality(assigned: dict[str, object], truth: dict[str, int]) -> tuple[float, float]:
    """Pairwise (precision, recall) of a grouping against the problems."""
    together = pairs(Counter((assigned[i], truth[i]) for i in truth))
    predicted = pairs(Counter(assigned.values()))
    actual = pairs(Counter(truth.values()))
    return together / predicted if predicted else 1.0, together / actual if actual else 1.0


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description="攻关主题归并基准测试")
    parser.add_argument("--demands", type=int, default=100_000)
    parser.add_argument("--problems", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    one_core()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    write(f"# topic benchmark — {os.cpu_count()} CPUs (one used), load average {load:.2f} at start")
    started = time.perf_counter()
    items, truth, named = demands(args.demands, args.problems, args.seed)
    sizes = Counter(truth.values())
    write(
        f"input: {len(items):,} demands, {len(named):,} problems (+ {len(sizes) - len(named):,} vague "
        f"demands), largest problem {max(sizes.values())} demands, {len(counties())} counties "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )
    analyzer = default_analyzer(AnalyzerConfig(bigrams=False))
    analyzer.query("预热")  # load the dictionaries before any timing

    started = time.perf_counter()
    titles = {d.id: analyzer.normalise(d.title) for d in items}
    exact_seconds = time.perf_counter() - started
    exact_precision, exact_recall = quality(dict(titles), truth)

    started = time.perf_counter()
    analysed = [analyse(d, analyzer) for d in items]
    analyse_seconds = time.perf_counter() - started
    # Demands of a real problem whose text names no crop or no problem (vague ones aside).
    unnamed = sum(
        1
        for d, t in zip(items, analysed, strict=True)
        if truth[d.id] in named and not (t.subjects and t.issues)
    )

    started = time.perf_counter()
    topics = group(items, threshold=args.threshold, analyzer=analyzer)
    seconds = time.perf_counter() - started
    assigned = {source: t.id for t in topics for source in t.sources}
    precision, recall = quality(assigned, truth)
    several = [t for t in topics if len(t.sources) > 1]

    write()
    write("| method | seconds | topics | of ≥ 2 demands | pair precision | pair recall | F1 |")
    write("|---|---:|---:|---:|---:|---:|---:|")
    write(
        f"| group() (analyse, TF-IDF, candidate pairs, centroid-checked merges) | {seconds:.1f} | "
        f"{len(topics):,} | {len(several):,} | {precision:.3f} | {recall:.3f} | {f1(precision, recall):.3f} |"
    )
    exact_groups = Counter(titles.values())
    write(
        f"| baseline: same title after normalise | {exact_seconds:.1f} | {len(exact_groups):,} | "
        f"{sum(c > 1 for c in exact_groups.values()):,} | {exact_precision:.3f} | {exact_recall:.3f} | "
        f"{f1(exact_precision, exact_recall):.3f} |"
    )
    write(
        f"| baseline: only analyse every title and description | {analyse_seconds:.1f} | – | – | – | – | – |"
    )
    write()
    write(
        f"ground truth: {len(sizes):,} problems, {sum(c > 1 for c in sizes.values()):,} of ≥ 2 demands; "
        f"{unnamed:,} demands of a crop × problem name no crop or no problem in title or description"
    )
    write("largest topics:")
    for topic in topics[:5]:
        write(f"  {topic.label}: {len(topic.sources)} demands, {len(topic.counties)} counties")
        write(f"    {topic.explanation}")
    exact_ids = (
        len({s for t in topics for s in t.sources}) == len(items) == sum(len(t.sources) for t in topics)
    )
    write(f"every demand in exactly one topic: {exact_ids}; peak RSS {peak_rss_mb():.0f} MB")
    ok = seconds <= TARGET_SECONDS and exact_ids
    write(
        f"target: group {len(items):,} demands ≤ {TARGET_SECONDS:.0f} s on one core at threshold "
        f"{args.threshold} (was {seconds:.1f} s): "
        f"{'OK' if ok else 'MISSED'}; load average at end {os.getloadavg()[0]:.2f}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
