"""A town as the pairing sees it, the score weights and a scored pair: the data both the scoring
(relatedness.py) and the problem (model.py) use, kept apart so neither imports the other back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PEARL: Literal["pearl"] = "pearl"
EWN: Literal["ewn"] = "ewn"
Side = Literal["pearl", "ewn"]
SIDE_LABELS: dict[str, str] = {PEARL: "珠三角", EWN: "粤东西北"}

PairKey = tuple[str, str]  # (珠三角镇代码, 粤东西北镇代码)


@dataclass(frozen=True, slots=True)
class TownProfile:
    """One 专业镇 as the scorer sees it. `side` is computed by the caller from the region
    classification (the engine imports no platform app). `strengths` names what the town's
    platforms and enterprises are good at (e.g. 柚果保鲜工程技术研究中心); it is read against the
    other side's `needs`."""

    code: str
    name: str
    side: Side
    industries: tuple[str, ...] = ()
    products: str = ""
    platforms: int = 0
    enterprises: int = 0
    needs: str = ""
    strengths: str = ""
    capacity: int = 1

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）"


@dataclass(frozen=True, slots=True)
class Weights:
    """How a pair's score is made; every component lies in [0, 1], so a score does too when the
    three top-level weights sum to 1.

    score = industry·产业关联 + products·产品相似 + complement·资源互补, where
      产业关联 = Σ levels[i] · Dice of the two towns' industry codes cut to 5/4/3/1 characters
               (小类, 中类, 大类, 门类: a shared code counts at every level, a shared prefix at the
               levels it reaches);
      产品相似 = cosine of the leading-products texts (TF-IDF over all towns' product texts);
      资源互补 = resources(珠三角镇) · (need_share·需求对应 + (1 − need_share)·平台缺口(粤东西北镇)),
               resources = platform_share·平台饱和度 + (1 − platform_share)·企业饱和度, a count
               saturating (log scale) at platform_saturation / enterprise_saturation;
               需求对应 = cosine of the 粤东西北 town's needs with the 珠三角 town's products and
               strengths; 平台缺口 = 1 − its own platform saturation.
    """

    industry: float = 0.45
    products: float = 0.25
    complement: float = 0.30
    levels: tuple[float, float, float, float] = (0.4, 0.3, 0.2, 0.1)
    platform_saturation: int = 10
    enterprise_saturation: int = 50
    platform_share: float = 0.6
    need_share: float = 0.6

    def problems(self) -> list[str]:
        found = []
        values = {
            "industry": self.industry,
            "products": self.products,
            "complement": self.complement,
            "platform_share": self.platform_share,
            "need_share": self.need_share,
        }
        for name, value in values.items():
            if not 0 <= value <= 1:
                found.append(f"权重 {name} 应在 0 到 1 之间，现为 {value:g}")
        if len(self.levels) != 4 or any(not 0 <= v <= 1 for v in self.levels):
            found.append("权重 levels 应为 4 个 0 到 1 之间的数（小类、中类、大类、门类）")
        if self.platform_saturation < 1 or self.enterprise_saturation < 1:
            found.append("平台与企业的饱和数量应不小于 1")
        return found


@dataclass(frozen=True, slots=True)
class Pair:
    """A proposed (or locked) pair with its score, the score's components and why."""

    pearl: str
    ewn: str
    score: float
    industry: float
    products: float
    complement: float
    explanation: str
    shared_industries: tuple[str, ...] = ()
    shared_products: tuple[str, ...] = ()
    matched_needs: tuple[str, ...] = ()
    locked: bool = False

    @property
    def key(self) -> PairKey:
        return (self.pearl, self.ewn)
