"""The positive side of the scope matrix: every API operation, discovered from the OpenAPI schema,
gives a user inside the scope what test_scope_matrix.py keeps from the user outside it.

For each operation a role bound on side A (梅州) — the one the platform means to do it — reads or
writes side A's record of the operation's ``x-scope-model``: a detail answers 200 with that record's
id, a list contains it, a write succeeds or is refused for a business reason named in
``BUSINESS_REFUSALS`` (never 401, 403 or 404). An operation that cannot be exercised this way is
listed in ``NOT_EXERCISED`` with the reason; a new operation in neither fails the suite.

The records are made once for the module (``module_world``); each test runs in a savepoint, so a
write in one test is gone before the next."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.roles import Role
from baiqianwan.accounts.services import api_token_create

from ..conftest import A
from .test_scope_matrix import CREATE_PAYLOADS, PARAM, WRITE_PAYLOADS, _ids, _records, operations

OPERATIONS = {f"{method} {path}": operation for method, path, operation in operations()}

# Who, on side A, performs each kind of operation: the most local role the platform gives it to.
ACTOR_BY_MODEL: dict[str, Role] = {
    "public": Role.TOWN,
    "self": Role.TOWN,
    "orgs.Organisation": Role.TOWN,
    "orgs.Person": Role.TOWN,
    "accounts.User": Role.COUNTY,
    "core.Job": Role.TOWN,
    "core.AuditEvent": Role.AUDIT_ADMIN,
    "auditlog.LogEntry": Role.AUDIT_ADMIN,
    "demands.Demand": Role.COUNTY,
    "demands.Connection": Role.COUNTY,
    "supply.Achievement": Role.ORG,
    "supply.ExpertProfile": Role.ORG,
    "plan.ProgressReport": Role.CITY,
    "commissioners.DispatchRound": Role.PROVINCE,
    "commissioners.TownNeed": Role.TOWN,
    "commissioners.Nomination": Role.ORG,
    "commissioners.Assignment": Role.COUNTY,
    "commissioners.AssessmentScheme": Role.PROVINCE,
    "commissioners.AssessmentRecord": Role.COUNTY,
    "commissioners.KeyTask": Role.COUNTY,
    "commissioners.Team": Role.COUNTY,
    "commissioners.Workstation": Role.TOWN,
    "commissioners.ServiceLog": Role.COUNTY,
    "indicators.Submission": Role.COUNTY,
    "indicators.SystemVersion": Role.PROVINCE,
    "regions.Division": Role.COUNTY,
    "calls.Application": Role.COUNTY,
    "calls.Call": Role.TOWN,
    "calls.Objection": Role.PROVINCE,
    "reviews.ReviewAssignment": Role.EXPERT,
    "projects.Programme": Role.TOWN,
    "projects.Project": Role.ORG,
    "projects.MatchingFund": Role.CITY,
    "projects.ChangeRequest": Role.PROVINCE,
    "towns.InnovativeTown": Role.TOWN,
    "towns.TownPair": Role.TOWN,
    "market.Listing": Role.ORG,
    "market.Enquiry": Role.ORG,
    "market.Deal": Role.ORG,
    "finance.CreditProduct": Role.TOWN,
    "finance.LoanApplication": Role.ORG,
    "finance.Loan": Role.COUNTY,
    "finance.CompensationClaim": Role.COUNTY,
    "market.DiligenceCase": Role.ORG,
    "market.TransferEvent": Role.ORG,
    # Every business user reads a public sub-fund; the bureaus of the enterprise's region its
    # investments; the city the enterprises it recommended; the county its stations.
    "finance.SubFund": Role.TOWN,
    "finance.Investment": Role.COUNTY,
    "finance.ReserveEnterprise": Role.CITY,
    "finance.ServiceStation": Role.COUNTY,
    # The county bureau registers and edits the outposts of its county and reads the selections of
    # people serving it; the commissioner registers the leaders they support and founds groups.
    "talent.Outpost": Role.COUNTY,
    "talent.Leader": Role.COMMISSIONER,
    "talent.LeaderGroup": Role.COMMISSIONER,
    "talent.TalentSelection": Role.COUNTY,
    # 科普 events are reported by the county where they were held; teacher courses kept by the city
    # bureau that organised them, with their trainees; every business user reads the 智库's public
    # members, reports and seminars, which the province keeps (ACTOR_BY_OPERATION).
    "outreach.OutreachEvent": Role.COUNTY,
    "outreach.TeacherCourse": Role.CITY,
    "outreach.Trainee": Role.CITY,
    "outreach.ThinkTankMember": Role.TOWN,
    "outreach.ResearchReport": Role.TOWN,
    "outreach.Seminar": Role.TOWN,
    # A case is written by the county bureau of its place; commendations and policies are the
    # province's to write and publish (ACTOR_BY_OPERATION has the province's review of a case).
    "outreach.ShowcaseCase": Role.COUNTY,
    "outreach.Commendation": Role.PROVINCE,
    "outreach.PolicyDocument": Role.PROVINCE,
}
# Where one operation of a model is another role's business.
ACTOR_BY_OPERATION: dict[str, Role] = {
    "PATCH /api/v1/orgs/organisations/{organisation_id}": Role.COUNTY,
    "POST /api/v1/orgs/organisations": Role.COUNTY,
    "POST /api/v1/orgs/people": Role.COUNTY,
    "POST /api/v1/accounts/users/{user_id}/2fa/reset": Role.SECURITY_ADMIN,
    "POST /api/v1/commissioners/rounds/{round_id}/needs": Role.TOWN,
    "POST /api/v1/commissioners/needs/{need_id}/constraints": Role.PROVINCE,
    "POST /api/v1/commissioners/assignments/{assignment_id}/respond": Role.EXPERT,
    "POST /api/v1/commissioners/assignments/{assignment_id}/confirm": Role.ORG,
    "POST /api/v1/commissioners/assignments/{assignment_id}/end": Role.PROVINCE,
    "POST /api/v1/commissioners/assignments/{assignment_id}/remind": Role.PROVINCE,
    "POST /api/v1/commissioners/key-tasks": Role.PROVINCE,
    "POST /api/v1/commissioners/logs": Role.EXPERT,
    "PATCH /api/v1/commissioners/logs/{log_id}": Role.EXPERT,
    "POST /api/v1/commissioners/logs/{log_id}/photos": Role.EXPERT,
    "POST /api/v1/calls": Role.PROVINCE,
    "POST /api/v1/calls/types": Role.PROVINCE,
    "POST /api/v1/calls/{call_id}/steps": Role.PROVINCE,
    "GET /api/v1/reviews/calls/{call_id}/pool": Role.PROVINCE,
    "POST /api/v1/reviews/calls/{call_id}/pool": Role.PROVINCE,
    "GET /api/v1/reviews/calls/{call_id}/pool/candidates": Role.PROVINCE,
    "POST /api/v1/reviews/calls/{call_id}/assignments": Role.PROVINCE,
    "GET /api/v1/reviews/calls/{call_id}/rounds": Role.PROVINCE,
    "GET /api/v1/reviews/calls/{call_id}/reviewers": Role.PROVINCE,
    "GET /api/v1/reviews/calls/{call_id}/conflicts": Role.PROVINCE,
    "GET /api/v1/reviews/calls/{call_id}/results": Role.PROVINCE,
    "POST /api/v1/reviews/calls/{call_id}/provisional": Role.PROVINCE,
    "POST /api/v1/calls/{call_id}/decision": Role.PROVINCE,
    "POST /api/v1/publicity/cases/{case_id}/review": Role.PROVINCE,
    "POST /api/v1/publicity/cases/{case_id}/withdraw": Role.PROVINCE,
    "GET /api/v1/calls/{call_id}/objections": Role.PROVINCE,
    "POST /api/v1/calls/applications": Role.ORG,
    "PATCH /api/v1/calls/applications/{application_id}": Role.ORG,
    "POST /api/v1/calls/applications/{application_id}/submit": Role.ORG,
    "POST /api/v1/calls/applications/{application_id}/attachments": Role.ORG,
    "POST /api/v1/projects/programmes": Role.PROVINCE,
    "GET /api/v1/projects/programmes/{programme_id}/candidates": Role.PROVINCE,
    "POST /api/v1/projects/programmes/{programme_id}/topics": Role.PROVINCE,
    "POST /api/v1/projects/programmes/{programme_id}/publish": Role.PROVINCE,
    "POST /api/v1/projects/{project_id}/contract/review": Role.PROVINCE,
    "POST /api/v1/projects/{project_id}/funds": Role.CITY,
    "POST /api/v1/projects/{project_id}/acceptance/decision": Role.PROVINCE,
    "POST /api/v1/projects/acceptance/enrol": Role.PROVINCE,
    "POST /api/v1/projects/{project_id}/acceptance/withdraw": Role.PROVINCE,
    "POST /api/v1/towns": Role.PROVINCE,
    "POST /api/v1/towns/{town_id}/status": Role.PROVINCE,
    "POST /api/v1/towns/{town_id}/reviews": Role.PROVINCE,
    "POST /api/v1/towns/pairs": Role.PROVINCE,
    "POST /api/v1/towns/pairs/proposal": Role.PROVINCE,
    "POST /api/v1/finance/ratios": Role.PROVINCE,
    "POST /api/v1/finance/products": Role.PROVINCE,
    "PATCH /api/v1/finance/products/{product_id}": Role.PROVINCE,
    "POST /api/v1/finance/products/{product_id}/publish": Role.PROVINCE,
    "POST /api/v1/finance/products/{product_id}/close": Role.PROVINCE,
    "POST /api/v1/finance/claims/{claim_id}/decide": Role.PROVINCE,
    "POST /api/v1/finance/claims/{claim_id}/pay": Role.PROVINCE,
    # The province registers and edits sub-funds, and may enter or correct a manager's investment
    # (the fixture's unit account is a cooperative, not a fund manager: tests/finance/funds).
    "POST /api/v1/finance/funds": Role.PROVINCE,
    "PATCH /api/v1/finance/funds/{fund_id}": Role.PROVINCE,
    "POST /api/v1/finance/funds/investments": Role.PROVINCE,
    "PATCH /api/v1/finance/funds/investments/{investment_id}": Role.PROVINCE,
    # Only the province records talent-programme selections.
    "POST /api/v1/talent/selections": Role.PROVINCE,
    "POST /api/v1/outreach/members": Role.PROVINCE,
    "PATCH /api/v1/outreach/members/{member_id}": Role.PROVINCE,
    "POST /api/v1/outreach/members/{member_id}/invite": Role.PROVINCE,
    "POST /api/v1/outreach/reports": Role.PROVINCE,
    "PATCH /api/v1/outreach/reports/{report_id}": Role.PROVINCE,
    "POST /api/v1/outreach/reports/{report_id}/file": Role.PROVINCE,
    "POST /api/v1/outreach/seminars": Role.PROVINCE,
    "PATCH /api/v1/outreach/seminars/{seminar_id}": Role.PROVINCE,
}


def _invited(world: dict[str, Any]) -> None:
    """Side A's appointment published and waiting for the expert's answer."""
    assignment = _side_a("commissioners.Assignment", world)
    type(assignment).all_objects.filter(pk=assignment.pk).update(published=True, status="invited")


def _serving(world: dict[str, Any]) -> None:
    """Side A's appointment accepted and serving (its service logs can be written)."""
    assignment = _side_a("commissioners.Assignment", world)
    type(assignment).all_objects.filter(pk=assignment.pk).update(published=True, status="accepted")


def _without_logs(world: dict[str, Any]) -> None:
    """Side A's round holds only a plan (the fixture's service logs would pin its assignments)."""
    from baiqianwan.commissioners.models import ServiceLog

    ServiceLog.all_objects.filter(assignment__round=_side_a("commissioners.DispatchRound", world)).delete()


def _case_submitted(world: dict[str, Any]) -> None:
    """Side A's case waits for the province's review."""
    case = _side_a("outreach.ShowcaseCase", world)
    type(case).all_objects.filter(pk=case.pk).update(status="submitted")


def _case_published(world: dict[str, Any]) -> None:
    case = _side_a("outreach.ShowcaseCase", world)
    type(case).all_objects.filter(pk=case.pk).update(status="published", is_published=True)


# What side A's records need before an operation applies to them.
PREPARE: dict[str, Callable[[dict[str, Any]], None]] = {
    "GET /api/v1/commissioners/assignments/unconfirmed": _invited,
    "GET /api/v1/commissioners/assignments/{assignment_id}/letter.pdf": _invited,
    "GET /api/v1/commissioners/assignments/{assignment_id}/agreement.pdf": _invited,
    "POST /api/v1/commissioners/assignments/{assignment_id}/respond": _invited,
    "POST /api/v1/commissioners/assignments/{assignment_id}/confirm": _invited,
    "POST /api/v1/commissioners/assignments/{assignment_id}/remind": _invited,
    "POST /api/v1/commissioners/assignments/{assignment_id}/end": _serving,
    "POST /api/v1/commissioners/logs": _serving,
    "PATCH /api/v1/commissioners/logs/{log_id}": _serving,
    "POST /api/v1/commissioners/logs/{log_id}/photos": _serving,
    "POST /api/v1/commissioners/rounds/{round_id}/solve": _without_logs,
    "POST /api/v1/publicity/cases/{case_id}/review": _case_submitted,
    "POST /api/v1/publicity/cases/{case_id}/withdraw": _case_published,
}

# Writes the platform refuses in this state of side A's records, for a reason of the business
# rather than of scope: (status, the fields the refusal names). A refusal of the request's form
# names the request's fields; these name the record's.
BUSINESS_REFUSALS: dict[str, tuple[int, set[str]]] = {
    # Side A's user has no authenticator to reset.
    "POST /api/v1/accounts/users/{user_id}/2fa/reset": (422, {""}),
    # The town already asked for commissioners in this round.
    "POST /api/v1/commissioners/rounds/{round_id}/needs": (422, {"town"}),
    # Filling gaps applies to a published round, publishing to a solved one.
    "POST /api/v1/commissioners/rounds/{round_id}/fill-gaps": (422, {""}),
    "POST /api/v1/commissioners/rounds/{round_id}/publish": (422, {""}),
    # The new leader must be a member of the team; side A's proposal is not accepted yet.
    "POST /api/v1/commissioners/teams/{team_id}/leader": (422, {"assignment"}),
    # The fixture's workstation has no host unit, which any change must name.
    "PATCH /api/v1/commissioners/workstations/{workstation_id}": (422, {"host_name"}),
    # A demand under triage is not open to connections yet.
    "POST /api/v1/demands/{demand_id}/connections": (422, {""}),
    # Side A's town report is already waiting for the county: not changed, not sent twice, and
    # only an approved one can be withdrawn.
    "POST /api/v1/indicators/submissions": (422, {""}),
    "POST /api/v1/indicators/submissions/{submission_id}/submit": (422, {""}),
    "POST /api/v1/indicators/submissions/{submission_id}/unapprove": (422, {""}),
    # Side A's application is submitted: no longer changed, sent twice or given new files.
    "PATCH /api/v1/calls/applications/{application_id}": (422, {""}),
    "POST /api/v1/calls/applications/{application_id}/submit": (422, {""}),
    "POST /api/v1/calls/applications/{application_id}/attachments": (422, {"file"}),
    # Side A's call is open for applications: already published, not yet reviewed or in 公示.
    "POST /api/v1/calls/{call_id}/decision": (422, {""}),
    "POST /api/v1/calls/{call_id}/objections": (422, {""}),
    # Side A's call is still open: reviewers are assigned and results chosen after it closes,
    # and a task's sheet is written while the call is in review.
    "POST /api/v1/reviews/calls/{call_id}/assignments": (422, {""}),
    "POST /api/v1/reviews/calls/{call_id}/provisional": (422, {""}),
    "POST /api/v1/reviews/tasks/{assignment_id}/sheet": (422, {""}),
    # Side A's 大专项 is published: its task list is fixed. Side A's project is under way: its
    # contract is signed, not submitted or reviewed again; a change is already waiting; it is not
    # in acceptance.
    "POST /api/v1/projects/programmes/{programme_id}/topics": (422, {""}),
    "POST /api/v1/projects/programmes/{programme_id}/publish": (422, {""}),
    "PUT /api/v1/projects/{project_id}/contract": (422, {""}),
    "POST /api/v1/projects/{project_id}/contract/submit": (422, {""}),
    "POST /api/v1/projects/{project_id}/contract/review": (422, {""}),
    "POST /api/v1/projects/{project_id}/changes": (422, {""}),
    "POST /api/v1/projects/{project_id}/acceptance/decision": (422, {""}),
    # Side A's 大专项 call is an application call, not an acceptance batch.
    "POST /api/v1/projects/acceptance/enrol": (422, {"call"}),
    # Side A's project is not in an acceptance batch.
    "POST /api/v1/projects/{project_id}/acceptance/withdraw": (422, {""}),
    # Every town of the fixture is already paired: a new pair of them would exceed their one place.
    "POST /api/v1/towns/pairs": (422, {"pairs"}),
    # The fixture's towns have no acceptance scoring for the year.
    "POST /api/v1/towns/{town_id}/reviews": (422, {"year"}),
    # A unit does not enquire about its own listing (side A's listing is org_a's draft).
    "POST /api/v1/market/enquiries": (422, {"listing"}),
    # Side A's product is on offer already; its unit's application to it is waiting for the bank;
    # side A's claim waits for the province's decision, so it cannot be paid yet.
    "POST /api/v1/finance/products/{product_id}/publish": (422, {""}),
    "POST /api/v1/finance/applications": (422, {"product"}),
    "POST /api/v1/finance/claims/{claim_id}/pay": (422, {""}),
    # Side A's unit is a cooperative: 尽职免责 cases are filed by universities, institutes and new
    # R&D organisations. Its case is a draft, which the committee cannot decide before it is submitted.
    "POST /api/v1/market/diligence": (422, {"unit"}),
    "POST /api/v1/market/diligence/{case_id}/decide": (422, {""}),
    # Uploads are multipart: a JSON body carries no file (tests/outreach send the sheet and the PDF).
    "POST /api/v1/outreach/courses/{course_id}/trainees/import": (422, {"file"}),
    "POST /api/v1/outreach/reports/{report_id}/file": (422, {"file"}),
    "POST /api/v1/publicity/cases/{case_id}/photos": (422, {"image"}),
    # The fixture has no accepted project to commend.
    "POST /api/v1/publicity/commendations/{commendation_id}/fill": (422, {"source"}),
    # Its milestone is not reported yet, so it cannot ask for acceptance.
    "POST /api/v1/projects/{project_id}/acceptance": (422, {""}),
}

# Operations this test does not exercise, each with the reason.
NOT_EXERCISED: dict[str, str] = {
    # Results exist only once a whole indicator system's reports are approved and computed;
    # tests/indicators/test_results.py (scorecards within the region, map by county and city,
    # rankings) and tests/indicators/test_acceptance.py read them inside the scope.
    "GET /api/v1/indicators/results/rankings": "no computed results in the shared fixture",
    "GET /api/v1/indicators/results/map": "no computed results in the shared fixture",
    "GET /api/v1/indicators/results/scorecards/{unit_code}": "no computed results in the shared fixture",
    "GET /api/v1/indicators/acceptance/results": "no acceptance evaluation in the shared fixture",
    # The decision notice and the letters exist once a call is decided; side A's call is open.
    # tests/calls/test_documents.py downloads both inside the scope and is refused outside it.
    "GET /api/v1/calls/{call_id}/decision.pdf": "call not decided in the shared fixture",
    "GET /api/v1/calls/applications/{application_id}/letter.pdf": "application not approved in the fixture",
    # Two ids in the path (a project's milestone, a programme's task): tests/projects/test_projects.py
    # reports a milestone and removes a task inside the scope.
    "POST /api/v1/projects/{project_id}/milestones/{milestone_id}/report": "two ids in the path",
    "DELETE /api/v1/projects/programmes/{programme_id}/topics/{topic_id}": "two ids in the path",
    # A bank's own steps: the fixture's roles hold no bank account. tests/finance/test_api.py has
    # the bank decline, lend, record repayment and default and claim inside its scope.
    "POST /api/v1/finance/applications/{application_id}/decline": "a bank's account, not a fixture role",
    "POST /api/v1/finance/loans": "a bank's account, not a fixture role",
    "POST /api/v1/finance/loans/{loan_id}/repay": "a bank's account, not a fixture role",
    "POST /api/v1/finance/loans/{loan_id}/default": "a bank's account, not a fixture role",
    "POST /api/v1/finance/loans/{loan_id}/claim": "a bank's account, not a fixture role",
    # Two ids in the path (a case's photo, a commendation's entry): tests/outreach/publicity
    # removes both inside the scope.
    "DELETE /api/v1/publicity/cases/{case_id}/photos/{photo_id}": "two ids in the path",
    "DELETE /api/v1/publicity/commendations/{commendation_id}/entries/{entry_id}": "two ids in the path",
    # The portal's records are read by id only once published; the shared fixture's are drafts.
    # tests/portal/test_publicity.py reads published ones and probes every id without an account.
    "GET /api/v1/public/cases/{case_id}": "published only; see tests/portal",
    "GET /api/v1/public/commendations/{commendation_id}/entries": "published only; see tests/portal",
    "GET /api/v1/public/policies/{policy_id}": "published only; see tests/portal",
    # The calculator needs the sum to compute; tests/finance/test_api.py asks it.
    "GET /api/v1/finance/calculator": "needs the sum in its query",
}

# Path values of public operations (reference data has no side).
PUBLIC_VALUES = {"code": A["county"]}


def _side_a(model: str, world: dict[str, Any]) -> Any:
    pair = _records(model, world)
    return pair[0] if pair else None


@pytest.fixture(scope="module")
def records(module_world: dict[str, Any]) -> dict[str, Any]:
    """Side A's and side B's record of every scoped model, made inside the module's transaction."""
    for operation in OPERATIONS.values():
        if operation["x-scope-model"] not in ("public", "self"):
            _records(operation["x-scope-model"], module_world)
    expert_is_the_expert_user(module_world)
    return module_world


def expert_is_the_expert_user(world: dict[str, Any]) -> None:
    """The expert role's user is side A's expert, so that an expert's own records are in scope."""
    expert = _side_a("supply.ExpertProfile", world)
    type(expert).all_objects.filter(pk=expert.pk).update(user=world["users"][Role.EXPERT])


def test_every_operation_is_exercised_or_excused() -> None:
    unknown = sorted(set(NOT_EXERCISED) - set(OPERATIONS))
    assert not unknown, f"NOT_EXERCISED 中的接口已不存在：{unknown}"
    stale = sorted(set(BUSINESS_REFUSALS) | set(ACTOR_BY_OPERATION))
    assert set(stale) <= set(OPERATIONS), f"这些接口已不存在：{sorted(set(stale) - set(OPERATIONS))}"
    unbound = sorted(k for k, op in OPERATIONS.items() if op["x-scope-model"] not in ACTOR_BY_MODEL)
    assert not unbound, f"这些接口的模型没有指定在范围内操作的角色（ACTOR_BY_MODEL）：{unbound}"


@pytest.mark.parametrize("key", sorted(set(OPERATIONS) - set(NOT_EXERCISED)))
def test_a_user_inside_the_scope_reaches_the_record(key: str, records: dict[str, Any], db: None) -> None:
    method, path = key.split(" ", 1)
    model = OPERATIONS[key]["x-scope-model"]
    role = ACTOR_BY_OPERATION.get(key, ACTOR_BY_MODEL[model])
    user = records["users"][role]
    client = Client()
    client.force_login(user)
    record = _side_a(model, records)
    if model == "self" and PARAM.search(path):
        record, _ = api_token_create(acting_user=user, name="自己的令牌")
    if key in PREPARE:
        PREPARE[key](records)
    value = PUBLIC_VALUES["code"] if model == "public" else getattr(record, "pk", "")
    url = PARAM.sub(str(value), path)
    if method == "GET" and not PARAM.search(path):
        response = client.get(url, {"page_size": 200})
        assert response.status_code == 200, (key, role, response.status_code, response.content[:300])
        body = response.json()
        if record is not None and (isinstance(body, list) or "items" in body):  # else a summary
            assert str(record.pk) in _ids(body), f"{role} 在 {path} 中看不到范围内的 {model} {record.pk}"
        return
    if method == "GET":
        response = client.get(url)
        assert response.status_code == 200, (key, role, response.status_code, response.content[:300])
        if response["Content-Type"].startswith("application/json"):
            body = response.json()
            if isinstance(body, dict) and ("id" in body or "code" in body):
                assert str(body.get("id", body.get("code"))) == str(value), (key, body)
        return
    payloads = WRITE_PAYLOADS if PARAM.search(path) else CREATE_PAYLOADS
    body = payloads[path](records, 0) if path in payloads else {}
    response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
    refusal = BUSINESS_REFUSALS.get(key)
    if refusal is not None:
        fields = {error["field"] for error in response.json()["errors"]}
        assert (response.status_code, fields) == refusal, (key, role, response.content[:300])
        return
    assert 200 <= response.status_code < 300, (key, role, response.status_code, response.content[:300])
