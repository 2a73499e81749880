"""Fault: two officials approve or edit the same record at once — one wins, the other is told.

The records people edit or review carry a version (core/concurrency.py). Each change checks the
version its author read under a row lock and adds one: a stale change is refused with a 409 in
the API and a message on the page, and nothing of it is stored.

- Stale versions, on both databases: an organisation edited through its form and through PATCH
  (body ``version`` or ``If-Match``), a demand accepted and an indicator report approved by two
  officials of the same county, one after the other from the same page.
- Real concurrency, on PostgreSQL: the same changes sent by two threads released together by a
  barrier, each with its own connection, several rounds. (On SQLite every write transaction
  takes the database's one write lock at BEGIN, so two writes never interleave to begin with.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.concurrency import STALE_MESSAGE
from baiqianwan.demands import services as demands
from baiqianwan.demands.models import Demand, DemandEvent, DemandStatus
from baiqianwan.indicators.collection import services as indicators
from baiqianwan.indicators.collection.models import Submission, SubmissionEvent, SubmissionStatus
from baiqianwan.indicators.definitions import selectors as definition_selectors
from baiqianwan.indicators.definitions import services as definition_services
from baiqianwan.indicators.definitions.models import DataSet
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from ..conftest import A

ROUNDS = 6
POMELO = "FRUIT-POMELO"


def _conflict(response: Any) -> str:
    assert response.status_code == 409, (response.status_code, response.content.decode()[:300])
    body = response.json()
    assert (body["code"], body["errors"]) == ("conflict", [])
    return str(body["detail"])


def _demand(village: User) -> Demand:
    return demands.demand_create(
        acting_user=village,
        submit=True,
        title="蜜柚园黄龙病蔓延，求防控技术",
        description="村里三百亩蜜柚，黄龙病病树越来越多，想请专家指导防控。",
        division=Division.objects.get(code=A["village"]),
        contact_name="张阿姨",
        contact_phone="13800138000",
    )


def _submitted(dataset: DataSet, filler: User, town: str = A["town"]) -> Submission:
    """A town's report for 2026, submitted: waiting for the county's review."""
    _, system = definition_selectors.current_system(dataset.system_code)
    kinds = {e.code: e.kind for e in system.elements}
    values: dict[str, Any] = {
        code: {"percent": 40, "yes_no": "否", "text": "无"}.get(kinds[code], 10) for code in dataset.elements
    }
    values.update(gdp=50, rd_spend=300, demands_posted=12, demands_resolved=8)
    unit = Division.objects.get(code=town)
    draft = indicators.submission_save(
        acting_user=filler, dataset=dataset, period="2026", unit=unit, values=values
    )
    sent = indicators.submission_submit(acting_user=filler, submission=draft)
    assert (sent.status, sent.stage) == (SubmissionStatus.SUBMITTED, "county")
    return sent


@pytest.fixture
def officials(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> dict[str, Any]:
    """Two officials of the same county (either may accept and review), a city official, a town
    and a village; clients logged in as each."""
    users = {
        "county": make_user(Role.COUNTY, A["county"], display_name="县科技局甲"),
        "county2": make_user(Role.COUNTY, A["county"], display_name="县科技局乙"),
        "city": make_user(Role.CITY, A["city"]),
        "town": make_user(Role.TOWN, A["town"]),
        "village": make_user(Role.VILLAGE, A["village"]),
    }
    return {"users": users, "clients": {k: client_for(u) for k, u in users.items()}}


@pytest.fixture
def town_set(divisions: None) -> DataSet:
    definition_services.system_load_shipped()
    return DataSet.objects.get(code="county_town_system.town")


# ---- a stale version is refused: both databases --------------------------------------------------


def test_an_organisation_edited_from_an_older_version_is_refused_on_the_page_and_in_the_api(
    officials: dict[str, Any], make_org: Callable[..., Organisation]
) -> None:
    org = make_org("湖寮镇蜜柚协会", "cooperative", A["town"])
    county, city = officials["clients"]["county"], officials["clients"]["city"]
    page = county.get(f"/orgs/{org.pk}/edit/").content.decode()
    assert 'name="version" value="0"' in page
    form = {"name": org.name, "kind": org.kind, "uscc": org.uscc, "division": org.division_id, "version": "0"}

    # Both opened the form at version 0; the city official saves first.
    saved = city.post(f"/orgs/{org.pk}/edit/", {**form, "address": "湖寮镇新城路 1 号"})
    assert saved.status_code == 302, saved.content.decode()[:500]
    late = county.post(f"/orgs/{org.pk}/edit/", {**form, "contact_name": "李四"})
    assert late.status_code == 200
    assert str(STALE_MESSAGE) in late.content.decode()
    org.refresh_from_db()
    assert (org.address, org.contact_name, org.version) == ("湖寮镇新城路 1 号", "", 1)

    # The API: the version is read with the record and sent back in the body or in If-Match.
    read = county.get(f"/api/v1/orgs/organisations/{org.pk}").json()
    assert read["version"] == 1
    url = f"/api/v1/orgs/organisations/{org.pk}"
    assert (
        _conflict(county.patch(url, {"contact_name": "王五", "version": 0}, "application/json"))
        == STALE_MESSAGE
    )
    _conflict(county.patch(url, {"contact_name": "王五"}, "application/json", headers={"If-Match": '"0"'}))
    org.refresh_from_db()
    assert org.contact_name == ""
    done = county.patch(url, {"contact_name": "王五"}, "application/json", headers={"If-Match": '"1"'})
    assert done.status_code == 200, done.content.decode()
    assert (done.json()["contact_name"], done.json()["version"]) == ("王五", 2)
    # A client that sends no version is not checked (and still serialised by the row lock).
    assert county.patch(url, {"address": "湖寮镇"}, "application/json").json()["version"] == 3
    bad = county.patch(url, {"address": "x"}, "application/json", headers={"If-Match": "abc"})
    assert bad.status_code == 422


def test_a_demand_accepted_by_one_official_is_not_accepted_again_by_the_other(
    officials: dict[str, Any],
) -> None:
    users, clients = officials["users"], officials["clients"]
    demand = _demand(users["village"])
    industry = Industry.objects.get(code=POMELO)
    seen = demand.version
    first = clients["county"].post(
        f"/api/v1/demands/{demand.pk}/transition",
        {"action": "accept", "version": seen, "industry_code": industry.code},
        "application/json",
    )
    assert first.status_code == 200, first.content.decode()
    second = clients["county2"].post(
        f"/api/v1/demands/{demand.pk}/transition",
        {"action": "return", "note": "请补充种植面积"},
        "application/json",
        headers={"If-Match": f'"{seen}"'},
    )
    assert _conflict(second) == "该需求已被他人处理，现为“已受理”，请刷新后查看"
    # The page: the other official's accept form still carries the version it showed.
    page = clients["county2"].post(
        f"/demands/{demand.pk}/accept/", {"version": seen, "industry": POMELO}, follow=True
    )
    assert "该需求已被他人处理，现为“已受理”" in page.content.decode()
    demand.refresh_from_db()
    assert (demand.status, demand.handled_by_id) == (DemandStatus.ACCEPTED, users["county"].pk)
    assert list(
        DemandEvent.objects.filter(demand=demand, action="accept").values_list("actor", flat=True)
    ) == [users["county"].pk]


def test_a_report_approved_by_one_reviewer_is_not_reviewed_again_by_the_other(
    officials: dict[str, Any], town_set: DataSet
) -> None:
    users, clients = officials["users"], officials["clients"]
    sent = _submitted(town_set, users["town"])
    seen = sent.version
    entry = clients["county2"].get(f"/indicators/submissions/{sent.pk}/", follow=True).content.decode()
    assert f'name="version" value="{seen}"' in entry

    first = clients["county"].post(
        f"/api/v1/indicators/submissions/{sent.pk}/approve", headers={"If-Match": f'"{seen}"'}
    )
    assert first.status_code == 200, first.content.decode()
    assert first.json()["stage"] == "city"
    second = clients["county2"].post(
        f"/api/v1/indicators/submissions/{sent.pk}/approve", headers={"If-Match": f'"{seen}"'}
    )
    assert _conflict(second) == "该报表已被他人审核，现等待地级市审核，请刷新后查看"
    returned = clients["county2"].post(
        f"/api/v1/indicators/submissions/{sent.pk}/return",
        {"reason": "R&D 经费请按统计口径", "version": seen},
        "application/json",
    )
    assert "已被他人审核" in _conflict(returned)
    page = (
        clients["county2"]
        .post(f"/indicators/submissions/{sent.pk}/approve/", {"version": seen}, follow=True)
        .content.decode()
    )
    assert "该报表已被他人审核，现等待地级市审核" in page
    sent.refresh_from_db()
    assert (sent.status, sent.stage, sent.version) == (SubmissionStatus.SUBMITTED, "city", seen + 1)
    approvals = SubmissionEvent.objects.filter(submission=sent, action="approve")
    assert list(approvals.values_list("by", flat=True)) == [users["county"].pk]

    # The city approves the version it saw; a late approval of the older one is told it is done.
    final = clients["city"].post(
        f"/api/v1/indicators/submissions/{sent.pk}/approve", headers={"If-Match": f'"{seen + 1}"'}
    )
    assert final.json()["status"] == SubmissionStatus.APPROVED
    late = clients["city"].post(
        f"/api/v1/indicators/submissions/{sent.pk}/approve", headers={"If-Match": f'"{seen + 1}"'}
    )
    assert _conflict(late) == "该报表已被他人审核通过（已审定），请刷新后查看"


# ---- real concurrency: PostgreSQL ----------------------------------------------------------------


def _race(*requests: Callable[[], Any]) -> list[Any]:
    """Send the requests from threads released at the same moment; each has its own connection."""
    barrier = threading.Barrier(len(requests))
    answers: list[Any] = [None] * len(requests)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers[i] = requests[i]()
        except Exception as exc:  # reported by the assertions below
            answers[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _one_wins(answers: list[Any]) -> tuple[int, int]:
    statuses = [getattr(a, "status_code", a) for a in answers]
    assert sorted(statuses) == [200, 409], [
        getattr(a, "content", a)[:300] if hasattr(a, "content") else a for a in answers
    ]
    winner, loser = (0, 1) if statuses[0] == 200 else (1, 0)
    return winner, loser


needs_postgres = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="真正的并发要在 PostgreSQL 上测：SQLite 的写事务在 BEGIN 时就取得全库唯一的写锁，"
    "两个写入本来就不会交错",
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_editing_an_organisation_at_once_one_wins_whole(
    officials: dict[str, Any], make_org: Callable[..., Organisation]
) -> None:
    county, city = officials["clients"]["county"], officials["clients"]["city"]
    for n in range(ROUNDS):
        org = make_org(f"并发测试合作社{n}", "cooperative", A["town"])
        url = f"/api/v1/orgs/organisations/{org.pk}"
        edits = [
            {"address": f"县里填的地址{n}", "contact_name": "县里的联系人", "version": 0},
            {"address": f"市里填的地址{n}", "contact_name": "市里的联系人", "version": 0},
        ]
        answers = _race(
            lambda url=url, e=edits[0]: county.patch(url, e, "application/json"),
            lambda url=url, e=edits[1]: city.patch(url, e, "application/json"),
        )
        winner, loser = _one_wins(answers)
        assert answers[loser].json()["detail"] == STALE_MESSAGE
        org.refresh_from_db()
        # The winner's edit whole, nothing of the loser's: no field of one mixed with the other's.
        assert (org.address, org.contact_name) == (edits[winner]["address"], edits[winner]["contact_name"])
        assert org.version == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_accepting_a_demand_at_once_one_wins(officials: dict[str, Any]) -> None:
    users, clients = officials["users"], officials["clients"]
    industry = Industry.objects.get(code=POMELO)
    for _ in range(ROUNDS):
        demand = _demand(users["village"])
        url = f"/api/v1/demands/{demand.pk}/transition"
        body = {"action": "accept", "version": demand.version, "industry_code": industry.code}
        answers = _race(
            lambda url=url, body=body: clients["county"].post(url, body, "application/json"),
            lambda url=url, body=body: clients["county2"].post(url, body, "application/json"),
        )
        winner, loser = _one_wins(answers)
        assert answers[loser].json()["detail"] == "该需求已被他人处理，现为“已受理”，请刷新后查看"
        by = [users["county"].pk, users["county2"].pk][winner]
        accepted = DemandEvent.objects.filter(demand=demand, action="accept")
        assert list(accepted.values_list("actor", flat=True)) == [by]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_a_report_at_once_one_wins(
    officials: dict[str, Any], town_set: DataSet
) -> None:
    users, clients = officials["users"], officials["clients"]
    towns = Division.objects.filter(parent_id=A["county"], level="town").order_by("code")[:ROUNDS]
    for town in towns:  # the county fills in for each of its towns
        sent = _submitted(town_set, users["county"], town.code)
        url = f"/api/v1/indicators/submissions/{sent.pk}/approve"
        headers = {"If-Match": f'"{sent.version}"'}
        answers = _race(
            lambda url=url, headers=headers: clients["county"].post(url, headers=headers),
            lambda url=url, headers=headers: clients["county2"].post(url, headers=headers),
        )
        winner, loser = _one_wins(answers)
        assert answers[loser].json()["detail"] == "该报表已被他人审核，现等待地级市审核，请刷新后查看"
        seen = sent.version
        sent.refresh_from_db()
        assert (sent.stage, sent.version) == ("city", seen + 1)  # approved once, at the county
        by = [users["county"].pk, users["county2"].pk][winner]
        approvals = SubmissionEvent.objects.filter(submission=sent, action="approve")
        assert list(approvals.values_list("by", flat=True)) == [by]
