"""Writes of the talent ledgers. Each write is one transaction, kept in the audit log; bad input is
named by field, in Chinese, with nothing stored.

- Outposts: registered by the host's own account, the bureau of the county (or its city), or the
  province; edited and closed (with a date) by the same; their yearly results recorded, one per year.
- 致富带头人: registered by the 科技特派员 who supports them, only with the leader's recorded consent;
  the commissioner reports each year's jobs and income effect. Groups (农业科技致富共同体) are founded
  by a commissioner, a university or institute, or the province.
- Talent-programme selections: recorded by the province."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.concurrency import version_check
from baiqianwan.core.money import amount
from baiqianwan.core.selectors import valid_id
from baiqianwan.orgs.models import Organisation, OrganisationKind, Person
from baiqianwan.regions.classification import is_east_west_north

from . import inputs, rules
from .models import Leader, LeaderGroup, LeaderReport, Outpost, OutpostKind, OutpostResult, TalentSelection

MAX_STAFF = 10_000
MAX_RESULT = 1_000_000
MAX_JOBS = 100_000
MAX_AGREEMENT_YEARS = 50
# 1 亿元 a year from one leader's undertaking is far above any real figure: a typing error.
MAX_INCOME = Decimal("100000000.00")
ENTERPRISE_KINDS = (OrganisationKind.ENTERPRISE, OrganisationKind.COOPERATIVE, OrganisationKind.FAMILY_FARM)


def _id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if valid_id(value) else None
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 and valid_id(int(text)) else None


# ---- outposts --------------------------------------------------------------------------------


def host_choices() -> QuerySet[Organisation]:
    """Universities, institutes and new R&D organisations of the province (they are mostly in 广州,
    their outposts anywhere)."""
    return Organisation.all_objects.filter(kind__in=rules.HOST_KINDS, is_active=True)


def _host(acting_user: Any, host_id: Any) -> Organisation:
    if rules.host_unit(acting_user) and not rules.is_bureau(acting_user):
        if host_id not in (None, "") and _id(host_id) != acting_user.organisation_id:
            raise ValidationError({"host": gettext("单位账号只能登记本单位设立的县域研究机构")})
        return acting_user.organisation
    pk = _id(host_id)
    host = host_choices().filter(pk=pk).first() if pk else None
    if host is None:
        raise ValidationError({"host": gettext("请选择依托单位（高校、科研院所或新型研发机构）")})
    return host


def _people(acting_user: Any, host: Organisation, staff_ids: Any) -> list[Person]:
    if not staff_ids:
        return []
    if not isinstance(staff_ids, list | tuple | set):
        staff_ids = [staff_ids]
    found = [_id(value) for value in list(staff_ids)[:200]]
    ids = [pk for pk in found if pk is not None]
    if len(ids) != len(found):
        raise ValidationError({"staff": gettext("驻点人员须从人员库中选择")})
    people = list(Person.all_objects.filter(pk__in=ids, organisation=host))
    if len(people) != len(set(ids)):
        raise ValidationError({"staff": gettext("驻点人员须是依托单位“{host}”的人员").format(host=host.name)})
    return people


def _outpost_values(outpost: Outpost, values: dict[str, Any]) -> None:
    if "name" in values:
        outpost.name = inputs.text(values["name"], "name", gettext("名称"), 120, required=True, min_length=4)
    if "kind" in values:
        outpost.kind = inputs.choice(values["kind"], "kind", gettext("类型"), OutpostKind.choices)
    if "fields" in values:
        outpost.fields = inputs.text(values["fields"], "fields", gettext("研究领域"), 200)
    if "staff_on_site" in values:
        outpost.staff_on_site = inputs.count(
            values["staff_on_site"], "staff_on_site", gettext("驻点科研人员数"), MAX_STAFF
        )
    if "partner" in values:
        outpost.partner = inputs.text(values["partner"], "partner", gettext("合作县政府"), 120)
    if "agreement_signed_on" in values:
        outpost.agreement_signed_on = inputs.optional_past_date(
            values["agreement_signed_on"], "agreement_signed_on", gettext("协议签订日期")
        )
    if "agreement_years" in values:
        years = values["agreement_years"]
        outpost.agreement_years = (
            None
            if years in (None, "")
            else inputs.count(years, "agreement_years", gettext("协议期限（年）"), MAX_AGREEMENT_YEARS)
            or None
        )
    if "opened_on" in values:
        outpost.opened_on = inputs.past_date(values["opened_on"], "opened_on", gettext("设立日期"))
    if "is_public" in values and values["is_public"] is not None:
        outpost.is_public = bool(values["is_public"])


def _outpost_check(outpost: Outpost) -> None:
    taken = (
        Outpost.all_objects.filter(county_id=outpost.county_id, name=outpost.name)
        .exclude(pk=outpost.pk)
        .exists()
    )
    if taken:
        raise ValidationError({"name": gettext("该县已有名为“{name}”的研究机构").format(name=outpost.name)})


@transaction.atomic
def outpost_register(
    *, acting_user: Any, county_code: Any, host_id: Any = None, staff_ids: Any = None, **values: Any
) -> Outpost:
    """Register an outpost. ``values``: name, kind, fields, staff_on_site, partner,
    agreement_signed_on, agreement_years, opened_on, is_public."""
    if not rules.can_register_outpost(acting_user):
        raise PermissionDenied(
            gettext("只有高校、科研院所的单位账号，县（市、区）、地市科技部门和省科技厅可以登记县域研究机构")
        )
    county = inputs.division(county_code, "county", gettext("所在县（市、区）"), levels=["county"])
    if rules.is_bureau(acting_user) and not rules.covers(acting_user, county.code):
        raise ValidationError(
            {
                "county": gettext("{where}不在您的管辖范围内，只能登记本地区的研究机构").format(
                    where=county.full_name
                )
            }
        )
    host = _host(acting_user, host_id)
    outpost = Outpost(county=county, host=host, created_by=acting_user)
    _outpost_values(outpost, {"name": "", "kind": "", "opened_on": None, "staff_on_site": 0, **values})
    outpost.in_east_west_north = is_east_west_north(county.code)
    _outpost_check(outpost)
    people = _people(acting_user, host, staff_ids)
    outpost.full_clean(exclude=["county", "host", "created_by", "staff"])
    outpost.save()
    outpost.staff.set(people)
    return outpost


def _locked(acting_user: Any, outpost_id: Any, version: int | None) -> Outpost:
    pk = _id(outpost_id)
    outpost = (
        Outpost.objects.for_user(acting_user).select_for_update(of=("self",)).filter(pk=pk).first()
        if pk
        else None
    )
    if outpost is None:
        raise PermissionDenied(gettext("找不到该县域研究机构，或您无权修改"))
    if not (rules.covers(acting_user, outpost.county_id) or rules.hosts(acting_user, outpost)):
        raise PermissionDenied(gettext("只有依托单位或所在地科技部门可以修改县域研究机构"))
    version_check(current=outpost.version, expected=version)
    return outpost


@transaction.atomic
def outpost_update(
    *, acting_user: Any, outpost_id: Any, version: int | None = None, staff_ids: Any = None, **values: Any
) -> Outpost:
    """Correct an open outpost. Its county and host stay: one that moves is closed and registered again."""
    outpost = _locked(acting_user, outpost_id, version)
    if outpost.closed_on is not None:
        raise ValidationError(gettext("该机构已于 {date} 撤销，不能再修改").format(date=outpost.closed_on))
    _outpost_values(outpost, values)
    _outpost_check(outpost)
    outpost.full_clean(exclude=["county", "host", "created_by", "staff"])
    if staff_ids is not None:
        outpost.staff.set(_people(acting_user, outpost.host, staff_ids))
    outpost.version += 1
    outpost.save()
    return outpost


@transaction.atomic
def outpost_close(
    *, acting_user: Any, outpost_id: Any, closed_on: Any, version: int | None = None
) -> Outpost:
    outpost = _locked(acting_user, outpost_id, version)
    if outpost.closed_on is not None:
        raise ValidationError(gettext("该机构已于 {date} 撤销").format(date=outpost.closed_on))
    outpost.closed_on = inputs.past_date(
        closed_on,
        "closed_on",
        gettext("撤销日期"),
        earliest=outpost.opened_on,
        earliest_label=gettext("设立日期"),
    )
    outpost.version += 1
    outpost.save(update_fields=["closed_on", "version", "updated_at"])
    return outpost


@transaction.atomic
def outpost_result_record(
    *,
    acting_user: Any,
    outpost_id: Any,
    year: Any,
    demands_solved: Any = 0,
    achievements_transferred: Any = 0,
    people_trained: Any = 0,
    summary: Any = "",
) -> OutpostResult:
    """The host or the bureau records (or corrects) an outpost's year."""
    pk = _id(outpost_id)
    outpost = Outpost.objects.for_user(acting_user).filter(pk=pk).first() if pk else None
    if outpost is None:
        raise PermissionDenied(gettext("找不到该县域研究机构，或您无权查看"))
    if not rules.can_record_result(acting_user, outpost):
        raise PermissionDenied(gettext("只有依托单位或所在地科技部门可以填报年度成效"))
    number = inputs.year(year, "year", gettext("年度"), earliest=outpost.opened_on.year)
    if outpost.closed_on is not None and number > outpost.closed_on.year:
        raise ValidationError({"year": gettext("该机构已于 {date} 撤销").format(date=outpost.closed_on)})
    result = OutpostResult.all_objects.filter(outpost=outpost, year=number).first() or OutpostResult(
        outpost=outpost, year=number
    )
    result.demands_solved = inputs.count(demands_solved, "demands_solved", gettext("解决需求数"), MAX_RESULT)
    result.achievements_transferred = inputs.count(
        achievements_transferred, "achievements_transferred", gettext("转化成果数"), MAX_RESULT
    )
    result.people_trained = inputs.count(people_trained, "people_trained", gettext("培训人数"), MAX_RESULT)
    result.summary = inputs.text(summary, "summary", gettext("年度成效"), 1000)
    result.recorded_by = acting_user
    result.full_clean(exclude=["outpost", "recorded_by"])
    result.save()
    return result


def open_on(day: dt.date) -> Q:
    """Outposts open on the day: opened by then and not closed by then."""
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def outposts_open() -> float:
    """KPI-COUNTY-OUTPOSTS: outposts of universities and institutes open in counties today."""
    return float(Outpost.all_objects.filter(open_on(timezone.localdate())).count())


def outpost_staff_on_site() -> float:
    """A part of KPI-TALENT-SERVING: the researchers on site at the outposts open today."""
    found = Outpost.all_objects.filter(open_on(timezone.localdate())).aggregate(n=Sum("staff_on_site"))
    return float(found["n"] or 0)


# ---- 致富带头人 ------------------------------------------------------------------------------


def _enterprise(uscc: Any) -> Organisation | None:
    """The enterprise, cooperative or family farm on the platform, by its 统一社会信用代码."""
    code = str(uscc or "").strip().upper()[:30]
    if not code:
        return None
    found = Organisation.all_objects.filter(uscc=code, kind__in=ENTERPRISE_KINDS, is_active=True).first()
    if found is None:
        raise ValidationError(
            {
                "enterprise_uscc": gettext(
                    "平台上没有统一社会信用代码为 {code} 的企业、合作社或家庭农场"
                ).format(code=code)
            }
        )
    return found


def _served_place(acting_user: Any, place: Any, field: str) -> None:
    """A commissioner registers leaders and groups where they serve."""
    if rules.is_commissioner(acting_user) and not rules.serves(acting_user, place.code):
        raise ValidationError(
            {
                field: gettext(
                    "{where}不在您派驻服务的县（市、区），只能登记服务地的致富带头人和共同体"
                ).format(where=place.full_name)
            }
        )


def _commissioner_person(user: Any) -> Person | None:
    """The commissioner's own entry in the people register, when their account is linked to one."""
    profile = getattr(user, "expert_profile", None)  # a missing one raises an AttributeError
    return getattr(profile, "person", None)


@transaction.atomic
def leader_register(
    *,
    acting_user: Any,
    consent: Any,
    consent_on: Any,
    name: Any,
    mobile: Any,
    division_code: Any,
    industry: Any,
    enterprise_uscc: Any = "",
    enterprise_name: Any = "",
    note: Any = "",
) -> Leader:
    """A commissioner registers a leader they support. Without the leader's consent (the box ticked and
    the day it was given) nothing is stored."""
    if not rules.can_register_leader(acting_user):
        raise PermissionDenied(gettext("只有科技特派员可以登记其帮扶的致富带头人"))
    if consent is not True:
        raise ValidationError(
            {"consent": gettext("须经本人同意方可登记：请勾选“本人已同意登记其个人信息”并填写同意日期")}
        )
    consent_day = inputs.past_date(consent_on, "consent_on", gettext("同意登记日期"))
    place = inputs.division(division_code, "division", gettext("所在村镇"), levels=["town", "village"])
    _served_place(acting_user, place, "division")
    leader = Leader(
        name=inputs.text(name, "name", gettext("姓名"), 40, required=True, min_length=2),
        mobile=inputs.mobile(mobile),
        division=place,
        industry=inputs.text(industry, "industry", gettext("产业"), 60, required=True),
        enterprise=_enterprise(enterprise_uscc),
        enterprise_name=inputs.text(enterprise_name, "enterprise_name", gettext("企业或合作社名称"), 120),
        consent_on=consent_day,
        commissioner=acting_user,
        commissioner_person=_commissioner_person(acting_user),
        note=inputs.text(note, "note", gettext("帮扶情况"), 500),
    )
    if leader.enterprise is not None and not leader.enterprise_name:
        leader.enterprise_name = leader.enterprise.name
    if Leader.all_objects.filter(mobile=leader.mobile).exists():
        raise ValidationError(
            {"mobile": gettext("手机号码 {m} 的致富带头人已登记").format(m=leader.mobile_masked)}
        )
    leader.full_clean(exclude=["division", "enterprise", "commissioner", "commissioner_person"])
    leader.save()
    return leader


@transaction.atomic
def leader_report(
    *, acting_user: Any, leader_id: Any, year: Any, jobs_created: Any, income_effect: Any, note: Any = ""
) -> LeaderReport:
    """The supporting commissioner reports a leader's year (one report a year; a second corrects it)."""
    pk = _id(leader_id)
    leader = Leader.objects.for_user(acting_user).filter(pk=pk).first() if pk else None
    if leader is None:
        raise PermissionDenied(gettext("找不到该致富带头人，或您无权查看"))
    if not rules.can_report(acting_user, leader):
        raise PermissionDenied(gettext("只有帮扶该带头人的科技特派员可以填报年度成效"))
    number = inputs.year(year, "year", gettext("年度"), earliest=leader.consent_on.year)
    report = LeaderReport.all_objects.filter(leader=leader, year=number).first() or LeaderReport(
        leader=leader, year=number
    )
    report.jobs_created = inputs.count(jobs_created, "jobs_created", gettext("带动就业人数"), MAX_JOBS)
    report.income_effect = amount(income_effect, "income_effect", gettext("带动增收"), maximum=MAX_INCOME)
    report.note = inputs.text(note, "note", gettext("说明"), 500)
    report.recorded_by = acting_user
    report.full_clean(exclude=["leader", "recorded_by"])
    report.save()
    return report


@transaction.atomic
def group_create(
    *,
    acting_user: Any,
    name: Any,
    county_code: Any,
    industry: Any,
    founded_on: Any,
    member_ids: Any = (),
    lead_organisation_id: Any = None,
    lead_commissioner_id: Any = None,
    note: Any = "",
) -> LeaderGroup:
    """Found a 农业科技致富共同体 of leaders the founder can see."""
    if not rules.can_create_group(acting_user):
        raise PermissionDenied(gettext("只有科技特派员、高校和科研院所或省科技厅可以登记农业科技致富共同体"))
    county = inputs.division(county_code, "county", gettext("所在县（市、区）"), levels=["county"])
    _served_place(acting_user, county, "county")
    group = LeaderGroup(
        name=inputs.text(name, "name", gettext("名称"), 120, required=True, min_length=4),
        county=county,
        industry=inputs.text(industry, "industry", gettext("产业"), 60, required=True),
        founded_on=inputs.past_date(founded_on, "founded_on", gettext("成立日期")),
        note=inputs.text(note, "note", gettext("说明"), 500),
        created_by=acting_user,
    )
    if rules.is_commissioner(acting_user):
        group.lead_commissioner = acting_user
    elif rules.host_unit(acting_user):
        group.lead_organisation = acting_user.organisation
    else:  # the province names who leads it
        org_pk, user_pk = _id(lead_organisation_id), _id(lead_commissioner_id)
        if org_pk:
            group.lead_organisation = host_choices().filter(pk=org_pk).first()
            if group.lead_organisation is None:
                raise ValidationError(
                    {"lead_organisation": gettext("牵头单位须是高校、科研院所或新型研发机构")}
                )
        elif user_pk:
            group.lead_commissioner = User.objects.filter(pk=user_pk, role=Role.COMMISSIONER).first()
            if group.lead_commissioner is None:
                raise ValidationError({"lead_commissioner": gettext("牵头人须是科技特派员")})
        else:
            raise ValidationError({"lead_organisation": gettext("请选择牵头单位或牵头科技特派员")})
    if LeaderGroup.all_objects.filter(county=county, name=group.name).exists():
        raise ValidationError({"name": gettext("该县已有名为“{name}”的共同体").format(name=group.name)})
    given = [_id(value) for value in (list(member_ids or [])[:500])]
    ids = [pk for pk in given if pk is not None]
    if len(ids) != len(given):
        raise ValidationError({"members": gettext("成员须从致富带头人中选择")})
    members = list(Leader.objects.for_user(acting_user).filter(pk__in=ids))
    if len(members) != len(set(ids)):
        raise ValidationError({"members": gettext("有成员不是您可查看的致富带头人")})
    group.full_clean(exclude=["county", "lead_commissioner", "lead_organisation", "created_by", "members"])
    group.save()
    group.members.set(members)
    return group


# ---- talent programmes ----------------------------------------------------------------------


@transaction.atomic
def selection_record(
    *, acting_user: Any, person_id: Any, programme: Any, year: Any, county_code: Any = None
) -> TalentSelection:
    """The province records a person's selection by a talent programme and the county they serve."""
    if not rules.can_record_selection(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以登记人才工程入选情况"))
    pk = _id(person_id)
    person = Person.all_objects.filter(pk=pk).first() if pk else None
    if person is None:
        raise ValidationError({"person": gettext("请从人员库中选择入选人员")})
    selection = TalentSelection(
        person=person,
        programme=inputs.text(programme, "programme", gettext("人才工程"), 60, required=True, min_length=2),
        year=inputs.year(year, "year", gettext("入选年度")),
        county=(
            None
            if county_code in (None, "")
            else inputs.division(county_code, "county", gettext("服务县（市、区）"), levels=["county"])
        ),
        recorded_by=acting_user,
    )
    duplicate = TalentSelection.all_objects.filter(
        person=person, programme=selection.programme, year=selection.year
    ).exists()
    if duplicate:
        raise ValidationError(
            {
                "programme": gettext("{name}已登记 {y} 年{p}入选").format(
                    name=person.name, y=selection.year, p=selection.programme
                )
            }
        )
    selection.full_clean(exclude=["person", "county", "recorded_by"])
    selection.save()
    return selection


def selections_in_counties(year: int | None = None) -> float:
    """A part of KPI-TALENT-SERVING: people selected this year by a talent programme who serve a county
    (a person selected by two programmes counts once)."""
    year = year or timezone.localdate().year
    return float(
        TalentSelection.all_objects.filter(year=year, county__isnull=False)
        .values("person")
        .distinct()
        .count()
    )
