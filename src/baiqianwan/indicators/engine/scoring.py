"""Normalisation, composite indices, ranks, trend forecasts, and a whole assessment run.

Conventions: arrays are (units, periods) float64 with NaN for missing; a peer group is an int per
unit (-1 = not scored); every statistic is taken within one (peer group, period).

* min-max: (x - min) / (max - min), or (max - x) / (max - min) when lower is better; when every
  value of the group is equal the score is 1 (nobody is behind).
* z-score: (x - mean) / std with the population std, sign flipped when lower is better; 0 when
  std is 0. As a 0–100 score: 50 + 50·z/3 with z clipped to ±3.
* against target: higher-better min(x / target, 1) (0 below zero); lower-better 1 when
  x <= target, else target / x. A non-positive target is met (1) or not (0).
* Scores are 0–100 (normalised value × 100).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .data import BoolArray, Dataset, FloatArray, Hierarchy, IntArray, period_year
from .errors import DataError
from .evaluate import CompiledFormula, Diagnostics, compile_formula
from .model import Direction, Grade, IndicatorSystem, MissingPolicy, Normalisation

RANK_DECIMALS = 6  # scores equal to this many decimals tie, so float noise cannot split a tie


# --- groups ------------------------------------------------------------------------------------


def _cells(values: FloatArray, groups: npt.ArrayLike | None) -> tuple[BoolArray, IntArray, int]:
    """Valid cells, their (group, period) key, and the number of keys."""
    n_units, n_periods = values.shape
    if groups is None:
        g = np.zeros(n_units, dtype=np.int64)
    else:
        g = np.asarray(groups, dtype=np.int64)
        if g.shape != (n_units,):
            raise DataError(f"分组数组的形状 {g.shape} 应为 ({n_units},)")
    member = g >= 0
    compact = np.full(n_units, -1, dtype=np.int64)
    uniq, inverse = np.unique(g[member], return_inverse=True)
    compact[member] = inverse
    valid = ~np.isnan(values) & member[:, None]
    keys = compact[:, None] * n_periods + np.arange(n_periods)
    return valid, keys[valid], len(uniq) * n_periods


def peer_groups(hierarchy: Hierarchy, *keys: npt.ArrayLike) -> IntArray:
    """Group ids that always split by level and further by each key (-1 in a key = not scored).

    E.g. ``peer_groups(h, region_ids)`` compares counties with counties of the same region.
    """
    n = len(hierarchy)
    parts = [hierarchy.level_ids]
    excluded = np.zeros(n, dtype=bool)
    for key in keys:
        k = np.asarray(key, dtype=np.int64)
        if k.shape != (n,):
            raise DataError(f"分组键的形状 {k.shape} 应为 ({n},)")
        excluded |= k < 0
        parts.append(k)
    stacked = np.stack(parts, axis=1)
    _, ids = np.unique(stacked, axis=0, return_inverse=True)
    out = ids.reshape(-1).astype(np.int64)
    out[excluded] = -1
    return out


# --- normalisation -----------------------------------------------------------------------------


def min_max(
    values: FloatArray, groups: npt.ArrayLike | None = None, direction: Direction = Direction.HIGHER_BETTER
) -> FloatArray:
    valid, k, n_keys = _cells(values, groups)
    v = values[valid]
    lo = np.full(n_keys, np.inf)
    hi = np.full(n_keys, -np.inf)
    np.minimum.at(lo, k, v)
    np.maximum.at(hi, k, v)
    span = hi[k] - lo[k]
    above = hi[k] - v if direction is Direction.LOWER_BETTER else v - lo[k]
    out = np.full(values.shape, np.nan)
    out[valid] = np.where(span > 0, above / np.where(span > 0, span, 1.0), 1.0)
    return out


def z_score(
    values: FloatArray, groups: npt.ArrayLike | None = None, direction: Direction = Direction.HIGHER_BETTER
) -> FloatArray:
    valid, k, n_keys = _cells(values, groups)
    v = values[valid]
    n = np.bincount(k, minlength=n_keys).astype(np.float64)
    mean = np.bincount(k, weights=v, minlength=n_keys) / np.maximum(n, 1)
    dev = v - mean[k]
    std = np.sqrt(np.bincount(k, weights=dev * dev, minlength=n_keys) / np.maximum(n, 1))
    # Equal values can leave rounding dust in the mean; treat a negligible spread as none.
    flat = std[k] <= 1e-12 * np.maximum(1.0, np.abs(mean[k]))
    z = np.where(flat, 0.0, dev / np.where(flat, 1.0, std[k]))
    out = np.full(values.shape, np.nan)
    out[valid] = -z if direction is Direction.LOWER_BETTER else z
    return out


def against_target(
    values: FloatArray, target: npt.ArrayLike, direction: Direction = Direction.HIGHER_BETTER
) -> FloatArray:
    """Attainment in [0, 1]; ``target`` is a scalar, per period (P,), or per cell (U, P)."""
    t = np.broadcast_to(np.asarray(target, dtype=np.float64), values.shape)
    v = values
    with np.errstate(divide="ignore", invalid="ignore"):
        if direction is Direction.LOWER_BETTER:
            out = np.where(v <= t, 1.0, np.where(t > 0, t / v, 0.0))
        else:
            out = np.where(t > 0, np.clip(v / t, 0.0, 1.0), np.where(v >= t, 1.0, 0.0))
    out[np.isnan(v) | np.isnan(t)] = np.nan
    return out


def score(
    values: FloatArray,
    *,
    method: Normalisation = Normalisation.MIN_MAX,
    direction: Direction = Direction.HIGHER_BETTER,
    groups: npt.ArrayLike | None = None,
    target: npt.ArrayLike | None = None,
) -> FloatArray:
    """A 0–100 score for each cell."""
    if method is Normalisation.MIN_MAX:
        return 100.0 * min_max(values, groups, direction)
    if method is Normalisation.Z_SCORE:
        z = z_score(values, groups, direction)
        return 50.0 + 50.0 * np.clip(z, -3.0, 3.0) / 3.0
    if target is None:
        raise DataError("按目标值标准化需要给出目标值")
    out = 100.0 * against_target(values, target, direction)
    if groups is not None:
        out[np.asarray(groups) < 0] = np.nan
    return out


# --- ranks -------------------------------------------------------------------------------------


def rank(scores: FloatArray, groups: npt.ArrayLike | None = None, *, method: str = "dense") -> IntArray:
    """Rank 1 = highest score, within each (group, period); 0 = not ranked (missing score).

    ``dense``: ties share a rank and the next score gets the next rank (1, 1, 2).
    ``min``: ties share the best rank and ranks are skipped after them (1, 1, 3), the usual
    并列 ranking of published league tables.
    """
    if method not in ("dense", "min"):
        raise DataError(f"未知的排名方式“{method}”（可选：dense、min）")
    valid, k, _ = _cells(scores, groups)
    flat = np.flatnonzero(valid.ravel())
    s = np.round(scores.ravel()[flat], RANK_DECIMALS)
    order = np.lexsort((-s, k))
    ks, ss = k[order], s[order]
    m = len(order)
    out = np.zeros(scores.shape, dtype=np.int64)
    if m == 0:
        return out
    new_group = np.ones(m, dtype=bool)
    new_group[1:] = ks[1:] != ks[:-1]
    new_value = new_group.copy()
    new_value[1:] |= ss[1:] != ss[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(m), 0))
    if method == "dense":
        distinct = np.cumsum(new_value)
        r = distinct - distinct[group_start] + 1
    else:
        run_start = np.maximum.accumulate(np.where(new_value, np.arange(m), 0))
        r = run_start - group_start + 1
    out.ravel()[flat[order]] = r
    return out


# --- composite indices -------------------------------------------------------------------------


def composite(
    scores: Sequence[FloatArray],
    weights: Sequence[float],
    *,
    missing: MissingPolicy = MissingPolicy.REWEIGHT,
    min_coverage: float = 0.0,
    applicable: Sequence[BoolArray | None] | None = None,
) -> FloatArray:
    """Weighted mean of component scores.

    Weights are scaled to sum to 1 over the components that apply to the unit (``applicable``,
    per unit, e.g. by level). Missing components: ``reweight`` averages over those present
    (null when the present share of weight is below ``min_coverage`` or nothing is present);
    ``zero`` counts them as 0. Null where no component applies.
    """
    if len(scores) != len(weights) or not scores:
        raise DataError("组成项得分与权重的个数不一致")
    shape = scores[0].shape
    num = np.zeros(shape)
    w_present = np.zeros(shape)
    w_applicable = np.zeros(shape)
    total = float(sum(weights))
    for i, (s, w) in enumerate(zip(scores, weights, strict=True)):
        wn = w / total
        app = None if applicable is None else applicable[i]
        ok = np.ones(shape, dtype=bool) if app is None else np.broadcast_to(np.asarray(app)[:, None], shape)
        present = ok & ~np.isnan(s)
        num += np.where(present, wn * np.nan_to_num(s), 0.0)
        w_present += np.where(present, wn, 0.0)
        w_applicable += np.where(ok, wn, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if missing is MissingPolicy.ZERO:
            out = np.where(w_applicable > 0, num / w_applicable, np.nan)
        else:
            covered = (w_present > 0) & (w_present >= min_coverage * w_applicable - 1e-12)
            out = np.where(covered & (w_applicable > 0), num / w_present, np.nan)
    return out


def grade(scores: FloatArray, grades: Sequence[Grade]) -> IntArray:
    """Index into ``grades`` (highest first) of the grade each score reaches; -1 for none."""
    out = np.full(scores.shape, -1, dtype=np.int64)
    for i in range(len(grades) - 1, -1, -1):
        out[scores >= grades[i].min_score] = i
    return out


# --- trends ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """Least-squares line per unit: value ≈ level + slope · (year − base_year)."""

    slope: FloatArray
    level: FloatArray
    base_year: int
    points: IntArray

    def at(self, year: int) -> FloatArray:
        return self.level + self.slope * (year - self.base_year)


def fit_trend(values: npt.ArrayLike, years: Sequence[int], *, last_n: int = 5, min_points: int = 3) -> Trend:
    """Fit each row of ``values`` (units × years, NaN = missing) over its last ``last_n`` years.

    Rows with fewer than ``min_points`` (at least 2) known values get NaN.
    """
    y = np.atleast_2d(np.asarray(values, dtype=np.float64))
    if y.shape[1] != len(years):
        raise DataError(f"年份个数（{len(years)}）与数据列数（{y.shape[1]}）不一致")
    y = y[:, -last_n:]
    x = np.asarray(years[-last_n:], dtype=np.float64)
    base = int(x[-1])
    x = x - base  # centred on the last year, for precision
    known = ~np.isnan(y)
    yk = np.where(known, y, 0.0)
    n = known.sum(axis=1).astype(np.float64)
    sx = (known * x).sum(axis=1)
    sy = yk.sum(axis=1)
    sxx = (known * x * x).sum(axis=1)
    sxy = (yk * x).sum(axis=1)
    den = n * sxx - sx * sx
    enough = (n >= max(min_points, 2)) & (den > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(enough, (n * sxy - sx * sy) / den, np.nan)
        level = np.where(enough, (sy - slope * sx) / n, np.nan)
    return Trend(slope, level, base, n.astype(np.int64))


def shortfall(projected: FloatArray, target: npt.ArrayLike, direction: Direction) -> BoolArray:
    """True where the projection misses the target; False where it meets it or is unknown."""
    t = np.asarray(target, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        miss = projected > t if direction is Direction.LOWER_BETTER else projected < t
    return np.asarray(miss & ~np.isnan(projected) & ~np.isnan(t), dtype=bool)


@dataclass(frozen=True)
class Forecast:
    trend: Trend
    projected: dict[int, FloatArray]
    target: dict[int, FloatArray]
    shortfall: dict[int, BoolArray]


def forecast(
    values: npt.ArrayLike,
    years: Sequence[int],
    *,
    horizon: Sequence[int] = (2025, 2027),
    targets: Mapping[int, npt.ArrayLike] | None = None,
    direction: Direction = Direction.HIGHER_BETTER,
    last_n: int = 5,
    min_points: int = 3,
) -> Forecast:
    """Project each unit's linear trend to the horizon years and flag shortfalls against targets."""
    trend = fit_trend(values, years, last_n=last_n, min_points=min_points)
    projected = {year: trend.at(year) for year in horizon}
    target: dict[int, FloatArray] = {}
    flags: dict[int, BoolArray] = {}
    for year in horizon:
        if targets is not None and year in targets:
            target[year] = np.broadcast_to(np.asarray(targets[year], dtype=np.float64), projected[year].shape)
            flags[year] = shortfall(projected[year], target[year], direction)
    return Forecast(trend, projected, target, flags)


# --- a whole assessment ------------------------------------------------------------------------


@dataclass
class ItemResult:
    """One indicator or index over the units at its levels; arrays are (len(rows), periods)."""

    code: str
    rows: IntArray  # hierarchy rows, ascending
    score: FloatArray
    rank: IntArray
    values: FloatArray | None = None  # indicator values (None for an index)
    diagnostics: Diagnostics | None = None
    grade: IntArray | None = None  # index into the index's grades, -1 for none


@dataclass
class Assessment:
    """Everything one run computes; ``system_hash`` records the definition it was computed under."""

    system_hash: str
    periods: tuple[str, ...]
    n_units: int
    groups: IntArray  # peer group of each unit
    items: dict[str, ItemResult] = field(default_factory=dict)

    def full(self, code: str, what: str = "score") -> FloatArray:
        """``values``, ``score`` or ``rank`` of an item as a (units, periods) array (NaN elsewhere)."""
        item = self.items[code]
        data = {"values": item.values, "score": item.score, "rank": item.rank}.get(what)
        if data is None:
            raise DataError(f"“{code}”没有“{what}”结果")
        out = np.full((self.n_units, len(self.periods)), np.nan)
        out[item.rows] = data
        return out

    def ranking(self, code: str, period: int, group: int | None = None) -> list[tuple[int, float, int]]:
        """(unit row, score, rank) ordered by rank, for one period (and one peer group)."""
        item = self.items[code]
        keep = item.rank[:, period] > 0
        if group is not None:
            keep &= self.groups[item.rows] == group
        idx = np.flatnonzero(keep)
        idx = idx[np.lexsort((item.rows[idx], item.rank[idx, period]))]
        return [(int(item.rows[i]), float(item.score[i, period]), int(item.rank[i, period])) for i in idx]


def compile_system(system: IndicatorSystem) -> dict[str, CompiledFormula]:
    catalogue = system.catalogue
    return {ind.code: compile_formula(ind.formula, catalogue) for ind in system.indicators}


def indicator_targets(system: IndicatorSystem, code: str, years: Sequence[int]) -> FloatArray:
    """Per-period targets of an indicator (NaN where it has none)."""
    ind = system.indicator_map[code]
    return np.array([np.nan if (t := ind.target_for(y)) is None else t for y in years], dtype=np.float64)


def assess(
    system: IndicatorSystem,
    dataset: Dataset,
    *,
    groups: npt.ArrayLike | None = None,
    targets: Mapping[str, npt.ArrayLike] | None = None,
    rank_method: str = "dense",
    compiled: Mapping[str, CompiledFormula] | None = None,
) -> Assessment:
    """Evaluate, score and rank every indicator and index of ``system`` over ``dataset``.

    Each indicator is computed for the units at its levels (and reads only the descendants its
    formula needs); scores and ranks are taken within peer groups, which always split by level
    (``groups``, one int per unit, e.g. a region id, splits further; -1 excludes a unit).
    ``targets`` overrides an indicator's targets, per period (P,) or per unit and period (U, P),
    e.g. the targets each 专业镇 committed to in its 建设任务书.
    """
    h = dataset.hierarchy
    n_units = len(h)
    peer = peer_groups(h) if groups is None else peer_groups(h, np.asarray(groups, dtype=np.int64))
    formulas = compiled if compiled is not None else compile_system(system)
    years = dataset.years
    result = Assessment(system.content_hash(), dataset.periods, n_units, peer)
    for ind in system.indicators:
        rows = np.flatnonzero(h.level_mask(ind.levels))
        ev = formulas[ind.code].evaluate_rows(dataset, rows)
        g = peer[rows]
        target: npt.ArrayLike | None = None
        if ind.normalisation is Normalisation.TARGET:
            given = (targets or {}).get(ind.code)
            if given is None:
                target = indicator_targets(system, ind.code, years)
            else:
                t = np.asarray(given, dtype=np.float64)
                target = t[rows] if t.ndim == 2 else t
        s = score(ev.values, method=ind.normalisation, direction=ind.direction, groups=g, target=target)
        result.items[ind.code] = ItemResult(
            ind.code, rows, s, rank(s, g, method=rank_method), ev.values, ev.diagnostics
        )
    for index in system.index_order():
        rows = np.flatnonzero(h.level_mask(index.levels))
        parts, applicable = [], []
        for comp in index.components:
            item = result.items[comp.ref]
            pos = np.full(n_units, -1, dtype=np.int64)
            pos[item.rows] = np.arange(len(item.rows))
            at = pos[rows]
            found = at >= 0
            parts.append(np.where(found[:, None], item.score[np.maximum(at, 0)], np.nan))
            applicable.append(found)
        s = composite(
            parts,
            [c.weight for c in index.components],
            missing=index.missing,
            min_coverage=index.min_coverage,
            applicable=applicable,
        )
        g = peer[rows]
        s[g < 0] = np.nan  # units outside every peer group are not scored, even under "zero"
        result.items[index.code] = ItemResult(
            index.code,
            rows,
            s,
            rank(s, g, method=rank_method),
            grade=grade(s, index.grades) if index.grades else None,
        )
    return result


def forecast_indicator(
    system: IndicatorSystem,
    result: Assessment,
    code: str,
    *,
    horizon: Sequence[int] = (2025, 2027),
    last_n: int = 5,
    min_points: int = 3,
) -> Forecast:
    """Trend of one indicator of an annual assessment, per unit of ``result.items[code].rows``,
    projected to ``horizon`` and checked against the indicator's targets for those years."""
    ind = system.indicator_map[code]
    item = result.items[code]
    assert item.values is not None
    years = [period_year(p) for p in result.periods]
    targets = {y: t for y in horizon if (t := ind.target_for(y)) is not None}
    return forecast(
        item.values,
        years,
        horizon=horizon,
        targets=targets,
        direction=ind.direction,
        last_n=last_n,
        min_points=min_points,
    )
