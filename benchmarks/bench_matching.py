"""Matching benchmark (`make bench`): 100,000 achievements + 10,000 expert profiles, 1,000 queries.

Prints four tables: ranking quality on the dev set's dev and test splits, step by step from the
engine before issue 15 to now, beside plain jieba + BM25 (quality_matching.py); segmenter throughput
(jieba against rjieba, both with the domain dictionary); our index before and after (build, load,
query latency on one core, memory); and rank_bm25's BM25Okapi over the same tokens in the same run.
Each engine runs in its own child process so peak RSS is its own.

    .venv/bin/python benchmarks/bench_matching.py [--docs 100000] [--profiles 10000] [--queries 1000]

Targets (docs/matching.md): p50 ≤ 10 ms, p99 ≤ 50 ms on one core, build ≤ 60 s.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

# One core: no BLAS or OpenMP threads anywhere (set before numpy is imported).
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from baiqianwan.matching.engine import Document, IndexConfig, MatchIndex, Query  # noqa: E402
from baiqianwan.matching.engine.index import _weighted_tokens  # noqa: E402
from baiqianwan.matching.engine.normalise import dictionary_dir, to_simplified  # noqa: E402
from baiqianwan.matching.engine.tokenise import AnalyzerConfig, default_analyzer, read_terms  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import quality_matching  # noqa: E402

SEED = 20230607
CITIES = ["441400", "440800", "440900", "441800", "445100", "441600", "440200", "441700", "445300", "440100"]
ORGS = [
    "省农业科学院",
    "农业大学",
    "市农业科学研究所",
    "县农业技术推广中心",
    "农业科技有限公司",
    "专业合作社",
]
IP = ["发明专利", "实用新型专利", "植物新品种权", "技术标准", "软件著作权"]
MATURITY = ["小试", "中试", "示范推广", "产业化应用"]
TITLES = [
    "{crop}{pest}绿色防控技术",
    "{crop}{technique}关键技术研究与示范",
    "{crop}优质高产栽培技术",
    "{animal}{disease}综合防控技术",
    "{animal}健康养殖与{technique}技术",
    "{crop}采后保鲜与{technique}技术",
    "{crop}新品种选育及配套栽培技术",
    "基于{technique}的{crop}提质增效模式",
]
SENTENCES = [
    "针对{place}{crop}生产中{pest}危害严重、{problem}等问题，",
    "集成{technique}、{technique2}和{technique3}等关键措施，",
    "建立{crop}{technique}技术规程，",
    "示范推广{n}亩，平均增产{p}%，减少化肥农药用量{q}%。",
    "在{animal}养殖中应用{technique}，成活率提高{p}%。",
    "研究{disease}的发生规律和监测预警方法，",
    "配套{technique}设备，降低人工成本{q}%。",
    "成果已在{place}等地应用，带动农户增收。",
]
PROBLEMS = ["品质不稳定", "产量低", "用工成本高", "农药残留超标", "价格低卖难", "土壤酸化", "损耗大"]
QUERIES = [
    "{crop}{pest}很严重，求防控技术",
    "我村{crop}叶子发黄，是不是{pest}，怎么办",
    "想发展{crop}种植，需要{technique}技术",
    "{animal}{disease}死亡多，怎样防治",
    "合作社{crop}卖不出去，想做{technique}",
    "请问{animal}养殖能不能用{technique}",
    "{crop}和{crop2}套种，{pest}怎么防",
    "求{technique}专家指导{crop}生产",
]
SURNAMES = "陈李黄张梁林刘吴罗何郑杨谢钟邓冯曾蔡许彭"


def write(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def sections() -> dict[str, list[str]]:
    """Dictionary terms by the section comments of agri_terms.txt."""
    groups: dict[str, list[str]] = {}
    current = "其他"
    for line in (dictionary_dir() / "agri_terms.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and "：" not in line:
            current = line[2:].strip()
        elif line.strip() and not line.startswith("#"):
            groups.setdefault(current, []).append(line.split()[0])
    return groups


def vocabulary() -> dict[str, list[str]]:
    g = sections()
    crops = (
        g["岭南水果"]
        + g["茶叶"]
        + g["南药"]
        + g["花卉苗木"]
        + g["粮油与薯类"]
        + g["蔬菜与食用菌"]
        + g["林业"]
    )
    return {
        "crop": crops,
        "pest": g["病害"] + g["虫害与有害生物"],
        "animal": g["畜禽"] + g["水产"],
        "disease": g["动物疫病"] + g["病害"][:10],
        "technique": g["种植与栽培技术"]
        + g["农机装备"]
        + g["养殖技术"]
        + g["采后、加工与流通"]
        + g["数字农业与电商"],
        "place": [
            "梅州",
            "湛江",
            "茂名",
            "清远",
            "潮州",
            "河源",
            "韶关",
            "阳江",
            "云浮",
            "肇庆",
            "粤东",
            "粤西",
            "粤北",
        ],
    }


def fill(template: str, rng: random.Random, words: dict[str, list[str]]) -> str:
    return template.format(
        crop=rng.choice(words["crop"]),
        crop2=rng.choice(words["crop"]),
        pest=rng.choice(words["pest"]),
        animal=rng.choice(words["animal"]),
        disease=rng.choice(words["disease"]),
        technique=rng.choice(words["technique"]),
        technique2=rng.choice(words["technique"]),
        technique3=rng.choice(words["technique"]),
        place=rng.choice(words["place"]),
        problem=rng.choice(PROBLEMS),
        n=rng.randint(100, 50000),
        p=rng.randint(5, 40),
        q=rng.randint(5, 50),
    )


def corpus(n_docs: int, n_profiles: int, n_queries: int) -> tuple[list[Document], list[str]]:
    rng = random.Random(SEED)
    words = vocabulary()
    industries = [
        "岭南水果",
        "茶叶",
        "南药",
        "粮食",
        "蔬菜",
        "畜禽",
        "水产",
        "林业",
        "农产品加工",
        "农机装备",
    ]
    docs: list[Document] = []
    for i in range(n_docs):
        text = "".join(fill(rng.choice(SENTENCES), rng, words) for _ in range(rng.randint(3, 6)))
        text += f"成果类型：{rng.choice(IP)}；成熟度：{rng.choice(MATURITY)}。完成单位：{rng.choice(ORGS)}。"
        region = rng.choice(CITIES) + f"{rng.randint(2, 30):02d}000000"
        docs.append(
            Document(
                id=f"A{i:06d}",
                kind="achievement",
                title=fill(rng.choice(TITLES), rng, words),
                text=text,
                keywords=" ".join(rng.sample(words["crop"] + words["technique"], 3)),
                industry=rng.choice(industries),
                region=region,
                available=rng.random() > 0.1,
            )
        )
    for i in range(n_profiles):
        fields = "、".join(
            rng.sample(words["crop"] + words["pest"] + words["technique"] + words["animal"], 4)
        )
        bio = "".join(fill(rng.choice(SENTENCES), rng, words) for _ in range(2))
        docs.append(
            Document(
                id=f"E{i:05d}",
                kind="expert",
                title=rng.choice(SURNAMES) + rng.choice("志国建华明伟文海军平东红英丽芳敏"),
                text=f"{rng.choice(['研究员', '教授', '高级农艺师', '农艺师'])}，{rng.choice(ORGS)}。{bio}",
                keywords=fields,
                industry=rng.choice(industries),
                region=rng.choice(CITIES) + f"{rng.randint(2, 30):02d}000000",
                available=rng.random() > 0.2,
            )
        )
    queries = [fill(rng.choice(QUERIES), rng, words) for _ in range(n_queries)]
    return docs, queries


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def percentiles(values: list[float]) -> tuple[float, float]:
    p50, p99 = np.percentile(values, [50, 99]).tolist()
    return float(p50), float(p99)


def segmenters(sample: str) -> dict[str, Any]:
    """MB/s of jieba and rjieba on the same text, both with the domain dictionary."""
    import jieba
    import rjieba

    jieba.setLogLevel(logging.WARNING)
    terms = read_terms(dictionary_dir() / "agri_terms.txt")
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term, frequency in terms.items():
        tokenizer.add_word(term, frequency)
    fast = rjieba.Jieba()
    for term, frequency in terms.items():
        fast.add_word(term, frequency, None)
    megabytes = len(sample.encode()) / 1e6
    out: dict[str, Any] = {"megabytes": megabytes}
    started = time.perf_counter()
    slow_tokens = tokenizer.lcut(sample)
    out["jieba"] = megabytes / (time.perf_counter() - started)
    started = time.perf_counter()
    fast_tokens = fast.cut(sample)
    out["rjieba"] = megabytes / (time.perf_counter() - started)
    out["same_tokens"] = slow_tokens == fast_tokens
    analyzer = default_analyzer(AnalyzerConfig(bigrams=True))
    lines = sample.split("。")
    started = time.perf_counter()
    for line in lines:
        analyzer.tokens(line)
    out["analyzer"] = megabytes / (time.perf_counter() - started)
    word_analyzer = default_analyzer(AnalyzerConfig(bigrams=False))
    started = time.perf_counter()
    for line in lines:
        word_analyzer.tokens(line)
    out["analyzer_words"] = megabytes / (time.perf_counter() - started)
    return out


def run_ours(
    docs: list[Document], queries: list[str], config: IndexConfig, first_dictionary: bool, out: Any
) -> None:
    one_core()
    analyzer = quality_matching.first_dictionary(config.analyzer) if first_dictionary else None
    started = time.perf_counter()
    index = MatchIndex.build(docs, config=config, analyzer=analyzer)
    build = time.perf_counter() - started
    rss_built = peak_rss_mb()
    for text in queries[:20]:
        index.search(Query(text))
    latencies: list[float] = []
    empty = 0
    for text in queries:
        started = time.perf_counter()
        result = index.search(Query(text, top=10))
        latencies.append((time.perf_counter() - started) * 1000)
        empty += not result.hits
    p50, p99 = percentiles(latencies)
    filtered: list[float] = []
    for text in queries:
        query = Query(text, kinds=["expert"], region_prefix="4414", prefer_region="441422100000")
        started = time.perf_counter()
        index.search(query)
        filtered.append((time.perf_counter() - started) * 1000)
    directory = Path(tempfile.mkdtemp(prefix="bqw-bench-"))
    try:
        started = time.perf_counter()
        index.save(directory)
        save = time.perf_counter() - started
        size = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 1e6
        started = time.perf_counter()
        loaded = MatchIndex.load(directory)
        load = time.perf_counter() - started
        started = time.perf_counter()
        loaded.add([Document(id="NEW1", kind="achievement", title="蜜柚黄龙病快速检测", text="现场检测")])
        add = (time.perf_counter() - started) * 1000
        found = loaded.search(Query("蜜柚黄龙病快速检测")).hits[0].id == "NEW1"
        # A day's worth of saved records waiting for the nightly rebuild, added in batches of 50.
        extra = [replace(d, id=f"D{i}") for i, d in enumerate(docs[:1000])]
        for start in range(0, len(extra), 50):
            loaded.add(extra[start : start + 50])
        delta: list[float] = []
        for text in queries[:200]:
            started = time.perf_counter()
            loaded.search(Query(text))
            delta.append((time.perf_counter() - started) * 1000)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    out.put(
        {
            "build": build,
            "p50": p50,
            "p99": p99,
            "filtered_p50": percentiles(filtered)[0],
            "filtered_p99": percentiles(filtered)[1],
            "empty": empty,
            "rss_built": rss_built,
            "rss": peak_rss_mb(),
            "save": save,
            "load": load,
            "size": size,
            "add_ms": add,
            "add_found": found,
            "delta_p50": percentiles(delta)[0],
            "delta_p99": percentiles(delta)[1],
            "terms": index.stats["terms"],
        }
    )


def run_rank_bm25(
    docs: list[Document], queries: list[str], config: IndexConfig, subset: int, out: Any
) -> None:
    from rank_bm25 import BM25Okapi

    one_core()
    analyzer = default_analyzer(config.analyzer)
    started = time.perf_counter()
    tokens = [_weighted_tokens(analyzer, doc, config) for doc in docs]
    tokenise = time.perf_counter() - started
    started = time.perf_counter()
    model = BM25Okapi(tokens, k1=config.k1, b=config.b)
    build = time.perf_counter() - started
    del tokens
    latencies: list[float] = []
    for text in queries[:subset]:
        query_tokens = list(dict.fromkeys(analyzer.tokens(text)))
        started = time.perf_counter()
        scores = model.get_scores(query_tokens)
        np.argpartition(-scores, 10)[:10]
        latencies.append((time.perf_counter() - started) * 1000)
    p50, p99 = percentiles(latencies)
    out.put({"tokenise": tokenise, "build": build, "p50": p50, "p99": p99, "rss": peak_rss_mb(), "n": subset})


def child(target: Callable[..., None], *args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description="匹配引擎基准测试")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument(
        "--bm25-queries", type=int, default=50, help="rank_bm25 is timed on this many queries"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip rank_bm25")
    args = parser.parse_args()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    write(f"# matching benchmark — {os.cpu_count()} CPUs, load average {load:.2f} at start")
    write()
    write("## ranking quality (data/devset: chosen on dev, reported on test)")
    quality_matching.main()
    write()
    started = time.perf_counter()
    docs, queries = corpus(args.docs, args.profiles, args.queries)
    traditional = [to_simplified(q) for q in queries]  # only to touch OpenCC before timing
    del traditional
    characters = sum(len(d.title) + len(d.text) + len(d.keywords) for d in docs)
    write(
        f"corpus: {args.docs:,} achievements + {args.profiles:,} profiles, "
        f"{characters / 1e6:.1f} M characters, {args.queries:,} queries "
        f"(generated in {time.perf_counter() - started:.1f} s, parent RSS {peak_rss_mb():.0f} MB)"
    )

    sample = "。".join(d.text for d in docs[:20_000])[:2_000_000]
    seg = segmenters(sample)
    write()
    write("| segmenter (same text, domain dictionary loaded) | MB/s |")
    write("|---|---:|")
    write(f"| jieba 0.42 (`Tokenizer.add_word`) | {seg['jieba']:.2f} |")
    write(f"| rjieba (`Jieba.add_word`) | {seg['rjieba']:.2f} |")
    write(
        f"| our analyser, words only (normalise, rjieba, filters, subwords) | {seg['analyzer_words']:.2f} |"
    )
    write(f"| our analyser, words + bigrams | {seg['analyzer']:.2f} |")
    write(
        f"(sample {seg['megabytes']:.1f} MB UTF-8; jieba and rjieba tokens identical: {seg['same_tokens']})"
    )

    rows: list[tuple[str, dict[str, Any]]] = []
    for label, config, first in (
        ("ours, words + bigrams (default, after issue 15)", IndexConfig(), False),
        ("ours, default without pseudo-relevance feedback", IndexConfig(feedback_docs=0), False),
        (
            "ours before issue 15 (no synonyms, first dictionary, old parameters)",
            quality_matching.BEFORE,
            True,
        ),
        ("ours, words only", IndexConfig(analyzer=AnalyzerConfig(bigrams=False)), False),
    ):
        rows.append((label, child(run_ours, docs, queries, config, first)))
    write()
    columns = [
        "engine",
        "build s",
        "p50 ms",
        "p99 ms",
        "filtered p50/p99 ms",
        "peak RSS MB",
        "save s",
        "load s",
    ]
    write("| " + " | ".join([*columns, "disk MB"]) + " |")
    write("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, r in rows:
        write(
            f"| {label} | {r['build']:.1f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['filtered_p50']:.2f} / {r['filtered_p99']:.2f} | {r['rss']:.0f} | {r['save']:.2f} | "
            f"{r['load']:.2f} | {r['size']:.0f} |"
        )
    if not args.no_baseline:
        config = IndexConfig(analyzer=AnalyzerConfig(bigrams=True))
        b = child(run_rank_bm25, docs, queries, config, min(args.bm25_queries, args.queries))
        write(
            f"| rank_bm25 BM25Okapi, same tokens | {b['build']:.1f} (+{b['tokenise']:.1f} tokenising) | "
            f"{b['p50']:.0f} | {b['p99']:.0f} | – | {b['rss']:.0f} | – | – | – |"
        )
        write(f"(rank_bm25 timed on the first {b['n']} queries only: it scores every document in Python)")
    first = rows[0][1]
    write()
    write(
        f"incremental add of one record to a saved index (journal write included): {first['add_ms']:.1f} ms, "
        f"searchable at once: {first['add_found']}; with 1,000 records in the delta: "
        f"p50 {first['delta_p50']:.2f} ms, p99 {first['delta_p99']:.2f} ms"
    )
    write(f"terms in the index: {first['terms']:,}; queries with no hit: {first['empty']}")
    write(
        "targets: p50 ≤ 10 ms, p99 ≤ 50 ms (DESIGN §6), p99 ≤ 15 ms and build ≤ 20 s at 110k (issue 15); "
        f"load average at end {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
