"""Assessment benchmark: every indicator of the county/town system for every unit over 5 years.

Units: the real divisions of Guangdong from data/divisions (21 cities, 122 counties, 1,757 towns,
26,842 villages). Values: synthetic, generated deterministically from a seed (no database), with
regional differences (珠三角 richer in enterprises and finance, 粤东西北 with more commissioners),
3 % of cells missing, zeros that make divisions fail, and a few unit-slip outliers (×10,000).

Timed: the whole ``assess()`` run (evaluate 55 indicators, score within peer groups of level ×
region, 14 composite indices, dense ranks of everything), and ``validate()`` over all rules. Beside
it, the baseline: the scalar reference evaluator looping over units in Python, timed on a
stratified sample of units and extrapolated per level to all units (its values are checked equal
to the vectorised ones on the sample).

    python benchmarks/bench_assessment.py [--seed 2025] [--sample 0.02] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from baiqianwan.indicators.engine import (
    Dataset,
    Hierarchy,
    ReferenceEvaluator,
    assess,
    compile_system,
    load_shipped,
    validate,
)
from baiqianwan.regions.classification import Region, region_of

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ROOT / "data" / "divisions" / "guangdong.csv"
TARGET_SECONDS = 5.0
YEARS = ("2020", "2021", "2022", "2023", "2024")
REGION_IDS = {Region.PRD: 0, Region.EAST: 1, Region.WEST: 2, Region.NORTH: 3}


def load_hierarchy() -> tuple[Hierarchy, np.ndarray]:
    with DIVISIONS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    h = Hierarchy.from_parent_codes(
        [r["code"] for r in rows],
        [r["parent_code"] or None for r in rows],
        [r["level"] for r in rows],
        [r["name"] for r in rows],
    )
    region = np.array(
        [REGION_IDS[reg] if (reg := region_of(r["code"])) is not None else -1 for r in rows], dtype=np.int64
    )
    return h, region


class Synth:
    """Deterministic synthetic values with the shapes Guangdong's statistics have."""

    def __init__(self, h: Hierarchy, region: np.ndarray, seed: int) -> None:
        self.h = h
        self.rng = np.random.default_rng(seed)
        self.shape = (len(h), len(YEARS))
        self.t = np.arange(len(YEARS))[None, :]
        prd = region == 0
        # 珠三角 units are richer; 粤东西北 get more commissioners (the policy's tilt).
        self.rich = np.where(prd, 2.2, np.where(region == 3, 0.7, 0.85))[:, None]
        self.tilt = np.where(prd, 0.6, 1.4)[:, None]
        self.size = self.rng.lognormal(0.0, 0.45, len(h))[:, None]
        self.masks = {lv: h.level_mask([lv])[:, None] for lv in ("county", "town", "village")}

    def at(self, **by_level: np.ndarray | float) -> np.ndarray:
        out = np.full(self.shape, np.nan)
        for level, value in by_level.items():
            mask = np.broadcast_to(self.masks[level], self.shape)
            out = np.where(mask, np.broadcast_to(value, self.shape), out)
        return out

    def count(self, mean: np.ndarray | float, growth: float = 1.0) -> np.ndarray:
        lam = np.broadcast_to(np.asarray(mean, dtype=np.float64) * growth**self.t, self.shape)
        return self.rng.poisson(np.clip(lam, 0, None)).astype(np.float64)

    def amount(self, mean: np.ndarray | float, growth: float = 1.0, sigma: float = 0.15) -> np.ndarray:
        base = np.broadcast_to(np.asarray(mean, dtype=np.float64) * growth**self.t, self.shape)
        return base * self.rng.lognormal(-sigma * sigma / 2, sigma, self.shape)

    def yes(self, p: np.ndarray | float) -> np.ndarray:
        return (self.rng.random(self.shape) < np.broadcast_to(p, self.shape)).astype(np.float64)

    def build(self) -> dict[str, np.ndarray]:
        r, tilt, size = self.rich, self.tilt, self.size
        v: dict[str, np.ndarray] = {}
        v["population"] = self.at(
            county=self.amount(55 * size, 1.005, 0.02), town=self.amount(3.5 * size, 1.0, 0.02)
        )
        v["gdp"] = self.at(county=self.amount(260 * r * size, 1.05), town=self.amount(18 * r * size, 1.05))
        intensity = np.where(r > 1, 0.025, 0.008) * self.rng.lognormal(0, 0.35, (self.shape[0], 1))
        v["rd_spend"] = self.at(county=self.amount(v["gdp"] * 1e4 * intensity, 1.06, 0.1))
        v["industrial_output"] = self.at(town=self.amount(150000 * r**1.5 * size, 1.05))
        v["rd_spend"] = np.where(
            np.isnan(v["rd_spend"]), self.at(town=v["industrial_output"] * intensity * 0.8), v["rd_spend"]
        )
        v["fiscal_spend"] = self.at(county=self.amount(420000 * size, 1.04, 0.05))
        v["fiscal_st_spend"] = self.at(county=v["fiscal_spend"] * self.amount(0.015 * r, 1.03))
        v["above_scale_enterprises"] = self.at(
            county=self.count(140 * r * size, 1.03), town=self.count(12 * r * size, 1.03)
        )
        v["hnte"] = self.at(
            county=self.count(28 * r**1.6 * size, 1.1), town=self.count(2.5 * r**1.6 * size, 1.1)
        )
        v["sme_tech"] = self.at(
            county=self.count(60 * r**1.5 * size, 1.12), town=self.count(5 * r**1.5 * size, 1.12)
        )
        v["eng_centres"] = self.at(county=self.count(3 * r, 1.05))
        v["key_labs"] = self.at(county=self.count(0.25 * r**2))
        v["new_rd_institutes"] = self.at(county=self.count(0.5 * r, 1.05))
        v["research_outposts"] = self.at(county=self.count(0.3 * tilt, 1.35))
        v["incubators"] = self.at(county=self.count(2.5 * r, 1.05))
        v["commissioners_on_duty"] = self.at(
            county=self.count(14 * tilt, 1.15), town=self.count(0.9 * tilt, 1.15)
        )
        v["commissioner_teams"] = self.at(county=self.count(2.5 * tilt, 1.15))
        v["commissioner_stations"] = self.at(
            county=self.count(1.8 * tilt, 1.2), town=self.count(0.25 * tilt, 1.2)
        )
        v["service_logs"] = self.at(town=self.count(np.nan_to_num(v["commissioners_on_duty"]) * 22))
        v["commissioner_stationed"] = self.at(village=self.yes(np.clip(0.18 * tilt * 1.18**self.t, 0, 0.9)))
        v["service_days"] = self.at(village=v["commissioner_stationed"] * self.count(35.0, 1.05))
        v["households"] = self.at(village=np.maximum(20.0, self.count(330 * size)))
        v["demo_households"] = self.at(
            village=self.rng.binomial(np.nan_to_num(v["households"]).astype(np.int64), 0.025)
        )
        v["farmers_trained"] = self.at(town=self.count(260 * tilt, 1.08), village=self.count(35 * tilt, 1.08))
        v["rich_leaders"] = self.at(county=self.count(7 * tilt, 1.1), town=self.count(0.7 * tilt, 1.1))
        posted = self.at(county=self.count(9.0, 1.1), town=self.count(3.5, 1.1), village=self.count(1.1, 1.1))
        share = np.clip(0.45 + 0.07 * self.t, 0, 0.95)
        v["demands_posted"] = posted
        v["demands_resolved"] = np.where(
            np.isnan(posted), np.nan, self.rng.binomial(np.nan_to_num(posted).astype(np.int64), share)
        )
        v["tech_contract_value"] = self.at(
            county=self.amount(4000 * r**2 * size, 1.15, 0.5), town=self.amount(260 * r**2 * size, 1.15, 0.6)
        )
        v["achievements_transferred"] = self.at(
            county=self.count(9 * r, 1.08), town=self.count(0.8 * r, 1.08)
        )
        v["varieties_promoted"] = self.at(county=self.count(7 * tilt, 1.06))
        v["promotion_awards"] = self.at(county=self.count(0.25 * tilt))
        v["lab_trainings"] = self.at(county=self.count(1.5 * tilt, 1.1))
        v["tech_loans"] = self.at(county=self.amount(45000 * r**2 * size, 1.12, 0.25))
        v["risk_comp_loans"] = self.at(county=v["tech_loans"] * self.rng.beta(2, 8, self.shape) * tilt)
        v["sub_fund_investment"] = self.at(county=self.yes(0.35 * tilt) * self.amount(1800.0, 1.1, 0.6))
        v["listing_reserve"] = self.at(county=self.count(1.8 * r, 1.08))
        v["finance_service_station"] = self.at(county=self.yes(0.55), town=self.yes(0.1 * 1.2**self.t))
        specialised = self.rng.random((self.shape[0], 1)) < 0.09
        v["is_specialised_town"] = self.at(town=np.broadcast_to(specialised, self.shape).astype(np.float64))
        lead = np.where(specialised, self.rng.beta(7, 4, self.shape), self.rng.beta(4, 6, self.shape))
        v["leading_industry_output"] = self.at(town=v["industrial_output"] * lead)
        v["town_cooperations"] = self.at(town=self.count(np.where(specialised, 0.6, 0.04)))
        v["talents_introduced"] = self.at(county=self.count(70 * r, 1.06), town=self.count(4 * r, 1.06))
        v["rd_staff"] = self.at(
            county=self.count(np.nan_to_num(v["rd_spend"]) / 28),
            town=self.count(np.nan_to_num(v["rd_spend"]) / 30),
        )
        v["talent_programme_selected"] = self.at(county=self.count(0.7 * r))
        v["innovation_teams"] = self.at(county=self.count(0.4 * r, 1.05))
        v["science_events"] = self.at(
            county=self.count(28.0, 1.05), town=self.count(5.0, 1.05), village=self.count(0.8, 1.05)
        )
        v["science_participants"] = self.at(county=self.count(np.nan_to_num(v["population"]) * 1e4 * 0.12))
        v["science_teachers_trained"] = self.at(county=self.count(50 * tilt, 1.1))
        for code in v:
            v[code][self.rng.random(self.shape) < 0.03] = np.nan  # 3 % not reported
        slip = self.rng.random(self.shape) < 0.001  # reported in 元 instead of 万元
        v["rd_spend"] = np.where(slip, v["rd_spend"] * 1e4, v["rd_spend"])
        return v


class LazyRows:
    """A nested-list view of one array (None for missing), built row by row as the loop asks."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        self.rows: dict[int, list[float | None]] = {}

    def __getitem__(self, u: int) -> list[float | None]:
        row = self.rows.get(u)
        if row is None:
            row = self.rows[u] = [None if math.isnan(x) else x for x in self.array[u].tolist()]
        return row


def baseline(
    system, ds: Dataset, compiled, fraction: float, seed: int
) -> tuple[float, dict[str, float], bool]:
    """Time the reference evaluator on a stratified sample; extrapolate per level."""
    h = ds.hierarchy
    rng = np.random.default_rng(seed)
    values = {code: LazyRows(arr) for code, arr in ds.values.items()}
    ref = ReferenceEvaluator(h.children, values, ds.shape[1])  # type: ignore[arg-type]
    total = 0.0
    per_level: dict[str, float] = {}
    agree = True
    for level in ("county", "town", "village"):
        rows = np.flatnonzero(h.level_mask([level]))
        n = max(20, round(len(rows) * fraction))
        sample = np.sort(rng.choice(rows, size=min(n, len(rows)), replace=False))
        inds = [i for i in system.indicators if level in i.levels]
        # Warm the lazy rows first, so only evaluation is timed (this favours the baseline).
        for ind in inds:
            ref.evaluate_all(compiled[ind.code].expr, sample.tolist())
        start = time.perf_counter()
        out = {ind.code: ref.evaluate_all(compiled[ind.code].expr, sample.tolist()) for ind in inds}
        elapsed = time.perf_counter() - start
        for ind in inds:
            got = np.array([[np.nan if x is None else x for x in row] for row in out[ind.code]])
            want = compiled[ind.code].evaluate(ds, rows=h.level_mask(ind.levels)).values[sample]
            agree &= bool(np.allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True))
        per_level[level] = elapsed * len(rows) / len(sample)
        total += per_level[level]
    return total, per_level, agree


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--sample", type=float, default=0.02, help="share of units timed in the baseline")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    system = load_shipped("county_town_system")
    h, region = load_hierarchy()
    ds = Dataset(h, YEARS, Synth(h, region, args.seed).build())
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    compiled = compile_system(system)
    t_compile = time.perf_counter() - t0

    eval_times, assess_times = [], []
    result = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for ind in system.indicators:
            compiled[ind.code].evaluate_rows(ds, np.flatnonzero(h.level_mask(ind.levels)))
        eval_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = assess(system, ds, groups=region, compiled=compiled)
        assess_times.append(time.perf_counter() - t0)
    assert result is not None
    t0 = time.perf_counter()
    report = validate(system, ds)
    t_validate = time.perf_counter() - t0

    base_total, base_levels, agree = baseline(system, ds, compiled, args.sample, args.seed)
    load_after = os.getloadavg()

    counts = {lv: int(h.level_mask([lv]).sum()) for lv in ("county", "town", "village")}
    items = result.items.values()
    n_scores = sum(int(np.count_nonzero(~np.isnan(i.score))) for i in items)
    div0 = sum(i.diagnostics.division_by_zero for i in items if i.diagnostics)
    missing_children = sum(i.diagnostics.missing_children for i in items if i.diagnostics)
    best = min(assess_times)
    med = statistics.median(assess_times)
    ev = statistics.median(eval_times)
    busy = max(load_before[0], load_after[0])

    out = sys.stdout.write
    out(f"Assessment benchmark (county/town indicator system, synthetic values, seed {args.seed})\n")
    out(
        f"units: {counts['county']} counties, {counts['town']} towns, {counts['village']} villages "
        f"(+{len(h) - sum(counts.values())} province/city rows) x {len(YEARS)} years; "
        f"{len(system.indicators)} indicators, {len(system.indices)} indices, "
        f"{len(system.elements)} elements\n"
    )
    out(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    state = "UNDER LOAD (other work was running)" if busy > 0.5 else "idle"
    out(f"load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f} -> taken {state}\n\n")
    rows = [
        ("data generation + hierarchy (not timed below)", f"{setup:.2f} s", ""),
        (f"compile {len(system.indicators)} formulas", f"{t_compile * 1000:.1f} ms", ""),
        ("evaluate every indicator (vectorised), median", f"{ev:.3f} s", ""),
        (
            "assess(): evaluate + score + indices + ranks, best",
            f"{best:.3f} s",
            f"target <= {TARGET_SECONDS:.0f} s: {'PASS' if best <= TARGET_SECONDS else 'FAIL'}",
        ),
        (f"assess(), median of {args.repeat}", f"{med:.3f} s", ""),
        (
            "validate(): all rules + implicit kind rules",
            f"{t_validate:.3f} s",
            f"{len(report.findings):,} findings",
        ),
        (
            f"baseline: reference evaluator, per-unit loop ({args.sample:.0%} sample, extrapolated)",
            f"{base_total:.2f} s",
            f"{base_total / ev:,.1f}x the vectorised evaluation",
        ),
    ]
    rows += [(f"  baseline share: {lv} indicators", f"{sec:.2f} s", "") for lv, sec in base_levels.items()]
    width = max(len(r[0]) for r in rows)
    out(f"| {'step'.ljust(width)} | {'time':>10} | note\n")
    out(f"|{'-' * (width + 2)}|{'-' * 12}|------\n")
    for name, value, note in rows:
        out(f"| {name.ljust(width)} | {value:>10} | {note}\n")
    out(
        f"\nscores computed: {n_scores:,}; divisions by zero (null, counted): {div0:,}; "
        f"missing children skipped: {missing_children:,}\n"
    )
    out(f"reference and vectorised values agree on the sample: {'yes' if agree else 'NO'}\n")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out(f"peak memory: {peak:.0f} MB\n")
    if not agree or best > TARGET_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    main()
