"""The scope matrix of the pages: every URL pattern of the project, discovered from the resolver,
against every role.

Each pattern's path parameters are filled with a record of side A (梅州) and one of side B (湛江)
of the ``world`` fixture. For each role bound on side A: the page of A's record answers without a
server error, and never shows side B's records; some role reaches it (200, or the page's normal
redirect); the page of B's record is refused (403 or 404) to every role that does not reach
everywhere. A pattern that answers GET with 405 is an action: the same is checked with an empty
POST. Patterns that cannot be exercised are listed in ``NOT_EXERCISED`` with the reason, and a
new pattern whose parameters this file cannot fill, or that it does not know, fails the suite.

The records are made once for the module; each pattern's test runs in a savepoint."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from baiqianwan.accounts.roles import Role
from baiqianwan.accounts.rules import DUTY_PAGES, may_open_page
from baiqianwan.accounts.services import api_token_create
from baiqianwan.demands.models import DemandAttachment

from ..api.test_scope_matrix import _records, _snapshot, _team_records
from ..api.test_scope_reach import _invited, _serving, expert_is_the_expert_user
from ..conftest import A, B

EXCLUDED_PREFIXES = ("api/", "django-admin/", "i18n/", "static/")
ROLES = list(Role)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), namespace + entry.name


def patterns() -> dict[str, str]:
    """Every page of the project: route → URL name."""
    return {
        route: name
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(EXCLUDED_PREFIXES)
    }


# Path parameters that name a scoped record: the model whose side A and side B records fill them.
RECORD_PARAMETERS = {
    "demand_id": "demands.Demand",
    "connection_id": "demands.Connection",
    "achievement_id": "supply.Achievement",
    "expert_id": "supply.ExpertProfile",
    "organisation_id": "orgs.Organisation",
    "person_id": "orgs.Person",
    "user_id": "accounts.User",
    "round_id": "commissioners.DispatchRound",
    "need_id": "commissioners.TownNeed",
    "nomination_id": "commissioners.Nomination",
    "assignment_id": "commissioners.Assignment",
    "scheme_id": "commissioners.AssessmentScheme",
    "record_id": "commissioners.AssessmentRecord",
    "task_id": "commissioners.KeyTask",
    "team_id": "commissioners.Team",
    "workstation_id": "commissioners.Workstation",
    "log_id": "commissioners.ServiceLog",
    "submission_id": "indicators.Submission",
    "job_id": "core.Job",
    "call_id": "calls.Call",
    "application_id": "calls.Application",
    "objection_id": "calls.Objection",
    "programme_id": "projects.Programme",
    "topic_id": "projects.Topic",
    "project_id": "projects.Project",
    "milestone_id": "projects.Milestone",
    "town_id": "towns.InnovativeTown",
    "pair_id": "towns.TownPair",
    "listing_id": "market.Listing",
    "enquiry_id": "market.Enquiry",
    "deal_id": "market.Deal",
    "product_id": "finance.CreditProduct",
    "loan_id": "finance.Loan",
    "case_id": "market.DiligenceCase",
    "event_id": "market.TransferEvent",
    "fund_id": "finance.SubFund",
    "investment_id": "finance.Investment",
    "reserve_id": "finance.ReserveEnterprise",
    "station_id": "finance.ServiceStation",
    "outpost_id": "talent.Outpost",
    "leader_id": "talent.Leader",
    "group_id": "talent.LeaderGroup",
    "course_id": "outreach.TeacherCourse",
    "member_id": "outreach.ThinkTankMember",
    "report_id": "outreach.ResearchReport",
    "seminar_id": "outreach.Seminar",
    "commendation_id": "outreach.Commendation",
    "policy_id": "outreach.PolicyDocument",
}
# The same parameter name meaning another model on some pages, by URL name.
ROUTE_RECORD_PARAMETERS: dict[str, dict[str, str]] = {
    "reviews:task": {"assignment_id": "reviews.ReviewAssignment"},
    "reviews:decline": {"assignment_id": "reviews.ReviewAssignment"},
    "finance:application": {"application_id": "finance.LoanApplication"},
    "finance:application_step": {"application_id": "finance.LoanApplication"},
    "outreach:event": {"event_id": "outreach.OutreachEvent"},
    "outreach:event_edit": {"event_id": "outreach.OutreachEvent"},
    "outreach_publicity:case": {"case_id": "outreach.ShowcaseCase"},
    "outreach_publicity:case_edit": {"case_id": "outreach.ShowcaseCase"},
    "outreach_publicity:case_step": {"case_id": "outreach.ShowcaseCase"},
}
# Path parameters filled by the records this file adds (attachments, photos, tokens).
EXTRA_PARAMETERS = ("attachment_id", "photo_id", "token_id")
# Parameters that name a division of each side, by URL name.
DIVISION_PARAMETERS = {
    "indicators:results_unit": ("code", "county"),
    "indicators:acceptance_town": ("code", "town"),
    "indicators:entry": ("unit_code", "town"),
    "indicators:lock_exception": ("unit_code", "town"),
}
# Parameters that are the same on both sides (reference data, names of actions), by URL name.
SHARED_PARAMETERS: dict[str, dict[str, Any]] = {
    # Divisions are reference data every user may browse: the page of side B's county, as side A
    # sees it, must still show none of side B's records.
    "regions:unit": {"code": B["county"]},
    "plan:report": {"code": "T6-M1"},
    "indicators:dataset_settings": {"code": "county_town_system.town"},
    "import": {"kind": "organisations"},
    "help_page": {"name": "申报与评审"},  # the user guide is the same for everyone
    "demands:action": {"action": "accept"},
    "commissioners:action": {"action": "solve"},
    "commissioners:assignment": {"action": "accept"},
    "commissioners:assessment_action": {"action": "finalise"},
    "commissioners:log_action": {"action": "confirm"},
    "indicators:submission_action": {"action": "approve"},
    "calls:call_action": {"action": "close"},
    "projects:step": {"action": "contract_submit"},
    "market:listing_step": {"action": "publish"},
    "market:deal_step": {"action": "confirm"},
    "portal:data_download": {"name": "demands_solved", "fmt": "csv"},
    "finance:product_step": {"action": "close"},
    "finance:application_step": {"action": "withdraw"},
    "finance:loan_step": {"action": "repay"},
    "market:diligence_step": {"action": "submit"},
    "market:event_step": {"action": "publish"},
    "finance_funds:reserve_step": {"action": "stage"},
    "finance_stations:station_step": {"action": "close"},
    "talent:outpost_step": {"action": "close"},
    "outreach_publicity:case_step": {"action": "submit"},
    "outreach_publicity:commendation_step": {"action": "publish"},
    "outreach_publicity:policy_step": {"action": "publish"},
}
# The same, where the value is a loaded reference record: URL name → (parameter, its value).
REFERENCE_PARAMETERS: dict[str, Callable[[], dict[str, Any]]] = {
    "plan:kpi": lambda: {"code": _first("plan.Kpi")},
    "plan:kpi_evidence": lambda: {"code": _first("plan.Kpi"), "year": 2025},
    "plan:goal_target": lambda: {"code": _first("plan.Goal")},
    "indicators:definition_download": lambda: {"pk": _first("indicators.SystemVersion")},
    "calls:type_download": lambda: {"version_id": _first("calls.CallTypeVersion")},
}


def _first(model: str) -> Any:
    from django.apps import apps

    return apps.get_model(model)._base_manager.order_by("pk").values_list("pk", flat=True).first()


COLLECT = {"dataset_code": "county_town_system.town", "period": "2026"}

# Patterns this file does not exercise, each with the reason.
NOT_EXERCISED: dict[str, str] = {
    # Signing out ends the session the module's clients keep.
    "accounts/logout/": "ends the shared session; tests/accounts/test_security.py signs out",
    # No result has been published in the fixture, so there is no id to fill in.
    "indicators/results/published/<int:pk>/check/": "no published result; tests/indicators/test_results.py",
    # attachment_id here names a demand's file; tests/calls/test_pages.py downloads side A's
    # application file and sees 湛江's bureau refused.
    "calls/applications/<int:application_id>/files/<int:attachment_id>/": "application files: tests/calls",
    # The same for the files an expert reads: tests/reviews/test_pages.py serves them to the
    # assigned expert only.
    "reviews/tasks/<int:assignment_id>/files/<int:attachment_id>/": "review files: tests/reviews",
    # The portal shows a call to everyone, without an account, only in its 公示 period, and is 404
    # otherwise; the fixture's calls are open for applications. tests/portal/test_portal.py objects
    # to a list in 公示 and finds the others not found.
    "public/notices/calls/<int:call_id>/": "public page of a call in 公示: tests/portal",
    # The same for a listing: public only while on the market; the fixture's listings are drafts.
    "public/market/<int:listing_id>/": "public page of a listing on the market: tests/portal",
    # The same for what the province publishes: the fixture's cases, commendations and policies are
    # drafts and its round is not published. tests/portal/test_publicity.py reads published ones and
    # tries every public address with the ids of unpublished records.
    "public/cases/<int:case_id>/": "public page of a published case: tests/portal",
    "public/cases/<int:case_id>/photos/<int:photo_id>/": "photo of a published case: tests/portal",
    "public/honours/<int:commendation_id>/": "public page of a published commendation: tests/portal",
    "public/policies/<int:policy_id>/": "public page of a published policy: tests/portal",
    "public/notices/dispatch/<int:round_id>/": "public list of a published round: tests/portal",
    # photo_id here names a case's photo; tests/outreach/publicity/test_pages.py opens side A's
    # and tests/outreach/publicity/test_photos.py keeps other counties out.
    "outreach/publicity/cases/<int:case_id>/photos/<int:photo_id>/": "case photos: tests/outreach",
}

# Patterns checked for the side they refuse and the records they hide, but that no role reaches
# in the fixture's state of side A's records, with the reason.
UNREACHED: dict[str, str] = {
    # Results and evaluations exist once a whole indicator system's reports are approved and
    # computed (tests/indicators/test_results.py and test_acceptance.py read them).
    "indicators/results/ranking.xlsx": "no computed results",
    "indicators/results/entries.xlsx": "no computed results",
    "indicators/results/report.pdf": "no computed results",
    "indicators/acceptance/export.xlsx": "no acceptance evaluation",
    "indicators/acceptance/towns/<str:code>/": "no acceptance evaluation",
    # Evidence is a file uploaded for a year; the fixture has none (tests/plan cover it).
    "plan/kpis/<str:code>/<int:year>/evidence/": "no evidence uploaded",
    # The round's documents are made once it is published; side A's round is still open.
    "commissioners/rounds/<int:round_id>/documents.zip": "round not published",
    # Only the submitter edits a demand, and only before it is sent; side A's is under triage.
    "demands/<int:demand_id>/edit/": "demand under triage",
    # The decision notice exists once a call is decided; side A's call is open for applications.
    "calls/<int:call_id>/decision.pdf": "call not decided",
    "calls/applications/<int:application_id>/letter.pdf": "application not approved",
    # Only the applicant edits an application, and only before it is sent; side A's is submitted.
    "calls/applications/<int:application_id>/edit/": "application submitted",
    # Side A's milestone is not reported and has no evidence file (tests/projects report one).
    "projects/<int:project_id>/milestones/<int:milestone_id>/evidence/": "no evidence uploaded",
    # A bank's account offers products and records counter loans; the fixture's roles hold none
    # (tests/finance/test_pages.py opens both as a bank).
    "finance/products/new/": "a bank's page",
    "finance/loans/new/": "a bank's page",
    # 尽职免责 cases are filed by universities, institutes and new R&D organisations; side A's unit
    # is a cooperative (tests/market/test_diligence.py files one as a university).
    "market/diligence/new/": "side A's unit does not file 尽职免责 cases",
    # The fixture's reports have no PDF (tests/outreach/test_think_tank.py uploads and downloads one).
    "outreach/reports/<int:report_id>/file/": "no report file uploaded",
    # The fixture's objection came without a picture (tests/portal/test_portal.py sends one).
    "calls/<int:call_id>/objections/<int:objection_id>/evidence/": "no evidence picture",
}

# What side A's records need before a page applies to them, by URL name.
PREPARE: dict[str, Callable[[dict[str, Any]], None]] = {
    "commissioners:assignment": _invited,
    "commissioners:letter": _invited,
    "commissioners:agreement": _invited,
    "commissioners:confirmation_confirm": _invited,
    "commissioners:log_edit": _serving,
}


# Pages that show records of other sides by design, with the reason.
SHOWS_OTHER_SIDES = {
    # A town ranks the candidates nominated anywhere in the province (the two-way choice of
    # docs/dispatch.md): its need page lists them with their units.
    "commissioners:need": "shortlist of the whole round",
}


@pytest.fixture(scope="module")
def pages_world(
    module_world: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Side A's and side B's record of every model a page names, made inside the module's transaction."""
    from baiqianwan.commissioners.models import ServiceLogPhoto
    from baiqianwan.plan.services import plan_load

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        plan_load()
        world = module_world
        for model in [
            *RECORD_PARAMETERS.values(),
            *(m for own in ROUTE_RECORD_PARAMETERS.values() for m in own.values()),
        ]:
            _records(model, world)
        demands = _records("demands.Demand", world)
        logs = _team_records(world)["commissioners.ServiceLog"]
        assert demands is not None
        world["attachment_id"] = _files(DemandAttachment, "demand", demands, "说明.pdf", b"%PDF-1.4\n")
        world["photo_id"] = _files(ServiceLogPhoto, "log", logs, "现场.jpg", b"\xff\xd8\xff")
        world["token_id"] = tuple(
            api_token_create(acting_user=user, name="令牌")[0]
            for user in (world["users"][Role.COUNTY], world["user_b"])
        )
        world["markers"] = (
            world["org_b"].name,
            world["person_b"].name,
            "B 侧的科技需求",
            "B 的任务",
            "B 市进展",
            f"{B['town']} 服务团",
            f"{B['town']} 工作站",
            "B 侧的挂牌",
            "B 侧的咨询内容",
            "B 侧的技术交易",
            "B 侧特色产业科技贷",
            "B 侧的资金用途",
            "B-JK-0001",
            "B 侧的尽职免责案件",
            "B 侧的转化活动",
            "B 侧的子基金",
            "B 侧的被投企业有限公司",
            "B 侧的服务站",
            "B 侧的融资对接会",
            "B 侧的研究院",
            "B 侧的带头人",
            "B 侧的共同体",
            "B 侧的科普活动",
            "B 侧的培训课程",
            "B 侧的参训教师",
            "B 侧的智库成员",
            "B 侧的深调研报告",
            "B 侧的智库研讨会",
            "B 侧的典型案例草稿",
            "B 侧的通报表扬草稿",
            "B 侧的先进集体",
            "B 侧的政策文件草稿",
        )
        expert_is_the_expert_user(world)
        world["clients"] = {role: _signed_in(user) for role, user in world["users"].items()}
        yield world


def _files(model: Any, parent: str, parents: Any, name: str, content: bytes) -> tuple[Any, Any]:
    """A stored file of the model (an attachment, a photo) for side A's and side B's record."""
    content_type = "application/pdf" if name.endswith(".pdf") else "image/jpeg"
    return tuple(  # type: ignore[return-value]
        model.objects.create(
            **{parent: record},
            file=ContentFile(content, name=f"f{name[-4:]}"),
            name=name,
            content_type=content_type,
            size=len(content),
        )
        for record in parents
    )


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _kwargs(
    route: str, name: str, world: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], bool] | None:
    """The pattern's parameters for side A and side B, and whether the two differ (None: unknown)."""
    import re

    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    a: dict[str, Any] = dict(SHARED_PARAMETERS.get(name, {}))
    if name in REFERENCE_PARAMETERS:
        a.update(REFERENCE_PARAMETERS[name]())
    b = dict(a)
    scoped = False
    records_b = []
    for parameter in names:
        if parameter in a:
            continue
        own = ROUTE_RECORD_PARAMETERS.get(name, {})
        if parameter in own:
            pair = _records(own[parameter], world)
        elif parameter in RECORD_PARAMETERS:
            pair = _records(RECORD_PARAMETERS[parameter], world)
        elif parameter in EXTRA_PARAMETERS:
            pair = world[parameter]
        elif DIVISION_PARAMETERS.get(name, ("",))[0] == parameter:
            level = DIVISION_PARAMETERS[name][1]
            a[parameter], b[parameter] = A[level], B[level]
            scoped = True
            continue
        elif parameter in COLLECT:
            a[parameter] = b[parameter] = COLLECT[parameter]
            continue
        else:
            return None
        assert pair is not None
        a[parameter], b[parameter] = pair[0].pk, pair[1].pk
        scoped = scoped or pair[0].pk != pair[1].pk
        records_b.append(pair[1])
    return a, b, scoped, records_b


def _reaches_everywhere(role: Role, name: str) -> bool:
    """The province sees every side; an administrator's duty pages act on every account."""
    return role == Role.PROVINCE or name in DUTY_PAGES.get(role, frozenset())


def _fetch(client: Client, url: str, method: str) -> tuple[int, str]:
    response = client.get(url) if method == "GET" else client.post(url, {})
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    text = body.decode("utf-8", "replace") if "html" in response.get("Content-Type", "") else ""
    return response.status_code, text


REACHED = (200, 302)
REFUSED = (403, 404)


def test_every_pattern_is_exercised_or_excused() -> None:
    found = patterns()
    assert len(found) >= 100, len(found)
    stale = sorted((set(NOT_EXERCISED) | set(UNREACHED)) - set(found))
    assert not stale, f"NOT_EXERCISED 或 UNREACHED 中的页面已不存在：{stale}"
    names = set(found.values())
    unknown = sorted((set(SHARED_PARAMETERS) | set(REFERENCE_PARAMETERS) | set(PREPARE)) - names)
    assert not unknown, f"这些页面名称已不存在：{unknown}"


@pytest.mark.parametrize("route", sorted(set(patterns()) - set(NOT_EXERCISED)))
def test_a_page_serves_its_side_only(route: str, pages_world: dict[str, Any], db: None) -> None:
    world = pages_world
    name = patterns()[route]
    filled = _kwargs(route, name, world)
    assert filled is not None, f"{route}: 无法填写路径参数，请补充 RECORD_PARAMETERS 等，或列入 NOT_EXERCISED"
    kwargs_a, kwargs_b, scoped, records_b = filled
    url_a, url_b = reverse(name, kwargs=kwargs_a), reverse(name, kwargs=kwargs_b)
    clients = world["clients"]
    if name in PREPARE:
        PREPARE[name](world)
    # An action answers GET with 405: it is tried with an empty form instead.
    method = "GET"
    province = _fetch(clients[Role.PROVINCE], url_a, method)
    if province[0] == 405:
        method = "POST"
        province = _fetch(clients[Role.PROVINCE], url_a, method)
    anonymous = _fetch(Client(), url_a, method)[0]
    assert anonymous in (200, 302), (route, "anonymous", anonymous)
    outcome: dict[str, tuple[int, int | None]] = {}
    for role in ROLES:
        user = world["users"][role]
        if not may_open_page(user, name):
            continue  # an administrator outside their duty: refused by URL name (tests/accounts)
        status_a, text_a = province if role == Role.PROVINCE else _fetch(clients[role], url_a, method)
        assert status_a < 500, (route, role, status_a)
        if not _reaches_everywhere(role, name) and name not in SHOWS_OTHER_SIDES:
            shown = [marker for marker in world["markers"] if marker in text_a]
            assert not shown, f"{role} 在 {url_a} 看到了湛江一侧的记录：{shown}"
        outcome[role] = (status_a, None)
        if province[1] == "" and status_a in REACHED and role != Role.PROVINCE:
            break  # a download (not a page): one role inside that gets it is enough
    # An action's empty form may also be refused, after the lookup, for what it lacks (400).
    reached = [
        role
        for role, (status, _) in outcome.items()
        if status in REACHED or (method, status) == ("POST", 400)
    ]
    if route in UNREACHED:
        assert not reached, f"{route} 已能打开，请从 UNREACHED 中删去：{reached}"
    else:
        assert reached, f"{route}: 没有角色能打开梅州一侧的页面 {outcome}"
    if not scoped:
        return
    # Side B's page, for each role that reached side A's (a role refused its own side's page is
    # refused by its role before any record), or the county if none did.
    outside = [role for role in reached if not _reaches_everywhere(role, name)] or [Role.COUNTY]
    for role in outside:
        before = [_snapshot(record) for record in records_b]
        status_b = _fetch(clients[role], url_b, method)[0]
        # An action refused after the lookup sends the user back with a message.
        assert status_b in REFUSED or (method == "POST" and status_b == 302), (
            f"{role} 打开了范围外的 {url_b}：{status_b}"
        )
        assert [_snapshot(record) for record in records_b] == before, f"{role} 经 {url_b} 改动了范围外的记录"
