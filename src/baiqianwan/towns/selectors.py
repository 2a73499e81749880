"""Reads of the 创新型专业镇 register and its pairs, the register by city for the map, and the plan
page's view of 三(五)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.selectors import valid_id
from baiqianwan.indicators.acceptance import selectors as acceptance
from baiqianwan.indicators.acceptance.selectors import TownRow
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import REGION_LABELS, region_of
from baiqianwan.regions.models import Division

from .engine import Result
from .models import COUNTED, InnovativeTown, JointActivity, PairStatus, TownPair


def town_list(
    *, user: Any, q: str = "", status: str = "", east_west_north: bool = False
) -> QuerySet[InnovativeTown]:
    towns = InnovativeTown.objects.for_user(user).select_related("division__parent__parent")
    if q:
        towns = towns.filter(
            Q(division__name__icontains=q) | Q(leading_industry__icontains=q) | Q(products__icontains=q)
        )
    if status:
        towns = towns.filter(status=status)
    if east_west_north:
        towns = towns.filter(in_east_west_north=True)
    return towns


def town_get(*, user: Any, town_id: Any) -> InnovativeTown | None:
    return town_list(user=user).filter(pk=town_id).first() if valid_id(town_id) else None


# ---- annual management on the acceptance scoring ------------------------------------------------


def town_evaluation(*, town: InnovativeTown, year: str) -> TownRow | None:
    """The town's line of the acceptance scoring of ``year`` (rank, total, grade, dimensions)."""
    evaluation = acceptance.evaluate(year=year)
    return next((row for row in evaluation.towns if row.code == town.division_id), None)


def evaluation_version_label() -> str:
    """The scoring version a conclusion was reached under (its label and content hash)."""
    version = acceptance.current_version()
    return f"{version.version} {version.content_hash[:12]}"[:80]


def latest_scored_year() -> int | None:
    year = acceptance.default_year()
    return int(year) if year else None


def town_scores(*, town: InnovativeTown) -> list[tuple[str, TownRow | None]]:
    """Each year with acceptance data, newest first, and the town's line in it (none if the town
    is not scored that year)."""
    return [(year, town_evaluation(town=town, year=year)) for year in acceptance.years()[:3]]


def pairs_of(*, user: Any, town: InnovativeTown | None = None, active: bool = True) -> QuerySet[TownPair]:
    pairs: QuerySet[TownPair] = TownPair.objects.for_user(user).select_related(
        "pearl__division", "ewn__division"
    )
    pairs = pairs.annotate(activity_count=Count("activities"))
    if town is not None:
        pairs = pairs.filter(Q(pearl=town) | Q(ewn=town))
    return pairs.filter(status=PairStatus.ACTIVE) if active else pairs


def pair_get(*, user: Any, pair_id: Any) -> TownPair | None:
    return pairs_of(user=user, active=False).filter(pk=pair_id).first() if valid_id(pair_id) else None


def activities_of(*, pair: TownPair) -> QuerySet[JointActivity]:
    return pair.activities.select_related("recorded_by")


def proposal_rows(result: Result, towns: dict[str, InnovativeTown]) -> dict[str, list[dict[str, Any]]]:
    """The engine's proposal with each town named as people know it (镇名（主导产业）)."""

    def name(code: str) -> str:
        town = towns.get(code)
        return f"{town.division.name}（{town.leading_industry}）" if town else code

    return {
        "pairs": [
            {
                "key": f"{p.pearl}-{p.ewn}",
                "pearl": name(p.pearl),
                "ewn": name(p.ewn),
                "score": p.score,
                "explanation": p.explanation,
                "locked": p.locked,
            }
            for p in result.pairs
        ],
        "unpaired": [{"town": name(u.code), "reason": u.reason} for u in result.unpaired],
    }


def register_by_city(*, user: Any) -> list[dict[str, Any]]:
    """For the map: each city's counted towns (and how many are paired)."""
    today = timezone.localdate()
    towns = town_list(user=user).filter(status__in=COUNTED).exclude(valid_until__lt=today)
    counts = Counter(code[:4] for code in towns.values_list("division_id", flat=True))
    paired = Counter(
        code[:4]
        for code in towns.filter(
            Q(pearl_pairs__status=PairStatus.ACTIVE) | Q(ewn_pairs__status=PairStatus.ACTIVE)
        )
        .distinct()
        .values_list("division_id", flat=True)
    )
    cities = Division.objects.in_bulk([f"{c}00000000" for c in counts])
    rows = []
    for prefix, n in sorted(counts.items()):
        city = cities.get(f"{prefix}00000000")
        region = region_of(prefix)
        if city is None:
            continue
        rows.append(
            {
                "name": city.name,
                "region": gettext(REGION_LABELS[region]) if region else "",
                "value": n,
                "paired": paired.get(prefix, 0),
            }
        )
    return rows


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """三(五)一是: the register and how many are in management; 三(五)三是: the pairs and their work."""
    today = timezone.localdate()
    counted = InnovativeTown.all_objects.filter(status__in=COUNTED).exclude(valid_until__lt=today)
    if not InnovativeTown.all_objects.exists():
        return {}
    ewn = counted.filter(in_east_west_north=True).count()
    found = {
        "三(五)一是": [
            MeasureActivity(
                label=gettext("创新型专业镇名录"),
                status=gettext("{n} 个镇").format(n=counted.count()),
                detail=gettext("其中粤东西北 {ewn} 个；复核 {reviewing} 个、整改 {rectifying} 个").format(
                    ewn=ewn,
                    reviewing=counted.filter(status="reviewing").count(),
                    rectifying=counted.filter(status="rectifying").count(),
                ),
                url=reverse("towns:towns"),
            )
        ]
    }
    pairs = TownPair.all_objects.filter(status=PairStatus.ACTIVE)
    if pairs.exists():
        found["三(五)三是"] = [
            MeasureActivity(
                label=gettext("珠三角与粤东西北专业镇结对"),
                status=gettext("{n} 对").format(n=pairs.count()),
                detail=gettext("合作活动 {n} 次").format(
                    n=JointActivity.objects.filter(pair__in=pairs).count()
                ),
                url=reverse("towns:pairs"),
            )
        ]
    return found
