"""What the topic engine reads (a demand's text and county) and what it answers (topics, each with
the demands it holds and why each is there), and the checks on the input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A demand's county is its 6-digit code; a 12-digit division code (village, town) is cut to it.
COUNTY_DIGITS = 6
DIVISION_DIGITS = 12


@dataclass(frozen=True, slots=True)
class DemandText:
    """One accepted demand. ``county``: its county's 6-digit code (a longer division code is cut)."""

    id: str
    title: str
    description: str
    county: str
    industry: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """One demand in a topic: the topic terms it has (what a reviewer checks before splitting it
    off) and its cosine similarity to the topic's centre (1 in a topic of one)."""

    id: str
    county: str
    similarity: float
    shared: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    """Near-duplicate demands as one 攻关 topic.

    ``id`` is ``"T-"`` + the smallest source id (string order), so a regrouping that keeps that
    demand in the topic keeps the id. ``terms``: the terms most of its demands share, with their
    weight in the topic's centre, heaviest first. ``sources`` and ``members`` are in id order."""

    id: str
    label: str
    sources: tuple[str, ...]
    counties: tuple[str, ...]
    industry: str
    terms: tuple[tuple[str, float], ...]
    explanation: str
    members: tuple[Source, ...]

    def member(self, source_id: str) -> Source:
        for source in self.members:
            if source.id == source_id:
                return source
        raise KeyError(f"需求 {source_id} 不在主题 {self.id} 中")

    def explain(self, source_id: str) -> str:
        """Why one demand is in this topic, in a sentence."""
        source = self.member(source_id)
        if len(self.members) == 1:
            return f"需求 {source.id} 单独成题：{self.explanation}"
        if not source.shared:
            return (
                f"需求 {source.id} 与本题没有共同关键词"
                f"（与本题中心的相似度 {source.similarity:.2f}），可考虑拆出"
            )
        return (
            f"需求 {source.id} 与本题共有：{'、'.join(source.shared)}"
            f"（与本题中心的相似度 {source.similarity:.2f}）"
        )


def county_code(demand_id: str, county: str) -> str:
    code = county.strip()
    if code.isascii() and code.isdigit() and len(code) in (COUNTY_DIGITS, DIVISION_DIGITS):
        return code[:COUNTY_DIGITS]
    raise ValueError(f"需求 {demand_id} 的县级区划代码应为 6 位（或 12 位）数字，收到：{code[:20] or '空'}")


def checked(demands: Iterable[DemandText]) -> list[DemandText]:
    """The demands in id order, ``None`` texts as empty, counties cut to 6 digits; a duplicate id,
    an empty id or a malformed county raises ``ValueError`` naming the demand."""
    seen: dict[str, DemandText] = {}
    for demand in demands:
        demand_id = str(demand.id if demand.id is not None else "").strip()
        if not demand_id:
            raise ValueError("需求编号不能为空")
        if demand_id in seen:
            raise ValueError(f"需求编号重复：{demand_id}，每条需求只能出现一次")
        seen[demand_id] = DemandText(
            id=demand_id,
            title=str(demand.title or ""),
            description=str(demand.description or ""),
            county=county_code(demand_id, str(demand.county or "")),
            industry=str(demand.industry or "").strip(),
        )
    return [seen[key] for key in sorted(seen)]
