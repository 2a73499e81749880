"""This app's part of `bqw demo`, through the services: accepted demands of 40 counties about 20
technical problems; the 2025 大专项 with those 20 tasks, published as a 攻关 call; 60 joint
applications (a university or institute leading, a unit of 粤东西北 taking part), one funded per
task; contracts signed, milestones reported or late (reminded and escalated), one extension, one
termination, one accepted project whose result entered the library and solved its demands; the
cities' matching funds, two of them in arrears; and a 2026 大专项 in preparation, where the
province sees the newest demands grouped by problem."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.demo import desk_user
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus
from baiqianwan.calls.services import PartnerEntry
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from . import services
from .models import Milestone, MilestoneStatus, Programme, Project, ProjectEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (task title, problem, industry, how villages put it — "{c}" is a place's crop name —, cities
# whose counties asked, how many counties)
PROBLEMS = [
    (
        "蜜柚黄龙病绿色防控关键技术",
        "蜜柚黄龙病在梅州、河源、潮州多县蔓延，缺少早期检测和木虱统防统治技术，病树难以及时清除。",
        "FRUIT-POMELO",
        [
            "我村{c}得了黄龙病怎么办",
            "{c}黄龙病防控技术需求",
            "{c}园黄龙病蔓延，求防治和无病苗木",
            "{c}叶片斑驳黄化，疑似黄龙病",
        ],
        ["4414", "4416", "4451"],
        12,
        ["蜜柚", "金柚", "沙田柚", "柚子"],
    ),
    (
        "荔枝霜疫霉病与落果防控技术",
        "荔枝花果期阴雨多，霜疫霉病和生理落果导致减产。",
        "FRUIT-LYCHEE",
        ["{c}霜疫霉病严重", "{c}落果多，怀疑霜疫霉病", "求{c}霜疫霉病防治办法"],
        ["4409", "4408"],
        3,
        ["荔枝", "妃子笑荔枝"],
    ),
    (
        "菠萝黑心病与采后保鲜技术",
        "菠萝采后黑心病和运输损耗大，影响外销。",
        "FRUIT-PINEAPPLE",
        ["{c}黑心病多，保鲜难", "{c}采后保鲜技术需求", "{c}运输损耗大，求保鲜办法"],
        ["4408"],
        2,
        ["菠萝"],
    ),
    (
        "英红九号红茶加工工艺标准化",
        "红茶加工萎凋、发酵工艺不稳定，批次品质差异大。",
        "TEA-BLACK",
        ["{c}加工品质不稳定", "{c}发酵工艺需要指导", "{c}萎凋发酵技术需求"],
        ["4418"],
        2,
        ["英红九号红茶", "红茶"],
    ),
    (
        "单丛茶树病虫害绿色防控",
        "茶园小绿叶蝉和茶饼病危害重，农残要求高。",
        "TEA-DANCONG",
        ["{c}小绿叶蝉危害严重", "{c}茶饼病防控", "{c}病虫害绿色防控需求"],
        ["4451"],
        2,
        ["单丛茶园", "茶园"],
    ),
    (
        "丝苗米优质稻品种与轻简栽培",
        "优质丝苗米品种退化，机插秧配套技术不足。",
        "GRAIN-RICE",
        ["{c}品种退化，求新品种", "{c}机插秧栽培技术", "{c}轻简栽培技术需求"],
        ["4418", "4402"],
        3,
        ["丝苗米", "优质稻"],
    ),
    (
        "罗非鱼链球菌病防控技术",
        "罗非鱼链球菌病高温季节暴发，死亡率高，抗生素使用受限。",
        "AQUA-TILAPIA",
        ["{c}链球菌病死亡多", "{c}高温季节发病，求防控", "{c}链球菌病疫苗需求"],
        ["4408", "4409"],
        3,
        ["罗非鱼"],
    ),
    (
        "对虾白斑综合征与养殖尾水处理",
        "对虾白斑病和养殖尾水处理不达标，制约养殖效益。",
        "AQUA-SHRIMP",
        ["{c}白斑病怎么防", "{c}养殖尾水处理技术", "{c}白斑综合征防控需求"],
        ["4408", "4417"],
        2,
        ["对虾", "南美白对虾"],
    ),
    (
        "狮头鹅高效养殖与疫病防控",
        "狮头鹅养殖周期长，小鹅瘟等疫病防控难。",
        "LIVESTOCK-WATERFOWL",
        ["{c}小鹅瘟防控", "{c}高效养殖技术", "{c}疫病防控需求"],
        ["4405"],
        2,
        ["狮头鹅"],
    ),
    (
        "化橘红规范化种植与加工",
        "化橘红种植不规范，加工品质参差，缺少标准。",
        "HERB-HUAJUHONG",
        ["{c}规范化种植", "{c}加工品质提升", "{c}种植加工技术需求"],
        ["4409"],
        1,
        ["化橘红"],
    ),
    (
        "新会陈皮仓储陈化与品质检测",
        "陈皮仓储霉变、以次充好，缺少年份鉴别方法。",
        "HERB-CHENPI",
        ["{c}仓储霉变", "{c}年份鉴别方法", "{c}品质检测技术"],
        ["4407"],
        1,
        ["陈皮"],
    ),
    (
        "油茶高产品种与低产林改造",
        "油茶低产林面积大，良种和修剪技术推广不足。",
        "FOREST-CAMELLIA",
        ["{c}低产林改造技术", "{c}高产品种需求", "{c}修剪和施肥技术"],
        ["4416", "4418"],
        2,
        ["油茶"],
    ),
    (
        "丘陵山地小型农机装备",
        "丘陵山地机耕难，缺少适用的小型农机。",
        "VEG-FACILITY",
        ["山地{c}机械化难", "{c}小型农机需求", "{c}丘陵地块机耕技术"],
        ["4414", "4402"],
        2,
        ["茶园", "果园"],
    ),
    (
        "砂糖橘黄龙病与溃疡病防控",
        "砂糖橘黄龙病、溃疡病复发，果园改种风险大。",
        "FRUIT-CITRUS",
        ["{c}黄龙病复发", "{c}溃疡病防治", "{c}病害综合防控需求"],
        ["4412", "4418"],
        1,
        ["砂糖橘"],
    ),
    (
        "香蕉枯萎病抗病品种与土壤修复",
        "香蕉枯萎病（巴拿马病）致大面积减产，土壤带菌难以根除。",
        "FRUIT-BANANA",
        ["{c}枯萎病严重", "{c}巴拿马病土壤修复", "{c}抗病品种需求"],
        ["4408", "4409"],
        1,
        ["香蕉"],
    ),
    (
        "火龙果冬季补光与花期调控",
        "火龙果冬季产量低，补光和花期调控技术不成熟。",
        "FRUIT-PITAYA",
        ["{c}冬季补光技术", "{c}花期调控", "{c}反季节生产技术需求"],
        ["4408", "4417"],
        1,
        ["火龙果"],
    ),
    (
        "百香果病毒病防控与脱毒苗",
        "百香果病毒病导致果园寿命短，缺少脱毒种苗。",
        "FRUIT-PASSION",
        ["{c}病毒病严重", "{c}脱毒苗需求", "{c}病毒病防控技术"],
        ["4416", "4414"],
        1,
        ["百香果"],
    ),
    (
        "肉鸽规模化养殖与疫病防控",
        "肉鸽规模养殖疫病多发，饲料成本高。",
        "LIVESTOCK-PIGEON",
        ["{c}疫病多发", "{c}规模化养殖技术", "{c}饲料配方优化"],
        ["4417"],
        1,
        ["肉鸽"],
    ),
    (
        "食用菌工厂化栽培与菌渣利用",
        "食用菌栽培污染率高，菌渣处理难。",
        "VEG-FUNGI",
        ["{c}栽培污染率高", "{c}菌渣综合利用", "{c}工厂化栽培技术"],
        ["4402"],
        1,
        ["香菇", "食用菌"],
    ),
    (
        "客家黄酒酿造工艺提升",
        "客家黄酒酿造依赖经验，品质不稳定。",
        "FRUIT-OTHER",
        ["{c}酿造工艺提升", "{c}品质不稳定", "{c}酿造技术标准化"],
        ["4414"],
        1,
        ["客家黄酒"],
    ),
]

# Leading units (in 广州 and 梅州, whose bureaus have demo accounts) and the 粤东西北 partners.
LEADS = [
    "华南农业大学",
    "广东省农业科学院",
    "仲恺农业工程学院",
    "广东省科学院",
    "嘉应学院",
    "梅州市农林科学院",
    "广东省现代农业装备研究所",
]
PARTNERS = [
    "大埔县湖寮镇蜜柚专业合作社",
    "英德市英红茶业有限公司",
    "徐闻县菠萝产销有限公司",
    "汕头市澄海区狮头鹅养殖专业合作社",
    "大埔县农业技术推广中心",
    "英德市农业技术推广中心",
]


def _city_user(code: str) -> User:
    city = Division.objects.get(code=f"{code[:4]}00000000")
    return User.objects.filter(role=Role.CITY, division=city, is_active=True).order_by(
        "pk"
    ).first() or desk_user(Role.CITY, city)


def _unit_user(organisation: Organisation) -> User:
    found = (
        User.objects.filter(role=Role.ORG, organisation=organisation, is_active=True).order_by("pk").first()
    )
    if found:
        return found
    user = User(
        username=f"unit_{organisation.pk}",
        display_name=f"{organisation.name}科研管理部门",
        role=Role.ORG,
        organisation=organisation,
    )
    user.set_unusable_password()
    user.save()
    return user


def _counties(prefixes: list[str], count: int, used: set[str]) -> list[Division]:
    """Up to `count` counties of the given cities, taken in turn, preferring those no other task
    has drawn from (so that the list spans many counties)."""
    found: list[Division] = []
    for fresh in (True, False):
        pools = [
            [
                c
                for c in Division.objects.filter(level="county", code__startswith=p).order_by("code")
                if (c.code not in used) == fresh and c not in found
            ]
            for p in prefixes
        ]
        while len(found) < count and any(pools):
            for pool in pools:
                if pool and len(found) < count:
                    found.append(pool.pop(0))
    used.update(c.code for c in found)
    return found


def _demands(rng: random.Random, when: dt.datetime) -> list[list[Demand]]:
    """For each problem, an accepted demand from each of its counties, worded as a village would."""
    used: set[str] = set()
    groups = []
    for _title, problem, industry, phrasings, cities, count, crops in PROBLEMS:
        group = []
        for n, county in enumerate(_counties(cities, count, used)):
            desk = desk_user(Role.COUNTY, county)
            crop = crops[n % len(crops)]
            group.append(
                Demand.all_objects.create(
                    title=phrasings[n % len(phrasings)].format(c=crop)[:80],
                    description=f"{county.name}{crop}生产者反映：{problem}希望有专家和成果对接。",
                    division=county,
                    industry_id=industry,
                    submitter_kind="county",
                    submitted_by=desk,
                    contact_name=desk.display_name[:10],
                    contact_phone=f"139{rng.randrange(10**8):08d}",
                    status=DemandStatus.ACCEPTED,
                    submitted_at=when,
                    accepted_at=when + dt.timedelta(days=2),
                    is_public=True,
                    handled_by=desk,
                )
            )
        groups.append(group)
    return groups


def _application(
    call: Call, topic_label: str, lead: Organisation, partner: Organisation, place: Division, n: int
) -> Application:
    user = _unit_user(lead)
    funding = Decimal(120 + 20 * (n % 5))
    application = calls.application_create(
        acting_user=user,
        call_id=call.pk,
        title=f"{topic_label.split(' ', 1)[1][:30]}研究与示范（{lead.name[:6]}）",
        values={
            "topic": topic_label,
            "place": place.code,
            "goals": f"针对{place.name}等地的技术难题，研发并集成示范适用技术，形成可推广的技术规程。",
            "content": "开展关键技术研究、集成示范和技术培训，建立示范基地，培养基层技术骨干。",
            "outcomes": "新技术 2 项，技术规程 1 项，示范面积 1000 亩，培训农户 300 人次。",
            "months": 24,
            "province_funding": str(funding),
            "self_funding": str(funding * Decimal("0.6")),
            "role": "牵头：关键技术研究与集成",
        },
        partners=[PartnerEntry(partner.pk, {"role": "示范基地建设与推广", "partner_funding": "30"})],
    )
    calls.application_attach(
        acting_user=user, application_id=application.pk, spec="plan", name="可行性报告.pdf", data=PDF
    )
    calls.application_submit(acting_user=user, application_id=application.pk)
    calls.application_step(
        acting_user=_city_user(lead.division_id), application_id=application.pk, action="recommend"
    )
    return application


def _contract(project: Project, lead_user: User, province: User) -> None:
    start, end = project.starts_on, project.ends_on
    services.contract_save(
        acting_user=lead_user,
        project_id=project.pk,
        indicators=[
            services.IndicatorRow("新技术", "项", "2"),
            services.IndicatorRow("技术规程", "项", "1"),
            services.IndicatorRow("示范面积", "亩", "1000"),
            services.IndicatorRow("培训农户", "人次", "300"),
        ],
        milestones=[
            services.MilestoneRow(
                "完成关键技术研究方案和基线调查", start + dt.timedelta(days=90), "调查报告"
            ),
            services.MilestoneRow("建成示范基地", start + dt.timedelta(days=270), "示范基地"),
            services.MilestoneRow("中期检查", start + dt.timedelta(days=365), "中期报告"),
            services.MilestoneRow("技术规程定稿并示范推广", end - dt.timedelta(days=60), "技术规程"),
        ],
        budget=[
            services.BudgetRow(start.year, "province", project.province_funding * Decimal("0.6")),
            services.BudgetRow(start.year + 1, "province", project.province_funding * Decimal("0.4")),
            services.BudgetRow(start.year, "self", project.province_funding * Decimal("0.6")),
        ],
    )
    services.contract_submit(acting_user=lead_user, project_id=project.pk)
    services.contract_review(acting_user=province, project_id=project.pk, approve=True)


@transaction.atomic
def demo_projects(rng: random.Random) -> dict[str, int]:
    province = User.objects.get(username="gd_admin")
    now = timezone.now()
    groups = _demands(rng, now - dt.timedelta(days=560))
    programme = services.programme_create(
        acting_user=province,
        year=2025,
        title="2025年度乡村振兴科技攻关大专项",
        province_budget="6000",
        summary="围绕县镇村提出的产业技术难题，按“大专项+任务清单”组织协同攻关，地市按任务落实配套资金。",
    )
    for (title, problem, industry, *_rest), group in zip(PROBLEMS, groups, strict=True):
        services.topic_save(
            acting_user=province,
            programme_id=programme.pk,
            title=title,
            problem=problem,
            budget=str(200 + 20 * (len(group) % 5)),
            industry_id=industry,
            demand_ids=[d.pk for d in group],
        )
    programme = services.programme_publish(
        acting_user=province,
        programme_id=programme.pk,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        guide="本期大专项面向任务清单公开征集攻关团队。牵头单位须联合粤东粤西粤北的企事业单位，或在粤东粤西粤北实施；"
        "自筹资金不低于申请省财政资金的一半。联系人：省科技厅农村科技处。",
    )
    call = programme.call
    assert call is not None
    organisations = {o.name: o for o in Organisation.all_objects.filter(name__in=[*LEADS, *PARTNERS])}
    chosen = []
    for t, (topic, group) in enumerate(zip(programme.topics.order_by("code"), groups, strict=True)):
        for k in range(3):
            n = t * 3 + k
            application = _application(
                call,
                topic.choice_label,
                organisations[LEADS[n % len(LEADS)]],
                organisations[PARTNERS[(t + k) % len(PARTNERS)]],
                group[k % len(group)].division,
                n,
            )
            calls.application_step(acting_user=province, application_id=application.pk, action="accept")
            if k == 0:
                chosen.append(application.pk)
    Application.all_objects.filter(call=call).exclude(pk__in=chosen).update(
        status=ApplicationStatus.NOT_SELECTED
    )
    Application.all_objects.filter(pk__in=chosen).update(status=ApplicationStatus.PROVISIONAL)
    Call.objects.filter(pk=call.pk).update(
        status=CallStatus.PROVISIONAL, closes_at=now - dt.timedelta(days=1)
    )
    call = calls.publicity_start(acting_user=province, call_id=call.pk)
    calls.call_decide(
        acting_user=province,
        call_id=call.pk,
        decision_number="粤科函农字〔2025〕156号",
        today=call.publicity_ends,
    )
    projects = list(
        Project.all_objects.filter(programme=programme).select_related("organisation").order_by("reference")
    )
    # The 2025 projects started in mid-2025: their milestones fall before and after today.
    start = dt.date(2025, 7, 1)
    Project.all_objects.filter(pk__in=[p.pk for p in projects]).update(
        starts_on=start, ends_on=dt.date(2027, 6, 30)
    )
    for project in projects:
        project.refresh_from_db()
        _contract(project, _unit_user(project.organisation), province)
    arrears = _funds(projects)
    _backdate(projects)
    _execution(projects, province, now)
    batch = _acceptance_batch(projects[1:3], province, rng, now)
    reminded = services.projects_tick()
    demo_draft_programme(rng, province, now)
    return {"projects": len(projects), "arrears": arrears, "reminded": reminded.reminded, "batch": batch}


def _acceptance_batch(projects: list[Project], province: User, rng: random.Random, now: dt.datetime) -> int:
    """Two projects finished early and assessed themselves; the province put them in an acceptance
    batch with three experts each, who have scored the first and not yet the second."""
    from baiqianwan.reviews import services as reviews
    from baiqianwan.reviews.models import ReviewAssignment
    from baiqianwan.supply.models import ExpertProfile

    for project in projects:
        lead = _unit_user(project.organisation)
        for milestone in Milestone.objects.filter(project=project, status=MilestoneStatus.PENDING):
            services.milestone_report(
                acting_user=lead,
                project_id=project.pk,
                milestone_id=milestone.pk,
                report=f"{milestone.title}已提前完成。",
            )
        services.acceptance_request(
            acting_user=lead,
            project_id=project.pk,
            achieved={
                i.pk: i.planned * Decimal(rng.choice(["1.0", "1.1", "0.9"])) for i in project.indicators.all()
            },
            summary=f"围绕“{project.topic.title}”完成了任务书规定的研究和示范任务，形成技术规程，在粤东粤北示范推广。",
        )
    call = calls.call_create(
        acting_user=province,
        call_type_code="project_acceptance",
        title="2026年第一批乡村振兴科技攻关项目验收",
        year=2026,
        guide="执行期内提前完成任务、进度节点报告完毕并完成自评的攻关项目，纳入本批次专家验收。专家按任务书考核指标评分，60 分以上为通过。",
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=30),
        reviewers_per_application=3,
    )
    calls.call_publish(acting_user=province, call_id=call.pk)
    services.acceptance_enrol(acting_user=province, project_ids=[p.pk for p in projects], call_id=call.pk)
    calls.call_close(acting_user=province, call_id=call.pk)
    experts = ExpertProfile.all_objects.filter(user__isnull=False).order_by("pk")
    reviews.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=2)
    reviews.assignments_make(acting_user=province, call_id=call.pk)
    first = projects[0].pk
    rubric = ("indicators", "results", "funds", "demonstration")
    tasks = ReviewAssignment.objects.filter(
        application__call=call, application__accepted_project__pk=first
    ).select_related("expert__user")
    for task in tasks.order_by("pk"):
        reviews.sheet_save(
            acting_user=task.expert.user,
            assignment_id=task.pk,
            scores={code: rng.randint(78, 92) for code in rubric},
            overall="考核指标全部完成，示范效果明显，同意通过验收。",
            submit=True,
        )
    return len(projects)


def _backdate(projects: list[Project]) -> None:
    """The decision, contracts and funds of a 2025 programme happened in 2025, not when the demo ran."""
    when = {
        "create": dt.datetime(2025, 6, 20, 10, tzinfo=dt.UTC),
        "contract_submit": dt.datetime(2025, 6, 25, 10, tzinfo=dt.UTC),
        "contract_approve": dt.datetime(2025, 6, 30, 10, tzinfo=dt.UTC),
        "fund_commit": dt.datetime(2025, 8, 15, 10, tzinfo=dt.UTC),
        "fund_pay": dt.datetime(2025, 12, 20, 10, tzinfo=dt.UTC),
    }
    for action, at in when.items():
        ProjectEvent.objects.filter(project__in=projects, action=action).update(at=at)
    Project.all_objects.filter(pk__in=[p.pk for p in projects]).update(
        contract_approved_at=when["contract_approve"]
    )


def _execution(projects: list[Project], province: User, now: dt.datetime) -> None:
    """Most leads report what was due; three are late; one is extended, one terminated, one accepted."""
    today = timezone.localdate()
    for index, project in enumerate(projects):
        lead = _unit_user(project.organisation)
        for milestone in Milestone.objects.filter(project=project, due__lt=today).order_by("due"):
            if index in (3, 8, 14) and milestone.due > today - dt.timedelta(days=200):
                continue  # late: reminded, and after 30 days escalated
            services.milestone_report(
                acting_user=lead,
                project_id=project.pk,
                milestone_id=milestone.pk,
                report=f"{milestone.title}已按计划完成，材料已归档。",
            )
            # Reported on the day it was due, long before this demo was loaded.
            on_time = dt.datetime.combine(milestone.due, dt.time(10), tzinfo=dt.UTC)
            Milestone.objects.filter(pk=milestone.pk).update(reported_at=on_time)
            project.events.filter(action="milestone", note__startswith=milestone.title).update(
                at=on_time, note=milestone.title
            )
    extended, stopped, accepted = projects[5], projects[11], projects[0]
    change = services.change_request(
        acting_user=_unit_user(extended.organisation),
        project_id=extended.pk,
        kind="extension",
        reason="受台风“摩羯”影响，示范基地受损，需延长执行期完成示范。",
        new_end=extended.ends_on + dt.timedelta(days=180),
    )
    services.change_decide(
        acting_user=province, change_id=change.pk, approve=True, note="情况属实，同意延期六个月"
    )
    change = services.change_request(
        acting_user=_unit_user(stopped.organisation),
        project_id=stopped.pk,
        kind="termination",
        reason="合作企业停产，示范无法开展，申请终止并退回结余资金。",
    )
    services.change_decide(
        acting_user=province, change_id=change.pk, approve=True, note="同意终止，结余资金按规定退回"
    )
    lead = _unit_user(accepted.organisation)
    for milestone in Milestone.objects.filter(project=accepted, status=MilestoneStatus.PENDING):
        services.milestone_report(
            acting_user=lead,
            project_id=accepted.pk,
            milestone_id=milestone.pk,
            report=f"{milestone.title}已提前完成。",
        )
    services.acceptance_request(
        acting_user=lead,
        project_id=accepted.pk,
        achieved={i.pk: i.planned * Decimal("1.2") for i in accepted.indicators.all()},
        summary="建立蜜柚黄龙病早期分子检测方法和木虱统防统治模式，在梅州、河源、潮州示范，各项指标全面完成。",
    )
    services.acceptance_decide(
        acting_user=province,
        project_id=accepted.pk,
        result="passed",
        note="专家组一致同意通过验收，建议在粤东粤北推广。",
        achievement_title="蜜柚黄龙病早期检测与木虱统防统治技术",
        achievement_abstract="基于实时荧光定量 PCR 的黄龙病早期检测方法，结合木虱统防统治和健康种苗繁育，"
        "示范区黄龙病新发病率下降 60% 以上。",
    )


def _funds(projects: list[Project]) -> int:
    """The city where each project is carried out commits for 2025 and 2026; 2026 is half paid so
    far, and 湛江 and 茂名 paid only half of what they owed for 2025 (the arrears)."""
    in_arrears = ("4408", "4409")
    for project in projects:
        if project.place_id is None:
            continue
        city = _city_user(project.place_id)
        for year, share in ((2025, Decimal("0.3")), (2026, Decimal("0.2"))):
            fund = services.fund_commit(
                acting_user=city, project_id=project.pk, year=year, committed=project.province_funding * share
            )
            half = year == 2026 or project.place_id[:4] in in_arrears
            paid = (fund.committed / 2).quantize(Decimal("0.01")) if half else fund.committed
            services.fund_pay(acting_user=city, fund_id=fund.pk, paid=paid)
    return len(in_arrears)


def demo_draft_programme(rng: random.Random, province: User, now: dt.datetime) -> Programme:
    """The 2026 list in preparation: new demands wait, grouped by problem, to become its tasks."""
    used: set[str] = set()
    for _title, problem, industry, phrasings, cities, count, crops in PROBLEMS[:6]:
        for n, county in enumerate(_counties(cities, min(count, 4), used)):
            desk = desk_user(Role.COUNTY, county)
            Demand.all_objects.create(
                title=phrasings[(n + 1) % len(phrasings)].format(c=crops[(n + 1) % len(crops)])[:80],
                description=f"2026 年新提出：{problem}",
                division=county,
                industry_id=industry,
                submitter_kind="county",
                submitted_by=desk,
                contact_name=desk.display_name[:10],
                contact_phone=f"137{rng.randrange(10**8):08d}",
                status=DemandStatus.ACCEPTED,
                submitted_at=now - dt.timedelta(days=20),
                accepted_at=now - dt.timedelta(days=18),
                is_public=True,
                handled_by=desk,
            )
    return services.programme_create(
        acting_user=province,
        year=2026,
        title="2026年度乡村振兴科技攻关大专项",
        province_budget="8000",
        summary="编制中：从各县新提出的需求中归并任务。",
    )
