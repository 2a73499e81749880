"""This app's part of `bqw demo`, through the services: a pool of 60 experts (their conflicts come
from the platform's records), the optimal assignment, score sheets with a harsh reviewer and a
contested application, the provisional list, a 公示 with one objection answered, the decision and
the register; and a 人才项目 round still in review, where equal scores show the 粤东西北 tie-break
and the demo expert `expert_chen` has tasks waiting."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.demo import FIELDS
from baiqianwan.calls.models import Call
from baiqianwan.calls.selectors import call_type_of
from baiqianwan.core.fakes import make_id_number, make_mobile
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.models import ExpertProfile

from . import services
from .models import AssignmentStatus, ReviewAssignment

REVIEWER_UNITS = [
    "华南农业大学",
    "广东省农业科学院",
    "仲恺农业工程学院",
    "广东省科学院",
    "广东海洋大学",
    "韶关学院",
]
SURNAMES = "陈林黄张李王吴刘蔡杨郑梁谢罗许邓"
GIVEN = ["志远", "海燕", "建国", "晓东", "丽娟", "振华", "文博", "思敏", "国栋", "雪梅", "立新", "慧琳"]


def _reviewer(rng: random.Random, organisation: Organisation, keywords: str, index: int) -> ExpertProfile:
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 5) % len(GIVEN)]
    person = Person.all_objects.create(
        name=name,
        gender=Person.Gender.MALE if index % 3 else Person.Gender.FEMALE,
        id_number=make_id_number(
            rng,
            division_code=organisation.division_id,
            born=dt.date(1966 + index % 20, 3, 1),
            female=not index % 3,
        ),
        mobile=make_mobile(rng),
        organisation=organisation,
        title="研究员" if index % 2 else "教授",
        fields=keywords.replace(" ", "、"),
    )
    return ExpertProfile.all_objects.create(
        person=person,
        keywords=keywords,
        bio=f"{organisation.name}{person.title}，从事{keywords.replace(' ', '、')}研究。",
        home_city_id=organisation.division_id[:4] + "00000000",
    )


def _with_account(expert: ExpertProfile) -> ExpertProfile:
    if expert.user_id is None:
        user = User(
            username=f"reviewer_{expert.pk:04d}",
            display_name=f"{expert.person.name}（评审专家）",
            role=Role.EXPERT,
        )
        user.set_unusable_password()  # reviewers other than expert_chen do not sign in to the demo
        user.save()
        expert.user = user
        expert.save(update_fields=["user"])
    return expert


def demo_pool(rng: random.Random) -> list[ExpertProfile]:
    """The 30 agricultural experts of the library plus 30 engineers across the call's fields."""
    units = {o.name: o for o in Organisation.all_objects.filter(name__in=REVIEWER_UNITS)}
    experts = list(ExpertProfile.all_objects.select_related("person").order_by("pk")[:30])
    for index in range(30):
        field = list(FIELDS)[index % len(FIELDS)]
        unit = units[REVIEWER_UNITS[index % len(REVIEWER_UNITS)]]
        experts.append(_reviewer(rng, unit, FIELDS[field][1], index))
    return [_with_account(e) for e in experts]


def _marks(
    call: Call, quality: float, harshness: float, rng: random.Random
) -> tuple[dict[str, int], dict[str, str]]:
    scores, comments = {}, {}
    for criterion in call_type_of(call).review.rubric:
        value = round(
            max(0, min(criterion.maximum, (quality + harshness + rng.gauss(0, 4)) * criterion.maximum / 100))
        )
        scores[criterion.code] = value
        if criterion.comment_below is not None and value < criterion.comment_below:
            comments[criterion.code] = f"{criterion.label}偏弱：论证不充分，建议补充依据。"
    return scores, comments


def score_all(call: Call, rng: random.Random, *, contested: int | None = None) -> int:
    harshness: dict[int, float] = {}
    quality: dict[int, float] = {}
    done = 0
    tasks = ReviewAssignment.objects.filter(
        application__call=call, status=AssignmentStatus.ASSIGNED
    ).select_related("expert__user")
    for task in tasks.order_by("pk"):
        harsh = harshness.setdefault(task.expert_id, rng.gauss(0, 5))
        base = quality.setdefault(task.application_id, rng.uniform(62, 92))
        if task.application_id == contested and done % 2 == 0:
            harsh = -35  # one reviewer saw it very differently: the spread flags it for the panel
        scores, comments = _marks(call, base, harsh, rng)
        services.sheet_save(
            acting_user=task.expert.user,
            assignment_id=task.pk,
            scores=scores,
            comments=comments,
            overall="同意推荐。" if base + harsh >= 70 else "建议进一步完善后再申报。",
            submit=True,
        )
        done += 1
    return done


def demo_centre_review(rng: random.Random, call: Call, pool: list[ExpertProfile]) -> dict[str, Any]:
    province = User.objects.get(username="gd_admin")
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in pool], capacity=6)
    first = services.assignments_make(acting_user=province, call_id=call.pk)
    # Two experts decline; their places are refilled without moving anyone else.
    for task in ReviewAssignment.objects.filter(application__call=call).order_by("pk")[:2]:
        services.assignment_decline(
            acting_user=task.expert.user, assignment_id=task.pk, reason="评审期间出国访问，无法参加"
        )
    contested = (
        ReviewAssignment.objects.filter(application__call=call)
        .order_by("application_id")
        .values_list("application_id", flat=True)[5]
    )
    sheets = score_all(call, rng, contested=contested)
    chosen = services.provisional_apply(acting_user=province, call_id=call.pk, top=40)
    call = calls.publicity_start(acting_user=province, call_id=call.pk)
    listed = chosen[3].application
    objection = calls.objection_file(
        call_id=call.pk,
        application_id=listed.pk,
        name="梁某",
        contact="13902345678",
        reason=f"反映“{listed.title}”的研发设备清单中包含生产设备，研发设备原值可能虚高，请予核查。",
    )
    calls.objection_answer(
        acting_user=province,
        objection_id=objection.pk,
        answer="经组织专家现场核查，剔除生产设备后研发设备原值仍满足申报条件，异议不成立，维持拟认定结果。",
        upheld=False,
    )
    assert call.publicity_ends is not None
    calls.call_decide(
        acting_user=province,
        call_id=call.pk,
        decision_number="粤科函农字〔2025〕318号",
        today=call.publicity_ends,
    )
    return {"assigned": first.filled, "needed": first.needed, "sheets": sheets, "selected": len(chosen)}


def demo_talent_review(rng: random.Random, call: Call, pool: list[ExpertProfile]) -> int:
    """Reviews in progress: equal marks for two teams show the tie-break; expert_chen has tasks left."""
    province = User.objects.get(username="gd_admin")
    chen = User.objects.filter(username="expert_chen").first()
    members = [e for e in pool if e.person.organisation.kind in ("university", "institute")][:7]
    if chen is not None and hasattr(chen, "expert_profile") and chen.expert_profile not in members:
        members.append(chen.expert_profile)
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in members], capacity=5)
    services.assignments_make(acting_user=province, call_id=call.pk)
    keep = {chen.pk} if chen is not None else set()
    harshness: dict[int, float] = {}
    for task in (
        ReviewAssignment.objects.filter(application__call=call, status=AssignmentStatus.ASSIGNED)
        .select_related("expert__user", "application")
        .order_by("pk")
    ):
        if task.expert.user_id in keep:
            continue
        # Every reviewer gives 82 to the two fruit teams: equal scores, one of them from 粤东西北.
        fruit = task.application.values.get("field") == "岭南水果"
        scores = {c.code: 82 for c in call_type_of(call).review.rubric} if fruit else None
        if scores is None:
            scores, _comments = _marks(
                call, rng.uniform(65, 90), harshness.setdefault(task.expert_id, rng.gauss(0, 4)), rng
            )
        services.sheet_save(
            acting_user=task.expert.user,
            assignment_id=task.pk,
            scores=scores,
            submit=True,
            comments={code: "基层服务记录不足，建议补充。" for code, value in scores.items() if value < 60},
        )
    return ReviewAssignment.objects.filter(application__call=call, expert__user__in=keep).count()


def demo_reviews(rng: random.Random, calls_made: dict[str, Call]) -> dict[str, Any]:
    pool = demo_pool(rng)
    outcome = demo_centre_review(rng, calls_made["centre"], pool)
    outcome["chen_tasks"] = demo_talent_review(rng, calls_made["talent"], pool)
    outcome["experts"] = len(pool)
    return outcome
