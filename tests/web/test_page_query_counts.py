"""Every list page costs the same number of queries for 50 rows as for 2.

The demo is loaded once for the module, with rows of the test's own added where the demo has too
few, and the province administrator opens every page without path parameters (discovered from the
resolver, as the page scope matrix does); a page that lists only its reader's own rows (a town's
log queue, a unit's 对接) is opened by such a reader. A page is a list page when it pages rows with
Django's paginator; its page size is then set to 2 and to 50 for two readings of the same page
over the same data. A query per row (a related record fetched in a loop)
makes the larger page cost at least one query more for each extra row; the larger page may cost
up to ``MARGIN`` more for another reason: a ``prefetch_related`` (or a lookup of a related set)
is skipped when none of the rows on the page has a related record, and the two rows of the small
page may have none. Pages with no paginator are skipped, so discovery, not a list kept by hand,
decides which pages are compared; a list page with too few rows to compare fails, so a new list
comes with rows here."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role

from ..conftest import otp_verified
from .test_page_scope_matrix import patterns

# Extra queries a page of 50 may cost over a page of 2 (prefetches skipped for rows without
# related records); a query per row costs at least MIN_EXTRA_ROWS more.
MARGIN = 3
# Below this many extra rows on the larger page the comparison would not tell a query per row
# from MARGIN; the page is then reported as not compared.
MIN_EXTRA_ROWS = 2 * MARGIN + 2

LIST_CANDIDATES = sorted(route for route in patterns() if "<" not in route)


@pytest.fixture(scope="module")
def demo_clients(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Client]]:
    """The demo, loaded once inside a transaction rolled back after the module, with each reader
    signed in: the province administrator, and the readers of pages that list their own rows."""
    from baiqianwan.plan.services import plan_load

    with django_db_blocker.unblock(), transaction.atomic():
        plan_load()
        call_command("indicators", "load")
        call_command("demo", stdout=io.StringIO())
        province = User.objects.get(username="gd_admin")
        readers = _more_rows(province)
        clients = {}
        for route, user in {"": province, **readers}.items():
            clients[route] = Client()
            clients[route].force_login(user)
            otp_verified(clients[route], user)  # the province account has an authenticator
        yield clients
        transaction.set_rollback(True)


# Enough rows beyond a page of 2 for the comparison to tell a query per row.
EXTRA = 3 * MIN_EXTRA_ROWS


def _more_rows(province: User) -> dict[str, User]:
    """The demo's lists that hold fewer rows than a large page, filled up: jobs and notifications
    of the province administrator, copies of a demand waiting for triage and of a workstation, and
    through the services calls closed for review, teams of a new round with key tasks, service logs
    waiting for a town, 对接 proposed to a unit and reports waiting for the province; copies of a
    尽职免责 case, of a 深调研 report, of a 智库 seminar, of a commendation and of a policy. Returns the
    readers of the pages whose rows are the reader's own (a town's queue, a unit's 对接)."""
    from baiqianwan.commissioners.models import Workstation
    from baiqianwan.core.jobs import job_create
    from baiqianwan.core.models import Notification
    from baiqianwan.demands.models import Demand
    from baiqianwan.market.models import DiligenceCase
    from baiqianwan.outreach.models import Commendation, PolicyDocument, ResearchReport, Seminar

    for n in range(EXTRA):
        job_create(kind="test", title=f"任务 {n}", created_by=province)
        Notification.objects.create(user=province, title=f"提醒 {n}")
    for row in (
        # A demand of a village's account: a public one's reference is unique and is not copied.
        Demand.all_objects.filter(status="submitted", public_reference__isnull=True).first(),
        Workstation.all_objects.first(),
        DiligenceCase.all_objects.filter(status="submitted").first(),
        ResearchReport.all_objects.first(),
        Seminar.all_objects.first(),
        Commendation.all_objects.first(),
        PolicyDocument.all_objects.first(),
    ):
        assert row is not None
        for _ in range(EXTRA):
            row.pk = None
            row._state.adding = True
            row.save()
    _closed_calls(province)
    teams = _new_teams(province)
    _key_tasks(province, teams)
    _reports_for_the_province()
    _sub_funds(province)
    _leader_groups(province)
    return {
        "commissioners/logs/queue/": _logs_for_a_town(),
        "demands/connections/": _connections_to_a_unit(province),
    }


def _closed_calls(province: User) -> None:
    """Calls of the demo's first type, published and closed: the call list and the review list."""
    from baiqianwan.calls import services as calls_services
    from baiqianwan.calls.models import CallTypeVersion

    call_type = CallTypeVersion.objects.filter(is_current=True).order_by("code").first()
    assert call_type is not None
    now = timezone.now()
    for n in range(EXTRA):
        call = calls_services.call_create(
            acting_user=province,
            call_type_code=call_type.code,
            title=f"查询计数申报指南 {n}",
            year=2025,
            guide="围绕县域特色产业，支持企业联合高校、科研院所开展研发。" * 2,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=30),
        )
        calls_services.call_publish(acting_user=province, call_id=call.pk)
        calls_services.call_close(acting_user=province, call_id=call.pk)


def _new_teams(province: User) -> list[Any]:
    """A round of one-person needs in towns without a team, each filled by a new expert: teams."""
    from baiqianwan.commissioners.rounds import services as rounds_services
    from baiqianwan.commissioners.rounds.models import Team
    from baiqianwan.core.fakes import make_id_number, make_mobile
    from baiqianwan.orgs.models import Organisation, Person
    from baiqianwan.regions.models import Division
    from baiqianwan.supply.models import ExpertProfile

    rng = random.Random(7)
    dispatch_round = rounds_services.round_create(acting_user=province, name="查询计数批次", year=2026)
    served = Team.all_objects.values("town_id")
    towns = Division.objects.filter(level="town").exclude(code__in=served).order_by("code")[:EXTRA]
    for town in towns:
        rounds_services.need_submit(
            acting_user=province, dispatch_round=dispatch_round, town=town, fields=["种植"], slots=1
        )
    unit = Organisation.all_objects.filter(kind="university").order_by("pk").first()
    assert unit is not None
    for n in range(EXTRA):
        person = Person.all_objects.create(
            name=f"查询计数专家{n}",
            title="研究员",
            id_number=make_id_number(
                rng, division_code=unit.division_id, born=dt.date(1975, 1, 1 + n), female=False
            ),
            mobile=make_mobile(rng),
            organisation=unit,
        )
        expert = ExpertProfile.all_objects.create(
            person=person, keywords="柚类", home_city_id=unit.division_id[:4] + "00000000"
        )
        rounds_services.nominate(
            acting_user=province, dispatch_round=dispatch_round, expert=expert, fields=["种植"]
        )
    rounds_services.round_solve(acting_user=province, dispatch_round=dispatch_round)
    rounds_services.round_publish(acting_user=province, dispatch_round=dispatch_round)
    teams = list(Team.all_objects.filter(need__round=dispatch_round).order_by("pk"))
    assert len(teams) >= EXTRA
    return teams


def _key_tasks(province: User, teams: list[Any]) -> None:
    from baiqianwan.commissioners.assessment import services as assessment_services

    for n, team in enumerate(teams):
        assessment_services.key_task_create(
            acting_user=province,
            team=team,
            code=f"CXJS-{n:03d}",
            title=f"查询计数重点任务 {n}",
            goals="建成示范基地 1 个\n培训农户 100 人次",
            budget="20",
            starts_on=team.started_on,
            ends_on=team.started_on + dt.timedelta(days=365),
        )


def _logs_for_a_town() -> User:
    """Service logs of a demo team's member, waiting for the host town's confirmation."""
    from baiqianwan.commissioners.fieldwork import services as fieldwork_services
    from baiqianwan.commissioners.rounds.models import Assignment, AssignmentStatus
    from baiqianwan.regions.models import Division

    town_user = User.objects.get(username="huliao_town")
    member = (
        Assignment.all_objects.filter(
            need__team__town_id=town_user.division_id,
            status=AssignmentStatus.ACCEPTED,
            nomination__expert__user__isnull=False,
        )
        .select_related("nomination__expert__user", "need__team")
        .order_by("pk")
        .first()
    )
    assert member is not None
    assert member.started_on is not None
    village = Division.objects.filter(level="village", code__startswith=town_user.division_id[:9]).first()
    assert village is not None
    served = set(member.logs.values_list("served_on", flat=True))
    days = (member.started_on + dt.timedelta(days=n) for n in range(400))
    for day in [d for d in days if d not in served][:EXTRA]:
        fieldwork_services.log_create(
            acting_user=member.nomination.expert.user,
            assignment_id=member.pk,
            served_on=day,
            village_code=village.code,
            activity="guidance",
            days=1,
            description="到村指导春季田间管理，现场答疑。",
        )
    return town_user


def _connections_to_a_unit(province: User) -> User:
    """Copies of a demand accepted by the province, each proposing 对接 to one unit with an account."""
    from baiqianwan.demands import services as demand_services
    from baiqianwan.demands.models import Demand

    unit_user = User.objects.filter(role=Role.ORG, is_active=True).order_by("pk").first()
    assert unit_user is not None
    assert unit_user.organisation_id is not None
    demand = (
        Demand.all_objects.filter(status="submitted", public_reference__isnull=True).order_by("pk").first()
    )
    assert demand is not None
    for _ in range(EXTRA):
        demand.pk = None
        demand._state.adding = True
        demand.save()
        demand_services.demand_transition(demand_id=demand.pk, action="accept", acting_user=province)
        demand_services.connection_propose(
            acting_user=province,
            demand_id=demand.pk,
            target_kind="institution",
            target_id=unit_user.organisation_id,
        )
    return unit_user


def _sub_funds(province: User) -> None:
    """More sub-funds of the demo's first manager (the demo has six), each with an investment."""
    from baiqianwan.finance.funds import services as funds_services
    from baiqianwan.finance.models import Investment, SubFund

    first = SubFund.all_objects.order_by("pk").first()
    invested = Investment.all_objects.order_by("pk").first()
    assert first is not None
    assert invested is not None
    for n in range(EXTRA):
        fund = funds_services.fund_register(
            acting_user=province,
            name=f"{first.name}（{n + 2}期）",
            manager_id=first.manager_id,
            size=first.size,
            province_share=first.province_share,
            established_on=first.established_on,
        )
        funds_services.investment_record(
            acting_user=province,
            fund_id=fund.pk,
            enterprise_id=invested.enterprise_id,
            round="a",
            amount="1000000",
            invested_on=first.established_on,
        )


def _leader_groups(province: User) -> None:
    """More 农业科技致富共同体 (the demo has six), led by the demo's first university."""
    from baiqianwan.orgs.models import Organisation
    from baiqianwan.talent import services as talent_services

    university = Organisation.all_objects.filter(kind="university").order_by("pk").first()
    assert university is not None
    for n in range(EXTRA):
        talent_services.group_create(
            acting_user=province,
            name=f"查询计数致富共同体 {n}",
            county_code="441422000000",
            industry="蜜柚",
            founded_on=dt.date(2024, 1, 1),
            lead_organisation_id=university.pk,
        )


def _reports_for_the_province() -> None:
    """Reports of other units like the one the demo has waiting for the province's review."""
    from baiqianwan.indicators.collection.models import Submission, SubmissionStatus
    from baiqianwan.regions.models import Division

    waiting = Submission.all_objects.filter(status=SubmissionStatus.SUBMITTED, stage="province").first()
    assert waiting is not None
    taken = Submission.all_objects.filter(dataset=waiting.dataset, period=waiting.period).values("unit_id")
    units = Division.objects.filter(level=waiting.unit.level).exclude(code__in=taken).order_by("code")
    for unit in units[:EXTRA]:
        Submission.all_objects.create(
            dataset=waiting.dataset,
            period=waiting.period,
            unit=unit,
            status=SubmissionStatus.SUBMITTED,
            stage=waiting.stage,
            values=waiting.values,
            submitted_at=waiting.submitted_at,
        )


class _Pages:
    """Sets every paginator's page size and keeps the pages it hands out."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.size = 2
        self.pages: list[Page] = []
        init, get_page = Paginator.__init__, Paginator.get_page
        pages = self

        def sized_init(
            paginator: Paginator, object_list: Any, per_page: int, *args: Any, **kwargs: Any
        ) -> None:
            init(paginator, object_list, pages.size, *args, **kwargs)

        def kept_page(paginator: Paginator, number: Any) -> Page:
            page = get_page(paginator, number)
            pages.pages.append(page)
            return page

        monkeypatch.setattr(Paginator, "__init__", sized_init)
        monkeypatch.setattr(Paginator, "get_page", kept_page)

    def read(self, client: Client, url: str, size: int) -> tuple[int, int]:
        """(queries, rows shown) of one reading of the page with the given page size."""
        self.size, self.pages = size, []
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(queries), sum(len(page.object_list) for page in self.pages)


@pytest.mark.parametrize("route", LIST_CANDIDATES)
def test_a_list_page_costs_no_more_for_more_rows(
    route: str, demo_clients: dict[str, Client], db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = reverse(patterns()[route])
    client = demo_clients.get(route, demo_clients[""])
    pages = _Pages(monkeypatch)
    status = client.get(url).status_code  # caches and lazily loaded data warm up first
    if not pages.pages:
        pytest.skip(f"no paginated list ({status})")
    small, small_rows = pages.read(client, url, 2)
    large, large_rows = pages.read(client, url, 50)
    assert large_rows - small_rows >= MIN_EXTRA_ROWS, (
        f"{url}: the test fills too few rows to compare ({small_rows} vs {large_rows})"
    )
    assert large - small <= MARGIN, (
        f"{url}: {small_rows} 行 {small} 次查询，{large_rows} 行 {large} 次查询——每行多出查询"
    )
