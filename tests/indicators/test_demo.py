"""The indicator demo: past years imported as history, the period open now made through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from baiqianwan.accounts.demo import USERS
from baiqianwan.accounts.models import User
from baiqianwan.indicators import demo
from baiqianwan.indicators.collection.models import Submission, SubmissionEvent, SubmissionStatus
from baiqianwan.indicators.collection.rules import is_locked
from baiqianwan.indicators.collection.selectors import review_queue
from baiqianwan.indicators.definitions import services as definition_services
from baiqianwan.indicators.definitions.models import MONITORING_TOWN_DATASET, DataSet
from baiqianwan.indicators.results import selectors as results

DABU, YINGDE = "441422000000", "441881000000"
HULIAO, LIANJIANGKOU = "441422100000", "441881129000"
NAMES = ("gd_admin", "mz_city", "qy_city", "dabu_county", "yingde_county", "huliao_town", "lianjiangkou_town")


@pytest.fixture
def accounts(make_user: Callable[..., User]) -> dict[str, User]:
    """The demo accounts the indicator demo acts with, bound as accounts/demo.py binds them."""
    definition_services.system_load_shipped()
    found = {}
    for username, display_name, role, division, _ in USERS:
        if username in NAMES:
            found[username] = make_user(role, division, username=username, display_name=display_name)
    return found


def _steps(submission: Submission) -> list[tuple[str, str, str, str]]:
    return list(
        SubmissionEvent.objects.filter(submission=submission)
        .order_by("at", "id")
        .values_list("action", "level", "to_status", "by__username")
    )


def test_history_is_imported_and_the_open_period_goes_through_the_services(accounts: dict[str, User]) -> None:
    first = [demo.demo_indicators(prefix=prefix, publish=False) for prefix in ("441422", "441881")]
    dataset = DataSet.objects.get(code=MONITORING_TOWN_DATASET)
    period = demo.open_period(dataset)
    assert period > str(demo.YEARS[-1])
    assert not is_locked(dataset, period, HULIAO)

    # 2021–2025: approved, each with one event saying it was imported by the province, no clicks.
    history = Submission.all_objects.filter(period__in=[str(y) for y in demo.YEARS])
    assert history.count() == sum(r["submissions"] for r in first)
    assert set(history.values_list("status", flat=True)) == {SubmissionStatus.APPROVED}
    events = SubmissionEvent.objects.filter(submission__in=history)
    assert events.count() == history.count()
    assert set(events.values_list("action", "by__username")) == {("history", "gd_admin")}
    assert all(reason.startswith("历史数据导入") for reason in events.values_list("reason", flat=True))

    # The open period: made by the demo accounts, step by step.
    now = Submission.all_objects.filter(period=period)
    assert now.count() == sum(r["current"] for r in first) > 20
    huliao = now.get(unit_id=HULIAO)
    assert (huliao.status, huliao.stage) == (SubmissionStatus.SUBMITTED, "city")
    assert _steps(huliao) == [
        ("save", "", "draft", "huliao_town"),
        ("submit", "", "submitted", "huliao_town"),
        ("approve", "county", "submitted", "dabu_county"),
    ]
    returned = now.get(unit_id=LIANJIANGKOU)
    assert returned.status == SubmissionStatus.RETURNED
    assert _steps(returned)[-1] == ("return", "county", "returned", "yingde_county")
    assert returned.events.get(action="return").reason == demo.RETURN_REASON
    dabu = now.get(unit_id=DABU)
    assert (dabu.status, dabu.stage) == (SubmissionStatus.SUBMITTED, "province")
    assert [s[3] for s in _steps(dabu)] == ["dabu_county", "dabu_county", "mz_city"]
    draft = now.get(unit_id=YINGDE)
    assert draft.status == SubmissionStatus.DRAFT
    assert _steps(draft) == [("save", "", "draft", "yingde_county")]
    # Values grow from last year's, and pass the rules (the services checked them on submitting).
    last = history.get(unit_id=HULIAO, period=str(demo.YEARS[-1])).values
    assert huliao.values["gdp"] > last["gdp"]
    assert huliao.values["demands_resolved"] <= huliao.values["demands_posted"]

    # Each county's queue holds its towns' returns that wait for it; the city's those it approved.
    for county, name in ((DABU, "dabu_county"), (YINGDE, "yingde_county")):
        queue = list(review_queue(user=accounts[name], period=period))
        waiting = now.filter(status=SubmissionStatus.SUBMITTED, stage="county", unit__parent_id=county)
        assert len(queue) >= 5
        assert {s.pk for s in queue} == set(waiting.values_list("pk", flat=True))
    assert review_queue(user=accounts["mz_city"], period=period).count() == 4  # 湖寮镇 and three more
    assert list(review_queue(user=accounts["gd_admin"], period=period)) == [dabu]
    # Nothing of the open period is approved yet, so the results keep the five published years.
    assert not now.filter(status=SubmissionStatus.APPROVED).exists()
    assert results.data_periods(demo.DEFAULT_SYSTEM) == tuple(str(y) for y in demo.YEARS)

    again = demo.demo_indicators(prefix="441422", publish=False)
    assert (again["submissions"], again["current"]) == (0, 0)


def test_without_the_demo_accounts_only_the_history_is_loaded(make_user: Callable[..., Any]) -> None:
    definition_services.system_load_shipped()
    make_user("province", "440000000000")
    done = demo.demo_indicators(prefix="441881", publish=False)
    assert done["current"] == 0
    assert set(Submission.all_objects.values_list("period", flat=True)) == {str(y) for y in demo.YEARS}
