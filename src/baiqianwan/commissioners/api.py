from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from baiqianwan.core.scope import api_scope

from .models import Assignment, DispatchRound, Nomination, TownNeed

router = Router(tags=["科技特派员"])


class RoundOut(Schema):
    id: int
    name: str
    year: int
    status: str
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
    leader: bool
    published: bool


@router.get("/rounds", response=list[RoundOut], openapi_extra=api_scope(DispatchRound), summary="选派批次")
@paginate(PageNumberPagination, page_size=20)
def round_list(request: HttpRequest):
    return DispatchRound.objects.for_user(request.user).order_by("-created_at")


@router.get(
    "/rounds/{round_id}", response=RoundOut, openapi_extra=api_scope(DispatchRound), summary="批次详情"
)
def round_detail(request: HttpRequest, round_id: int) -> DispatchRound:
    found = DispatchRound.objects.for_user(request.user).filter(pk=round_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/needs", response=list[NeedOut], openapi_extra=api_scope(TownNeed), summary="乡镇需求")
@paginate(PageNumberPagination, page_size=50)
def need_list(request: HttpRequest, round_id: int | None = None):
    needs = TownNeed.objects.for_user(request.user).select_related("town")
    return needs.filter(round_id=round_id) if round_id else needs


@router.get(
    "/nominations", response=list[NominationOut], openapi_extra=api_scope(Nomination), summary="候选人"
)
@paginate(PageNumberPagination, page_size=50)
def nomination_list(request: HttpRequest, round_id: int | None = None):
    nominations = Nomination.objects.for_user(request.user).select_related("expert__person", "organisation")
    return nominations.filter(round_id=round_id) if round_id else nominations


@router.get(
    "/assignments", response=list[AssignmentOut], openapi_extra=api_scope(Assignment), summary="派驻安排"
)
@paginate(PageNumberPagination, page_size=50)
def assignment_list(request: HttpRequest, round_id: int | None = None):
    assignments = Assignment.objects.for_user(request.user).select_related(
        "need", "nomination__expert__person"
    )
    return assignments.filter(round_id=round_id) if round_id else assignments
