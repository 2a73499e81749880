"""Demo dispatch: last year's round serving its towns, and this year's round solved but not published.

2024年第一批 formed teams in four towns (湖寮镇 among them, so a demand there shows the team already
in town; 连江口镇 among them, so its town user is told on arrival that it posts no need this year).
Appointees answered on the platform, or, for those who had no account, through their unit by phone
or in writing. One member of 连江口镇's team was transferred; the gap was filled days ago by someone
whose account publishing opened, who has not answered yet and has been reminded (待确认的派驻).
One member of 迈陈镇's team has since withdrawn, which puts the town in the "needs attention" queue.
2025年第二批 has eight towns' needs, candidates from many units (those already serving are flagged,
and the units' pickers say so before nominating; two candidates share a name and are told apart by
their unit), both sides' choices, and the solved plan waiting for the province to adjust and publish:
every team with someone who can lead has its leader, and a team without one says so first.
"""

from __future__ import annotations

import datetime as dt
import random

from baiqianwan.accounts.models import User
from baiqianwan.core.fakes import make_id_number, make_mobile
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from .demo_assessment import demo_assessment
from .demo_fieldwork import demo_fieldwork
from .rounds import confirmations as rounds_confirmations
from .rounds import services as rounds_services
from .rounds.models import AssignmentStatus, ConfirmedVia, DispatchRound, Nomination, TownNeed
from .rounds.selectors import shortlist

PAST_NEEDS = [
    ("441422100000", ["种植", "茶叶"], 3, "蜜柚黄龙病防控与茶园管理"),
    ("440825102000", ["水产", "种植"], 3, "对虾养殖与菠萝种植"),
    ("440981104000", ["种植", "农产品加工"], 3, "荔枝保鲜与加工"),
    ("441881129000", ["茶叶", "信息化与电商"], 3, "英红九号加工与电商销售"),
]


NEEDS = [
    ("441422118000", ["种植"], 2, "金柚保果与疏花"),
    ("440705104000", ["农产品加工", "南药"], 3, "新会陈皮加工与仓储"),
    ("441621102000", ["种植", "茶叶"], 3, "茶园改造与绿色防控"),
    ("445122110000", ["茶叶", "信息化与电商"], 3, "单丛茶加工与网上销售"),
    ("441781105000", ["南药", "种植"], 2, "春砂仁种植"),
    ("445381111000", ["南药", "农机装备"], 2, "肉桂种植与烘干设备"),
    ("441826100000", ["养殖", "生态环保"], 2, "瑶山土猪养殖与粪污处理"),
    ("440705108000", ["水产"], 2, "鱼塘尾水治理与生态养殖"),
]


KEYWORD_FIELDS = [
    ("柚", "种植"),
    ("荔枝", "种植"),
    ("菠萝", "种植"),
    ("香蕉", "种植"),
    ("水稻", "种植"),
    ("茶", "茶叶"),
    ("虾", "水产"),
    ("鱼", "水产"),
    ("养殖", "养殖"),
    ("鹅", "养殖"),
    ("猪", "养殖"),
    ("电商", "信息化与电商"),
    ("智慧", "信息化与电商"),
    ("无人机", "农机装备"),
    ("烘干", "农机装备"),
    ("装备", "农机装备"),
    ("陈皮", "农产品加工"),
    ("加工", "农产品加工"),
    ("保鲜", "农产品加工"),
    ("南药", "南药"),
    ("砂仁", "南药"),
    ("肉桂", "南药"),
    ("污水", "生态环保"),
    ("粪污", "生态环保"),
    ("土壤", "生态环保"),
    ("生态", "生态环保"),
    ("油茶", "种植"),
]


# More candidates from the units that send commissioners (三(六)一是: 高校、院所、企业、农技推广机构).
CANDIDATES = [
    ("华南农业大学", "叶志明", "教授", "荔枝 保鲜 采后处理"),
    ("华南农业大学", "梁淑仪", "副教授", "生猪 养殖 粪污 资源化"),
    ("华南农业大学", "罗国华", "讲师", "农村电商 直播 品牌"),
    ("广东省农业科学院", "钟慧玲", "研究员", "茶树 栽培 绿色防控 茶园"),
    ("广东省农业科学院", "何伟强", "助理研究员", "水稻 栽培 机插秧"),
    ("仲恺农业工程学院", "陈少芬", "副教授", "陈皮 加工 仓储 南药"),
    ("仲恺农业工程学院", "邓振宇", "高级工程师", "农产品 烘干 装备"),
    ("广东海洋大学", "吴锦荣", "教授", "对虾 养殖 病害 尾水"),
    ("广东海洋大学", "林嘉怡", "讲师", "鱼塘 生态 养殖 尾水治理"),
    ("广东省现代农业装备研究所", "黄文彬", "高级工程师", "植保 无人机 智慧农业 装备"),
    ("嘉应学院", "刘雪梅", "副教授", "南药 砂仁 肉桂 种植"),
    ("英德市农业技术推广中心", "张伟明", "高级农艺师", "茶叶 加工 英红九号"),
    ("大埔县农业技术推广中心", "李秀兰", "农艺师", "蜜柚 种植 保果"),
    ("梅州市农林科学院", "曾建国", "研究员", "柚 黄龙病 脱毒 苗木"),
    # The same name as 英德市农业技术推广中心's 张伟明: pickers and plans tell them apart by unit.
    ("华南农业大学", "张伟明", "副教授", "茶叶 加工 品质 电商"),
]


# Put forward in 2024 as well; one of them filled the gap a withdrawal left in 迈陈镇.
SPARES = [("广东海洋大学", "陈海涛", "副教授", "对虾 养殖 水产 病害")]


def _fields(keywords: str) -> list[str]:
    return sorted({field for word, field in KEYWORD_FIELDS if word in keywords})


def _add_candidates(rng: random.Random) -> None:
    for unit, name, title, keywords in [*CANDIDATES, *SPARES]:
        organisation = Organisation.all_objects.filter(name=unit).first()
        if organisation is None or Person.all_objects.filter(name=name, organisation=organisation).exists():
            continue
        person = Person.all_objects.create(
            name=name,
            title=title,
            fields=keywords.replace(" ", "、"),
            id_number=make_id_number(
                rng,
                division_code=organisation.division_id,
                born=dt.date(rng.randint(1970, 1990), rng.randint(1, 12), rng.randint(1, 28)),
                female=name[-1] in "玲仪芬怡梅兰",
            ),
            mobile=make_mobile(rng),
            organisation=organisation,
        )
        ExpertProfile.all_objects.create(
            person=person,
            keywords=keywords,
            bio=f"{unit}{title}，从事{keywords.replace(' ', '、')}工作，愿意下乡服务。",
            home_city_id=organisation.division_id[:4] + "00000000",
        )


def _needs(
    province: User, dispatch_round: DispatchRound, rows: list[tuple[str, list[str], int, str]]
) -> None:
    for code, fields, slots, note in rows:
        town = Division.objects.filter(code=code, level="town").first()
        if town is not None:
            rounds_services.need_submit(
                acting_user=province,
                dispatch_round=dispatch_round,
                town=town,
                fields=fields,
                slots=slots,
                note=note,
            )


def _nominate(province: User, dispatch_round: DispatchRound, experts: list[ExpertProfile]) -> None:
    for expert in experts:
        fields = _fields(expert.keywords)
        if fields:
            rounds_services.nominate(
                acting_user=province,
                dispatch_round=dispatch_round,
                expert=expert,
                fields=fields,
                in_sanzhi=expert.person.name == "罗国华",  # one flagged: already a 三支一扶 member
            )


CONFIRMATIONS = [
    (ConfirmedVia.PHONE, "3月18日电话联系本人，同意派驻，服从团队安排"),
    (ConfirmedVia.WRITTEN, "本人签字的派驻确认回执已交单位存档"),
]


def _answer(dispatch_round: DispatchRound, had_account: set[int]) -> None:
    """Those who had an account accepted on the platform; for those whose account publishing opened,
    the unit confirmed by phone or in writing where it has an operator on the platform."""
    assignments = dispatch_round.assignments.select_related("nomination__expert__user").order_by("pk")
    for index, assignment in enumerate(assignments):
        expert = assignment.nomination.expert
        unit = User.objects.filter(role="org", organisation_id=assignment.nomination.organisation_id).first()
        if expert.pk not in had_account and unit is not None:
            via, note = CONFIRMATIONS[index % len(CONFIRMATIONS)]
            rounds_confirmations.assignment_confirm_for(
                acting_user=unit, assignment=assignment, via=via, note=note
            )
        else:
            rounds_services.assignment_respond(acting_user=expert.user, assignment=assignment, accept=True)


def _fill_the_gap(province: User, dispatch_round: DispatchRound) -> None:
    """The gap is filled and published days ago; the newcomer has not answered (reminded once)."""
    rounds_services.round_fill_gaps(acting_user=province, dispatch_round=dispatch_round)
    if dispatch_round.assignments.filter(status=AssignmentStatus.PROPOSED).exists():
        today = dt.date.today()
        rounds_services.round_publish(
            acting_user=province, dispatch_round=dispatch_round, on=today - dt.timedelta(days=5)
        )
        rounds_confirmations.confirmation_remind(today=today - dt.timedelta(days=1), after_days=3)


def _withdraw(dispatch_round: DispatchRound, town_code: str, reason: str) -> None:
    leaving = (
        dispatch_round.assignments.filter(
            need__town_id=town_code, leader=False, status=AssignmentStatus.ACCEPTED
        )
        .select_related("nomination__expert__user")
        .order_by("pk")
        .first()
    )
    if leaving is not None and leaving.nomination.expert.user is not None:
        rounds_services.assignment_end(
            acting_user=leaving.nomination.expert.user,
            assignment=leaving,
            status=AssignmentStatus.WITHDRAWN,
            reason=reason,
        )


def demo_dispatch() -> None:
    province = User.objects.filter(username="gd_admin").first()
    if province is None or DispatchRound.all_objects.exists():
        return
    rng = random.Random(2024)
    _add_candidates(rng)
    experts = list(ExpertProfile.all_objects.select_related("person", "person__organisation").order_by("pk"))
    commissioner = User.objects.filter(username="commissioner_li").first()

    # Last year: the commissioner account and every other expert go out; all accept.
    past = rounds_services.round_create(
        acting_user=province,
        name="2024年第一批",
        year=2024,
        needs_due=dt.date(2024, 1, 31),
        nominations_due=dt.date(2024, 2, 15),
        choices_due=dt.date(2024, 2, 29),
    )
    _needs(province, past, PAST_NEEDS)
    first_wave = [
        e for i, e in enumerate(experts) if i % 2 == 0 or (commissioner and e.user_id == commissioner.pk)
    ]
    spares = [
        e for e in experts if (e.person.organisation.name, e.person.name) in {(u, n) for u, n, _, _ in SPARES}
    ]
    _nominate(province, past, [*first_wave, *(e for e in spares if e not in first_wave)])
    had_account = {e.pk for e in experts if e.user_id is not None}
    rounds_services.round_solve(acting_user=province, dispatch_round=past)
    rounds_services.round_publish(acting_user=province, dispatch_round=past, on=dt.date(2024, 3, 15))
    _answer(past, had_account)
    # One member of 英德市连江口镇's team has since been transferred.
    leaver = (
        past.assignments.filter(need__town_id="441881129000", leader=False)
        .select_related("nomination__expert__user")
        .first()
    )
    if leaver is not None:
        rounds_services.assignment_end(
            acting_user=province,
            assignment=leaver,
            status=AssignmentStatus.RESCINDED,
            reason="本人工作调动，经派出单位申请撤销派驻",
        )
    _fill_the_gap(province, past)
    # And one member of 迈陈镇's team has just withdrawn: a gap for the queue.
    _withdraw(past, "440825102000", "调往省外工作，申请退出")

    # This year: every expert is put forward; those serving since 2024 are flagged by the check.
    today = dt.date.today()
    current = rounds_services.round_create(
        acting_user=province,
        name="2025年第二批",
        year=2025,
        needs_due=today + dt.timedelta(days=14),
        nominations_due=today + dt.timedelta(days=21),
        choices_due=today + dt.timedelta(days=30),
    )
    _needs(province, current, NEEDS)
    _nominate(province, current, experts)
    # 双向选择: two towns rank their shortlists, and candidates state where they would go.
    for need in TownNeed.all_objects.filter(round=current, town_id__in=["440705104000", "445122110000"]):
        picks = [p.nomination.pk for p in shortlist(need, top=3)]
        rounds_services.town_rank(acting_user=province, need=need, nomination_ids=picks[::-1])
    for nomination in Nomination.all_objects.filter(round=current, excluded_reason="").order_by("pk"):
        speaker = nomination.expert.user or User.objects.filter(organisation=nomination.organisation).first()
        fitting = [n.pk for n in current.needs.order_by("town_id") if set(n.fields) & set(nomination.fields)]
        if speaker is not None and fitting:
            rounds_services.candidate_prefer(acting_user=speaker, nomination=nomination, need_ids=fitting[:2])
    rounds_services.round_solve(acting_user=province, dispatch_round=current)
    # Last year's teams have been at work: workstations, service logs, the year's assessment.
    demo_fieldwork()
    demo_assessment()
