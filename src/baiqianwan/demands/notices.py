"""Who is told what when a demand or one of its connections changes.

Each function is called by a service inside its transaction and queues in-platform notifications
for after the commit: a change that is rolled back tells nobody. The person who acted is never
told about their own action.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.notifications import notify_after_commit

from .models import Connection, ConnectionStatus, Demand


def _send(users: Iterable[Any], *, actor: Any, title: str, body: str = "", url: str = "") -> None:
    notify_after_commit(users, actor=actor, title=title, body=body, url=url)


def _url(demand: Demand) -> str:
    return reverse("demands:detail", args=[demand.pk])


def bureau_users(demand: Demand) -> list[User]:
    """The science and technology bureau that handles the demand: its county's, or the city's where a
    city has no counties (东莞、中山)."""
    county = demand.division_id[:6] + "000000"
    return list(User.objects.filter(is_active=True, role__in=(Role.COUNTY, Role.CITY), division_id=county))


def target_users(connection: Connection) -> list[User]:
    """Who answers for the other side: the expert, and the 单位 accounts of the owning organisation."""
    people: list[User] = []
    organisation_id = None
    if connection.achievement_id and connection.achievement:
        organisation_id = connection.achievement.organisation_id
    elif connection.expert_id and connection.expert:
        if connection.expert.user is not None:
            people.append(connection.expert.user)
        organisation_id = connection.expert.person.organisation_id
    else:
        organisation_id = connection.organisation_id
    if organisation_id:
        people += User.objects.filter(is_active=True, role=Role.ORG, organisation_id=organisation_id)
    return people


def _working_parties(demand: Demand) -> list[User]:
    """The other side of every connection that was accepted or succeeded."""
    connections = Connection.all_objects.filter(
        demand=demand, status__in=(ConnectionStatus.ACCEPTED, ConnectionStatus.SUCCEEDED)
    ).select_related("achievement", "expert__person", "expert__user")
    return [user for connection in connections for user in target_users(connection)]


def demand_changed(*, demand: Demand, action: str, actor: Any, note: str = "") -> None:
    """A workflow transition: tell whoever it concerns."""
    url, title = _url(demand), demand.title
    submitter = [demand.submitted_by]
    if action == "submit":
        _send(
            bureau_users(demand),
            actor=actor,
            title=f"新的科技需求待受理：{title}",
            body=f"{demand.division.full_name}提交，请在受理台分类、合并或退回。",
            url=url,
        )
    elif action == "accept":
        industry = demand.industry.name if demand.industry else ""
        _send(
            submitter,
            actor=actor,
            title=f"您的需求已受理：{title}",
            body=f"县级科技部门已受理（{industry}），正在为您寻找成果、专家和科技特派员。",
            url=url,
        )
    elif action == "return":
        _send(
            submitter,
            actor=actor,
            title=f"您的需求被退回：{title}",
            body=f"退回原因：{note}。请修改后重新提交。",
            url=url,
        )
    elif action == "merge":
        _send(
            submitter,
            actor=actor,
            title=f"您的需求已合并办理：{title}",
            body=f"与相似需求 #{demand.merged_into_id} 合并，由县级科技部门一并对接。",
            url=url,
        )
    elif action == "solve":
        _send(
            submitter,
            actor=actor,
            title=f"请确认需求是否已解决：{title}",
            body="县级科技部门已将该需求标记为已解决。请打开需求确认；如果还没有解决，请说明情况。",
            url=url,
        )
    elif action == "confirm":
        _send(
            [*bureau_users(demand), *_working_parties(demand)],
            actor=actor,
            title=f"提出方确认需求已解决：{title}",
            body="感谢各方的帮助。县级科技部门可以办结该需求。",
            url=url,
        )
    elif action == "dispute":
        _send(
            [*bureau_users(demand), *_working_parties(demand)],
            actor=actor,
            title=f"提出方认为需求尚未解决：{title}",
            body=f"提出方说明：{note}",
            url=url,
        )
    elif action == "close":
        solved = demand.solved_at is not None
        _send(
            submitter,
            actor=actor,
            title=f"您的需求已{'办结' if solved else '关闭'}：{title}",
            body="欢迎评价这次服务。" if solved else f"关闭原因：{demand.close_reason}",
            url=url,
        )


def demand_rated(*, demand: Demand, actor: Any) -> None:
    stars = "★" * int(demand.rating or 0)
    _send(
        [*bureau_users(demand), *_working_parties(demand)],
        actor=actor,
        title=f"提出方评价了需求：{demand.title}",
        body=f"{stars} {demand.feedback}".strip(),
        url=_url(demand),
    )


def connection_proposed(*, connection: Connection, actor: Any) -> None:
    demand = connection.demand
    reasons = "；".join(connection.reasons[:3])
    _send(
        target_users(connection),
        actor=actor,
        title=f"有一条科技需求推荐给您：{demand.title}",
        body=f"{demand.division.full_name}。{('推荐理由：' + reasons + '。') if reasons else ''}"
        "请在“我的对接”中接受或婉拒。",
        url=reverse("demands:connections"),
    )
    _send(
        [demand.submitted_by],
        actor=actor,
        title=f"已为您的需求联系“{connection.target_label}”",
        body="对方接受后，双方可以看到彼此的联系方式。",
        url=_url(demand),
    )


def connection_answered(*, connection: Connection, actor: Any) -> None:
    demand = connection.demand
    accepted = connection.status == ConnectionStatus.ACCEPTED
    _send(
        [demand.submitted_by, connection.proposed_by],
        actor=actor,
        title=f"“{connection.target_label}”{'接受' if accepted else '婉拒'}了对接：{demand.title}",
        body="双方的联系方式现已互相可见，请打开需求查看。"
        if accepted
        else (connection.note or "县级科技部门会为您另找合适的对象。"),
        url=_url(demand),
    )


def connection_concluded(*, connection: Connection, actor: Any) -> None:
    demand = connection.demand
    succeeded = connection.status == ConnectionStatus.SUCCEEDED
    _send(
        [demand.submitted_by, *target_users(connection)],
        actor=actor,
        title=f"对接结果：“{connection.target_label}”{'对接成功' if succeeded else '未能解决'}",
        body=f"{demand.title}。{connection.outcome}".strip("。") + "。",
        url=_url(demand),
    )


def demands_solved_elsewhere(demands: list[Demand], *, actor: Any, note: str) -> None:
    """Solved by a project: the submitter may rate it; the bureau sees its count move."""
    for demand in demands:
        _send(
            [demand.submitted_by, *bureau_users(demand)],
            actor=actor,
            title=f"您的需求已解决：{demand.title}",
            body=note,
            url=_url(demand),
        )
