"""Demo fieldwork over whatever teams exist: 工作站 for about two thirds of them, and for every serving
member the service logs of the days on site since they started (most on pace for the 1-year rule,
a few behind) — mostly confirmed by the town, the latest few still waiting, one sent back.

Logs are written directly (most demo experts have no account to act as), but every one keeps the
rules: a date inside the member's service and not in the future, a village of the team's town, at
most one day per person per date. A team that already has logs or a workstation is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.core.notifications import notify
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from .fieldwork.models import ON_SITE_DAYS_REQUIRED, Activity, LogStatus, ServiceLog
from .rounds.models import Assignment, AssignmentStatus, Team, Workstation

SEED = 2024_03_15


# What the town asked for (need note and fields) → the subject the logs talk about.
TOPIC_WORDS = [
    ("蜜柚", "蜜柚"),
    ("金柚", "金柚"),
    ("柚", "柚子"),
    ("英红九号", "英红九号红茶"),
    ("单丛", "单丛茶"),
    ("茶", "茶叶"),
    ("虾", "对虾"),
    ("菠萝", "菠萝"),
    ("荔枝", "荔枝"),
    ("陈皮", "陈皮"),
    ("砂仁", "砂仁"),
    ("肉桂", "肉桂"),
    ("土猪", "生猪"),
    ("鱼塘", "鱼塘养殖"),
    ("水稻", "水稻"),
]


FIELD_TOPICS = {
    "种植": "果蔬种植",
    "养殖": "畜禽养殖",
    "水产": "水产养殖",
    "茶叶": "茶叶",
    "农产品加工": "农产品加工",
    "农机装备": "农机装备",
    "信息化与电商": "农村电商",
    "南药": "南药种植",
    "生态环保": "农业面源污染治理",
}


POINTS = {
    "蜜柚": (
        "黄龙病普查与病树清除",
        "春梢管理和保花保果",
        "柑橘木虱统防统治",
        "疏果与套袋",
        "有机肥替代化肥",
    ),
    "金柚": ("保果与疏花", "溃疡病防治", "果园生草栽培", "采后分级与贮藏"),
    "柚子": ("黄龙病防控", "水肥一体化", "修剪与清园"),
    "茶叶": ("茶园冬季修剪", "病虫害绿色防控", "春茶采摘标准", "茶园施肥与土壤改良", "揉捻与发酵工艺"),
    "英红九号红茶": ("萎凋与发酵控制", "茶园绿色防控", "机采茶园管理", "红茶精制拼配"),
    "单丛茶": ("做青工艺", "茶园病虫害防控", "焙火控制"),
    "对虾": ("水质调控", "白斑病防控", "养殖尾水处理", "投喂与增氧管理", "苗种检测"),
    "菠萝": ("催花与壮果", "心腐病防治", "机械化种植", "采后保鲜"),
    "荔枝": ("控梢促花", "保果与防裂果", "荔枝蒂蛀虫防治", "采后预冷与保鲜", "高接换种"),
    "陈皮": ("柑皮晾晒与陈化", "仓储温湿度管理", "新会柑病虫害防治"),
    "砂仁": ("林下种植与授粉", "采收与烘干"),
    "肉桂": ("剥皮与烘干", "桂园病虫害防治"),
    "生猪": ("疫病防控", "粪污资源化利用", "饲料配方"),
    "鱼塘养殖": ("尾水三池两坝治理", "鱼病防治", "增氧与投喂"),
    "水稻": ("机插秧", "病虫害统防统治", "测土配方施肥"),
}


GENERIC_POINTS = ("标准化生产", "病虫害绿色防控", "品牌与包装", "产销对接", "安全用药")


PROBLEMS = ("病虫害", "保果", "施肥", "用药", "销售", "加工", "设备使用")


TEMPLATES = {
    Activity.TRAINING: "在{village}举办{topic}技术培训，讲解{point}，发放技术资料，现场答疑。",
    Activity.GUIDANCE: "到{village}{topic}基地现场指导{point}，帮助农户解决{problem}方面的问题。",
    Activity.INTRODUCTION: "为{village}引进{topic}新品种（新技术），落实试验示范田，讲解{point}要点。",
    Activity.APPLICATION: "协助{village}合作社整理{topic}项目申报材料，梳理{point}相关的建设内容。",
    Activity.PRODUCT: "与{village}加工户研究{topic}产品开发，试制新产品并改进{point}。",
    Activity.DEMONSTRATION: "在{village}示范基地推广{topic}{point}技术，组织周边农户观摩。",
    Activity.CONSULTING: "接待{village}农户上门咨询{topic}{point}问题，逐一解答并跟进。",
}


ACTIVITY_WEIGHTS = [
    (Activity.GUIDANCE, 40),
    (Activity.TRAINING, 18),
    (Activity.CONSULTING, 14),
    (Activity.DEMONSTRATION, 12),
    (Activity.INTRODUCTION, 7),
    (Activity.APPLICATION, 5),
    (Activity.PRODUCT, 4),
]


RETURN_REASONS = (
    "服务村填写有误，当天实际在邻村，请核实后修改",
    "服务情况过于简单，请补充服务对象和解决的问题",
    "当天镇里无该次培训记录，请补充签到表照片",
    "培训人数与签到表不一致，请核实",
)


FACILITIES = (
    "办公室 60 平方米、检测室 1 间、会议室（可容纳 40 人）、示范基地 200 亩",
    "办公室 45 平方米、培训教室 1 间、土壤与农残速测设备、示范基地 120 亩",
    "办公场地 80 平方米、专家宿舍 2 间、加工车间 1 个、示范基地 150 亩",
    "办公室 50 平方米、远程诊断室、无人机 2 台、示范基地 300 亩",
)


HOST_KINDS = ("cooperative", "enterprise", "family_farm", "extension", "government")


def _topics(team: Team) -> list[str]:
    """The subjects of the town's need: 蜜柚 and 茶叶 for "蜜柚黄龙病防控与茶园管理"."""
    note = team.need.note or ""
    found: list[str] = []
    matched: list[str] = []
    for word, topic in TOPIC_WORDS:
        if word in note and not any(word in longer for longer in matched):
            matched.append(word)
            found.append(topic)
    if found:
        return found
    fields = team.need.fields or []
    return [FIELD_TOPICS.get(f, "特色产业") for f in fields[:2]] or ["特色产业"]


def _short(village: Division) -> str:
    """How people say it: 长教村 rather than 长教村委会."""
    return village.name.replace("社区居委会", "社区").replace("村委会", "村").replace("居委会", "社区")


def _reviewer(town_id: str, fallback: User) -> User:
    town_user = User.objects.filter(is_active=True, role="town", division_id=town_id).order_by("pk").first()
    if town_user is not None:
        return town_user
    for county in (
        User.objects.filter(is_active=True, role="county").select_related("division").order_by("pk")
    ):
        if county.division is not None and town_id.startswith(county.division.prefix):
            return county
    return fallback


def _host(town: Division) -> Organisation | None:
    local = Organisation.all_objects.filter(division__startswith=town.prefix)
    for kind in HOST_KINDS:
        found = local.filter(kind=kind).order_by("pk").first()
        if found is not None:
            return found
    return None


def _workstation(rng: random.Random, team: Team, creator: User) -> Workstation:
    town = team.town
    name = f"{town.name}科技特派团工作站"
    existing = Workstation.all_objects.filter(town=town, name=name).first()
    if existing is not None:
        return existing
    host = _host(town)
    county = Division.objects.filter(code=town.code[:6] + "000000").first()
    place = (
        county.name if county is not None and county.code != town.code[:4] + "00000000" else ""
    ) + town.name
    return Workstation.all_objects.create(
        name=name,
        town=town,
        host=host,
        host_name="" if host is not None else f"{town.name}农业综合服务中心",
        address=f"{place}{rng.choice(('人民路', '新城路', '镇府路', '农科路'))} {rng.randint(1, 88)} 号",
        facilities=rng.choice(FACILITIES),
        established_on=team.started_on + dt.timedelta(days=rng.randint(20, 75)),
        created_by=creator,
    )


def _service_days(rng: random.Random, start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """``count`` distinct dates between start and end, mostly working days, in order."""
    span = (end - start).days + 1
    days = [start + dt.timedelta(days=i) for i in range(span)]
    weekdays = [d for d in days if d.weekday() < 5]
    weekend = [d for d in days if d.weekday() >= 5]
    picked = set(rng.sample(weekdays, min(len(weekdays), count - count // 10)))
    picked |= set(rng.sample(weekend, min(len(weekend), count - len(picked))))
    return sorted(picked)


def _log(
    rng: random.Random,
    assignment: Assignment,
    served_on: dt.date,
    villages: list[Division],
    topics: list[str],
) -> ServiceLog:
    activity = rng.choices([a for a, _ in ACTIVITY_WEIGHTS], [w for _, w in ACTIVITY_WEIGHTS])[0]
    village = rng.choice(villages)
    topic = rng.choice(topics)
    point = rng.choice(POINTS.get(topic, GENERIC_POINTS))
    trained = {
        Activity.TRAINING: rng.randint(15, 80),
        Activity.DEMONSTRATION: rng.randint(8, 40),
    }.get(activity, rng.choice((0, 0, 0, 2, 3, 5)))
    solved = {
        Activity.GUIDANCE: rng.randint(1, 4),
        Activity.CONSULTING: rng.randint(1, 3),
    }.get(activity, rng.choice((0, 0, 1, 2)))
    return ServiceLog(
        assignment=assignment,
        served_on=served_on,
        village=village,
        activity=activity,
        days=Decimal("0.5") if rng.random() < 0.15 else Decimal(1),
        people_trained=trained,
        problems_solved=solved,
        description=TEMPLATES[activity].format(
            village=_short(village), topic=topic, point=point, problem=rng.choice(PROBLEMS)
        ),
    )


def _member_logs(
    rng: random.Random, assignment: Assignment, team: Team, villages: list[Division], reviewer: User
) -> list[ServiceLog]:
    today = timezone.localdate()
    start = max(assignment.started_on or team.started_on, team.started_on)
    end = min(today, team.ends_on, assignment.ended_on or today)
    if end <= start:
        return []
    # Most members keep pace with the 1-year-in-3 rule; a few fall behind, so the warnings show.
    elapsed = (end - start).days / max((team.ends_on - team.started_on).days, 1)
    pace = rng.choice((1.15, 1.1, 1.05, 1.0, 1.0, 0.95, 0.9, 0.7, 0.55))
    count = max(5, round(ON_SITE_DAYS_REQUIRED * elapsed * pace / 0.93))
    topics = _topics(team)
    logs = [_log(rng, assignment, day, villages, topics) for day in _service_days(rng, start, end, count)]
    waiting = rng.randint(1, 3)
    returned = len(logs) - waiting - rng.randint(1, 6)
    for index, log in enumerate(logs):
        if index >= len(logs) - waiting:
            continue  # the latest few still wait for the town
        reviewed = min(today, log.served_on + dt.timedelta(days=rng.randint(1, 6)))
        log.reviewed_by = reviewer
        log.reviewed_at = timezone.make_aware(
            dt.datetime.combine(reviewed, dt.time(rng.randint(9, 17), rng.randint(0, 59)))
        )
        if index == returned:
            log.status = LogStatus.RETURNED
            log.return_reason = rng.choice(RETURN_REASONS)
        else:
            log.status = LogStatus.CONFIRMED
    return logs


@transaction.atomic
def demo_fieldwork() -> dict[str, Any]:
    """Workstations and service logs for the teams already formed; returns what it made."""
    creator = User.objects.filter(username="gd_admin").first() or User.objects.filter(role="province").first()
    if creator is None:
        return {"workstations": 0, "logs": 0}
    rng = random.Random(SEED)
    made = {"workstations": 0, "logs": 0}
    teams = list(Team.all_objects.select_related("town", "need", "workstation").order_by("pk"))
    for index, team in enumerate(teams):
        if index % 3 != 2 and team.workstation is None:
            team.workstation = _workstation(rng, team, creator)
            team.save(update_fields=["workstation", "updated_at"])
            made["workstations"] += 1
        if ServiceLog.all_objects.filter(assignment__need_id=team.need_id).exists():
            continue
        villages = list(Division.objects.filter(parent=team.town, level="village").order_by("code"))
        if not villages:
            continue
        # A team works mostly in a handful of villages, not evenly across the town.
        focus = rng.sample(villages, min(len(villages), rng.randint(3, 6)))
        reviewer = _reviewer(team.town_id, creator)
        members = Assignment.all_objects.filter(
            need_id=team.need_id, status=AssignmentStatus.ACCEPTED, published=True
        ).order_by("pk")
        logs: list[ServiceLog] = []
        for assignment in members:
            logs.extend(_member_logs(rng, assignment, team, focus, reviewer))
        ServiceLog.all_objects.bulk_create(logs)
        made["logs"] += len(logs)
        waiting = sum(1 for log in logs if log.status == LogStatus.SUBMITTED)
        if waiting:
            town_users = User.objects.filter(is_active=True, role="town", division_id=team.town_id)
            notify(
                users=town_users,
                title=f"{team.name}有 {waiting} 条服务日志待确认",
                body="请核实科技特派员到村服务的情况，确认后计入在岗天数。",
                url="/commissioners/logs/queue/",
                key=f"demo-fieldwork:{team.pk}",
            )
    return made
