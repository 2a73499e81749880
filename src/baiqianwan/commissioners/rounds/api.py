"""The dispatch round over the API (the same selectors and services as the pages)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query, operation_ids_keep
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404
from baiqianwan.regions.selectors import division_get
from baiqianwan.supply.selectors import expert_get

from . import confirmations, selectors, services
from .forms import RoundPartFilterForm
from .models import Assignment, DispatchRound, Nomination, TownNeed

router = Router(tags=["科技特派员"])


class RoundOut(Schema):
    id: int
    name: str
    year: int
    status: str
    needs_due: date | None
    nominations_due: date | None
    choices_due: date | None
    filled: int | None = None

    @staticmethod
    def resolve_filled(obj: DispatchRound) -> int | None:
        return obj.result.get("filled") if obj.result else None


class NeedOut(Schema):
    id: int
    round_id: int
    town_code: str = Field(alias="town_id")
    town_name: str = Field(alias="town.full_name")
    fields: list[str]
    slots: int
    note: str


class NominationOut(Schema):
    id: int
    round_id: int
    name: str = Field(alias="expert.person.name")
    organisation: str = Field(alias="organisation.name")
    fields: list[str]
    can_lead: bool
    capacity: int
    eligible: bool
    excluded_reason: str


class AssignmentOut(Schema):
    id: int
    round_id: int
    town_code: str = Field(alias="need.town_id")
    commissioner: str = Field(alias="nomination.expert.person.name")
    organisation: str = Field(alias="nomination.organisation.name")
    leader: bool
    published: bool
    status: str
    score: float
    end_reason: str
    confirmed_via: str
    confirmation_note: str


class RoundIn(Schema):
    name: str = Field(min_length=2, max_length=60)
    year: int = Field(ge=2023, le=2035)
    needs_due: date | None = None
    nominations_due: date | None = None
    choices_due: date | None = None
    max_age: int | None = Field(default=None, ge=30, le=75)
    max_per_unit: int | None = Field(default=None, ge=1, le=500)


class NeedIn(Schema):
    town_code: str = Field(min_length=12, max_length=12)
    fields: list[str]
    slots: int = 3
    note: str = ""


class NominationIn(Schema):
    expert_id: int
    fields: list[str]
    capacity: int = 1
    in_station_team: bool = False
    in_sanzhi: bool = False


class RankingIn(Schema):
    nomination_ids: list[int] = Field(description="按志愿顺序排列，第一个为首选")


class PreferenceIn(Schema):
    need_ids: list[int] = Field(description="按志愿顺序排列，第一个为首选")


class SolveIn(Schema):
    objective: str = "max_filled_then_score"
    east_west_north_first: bool = True


class ConstraintIn(Schema):
    nomination_id: int
    kind: str = Field(description="pin 固定安排 / forbid 禁止安排")
    leader: bool = False
    reason: str = ""


class RespondIn(Schema):
    accept: bool
    note: str = ""


class EndIn(Schema):
    status: str = Field(description="withdrawn 本人退出 / recalled 单位召回 / rescinded 省科技厅撤销")
    reason: str


class ConfirmForIn(Schema):
    via: str = Field(default="", description="written 书面确认 / phone 电话确认")
    note: str = Field(default="", description="确认情况，如：6月3日电话联系本人，同意派驻")


class ShortlistOut(Schema):
    nomination_id: int
    name: str
    organisation: str
    total: float
    reasons: list[str]
    town_rank: int | None
    own_rank: int | None


class SolutionOut(Schema):
    filled: int
    score: float
    seconds: float
    explanations: list[dict]
    kept: int | None = None
    added: int | None = None


def _round(request: HttpRequest, round_id: int) -> DispatchRound:
    return found_or_404(selectors.round_get(user=request.user, pk=round_id))


def _assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    return found_or_404(selectors.assignment_get(user=request.user, pk=assignment_id))


@router.get("/rounds", response=list[RoundOut], openapi_extra=api_scope(DispatchRound), summary="选派批次")
@paginate(BoundedPagination, page_size=20)
def round_list(request: HttpRequest):
    return selectors.round_list(user=request.user)


@router.get(
    "/rounds/{round_id}", response=RoundOut, openapi_extra=api_scope(DispatchRound), summary="批次详情"
)
def round_detail(request: HttpRequest, round_id: int) -> DispatchRound:
    return _round(request, round_id)


@router.get("/needs", response=list[NeedOut], openapi_extra=api_scope(TownNeed), summary="乡镇需求")
@paginate(BoundedPagination, page_size=50)
def need_list(request: HttpRequest, filters: Query[filter_query(RoundPartFilterForm)]):  # type: ignore[valid-type]
    return selectors.need_list(user=request.user, **RoundPartFilterForm.strict(filter_data(filters)))


@router.get(
    "/nominations", response=list[NominationOut], openapi_extra=api_scope(Nomination), summary="候选人"
)
@paginate(BoundedPagination, page_size=50)
def nomination_list(request: HttpRequest, filters: Query[filter_query(RoundPartFilterForm)]):  # type: ignore[valid-type]
    return selectors.nomination_list(user=request.user, **RoundPartFilterForm.strict(filter_data(filters)))


@router.get(
    "/assignments", response=list[AssignmentOut], openapi_extra=api_scope(Assignment), summary="派驻安排"
)
@paginate(BoundedPagination, page_size=50)
def assignment_list(request: HttpRequest, filters: Query[filter_query(RoundPartFilterForm)]):  # type: ignore[valid-type]
    return selectors.assignment_list(user=request.user, **RoundPartFilterForm.strict(filter_data(filters)))


@router.post(
    "/rounds", response={201: RoundOut}, openapi_extra=api_scope(DispatchRound), summary="新建选派批次（省）"
)
def round_create(request: HttpRequest, payload: RoundIn) -> tuple[int, DispatchRound]:
    return 201, services.round_create(acting_user=request.user, **payload.dict())


@router.post(
    "/rounds/{round_id}/needs",
    response={201: NeedOut},
    openapi_extra=api_scope(DispatchRound),
    summary="提交乡镇需求",
)
def need_submit(request: HttpRequest, round_id: int, payload: NeedIn) -> tuple[int, TownNeed]:
    dispatch_round = _round(request, round_id)
    town = found_or_404(division_get(code=payload.town_code))
    need = services.need_submit(
        acting_user=request.user,
        dispatch_round=dispatch_round,
        town=town,
        fields=payload.fields,
        slots=payload.slots,
        note=payload.note,
    )
    return 201, need


@router.post(
    "/rounds/{round_id}/nominations",
    response={201: NominationOut},
    openapi_extra=api_scope(DispatchRound),
    summary="推荐候选人",
)
def nominate(request: HttpRequest, round_id: int, payload: NominationIn) -> tuple[int, Nomination]:
    dispatch_round = _round(request, round_id)
    expert = found_or_404(expert_get(user=request.user, pk=payload.expert_id))
    nomination = services.nominate(
        acting_user=request.user,
        dispatch_round=dispatch_round,
        expert=expert,
        fields=payload.fields,
        capacity=payload.capacity,
        in_station_team=payload.in_station_team,
        in_sanzhi=payload.in_sanzhi,
    )
    return 201, nomination


@router.get(
    "/needs/{need_id}/shortlist",
    response=list[ShortlistOut],
    openapi_extra=api_scope(TownNeed),
    summary="候选人短名单（含匹配理由）",
)
def need_shortlist(request: HttpRequest, need_id: int) -> list[dict[str, Any]]:
    need = found_or_404(selectors.need_get(user=request.user, pk=need_id))
    return [
        {
            "nomination_id": p.nomination.pk,
            "name": p.nomination.expert.person.name,
            "organisation": p.nomination.organisation.name,
            "total": p.total,
            "reasons": p.reasons,
            "town_rank": p.town_rank,
            "own_rank": p.own_rank,
        }
        for p in selectors.shortlist(need, top=20)
    ]


@router.post("/needs/{need_id}/ranking", openapi_extra=api_scope(TownNeed), summary="乡镇志愿（双向选择）")
def need_ranking(request: HttpRequest, need_id: int, payload: RankingIn) -> dict[str, Any]:
    need = found_or_404(selectors.need_get(user=request.user, pk=need_id))
    saved = services.town_rank(acting_user=request.user, need=need, nomination_ids=payload.nomination_ids)
    return {"ranking": [r.nomination_id for r in saved]}


@router.post(
    "/nominations/{nomination_id}/preferences",
    openapi_extra=api_scope(Nomination),
    summary="候选人志愿（双向选择）",
)
def nomination_preferences(request: HttpRequest, nomination_id: int, payload: PreferenceIn) -> dict[str, Any]:
    nomination = found_or_404(selectors.nomination_get(user=request.user, pk=nomination_id))
    saved = services.candidate_prefer(
        acting_user=request.user, nomination=nomination, need_ids=payload.need_ids
    )
    return {"preferences": [p.need_id for p in saved]}


@router.post(
    "/needs/{need_id}/constraints", openapi_extra=api_scope(TownNeed), summary="固定或禁止安排（省）"
)
def need_constraint(request: HttpRequest, need_id: int, payload: ConstraintIn) -> dict[str, Any]:
    need = found_or_404(selectors.need_get(user=request.user, pk=need_id))
    nomination = found_or_404(selectors.round_nomination_get(need=need, pk=payload.nomination_id))
    saved = services.constraint_set(
        acting_user=request.user,
        need=need,
        nomination=nomination,
        kind=payload.kind,
        leader=payload.leader,
        reason=payload.reason,
    )
    return {"id": saved.pk, "kind": saved.kind, "leader": saved.leader}


@router.post(
    "/rounds/{round_id}/solve",
    response=SolutionOut,
    openapi_extra=api_scope(DispatchRound),
    summary="求解最优派驻方案（省）",
)
def round_solve(request: HttpRequest, round_id: int, payload: SolveIn) -> dict[str, Any]:
    dispatch_round = _round(request, round_id)
    return services.round_solve(
        acting_user=request.user,
        dispatch_round=dispatch_round,
        objective=payload.objective,
        east_west_north_first=payload.east_west_north_first,
    )


@router.post(
    "/rounds/{round_id}/fill-gaps",
    response=SolutionOut,
    openapi_extra=api_scope(DispatchRound),
    summary="补充选派：只填空缺（省）",
)
def round_fill_gaps(request: HttpRequest, round_id: int) -> dict[str, Any]:
    dispatch_round = _round(request, round_id)
    return services.round_fill_gaps(acting_user=request.user, dispatch_round=dispatch_round)


@router.post(
    "/rounds/{round_id}/publish", openapi_extra=api_scope(DispatchRound), summary="发布派驻方案（省）"
)
def round_publish(request: HttpRequest, round_id: int) -> dict[str, int]:
    dispatch_round = _round(request, round_id)
    return {"published": services.round_publish(acting_user=request.user, dispatch_round=dispatch_round)}


@router.post(
    "/assignments/{assignment_id}/respond",
    response=AssignmentOut,
    openapi_extra=api_scope(Assignment),
    summary="接受或谢绝派驻邀请（本人）",
)
def assignment_respond(request: HttpRequest, assignment_id: int, payload: RespondIn) -> Assignment:
    assignment = _assignment(request, assignment_id)
    return services.assignment_respond(
        acting_user=request.user, assignment=assignment, accept=payload.accept, note=payload.note
    )


@router.post(
    "/assignments/{assignment_id}/end",
    response=AssignmentOut,
    openapi_extra=api_scope(Assignment),
    summary="退出、召回或撤销派驻（须填写原因）",
)
def assignment_end(request: HttpRequest, assignment_id: int, payload: EndIn) -> Assignment:
    assignment = _assignment(request, assignment_id)
    return services.assignment_end(
        acting_user=request.user, assignment=assignment, status=payload.status, reason=payload.reason
    )


@router.get(
    "/assignments/unconfirmed",
    response=list[AssignmentOut],
    openapi_extra=api_scope(Assignment),
    summary="待确认的派驻（本人尚未答复）",
)
@paginate(BoundedPagination, page_size=50)
def assignment_unconfirmed(request: HttpRequest):
    return selectors.unconfirmed_list(user=request.user)


@router.post(
    "/assignments/{assignment_id}/confirm",
    response=AssignmentOut,
    openapi_extra=api_scope(Assignment),
    summary="派出单位代为确认（书面或电话，须说明情况）",
)
def assignment_confirm_for(request: HttpRequest, assignment_id: int, payload: ConfirmForIn) -> Assignment:
    assignment = _assignment(request, assignment_id)
    return confirmations.assignment_confirm_for(
        acting_user=request.user, assignment=assignment, via=payload.via, note=payload.note
    )


@router.post(
    "/assignments/{assignment_id}/remind",
    openapi_extra=api_scope(Assignment),
    summary="提醒尚未确认派驻的科技特派员及其派出单位（省、派出单位；每天一次）",
)
def assignment_remind(request: HttpRequest, assignment_id: int) -> dict[str, int]:
    assignment = found_or_404(selectors.unconfirmed_get(user=request.user, pk=assignment_id))
    return {"reminded": confirmations.confirmation_remind(acting_user=request.user, assignments=[assignment])}


operation_ids_keep(router, "baiqianwan.commissioners.api")
