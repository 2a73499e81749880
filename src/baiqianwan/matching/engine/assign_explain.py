"""Why slots stay empty, in words a civil servant can act on, and demand against supply by field.

Works on any plan (optimum, greedy baseline or one typed in by hand): each empty slot is traced
through the rules in order — candidates, fields, leader, forbids, capacity, one slot per town —
and the first rule that leaves nobody is named, with what to relax. A town's empty leader slot is
its team's first gap: it is listed before the town's other empty slots.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from .assign_model import MAX_SCORE, OBJECTIVE_LABELS, SCALE, Instance, Prepared, Solution, prepare

# reason -> (rule it names, short title for summaries)
REASONS = {
    "no_candidates": ("候选人", "没有候选人"),
    "no_field": ("专业方向", "缺少所需专业方向"),
    "no_leader": ("团队长", "缺少能任团队长的人选"),
    "leader_in_team": ("团队长", "能任团队长者在本队任成员"),
    "all_forbidden": ("回避", "候选人均回避"),
    "capacity_zero": ("名额", "候选人名额为 0"),
    "capacity": ("名额", "候选人名额已用完"),
    "same_town": ("每镇一岗", "候选人已在本镇任职"),
    "not_profitable": ("评分", "匹配分不为正"),
    "improvable": ("方案", "方案可改进"),
}
_EXAMPLES = 3


def _fields_or(fields: tuple[str, ...]) -> str:
    return "或".join(f"『{f}』" for f in fields)


def _all(n: int) -> str:
    return "都" if n > 1 else ""


def _examples(prep: Prepared, people: list[tuple[int, float]]) -> str:
    best = sorted(people, key=lambda p: (-p[1], p[0]))[:_EXAMPLES]
    names = "、".join(prep.com_label(c) for c, _ in best)
    return f"如 {names}" + (" 等" if len(people) > _EXAMPLES else "")


def explain_gaps(prep: Prepared, by_slot: Mapping[int, int]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Explanations for the empty slots of a plan (slot position -> person position), and shortages."""
    load: Counter[int] = Counter(by_slot.values())
    serving: dict[int, set[str]] = {}
    held: dict[tuple[int, str], int] = {}  # (person, town) -> the slot they hold there
    for s, c in by_slot.items():
        serving.setdefault(c, set()).add(prep.slots[s].town)
        held[(c, prep.slots[s].town)] = s
    objective = prep.instance.objective

    drafts: list[dict[str, Any]] = []
    # Town by town (in order of its first slot), each town's leader slots first.
    first = {town: min(slots) for town, slots in prep.town_slots.items()}
    order = sorted(
        range(len(prep.slots)), key=lambda s: (first[prep.slots[s].town], not prep.slots[s].leader, s)
    )
    for s in order:
        slot = prep.slots[s]
        if s in by_slot:
            continue
        town = slot.town
        scored = prep.scored.get(town, [])
        fit_field = [(c, sc) for c, sc in scored if prep.slot_mask[s] & prep.com_mask[c]]
        fit_lead = [(c, sc) for c, sc in fit_field if not slot.leader or prep.coms[c].can_lead]
        allowed = [(c, sc) for c, sc in fit_lead if (town, c) not in prep.forbidden]
        with_cap = [(c, sc) for c, sc in allowed if prep.coms[c].capacity > 0]
        here = [(c, sc) for c, sc in with_cap if town in serving.get(c, ())]
        elsewhere = [(c, sc) for c, sc in with_cap if town not in serving.get(c, ())]
        full = [(c, sc) for c, sc in elsewhere if load[c] >= prep.coms[c].capacity]
        free = [(c, sc) for c, sc in elsewhere if load[c] < prep.coms[c].capacity]
        # People of this town's team, in an ordinary slot, who could take this leader slot.
        members = [(c, sc) for c, sc in here if slot.leader and not prep.slots[held[(c, town)]].leader]
        draft: dict[str, Any] = {"s": s, "scored": scored}
        if not scored:
            draft.update(reason="no_candidates", people=[])
        elif not fit_field:
            draft.update(reason="no_field", people=[])
        elif not fit_lead:
            draft.update(reason="no_leader", people=fit_field)
        elif not allowed:
            draft.update(reason="all_forbidden", people=fit_lead)
        elif not with_cap:
            draft.update(reason="capacity_zero", people=allowed)
        elif members:
            draft.update(reason="leader_in_team", people=members)
        elif free:
            unprofitable = (
                objective == MAX_SCORE
                and prep.tier_of(town) == 0
                and all(round(sc * SCALE) <= 0 for _, sc in free)
            )
            draft.update(reason="not_profitable" if unprofitable else "improvable", people=free)
        elif full:
            draft.update(reason="capacity", people=full, here=here)
        else:
            draft.update(reason="same_town", people=here)
        drafts.append(draft)

    capacity_gaps = Counter(prep.slots[d["s"]].town for d in drafts if d["reason"] == "capacity")
    pool_sizes: dict[tuple[int, bool], int] = {}

    def pool(mask: int, leaders: bool) -> int:
        """People with capacity who have one of the fields in `mask` (and can lead, if asked)."""
        if (mask, leaders) not in pool_sizes:
            pool_sizes[(mask, leaders)] = sum(
                1
                for c, com in enumerate(prep.coms)
                if com.capacity > 0 and prep.com_mask[c] & mask and (com.can_lead or not leaders)
            )
        return pool_sizes[(mask, leaders)]

    explanations = [_explain_one(prep, d, serving, capacity_gaps, pool) for d in drafts]
    return explanations, _shortages(prep, by_slot, load, explanations)


def _explain_one(
    prep: Prepared,
    d: dict[str, Any],
    serving: dict[int, set[str]],
    capacity_gaps: Counter[str],
    pool: Callable[[int, bool], int],
) -> dict[str, Any]:
    s: int = d["s"]
    reason: str = d["reason"]
    people: list[tuple[int, float]] = d["people"]
    slot = prep.slots[s]
    town = prep.town_label(slot.town)
    need = _fields_or(slot.fields)
    kind = "团队长岗位" if slot.leader else "岗位"
    n = len(people)
    if reason == "no_candidates":
        message = f"{town} 的{kind}没有任何候选特派员：评分表中没有该镇的人选"
        suggestion = (
            f"为 {town} 补充{need}方向{'、能担任团队长' if slot.leader else ''}的候选特派员并给出评分"
        )
    elif reason == "no_field":
        message = f"{town} 需要{need}方向的特派员，但候选人中没有该方向"
        # No candidate of this town has the field, so everyone in the pool with it is outside the list.
        outside = pool(prep.slot_mask[s], False)
        suggestion = (
            f"全部特派员中有 {outside} 人具备该方向但不是 {town} 的候选人，可把他们加入候选名单；"
            "或补充该方向的候选人"
            if outside
            else f"补充{need}方向的候选特派员（现有特派员中没有该方向）"
        )
    elif reason == "no_leader":
        message = (
            f"{town} 的团队长岗位需要能担任团队长的{need}方向特派员，"
            f"但该方向的 {n} 名候选人{_all(n)}不能担任团队长"
        )
        outside_leaders = pool(prep.slot_mask[s], True)
        suggestion = (
            f"现有特派员中另有 {outside_leaders} 名能任团队长的该方向人员，可加入 {town} 的候选名单；"
            "或把该岗位改为普通岗位"
            if outside_leaders
            else "补充能担任团队长的该方向候选人，或把该岗位改为普通岗位"
        )
    elif reason == "leader_in_team":
        best = sorted(people, key=lambda p: (-p[1], p[0]))
        names = "、".join(prep.com_label(c) for c, _ in best[:_EXAMPLES]) + (" 等" if n > _EXAMPLES else "")
        message = f"{town} 的团队长岗位空缺，但本镇团队成员 {names} 能担任团队长"
        pinned = {c for p, c in prep.pins if prep.slots[p].town == slot.town}
        suggestion = f"请 {prep.com_label(best[0][0])} 改任团队长" + (
            "（其固定安排在成员岗位，需改为固定为团队长）" if best[0][0] in pinned else ""
        )
    elif reason == "all_forbidden":
        message = f"{town} 的 {n} 名合格候选人{_all(n)}被列为回避，不能派往该镇"
        suggestion = (
            f"如回避理由允许，解除其中部分人的回避（{_examples(prep, people)}），或补充其他合格候选人"
        )
    elif reason == "capacity_zero":
        message = f"{town} 的 {n} 名合格候选人名额{_all(n)}为 0"
        suggestion = f"为其中至少 1 人设置名额（{_examples(prep, people)}）"
    elif reason == "capacity":
        higher = sum(
            1 for c, _ in people if any(prep.tier_of(t) > prep.tier_of(slot.town) for t in serving.get(c, ()))
        )
        message = f"{town} 有 {n} 名合格候选人，但{'他们' if n > 1 else '其'}的名额已全部用于其他乡镇"
        if higher:
            message += f"（其中 {higher} 人派往了优先级更高的乡镇）"
        if d.get("here"):
            message += f"；另有 {len(d['here'])} 人已在本镇其他岗位"
        k = min(capacity_gaps[slot.town], n)
        suggestion = (
            f"为其中 {k} 名候选人各增加 1 个名额（{_examples(prep, people)}），或补充{need}方向的候选人"
        )
    elif reason == "same_town":
        message = f"{town} 的 {n} 名合格候选人已在本镇其他岗位（同一乡镇每人只占一个岗位）"
        suggestion = f"补充{need}方向的候选人"
    elif reason == "not_profitable":
        label = OBJECTIVE_LABELS[MAX_SCORE]
        message = (
            f"{town} 有 {n} 名合格且有余额的候选人，但匹配分{_all(n)}不高于 0，按『{label}』目标不予安排"
        )
        suggestion = f"如需填满岗位，改用『{OBJECTIVE_LABELS['max_filled_then_score']}』目标，或复核这些评分"
    else:
        message = f"{town} 有 {n} 名合格且有余额的候选人，当前方案没有安排"
        suggestion = f"重新求解即可补上该岗位（{_examples(prep, people)}）"
    constraint, _ = REASONS[reason]
    return {
        "slot": slot.id,
        "town": slot.town,
        "town_name": town,
        "leader": slot.leader,
        "fields": list(slot.fields),
        "reason": reason,
        "constraint": constraint,
        "count": n,
        "candidates": [prep.coms[c].id for c, _ in sorted(people, key=lambda p: (-p[1], p[0]))[:10]],
        "message": message,
        "suggestion": suggestion,
    }


def _shortages(
    prep: Prepared, by_slot: Mapping[int, int], load: Counter[int], explanations: list[dict[str, Any]]
) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str) -> dict[str, Any]:
        return rows.setdefault(
            name,
            {
                "field": name,
                "slots": 0,
                "filled": 0,
                "unfilled": 0,
                "commissioners": 0,
                "capacity": 0,
                "used": 0,
            },
        )

    for s, slot in enumerate(prep.slots):
        for f in slot.fields:
            r = row(f)
            r["slots"] += 1
            r["filled" if s in by_slot else "unfilled"] += 1
    for c, com in enumerate(prep.coms):
        for f in com.fields:
            if f in rows:
                r = rows[f]
                r["commissioners"] += 1
                r["capacity"] += com.capacity
                r["used"] += load[c]
    by_field = sorted(rows.values(), key=lambda r: (-r["unfilled"], -r["slots"], r["field"]))

    lead_slots = [s for s, slot in enumerate(prep.slots) if slot.leader]
    leaders = [c for c in prep.coms if c.can_lead]
    by_reason = Counter(e["reason"] for e in explanations)
    short_towns = {e["town"] for e in explanations}
    parts = [f"{REASONS[r][1]} {n} 个" for r, n in by_reason.most_common()]
    summary = (
        f"共 {len(explanations)} 个岗位空缺，涉及 {len(short_towns)} 个乡镇：" + "、".join(parts)
        if explanations
        else "所有岗位均已安排"
    )
    return {
        "summary": summary,
        "by_reason": dict(by_reason.most_common()),
        "by_field": by_field,
        "leader": {
            "slots": len(lead_slots),
            "filled": sum(1 for s in lead_slots if s in by_slot),
            "unfilled": sum(1 for s in lead_slots if s not in by_slot),
            "can_lead": len(leaders),
            "capacity": sum(c.capacity for c in leaders),
        },
        "towns_short": len(short_towns),
    }


def staffing_summary(
    prep: Prepared, by_slot: Mapping[int, int], groups: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Towns, towns fully staffed, towns with nobody, slots and filled slots: per priority value
    (highest first), or per label in `groups` (town -> e.g. 粤东西北 / 珠三角) when given."""
    rows: dict[Any, dict[str, int]] = {}
    for town, slots in prep.town_slots.items():
        key: Any = groups.get(town, "其他") if groups is not None else prep.tier_of(town)
        r = rows.setdefault(key, {"towns": 0, "towns_full": 0, "towns_empty": 0, "slots": 0, "filled": 0})
        filled = sum(1 for s in slots if s in by_slot)
        r["towns"] += 1
        r["towns_full"] += filled == len(slots)
        r["towns_empty"] += filled == 0
        r["slots"] += len(slots)
        r["filled"] += filled
    if groups is not None:
        return {str(k): rows[k] for k in sorted(rows)}
    return {str(p): rows[p] for p in sorted(rows, reverse=True)}


def explain_plan(
    instance: Instance, plan: Solution | list[tuple[str, str]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Explain the empty slots of any plan, e.g. one typed in by hand; unknown ids are ignored."""
    prep = prepare(instance)
    items = [(a.slot, a.commissioner) for a in plan.assignments] if isinstance(plan, Solution) else plan
    by_slot: dict[int, int] = {}
    for sid, cid in items:
        s, c = prep.slot_pos.get(sid), prep.com_pos.get(cid)
        if s is not None and c is not None:
            by_slot.setdefault(s, c)
    return explain_gaps(prep, by_slot)
