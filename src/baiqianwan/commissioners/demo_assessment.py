"""Demo yearly assessment and provincial key tasks, over whatever teams the demo already has.

Run after teams are formed and service logs are seeded. Scores are written straight onto the
records (the demo has no account for every sending unit); finalising and the key tasks go
through the services, so grades, the quota and the validation are the real ones.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from baiqianwan.accounts.models import User

from .assessment import selectors as assessment_selectors
from .assessment import services as assessment_services
from .assessment.models import AssessmentRecord, AssessmentScheme, KeyTask, KeyTaskStatus
from .rounds.models import Team

YEAR = 2025


SEED = 2025


UNIT_COMMENTS = {
    "high": (
        "驻点时间长，技术服务成效突出，带动示范户增收明显",
        "主动对接本单位科研力量，引进新品种新技术成效显著",
    ),
    "mid": (
        "按要求完成驻点服务，工作认真负责",
        "服务日志记录完整，技术指导到位",
        "积极参与团队工作，完成年度服务任务",
    ),
    "low": ("驻点时间不足，服务日志缺失较多", "未完成年度服务任务，需加强管理"),
}


HOST_COMMENTS = {
    "high": ("深受群众欢迎，解决了产业关键技术难题", "培训覆盖全镇主要村，产业带动作用明显"),
    "mid": ("服务态度好，能及时回应村民技术需求", "按计划开展培训和现场指导", "与镇村干部配合良好"),
    "low": ("到岗次数少，群众反映联系不上", "技术指导未能满足镇村需求"),
}


# By the town's first field: (title, goals, budget in 万元); the town's name goes in front.
TASKS = {
    "种植": (
        "特色水果绿色高效栽培技术集成与示范",
        ["建立绿色防控示范园 300 亩", "示范园病虫害损失率控制在 5% 以下", "培训果农 500 人次"],
        "60",
    ),
    "茶叶": (
        "茶叶标准化加工与品牌提升",
        ["制定茶叶加工技术规程 1 项", "改造标准化加工车间 2 个", "带动茶农增收 10% 以上"],
        "45",
    ),
    "水产": (
        "对虾健康养殖与尾水生态处理示范",
        ["建设尾水处理示范点 3 个", "养殖成活率提高 15%", "培训养殖户 200 人次"],
        "80",
    ),
    "养殖": (
        "狮头鹅规模化养殖疫病综合防控",
        ["建立防疫示范场 5 个", "雏鹅成活率达 92% 以上", "编写防控技术手册 1 册"],
        "50",
    ),
}


OTHER_TASKS = [
    (
        "科技特派员工作站示范基地建设",
        ["建成示范基地 1 个（100 亩以上）", "引进推广新品种新技术 5 项", "举办现场观摩会 4 场"],
        "35",
    ),
    (
        "特色农产品加工与电商销售能力提升",
        ["开发特色加工产品 3 个", "培育电商经营主体 10 家", "线上销售额增长 20%"],
        "40",
    ),
    (
        "农业废弃物资源化利用技术推广",
        ["建设有机肥堆沤点 4 个", "秸秆综合利用率达 90%", "培训农户 300 人次"],
        "30",
    ),
]


def _score(value: float) -> Decimal:
    return Decimal(str(round(min(100.0, max(0.0, value)), 1)))


def _bases(rng: random.Random, count: int) -> list[tuple[float, str]]:
    """Most 75–92, a few higher, one or two below 60, in a shuffled order."""
    fails = 0 if count < 4 else (1 if count < 15 else 2)
    high = max(1, round(count * 0.12)) if count >= 3 else 0
    bands = ["low"] * fails + ["high"] * high + ["mid"] * (count - fails - high)
    rng.shuffle(bands)
    ranges = {"low": (46.0, 58.0), "high": (93.0, 97.5), "mid": (75.0, 92.0)}
    return [(rng.uniform(*ranges[band]), band) for band in bands]


def _assess(province: User, rng: random.Random) -> AssessmentScheme | None:
    year = YEAR if assessment_selectors.assessable_assignments(YEAR).exists() else timezone.localdate().year
    if (
        AssessmentScheme.all_objects.filter(year=year).exists()
        or not assessment_selectors.assessable_assignments(year).exists()
    ):
        return None
    scheme = assessment_services.assessment_scheme_create(acting_user=province, year=year)
    records = list(AssessmentRecord.all_objects.filter(scheme=scheme).order_by("pk"))
    for record, (base, band) in zip(records, _bases(rng, len(records)), strict=True):
        record.unit_score = _score(base + rng.uniform(-1.0, 3.0))
        record.host_score = _score(base + rng.uniform(-3.0, 1.5))
        record.unit_comment = rng.choice(UNIT_COMMENTS[band])
        record.host_comment = rng.choice(HOST_COMMENTS[band])
        record.save(update_fields=["unit_score", "host_score", "unit_comment", "host_comment", "updated_at"])
    assessment_services.assessment_finalise(acting_user=province, scheme=scheme)
    return scheme


def _task_text(team: Team, index: int) -> tuple[str, list[str], str]:
    """The team's own field for its first task, then the general ones in turn."""
    fields = list(team.need.fields or [])
    own = next((TASKS[f] for f in fields if f in TASKS), None)
    title, goals, budget = own if own and index % 2 == 0 else OTHER_TASKS[index % 3]
    return f"{team.town.name}{title}", goals, budget


def _key_tasks(province: User, rng: random.Random) -> int:
    teams = list(Team.all_objects.select_related("town", "need").order_by("started_on", "pk")[:4])
    if not teams or KeyTask.all_objects.exists():
        return 0
    today = timezone.localdate()
    # The states to show: one overdue, one accepted, the rest under way.
    plan = ["overdue", "accepted", "active", "active"]
    made = 0
    for index, state in enumerate(plan):
        team = teams[index % len(teams)]
        title, goals, budget = _task_text(team, index)
        if state == "overdue":
            ends = today - dt.timedelta(days=45)
            starts = max(team.started_on, ends - dt.timedelta(days=365))
            if ends <= starts:
                starts = ends - dt.timedelta(days=300)
        elif state == "accepted":
            starts = team.started_on
            ends = min(team.ends_on, max(today - dt.timedelta(days=20), starts + dt.timedelta(days=180)))
        else:
            starts = max(team.started_on, today - dt.timedelta(days=120 + 60 * index))
            ends = min(team.ends_on, today + dt.timedelta(days=300))
        # A team formed only weeks ago cannot have a task already past its end: the task is
        # created within the team's term and its dates moved afterwards, to show 逾期.
        backdate = not team.started_on <= starts < ends <= team.ends_on
        task = assessment_services.key_task_create(
            acting_user=province,
            team=team,
            code=f"ZDPZ-{starts.year}-{index + 1:03d}",
            title=title,
            goals="\n".join(goals),
            budget=budget,
            starts_on=team.started_on if backdate else starts,
            ends_on=team.ends_on if backdate else ends,
        )
        if backdate:
            KeyTask.all_objects.filter(pk=task.pk).update(starts_on=starts, ends_on=ends)
        progress = {"overdue": 70, "accepted": 100}.get(state, rng.choice((25, 40, 55)))
        KeyTask.all_objects.filter(pk=task.pk).update(
            progress=progress,
            progress_note={
                "overdue": "示范基地建设完成 210 亩，部分设备到货延迟，已申请延期验收。",
                "accepted": "全部考核指标已完成，验收材料已提交省科技厅。",
            }.get(state, "已完成实施方案编制和示范点选址，开展技术培训 2 场 150 人次。"),
        )
        if state == "accepted":
            task.refresh_from_db()
            assessment_services.key_task_close(acting_user=province, task=task, status=KeyTaskStatus.ACCEPTED)
        made += 1
    return made


def demo_assessment() -> dict[str, int]:
    """A finalised yearly assessment and a handful of key tasks; does nothing a second time."""
    province = User.objects.filter(username="gd_admin").first()
    if province is None:
        return {"assessed": 0, "key_tasks": 0}
    rng = random.Random(SEED)
    scheme = _assess(province, rng)
    return {
        "assessed": scheme.records.count() if scheme else 0,
        "key_tasks": _key_tasks(province, rng),
    }
