"""Town pairing engine: plain Python (no Django) — pairs 珠三角 专业镇 with 粤东西北 专业镇 of high
industrial relatedness and complementary innovation resources (policy 三(五) 三是), as an exact
optimum with an explanation for every pair and a reason for every town left without a partner.

    towns = [
        TownProfile("440115101", "大岗镇", PEARL, industries=("C1373",), products="柚果加工 保鲜",
                    platforms=5, enterprises=30, strengths="柚果保鲜工程技术研究中心"),
        TownProfile("441422104", "某镇", EWN, industries=("A0153", "C1373"), products="沙田柚 蜜柚",
                    needs="柚果保鲜 深加工"),
        ...
    ]
    instance = Instance(towns, locked=[...], forbidden=[...], min_score=0.15)  # PairingInputError
    result = solve(instance)        # most pairs, then highest total score
    for pair in result.pairs: pair.pearl, pair.ewn, pair.score, pair.explanation
    for gap in result.unpaired: gap.code, gap.missing, gap.reason
    again = replace(instance, result, drop=[("440115101", "441422104")])
    baseline = greedy(instance)

The caller computes each town's `side` (珠三角 or 粤东西北) from the region classification and
passes 9-digit town codes; scores and their weights are documented on `Weights`.
"""

from .model import (
    EWN,
    PEARL,
    SCALE,
    Instance,
    Pair,
    PairingInputError,
    Result,
    TownProfile,
    Unpaired,
    Weights,
)
from .pairing import PairingSolverError, greedy, replace, scaled_score, solve
from .relatedness import Scores

__all__ = [
    "EWN",
    "PEARL",
    "SCALE",
    "Instance",
    "Pair",
    "PairingInputError",
    "PairingSolverError",
    "Result",
    "Scores",
    "TownProfile",
    "Unpaired",
    "Weights",
    "greedy",
    "replace",
    "scaled_score",
    "solve",
]
