"""Writes of the 创新型专业镇 register and its pairing: registering a town, its profile, its status
through annual management, proposing and confirming pairs with the pairing engine, and recording
what a pair does together — each a transaction with its history."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.calls.models import Application, Call
from baiqianwan.calls.services import years_later
from baiqianwan.core.concurrency import version_check
from baiqianwan.core.text import strip_control_characters, to_simplified
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division

from . import rules, selectors
from .engine import EWN, PEARL, Instance, PairingInputError, Result, TownProfile, solve
from .models import (
    COUNTED,
    MAX_COUNT,
    ActivityKind,
    InnovativeTown,
    JointActivity,
    PairStatus,
    ReviewKind,
    ReviewOutcome,
    TownAction,
    TownEvent,
    TownPair,
    TownReview,
    TownStatus,
)

INDUSTRY_CODE = re.compile(r"[A-T](\d{2}|\d{3}|\d{4})")
MAX_CODES = 10
VALIDITY_YEARS = 3  # 认定 lasts three years (the call type's validity_years says so too)
LOCKED_NOTE = "，为锁定结对"
TEXT_LIMITS = {"leading_industry": 60, "products": 300, "strengths": 300, "needs": 500}
PROFILE_FIELDS = (
    "leading_industry",
    "industry_codes",
    "products",
    "platforms",
    "enterprises",
    "strengths",
    "needs",
)


def _text(value: Any, limit: int) -> str:
    return to_simplified(strip_control_characters(str(value or ""))).strip()[:limit]


def _province_only(acting_user: Any) -> None:
    if not rules.can_manage(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以管理专业镇名录和结对"))


def _event(town: InnovativeTown, actor: Any, action: str, before: str, note: str = "") -> None:
    TownEvent.objects.create(
        town=town, actor=actor, action=action, from_status=before, to_status=town.status, note=note[:500]
    )


def _codes(value: Any) -> list[str]:
    """GB/T 4754 codes as typed (A0151, C1371 …), separated by commas, spaces or 、."""
    raw = value if isinstance(value, list | tuple) else re.split(r"[\s,，、;；]+", str(value or ""))
    codes = [str(c).strip().upper() for c in raw if str(c).strip()]
    if len(codes) > MAX_CODES:
        raise ValidationError({"industry_codes": gettext("行业代码最多 {n} 个").format(n=MAX_CODES)})
    for code in codes:
        if not INDUSTRY_CODE.fullmatch(code):
            raise ValidationError(
                {
                    "industry_codes": gettext(
                        "行业代码“{code}”格式不对：应为门类字母加 2–4 位数字，如 A0151、C1371"
                    ).format(code=code[:12])
                }
            )
    return list(dict.fromkeys(codes))


def _profile(town: InnovativeTown, values: dict[str, Any]) -> None:
    for name in PROFILE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "industry_codes":
            town.industry_codes = _codes(value)
        elif name in ("platforms", "enterprises"):
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ValidationError({name: gettext("须是整数")}) from None
            if not 0 <= number <= MAX_COUNT:
                raise ValidationError({name: gettext("须在 0 至 {max} 之间").format(max=MAX_COUNT)})
            setattr(town, name, number)
        else:
            setattr(town, name, _text(value, TEXT_LIMITS[name]))
    if len(town.leading_industry) < 2:
        raise ValidationError({"leading_industry": gettext("请填写主导产业（至少 2 个字）")})


def _dates(status: str, certified_on: dt.date | None, valid_until: dt.date | None) -> None:
    if status in COUNTED and certified_on is None:
        raise ValidationError({"certified_on": gettext("已认定的专业镇须填写认定日期")})
    if certified_on and valid_until and valid_until <= certified_on:
        raise ValidationError({"valid_until": gettext("有效期须晚于认定日期")})


@transaction.atomic
def town_register(
    *,
    acting_user: Any,
    division_code: str,
    status: str = TownStatus.CERTIFIED,
    certified_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    **values: Any,
) -> InnovativeTown:
    """A town enters the register (a certification made before the platform, or a town in 培育)."""
    _province_only(acting_user)
    division = Division.objects.filter(pk=str(division_code or "")[:12]).first()
    if division is None or division.level != "town":
        raise ValidationError({"division": gettext("请选择一个镇（街道）")})
    if InnovativeTown.all_objects.filter(division=division).exists():
        raise ValidationError({"division": gettext("{name}已在名录中").format(name=division.full_name)})
    if status not in TownStatus.values:
        raise ValidationError({"status": gettext("状态须是培育、认定、复核、整改或已撤销")})
    _dates(status, certified_on, valid_until)
    town = InnovativeTown(
        division=division,
        in_east_west_north=is_east_west_north(division.code),
        status=status,
        certified_on=certified_on,
        valid_until=valid_until,
    )
    _profile(town, {"leading_industry": "", **values})
    town.full_clean(exclude=["application"])
    town.save()
    _event(town, acting_user, TownAction.REGISTER, "")
    return town


def _town_locked(acting_user: Any, town_id: int, version: int | None) -> InnovativeTown:
    town = (
        InnovativeTown.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .filter(pk=town_id)
        .first()
    )
    if town is None:
        raise PermissionDenied(gettext("找不到该专业镇，或您无权修改"))
    version_check(current=town.version, expected=version)
    return town


@transaction.atomic
def town_profile_update(
    *, acting_user: Any, town_id: int, version: int | None = None, **values: Any
) -> InnovativeTown:
    """The town, its county or city, or the province updates what the pairing reads."""
    town = _town_locked(acting_user, town_id, version)
    if not rules.can_edit_profile(acting_user, town):
        raise PermissionDenied(gettext("只有本镇及其所在县、市科技部门可以更新概况"))
    _profile(town, values)
    town.full_clean(exclude=["application"])
    town.version += 1
    town.save()
    _event(town, acting_user, TownAction.PROFILE, town.status)
    return town


@transaction.atomic
def town_status_set(
    *,
    acting_user: Any,
    town_id: int,
    status: str,
    note: str,
    certified_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    version: int | None = None,
) -> InnovativeTown:
    """Annual management's outcome: 复核, 整改 or 撤销 with the reason (a review or the acceptance
    scoring at the end of the period), or a certification with its dates. A revoked town's pairs end."""
    _province_only(acting_user)
    town = _town_locked(acting_user, town_id, version)
    if status not in TownStatus.values:
        raise ValidationError({"status": gettext("状态须是培育、认定、复核、整改或撤销")})
    note = _text(note, 500)
    if len(note) < 4:
        raise ValidationError({"note": gettext("请写明依据（如年度报告、中期评估或验收评分的结论）")})
    if certified_on is not None:
        town.certified_on = certified_on
    if valid_until is not None:
        town.valid_until = valid_until
    _dates(status, town.certified_on, town.valid_until)
    before = town.status
    town.status = status
    town.version += 1
    town.save()
    _event(town, acting_user, TownAction.STATUS, before, note)
    if status == TownStatus.REVOKED:
        _end_pairs(town)
    return town


def _end_pairs(town: InnovativeTown) -> None:
    """A revoked town leaves its pairs."""
    TownPair.all_objects.filter(Q(pearl=town) | Q(ewn=town), status=PairStatus.ACTIVE).update(
        status=PairStatus.ENDED, ended_on=timezone.localdate(), updated_at=timezone.now()
    )


# ---- annual management: the acceptance scoring decides ----------------------------------------

REVIEW_STATUS = {
    ReviewOutcome.PASS: TownStatus.CERTIFIED,
    ReviewOutcome.RECTIFY: TownStatus.RECTIFYING,
    ReviewOutcome.REVOKE: TownStatus.REVOKED,
}
FAILING_GRADE = "不合格"


def registered_participants(year: str) -> dict[str, str]:
    """The towns of the register that take part in the acceptance scoring of ``year``: certified
    by then and not revoked."""
    return {
        code: gettext("创新型专业镇名录")
        for code in InnovativeTown.all_objects.filter(
            status__in=COUNTED, certified_on__year__lte=int(year)
        ).values_list("division_id", flat=True)
    }


@transaction.atomic
def town_review_record(
    *,
    acting_user: Any,
    town_id: int,
    year: Any,
    kind: str,
    outcome: str,
    note: str,
    version: int | None = None,
) -> TownReview:
    """The province's conclusion on a certified town's yearly report, mid-term review or final
    acceptance, on that year's acceptance scoring: 通过, 整改 or 撤销. A final acceptance passed
    renews the certification for another period; a revoked town leaves its pairs."""
    _province_only(acting_user)
    town = _town_locked(acting_user, town_id, version)
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": gettext("类型须是年度报告、中期评估或期末验收")})
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": gettext("结论须是通过、整改或撤销")})
    year_text = str(year).strip()
    if not (len(year_text) == 4 and year_text.isdigit()):
        raise ValidationError({"year": gettext("年度应为四位数字，如 2025")})
    year_number = int(year_text)
    if not town.counted:
        raise ValidationError(
            gettext("只有已认定的专业镇进行年度管理（本镇现为“{status}”）").format(
                status=town.get_status_display()
            )
        )
    if town.certified_on is None or town.valid_until is None:
        raise ValidationError(
            {"valid_until": gettext("本镇的认定日期和有效期尚未登记：请先在“直接变更状态”中补充有效期")}
        )
    if not town.certified_on.year <= year_number <= town.valid_until.year:
        raise ValidationError(
            {
                "year": gettext("{year} 年不在本镇的认定有效期（{start} 至 {end}）内").format(
                    year=year_number, start=town.certified_on, end=town.valid_until
                )
            }
        )
    label = ReviewKind(kind).label
    if kind == ReviewKind.FINAL and year_number < town.valid_until.year - 1:
        raise ValidationError(
            {
                "kind": gettext("期末验收在有效期的最后两年进行（本镇有效期至 {end}）").format(
                    end=town.valid_until
                )
            }
        )
    # A final acceptance passed starts a new period: its mid-term and final come in later years.
    renewed = town.reviews.filter(kind=ReviewKind.FINAL, outcome=ReviewOutcome.PASS).order_by("-year").first()
    period = town.reviews.filter(year__gt=renewed.year) if renewed else town.reviews.all()
    if kind != ReviewKind.ANNUAL and renewed is not None and year_number <= renewed.year:
        raise ValidationError(
            {
                "year": gettext("{year} 年已通过期末验收，新认定期的{kind}从 {next} 年起").format(
                    year=renewed.year, kind=label, next=renewed.year + 1
                )
            }
        )
    if kind != ReviewKind.ANNUAL and period.filter(kind=kind).exists():
        raise ValidationError({"kind": gettext("本认定期内已有{kind}结论").format(kind=label)})
    if town.reviews.filter(year=year_number, kind=kind).exists():
        raise ValidationError(
            {"year": gettext("{year} 年的{kind}已有结论").format(year=year_number, kind=label)}
        )
    row = selectors.town_evaluation(town=town, year=year_text)
    if row is None or row.status != "scored" or row.total is None:
        raise ValidationError(
            {
                "year": gettext("本镇 {year} 年的验收评价数据{status}，不能作出结论").format(
                    year=year_number, status=row.status_label if row is not None else gettext("未报送")
                )
            }
        )
    if row.grade == FAILING_GRADE and outcome == ReviewOutcome.PASS:
        raise ValidationError(
            {
                "outcome": gettext("验收评价为不合格（{score} 分），不能通过：请选择整改或撤销").format(
                    score=round(row.total, 2)
                )
            }
        )
    note = _text(note, 500)
    if len(note) < 4:
        raise ValidationError({"note": gettext("请写明意见（至少 4 个字）")})
    review = TownReview.objects.create(
        town=town,
        year=year_number,
        kind=kind,
        score=Decimal(str(round(row.total, 2))),
        grade=row.grade,
        rank=row.rank,
        system_version=selectors.evaluation_version_label(),
        outcome=outcome,
        note=note,
        decided_by=acting_user,
    )
    before = town.status
    town.status = REVIEW_STATUS[ReviewOutcome(outcome)]
    if kind == ReviewKind.FINAL and outcome == ReviewOutcome.PASS:
        town.valid_until = years_later(town.valid_until, VALIDITY_YEARS)
    town.version += 1
    town.save()
    _event(
        town,
        acting_user,
        TownAction.REVIEW,
        before,
        gettext("{year}年{kind}：{outcome}（{score} 分，{grade}）{note}").format(
            year=year_number,
            kind=label,
            outcome=review.get_outcome_display(),
            score=review.score,
            grade=review.grade,
            note=note,
        ),
    )
    if town.status == TownStatus.REVOKED:
        _end_pairs(town)
    return review


def towns_from_decision(call: Call, approved: list[Application], acting_user: Any) -> None:
    """A 创新型专业镇认定 decided: each approved town enters the register (or, already listed,
    is certified again) with what it applied with, for the call type's validity."""
    today = timezone.localdate()
    years = int(call.call_type.definition.get("validity_years") or VALIDITY_YEARS)
    for application in approved:
        values = application.values
        profile = {
            "leading_industry": values.get("leading_industry", ""),
            "industry_codes": values.get("industry_codes", ""),
            "products": values.get("products", ""),
            "platforms": int(values.get("provincial_platforms") or 0)
            + int(values.get("public_service_platforms") or 0),
            "enterprises": int(values.get("hnte") or 0),
            "needs": values.get("needs", ""),
        }
        town = (
            InnovativeTown.all_objects.select_for_update().filter(division_id=application.division_id).first()
        )
        before = town.status if town else ""
        if town is None:
            town = InnovativeTown(
                division_id=application.division_id,
                in_east_west_north=is_east_west_north(application.division_id),
            )
        _profile(town, profile)
        town.status, town.certified_on, town.application = TownStatus.CERTIFIED, today, application
        town.valid_until = years_later(today, years)
        town.version += 1
        town.save()
        _event(
            town,
            acting_user,
            TownAction.REGISTER if not before else TownAction.STATUS,
            before,
            call.decision_number or call.title,
        )


def towns_counted(today: dt.date | None = None) -> float:
    """KPI-INNOVATIVE-TOWNS: certified towns within their validity (under review or rectifying
    included)."""
    today = today or timezone.localdate()
    return float(InnovativeTown.all_objects.filter(status__in=COUNTED).exclude(valid_until__lt=today).count())


# ---- pairing --------------------------------------------------------------------------------


def town_code(town: InnovativeTown) -> str:
    """The pairing engine names a town by the 9 digits of its division code."""
    return town.division_id[:9]


def _profiles(towns: Iterable[InnovativeTown]) -> list[TownProfile]:
    return [
        TownProfile(
            code=town_code(t),
            name=t.division.name,
            side=EWN if t.in_east_west_north else PEARL,
            industries=tuple(t.industry_codes),
            products=t.products,
            platforms=t.platforms,
            enterprises=t.enterprises,
            needs=t.needs,
            strengths=t.strengths,
        )
        for t in towns
    ]


def _pair_keys(values: Iterable[str], field: str) -> list[tuple[str, str]]:
    """ "441402101-440115101" (珠三角镇 9 位代码-粤东西北镇 9 位代码) as typed or posted."""
    keys = []
    for value in values:
        parts = re.split(r"[-—–~～,，\s]+", str(value).strip())
        if len(parts) != 2 or not all(re.fullmatch(r"\d{9}", p) for p in parts):
            raise ValidationError(
                {
                    field: gettext("“{value}”不是一对镇的代码，应为 9 位代码-9 位代码").format(
                        value=str(value)[:40]
                    )
                }
            )
        keys.append((parts[0], parts[1]))
    return keys


def pairing_instance(
    *, locked: Sequence[str] = (), forbidden: Sequence[str] = (), min_score: float | None = None
) -> tuple[Instance, dict[str, InnovativeTown]]:
    """The problem over the counted towns: pairs already confirmed are kept (locked), and the
    province's own locks and bans added; every malformed request named, in Chinese."""
    towns = {
        town_code(t): t
        for t in InnovativeTown.all_objects.filter(status__in=COUNTED)
        .select_related("division")
        .order_by("division_id")
    }
    active = [
        (p.pearl.division_id[:9], p.ewn.division_id[:9])
        for p in TownPair.all_objects.filter(status=PairStatus.ACTIVE).select_related("pearl", "ewn")
    ]
    wanted = _pair_keys(locked, "locked")
    banned = _pair_keys(forbidden, "forbidden")
    try:
        instance = Instance(
            _profiles(towns.values()),
            locked=list(dict.fromkeys([*active, *wanted])),
            forbidden=banned,
        )
        if min_score is not None:
            instance = instance.adjust(min_score=min_score)
    except PairingInputError as exc:
        raise ValidationError({"pairs": exc.errors}) from None
    return instance, towns


def pairing_propose(
    *,
    acting_user: Any,
    locked: Sequence[str] = (),
    forbidden: Sequence[str] = (),
    min_score: float | None = None,
) -> tuple[Result, dict[str, InnovativeTown]]:
    """The optimal pairs (the most pairs, then the highest total relatedness) with their reasons."""
    _province_only(acting_user)
    instance, towns = pairing_instance(locked=locked, forbidden=forbidden, min_score=min_score)
    return solve(instance), towns


@transaction.atomic
def pairs_confirm(*, acting_user: Any, pairs: Sequence[str], forbidden: Sequence[str] = ()) -> list[TownPair]:
    """The province confirms the pairs it chose (from a proposal, adjusted): each is stored with
    the score and reasons the engine gives it; pairs already active stay as they are."""
    _province_only(acting_user)
    keys = _pair_keys(pairs, "pairs")
    if not keys:
        raise ValidationError({"pairs": gettext("请至少选择一对")})
    result, towns = pairing_propose(acting_user=acting_user, locked=pairs, forbidden=forbidden)
    found = {pair.key: pair for pair in result.pairs}
    created = []
    for key in keys:
        pair = found[key]
        pearl, ewn = towns[key[0]], towns[key[1]]
        if TownPair.all_objects.filter(pearl=pearl, ewn=ewn, status=PairStatus.ACTIVE).exists():
            continue
        created.append(
            TownPair.all_objects.create(
                pearl=pearl,
                ewn=ewn,
                score=round(pair.score, 4),
                # Confirmed by locking it into the proposal; the reasons are the pair's own.
                explanation=pair.explanation.removesuffix(LOCKED_NOTE)[:1000],
                confirmed_by=acting_user,
            )
        )
    return created


@transaction.atomic
def pair_end(*, acting_user: Any, pair_id: int, note: str) -> TownPair:
    _province_only(acting_user)
    pair = TownPair.all_objects.select_for_update().filter(pk=pair_id, status=PairStatus.ACTIVE).first()
    if pair is None:
        raise PermissionDenied(gettext("找不到该结对，或已结束"))
    if len(_text(note, 200)) < 4:
        raise ValidationError({"note": gettext("请写明结束结对的原因")})
    pair.status, pair.ended_on = PairStatus.ENDED, timezone.localdate()
    pair.save(update_fields=["status", "ended_on", "updated_at"])
    return pair


@transaction.atomic
def activity_record(
    *,
    acting_user: Any,
    pair_id: int,
    kind: str,
    title: str,
    held_on: dt.date,
    summary: str,
    results: str = "",
) -> JointActivity:
    """Either side records a joint activity (共性技术研发, 模式借鉴, 标准联动) and its results."""
    pair = TownPair.objects.for_user(acting_user).select_related("pearl", "ewn").filter(pk=pair_id).first()
    if pair is None or not rules.can_record_activity(acting_user, pair):
        raise PermissionDenied(gettext("找不到该结对，或您无权填报"))
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": gettext("合作方式须是共性技术研发、模式借鉴或标准联动")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": gettext("活动日期不能晚于今天")})
    if held_on < pair.created_at.date() - dt.timedelta(days=366):
        raise ValidationError({"held_on": gettext("活动日期早于结对一年以上")})
    activity = JointActivity(
        pair=pair,
        kind=kind,
        title=_text(title, 120),
        held_on=held_on,
        summary=_text(summary, 2000),
        results=_text(results, 500),
        recorded_by=acting_user,
    )
    if len(activity.title) < 4:
        raise ValidationError({"title": gettext("请填写活动名称（至少 4 个字）")})
    if len(activity.summary) < 10:
        raise ValidationError({"summary": gettext("请写明活动内容（至少 10 字）")})
    activity.save()
    return activity
