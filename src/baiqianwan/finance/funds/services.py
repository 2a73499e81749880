"""Writes of the sub-funds and the 上市后备 pool: the province registers a sub-fund and edits it; a
fund's manager records its investments (the province may enter or correct one); a city recommends
its enterprises into the pool, the province or that city moves them forward stage by stage (or
out, with the reason), and whoever has an entry in scope records the services it was given. Each
write is one transaction, version-checked, with its history (ReserveEvent) or the audit log; bad
input is named by field, in Chinese, with nothing stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from baiqianwan.core.concurrency import version_check
from baiqianwan.core.money import amount
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.validators import validate_uscc
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation, OrganisationKind
from baiqianwan.regions import inputs
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.supply.models import Achievement

from ..models import (
    EligibleRegion,
    Investment,
    InvestmentRound,
    ReserveEnterprise,
    ReserveEvent,
    ReserveService,
    ReserveServiceKind,
    ReserveStage,
    SubFund,
)
from . import rules

# A sub-fund of the 省创新创业基金 is at most 1,000 亿元; a larger figure is a typing error.
MAX_FUND = Decimal("100000000000.00")
INVESTED_BY = (OrganisationKind.ENTERPRISE,)


# ---- sub-funds --------------------------------------------------------------------------------


def _manager(manager_id: Any) -> Organisation:
    manager = Organisation.all_objects.filter(pk=manager_id).first() if valid_id(manager_id) else None
    if manager is None:
        raise ValidationError({"manager": gettext("找不到该基金管理人")})
    if manager.kind != OrganisationKind.FUND:
        raise ValidationError(
            {
                "manager": gettext("“{name}”是{kind}，基金管理人须是登记为“投资基金”的单位").format(
                    name=manager.name, kind=manager.get_kind_display()
                )
            }
        )
    return manager


def _fund_values(fund: SubFund, values: dict[str, Any]) -> None:
    if "name" in values:
        fund.name = inputs.text(
            values["name"], "name", gettext("子基金名称"), 120, required=True, min_length=4
        )
    if "manager_id" in values:
        fund.manager = _manager(values["manager_id"])
    if "size" in values:
        fund.size = amount(values["size"], "size", gettext("基金规模"), positive=True, maximum=MAX_FUND)
    if "province_share" in values:
        fund.province_share = amount(
            values["province_share"], "province_share", gettext("省级出资"), maximum=MAX_FUND
        )
    if "focus_region" in values:
        fund.focus_region = inputs.choice(
            values["focus_region"], "focus_region", gettext("重点投资区域"), EligibleRegion.choices
        )
    if "focus_fields" in values:
        fund.focus_fields = inputs.text(values["focus_fields"], "focus_fields", gettext("重点投资领域"), 200)
    if "established_on" in values:
        fund.established_on = inputs.past_date(
            values["established_on"], "established_on", gettext("设立日期")
        )
    if "is_public" in values and values["is_public"] is not None:
        fund.is_public = bool(values["is_public"])
    if fund.province_share > fund.size:
        raise ValidationError(
            {
                "province_share": gettext("省级出资 {share} 元不能超过基金规模 {size} 元").format(
                    share=f"{fund.province_share:,}", size=f"{fund.size:,}"
                )
            }
        )
    if SubFund.all_objects.filter(name=fund.name).exclude(pk=fund.pk).exists():
        raise ValidationError({"name": gettext("已有名为“{name}”的子基金").format(name=fund.name)})


@transaction.atomic
def fund_register(*, acting_user: Any, **values: Any) -> SubFund:
    """The province registers a sub-fund. ``values``: name, manager_id, size, province_share,
    focus_region, focus_fields, established_on, is_public."""
    if not rules.can_manage_funds(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以登记创新创业子基金"))
    fund = SubFund(created_by=acting_user, size=Decimal("0"), province_share=Decimal("0"))
    _fund_values(
        fund,
        {
            "name": "",
            "manager_id": None,
            "size": None,
            "province_share": None,
            "established_on": None,
            **values,
        },
    )
    fund.full_clean(exclude=["manager", "created_by"])
    fund.save()
    return fund


@transaction.atomic
def fund_update(*, acting_user: Any, fund_id: Any, version: int | None = None, **values: Any) -> SubFund:
    if not rules.can_manage_funds(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以修改创新创业子基金"))
    fund = (
        SubFund.objects.for_user(acting_user).select_for_update().filter(pk=fund_id).first()
        if valid_id(fund_id)
        else None
    )
    if fund is None:
        raise PermissionDenied(gettext("找不到该子基金"))
    version_check(current=fund.version, expected=version)
    _fund_values(fund, values)
    first = fund.investments.order_by("invested_on").values_list("invested_on", flat=True).first()
    if first is not None and fund.established_on > first:
        raise ValidationError(
            {"established_on": gettext("设立日期晚于该基金最早的投资日期（{date}）").format(date=first)}
        )
    invested = sum(fund.investments.values_list("amount", flat=True), Decimal("0"))
    if invested > fund.size:
        raise ValidationError(
            {"size": gettext("基金规模不能小于已登记的投资合计 {n} 元").format(n=f"{invested:,}")}
        )
    fund.full_clean(exclude=["manager", "created_by"])
    fund.version += 1
    fund.save()
    return fund


# ---- investments ------------------------------------------------------------------------------


def _fund_for(acting_user: Any, fund_id: Any) -> SubFund:
    fund = (
        SubFund.objects.for_user(acting_user).select_related("manager").filter(pk=fund_id).first()
        if valid_id(fund_id)
        else None
    )
    if fund is None:
        raise PermissionDenied(gettext("找不到该子基金，或您无权查看"))
    if not rules.can_record_investment(acting_user, fund):
        raise PermissionDenied(gettext("只有该子基金的管理人可以登记其投资"))
    return fund


def _enterprise(enterprise_id: Any) -> Organisation:
    enterprise = (
        Organisation.all_objects.select_related("division").filter(pk=enterprise_id).first()
        if valid_id(enterprise_id)
        else None
    )
    if enterprise is None:
        raise ValidationError({"enterprise": gettext("找不到该企业，请先由所在地科技部门登记该单位")})
    if enterprise.kind not in INVESTED_BY:
        raise ValidationError(
            {
                "enterprise": gettext("“{name}”是{kind}，被投对象须是企业").format(
                    name=enterprise.name, kind=enterprise.get_kind_display()
                )
            }
        )
    return enterprise


def _enterprise_by_uscc(value: Any) -> Organisation:
    try:
        code = validate_uscc(str(value or ""))
    except ValidationError as exc:
        raise ValidationError({"enterprise_uscc": exc.messages[0]}) from None
    found = Organisation.all_objects.filter(uscc=code).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationError(
            {
                "enterprise_uscc": gettext(
                    "平台上没有统一社会信用代码为 {code} 的单位，请先由所在地科技部门登记"
                ).format(code=code)
            }
        )
    try:
        return _enterprise(found)
    except ValidationError as exc:
        raise ValidationError({"enterprise_uscc": exc.message_dict["enterprise"]}) from None


def _investment_values(investment: Investment, acting_user: Any, values: dict[str, Any]) -> None:
    fund = investment.fund
    if values.get("enterprise_uscc"):
        values = {**values, "enterprise_id": _enterprise_by_uscc(values["enterprise_uscc"]).pk}
    if "enterprise_id" in values:
        investment.enterprise = _enterprise(values["enterprise_id"])
        investment.in_east_west_north = is_east_west_north(investment.enterprise.division_id)
    if "round" in values:
        investment.round = inputs.choice(values["round"], "round", gettext("轮次"), InvestmentRound.choices)
    if "amount" in values:
        investment.amount = amount(
            values["amount"], "amount", gettext("投资金额"), positive=True, maximum=fund.size
        )
    if "invested_on" in values:
        investment.invested_on = inputs.past_date(
            values["invested_on"],
            "invested_on",
            gettext("投资日期"),
            earliest=fund.established_on,
            earliest_label=gettext("子基金设立日期"),
        )
    if "industry_id" in values:
        code = values["industry_id"]
        investment.industry = None
        if code not in (None, ""):
            investment.industry = Industry.objects.filter(pk=str(code)[:40]).first()
            if investment.industry is None:
                raise ValidationError(
                    {"industry": gettext("找不到产业代码 {code}").format(code=str(code)[:40])}
                )
    if "field" in values:
        investment.field = inputs.text(values["field"], "field", gettext("技术领域"), 80)
    if "achievement_id" in values:
        investment.achievement = None
        found = values["achievement_id"]
        if found not in (None, ""):
            investment.achievement = (
                Achievement.objects.for_user(acting_user).filter(pk=found).first()
                if valid_id(found)
                else None
            )
            if investment.achievement is None:
                raise ValidationError({"achievement": gettext("找不到该科技成果，或您无权查看")})
        investment.for_transfer = investment.achievement is not None
    others = (
        Investment.all_objects.filter(fund=fund).exclude(pk=investment.pk).values_list("amount", flat=True)
    )
    total = sum(others, Decimal("0")) + investment.amount
    if total > fund.size:
        raise ValidationError(
            {
                "amount": gettext("该子基金已登记投资 {done} 元，加上本笔超过基金规模 {size} 元").format(
                    done=f"{total - investment.amount:,}", size=f"{fund.size:,}"
                )
            }
        )


@transaction.atomic
def investment_record(*, acting_user: Any, fund_id: Any, **values: Any) -> Investment:
    """The fund's manager records an investment. ``values``: enterprise_id, round, amount,
    invested_on, industry_id, field, achievement_id (the achievement the money turns into practice)."""
    fund = SubFund.all_objects.select_for_update().filter(pk=_fund_for(acting_user, fund_id).pk).get()
    investment = Investment(fund=fund, recorded_by=acting_user, amount=Decimal("0"))
    _investment_values(
        investment,
        acting_user,
        {"enterprise_id": None, "round": None, "amount": None, "invested_on": None, **values},
    )
    investment.full_clean(exclude=["fund", "enterprise", "industry", "achievement", "recorded_by"])
    investment.save()
    return investment


@transaction.atomic
def investment_update(
    *, acting_user: Any, investment_id: Any, version: int | None = None, **values: Any
) -> Investment:
    investment = (
        Investment.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("fund__manager", "enterprise")
        .filter(pk=investment_id)
        .first()
        if valid_id(investment_id)
        else None
    )
    if investment is None:
        raise PermissionDenied(gettext("找不到该投资，或您无权修改"))
    if not rules.can_record_investment(acting_user, investment.fund):
        raise PermissionDenied(gettext("只有该子基金的管理人可以修改其投资"))
    version_check(current=investment.version, expected=version)
    SubFund.all_objects.select_for_update().filter(pk=investment.fund_id).get()
    _investment_values(investment, acting_user, values)
    investment.full_clean(exclude=["fund", "enterprise", "industry", "achievement", "recorded_by"])
    investment.version += 1
    investment.save()
    return investment


# ---- the 上市后备 pool -----------------------------------------------------------------------------


class ReserveAction:
    RECOMMEND = "recommend"
    EDIT = "edit"
    STAGE = "stage"
    EXIT = "exit"
    SERVICE = "service"


ACTION_LABELS = {
    ReserveAction.RECOMMEND: gettext_noop("推荐入库"),
    ReserveAction.EDIT: gettext_noop("修改"),
    ReserveAction.STAGE: gettext_noop("阶段变更"),
    ReserveAction.EXIT: gettext_noop("退出后备库"),
    ReserveAction.SERVICE: gettext_noop("登记服务"),
}


def _event(entry: ReserveEnterprise, actor: Any, action: str, before: str, note: str = "") -> None:
    ReserveEvent.objects.create(
        entry=entry,
        actor=actor,
        action=action,
        from_status=before,
        to_status="exited" if entry.exited else entry.stage,
        note=note[:500],
    )


def _reserve_values(entry: ReserveEnterprise, values: dict[str, Any]) -> None:
    if "target_board" in values:
        entry.target_board = inputs.text(values["target_board"], "target_board", gettext("拟上市板块"), 40)
    if "note" in values:
        entry.note = inputs.text(values["note"], "note", gettext("备注"), 500)


@transaction.atomic
def reserve_recommend(
    *, acting_user: Any, enterprise_id: Any, recommended_on: Any, **values: Any
) -> ReserveEnterprise:
    """A city bureau recommends an enterprise of its city into the pool, at 培育. ``values``:
    target_board, note."""
    if not rules.can_recommend(acting_user):
        raise PermissionDenied(gettext("上市后备科技企业由地市科技局推荐入库"))
    enterprise = (
        Organisation.all_objects.select_related("division").filter(pk=enterprise_id).first()
        if valid_id(enterprise_id)
        else None
    )
    if enterprise is None:
        raise ValidationError({"enterprise": gettext("找不到该企业")})
    city = acting_user.division
    if not enterprise.division_id.startswith(city.code[:4]):
        raise ValidationError(
            {
                "enterprise": gettext("“{name}”不在{city}，只能推荐本市企业").format(
                    name=enterprise.name, city=city.name
                )
            }
        )
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise ValidationError(
            {
                "enterprise": gettext("“{name}”是{kind}，只有企业可以进入上市后备库").format(
                    name=enterprise.name, kind=enterprise.get_kind_display()
                )
            }
        )
    existing = ReserveEnterprise.all_objects.filter(enterprise=enterprise).first()
    if existing is not None:
        raise ValidationError(
            {
                "enterprise": gettext("“{name}”已于 {date} 推荐入库（{state}），不能重复推荐").format(
                    name=enterprise.name,
                    date=existing.recommended_on,
                    state=gettext("已退出") if existing.exited else existing.get_stage_display(),
                )
            }
        )
    day = inputs.past_date(recommended_on, "recommended_on", gettext("推荐日期"))
    entry = ReserveEnterprise(
        enterprise=enterprise,
        recommended_by=city,
        recommended_on=day,
        stage=ReserveStage.CULTIVATE,
        stage_since=day,
    )
    _reserve_values(entry, values)
    entry.full_clean(exclude=["enterprise", "recommended_by"])
    entry.save()
    _event(entry, acting_user, ReserveAction.RECOMMEND, "")
    return entry


def _entry_locked(acting_user: Any, entry_id: Any, version: int | None) -> ReserveEnterprise:
    entry = (
        ReserveEnterprise.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(pk=entry_id)
        .first()
        if valid_id(entry_id)
        else None
    )
    if entry is None:
        raise PermissionDenied(gettext("找不到该后备企业，或您无权查看"))
    version_check(current=entry.version, expected=version)
    return entry


@transaction.atomic
def reserve_update(
    *, acting_user: Any, entry_id: Any, version: int | None = None, **values: Any
) -> ReserveEnterprise:
    """The province or the recommending city corrects the target board and the note."""
    entry = _entry_locked(acting_user, entry_id, version)
    if not rules.can_edit_entry(acting_user, entry):
        raise PermissionDenied(gettext("只有省科技厅和推荐地市可以修改后备企业信息"))
    _reserve_values(entry, values)
    entry.full_clean(exclude=["enterprise", "recommended_by"])
    entry.version += 1
    entry.save()
    _event(entry, acting_user, ReserveAction.EDIT, entry.stage)
    return entry


@transaction.atomic
def reserve_stage(
    *,
    acting_user: Any,
    entry_id: Any,
    on: Any,
    stage: Any = "",
    exit: bool = False,
    reason: Any = "",
    version: int | None = None,
) -> ReserveEnterprise:
    """The province or the recommending city moves the entry forward (培育 → 辅导 → 申报 → 上市;
    a stage may be skipped, never gone back to), or takes it out of the pool with the reason."""
    entry = _entry_locked(acting_user, entry_id, version)
    if entry.exited or entry.stage == ReserveStage.LISTED:
        raise ValidationError(
            gettext("该企业{state}，阶段不再变更").format(
                state=gettext("已退出后备库") if entry.exited else gettext("已上市")
            )
        )
    if not rules.can_move(acting_user, entry):
        raise PermissionDenied(gettext("只有省科技厅和推荐地市可以变更后备企业的阶段"))
    day = inputs.past_date(
        on, "on", gettext("变更日期"), earliest=entry.stage_since, earliest_label=gettext("进入本阶段日期")
    )
    note = inputs.text(reason, "reason", gettext("说明"), 500)
    before = entry.stage
    if exit:
        if len(note) < 4:
            raise ValidationError({"reason": gettext("请写明退出后备库的原因（至少 4 个字）")})
        entry.exited = True
        action = ReserveAction.EXIT
    else:
        if stage not in ReserveStage.values:
            raise ValidationError(
                {
                    "stage": gettext("阶段须是{stages}之一").format(
                        stages="、".join(str(s.label) for s in ReserveStage)
                    )
                }
            )
        if stage not in rules.next_stages(entry):
            raise ValidationError(
                {
                    "stage": gettext("只能向后变更：现为“{now}”，不能改为“{to}”").format(
                        now=entry.get_stage_display(), to=ReserveStage(stage).label
                    )
                }
            )
        entry.stage = stage
        action = ReserveAction.STAGE
    entry.stage_since = day
    entry.version += 1
    entry.save()
    _event(entry, acting_user, action, before, note or f"{day.isoformat()}")
    return entry


@transaction.atomic
def reserve_service_record(
    *, acting_user: Any, entry_id: Any, given_on: Any, kind: Any, provider: Any, note: Any = ""
) -> ReserveService:
    """A service given to an enterprise in the pool: training, coaching, a roadshow, financing, advice."""
    entry = (
        ReserveEnterprise.objects.for_user(acting_user).filter(pk=entry_id).first()
        if valid_id(entry_id)
        else None
    )
    if entry is None:
        raise PermissionDenied(gettext("找不到该后备企业，或您无权查看"))
    if not rules.can_record_service(acting_user, entry):
        if entry.exited:
            raise ValidationError(gettext("该企业已退出后备库，不再登记服务"))
        raise PermissionDenied(gettext("您无权为该企业登记服务"))
    service = ReserveService(
        entry=entry,
        given_on=inputs.past_date(
            given_on,
            "given_on",
            gettext("服务日期"),
            earliest=entry.recommended_on,
            earliest_label=gettext("推荐日期"),
        ),
        kind=inputs.choice(kind, "kind", gettext("服务类型"), ReserveServiceKind.choices),
        provider=inputs.text(provider, "provider", gettext("服务机构"), 120, required=True, min_length=2),
        note=inputs.text(note, "note", gettext("说明"), 500),
        recorded_by=acting_user,
    )
    service.full_clean(exclude=["entry", "recorded_by"])
    service.save()
    _event(entry, acting_user, ReserveAction.SERVICE, entry.stage, service.get_kind_display())
    return service
