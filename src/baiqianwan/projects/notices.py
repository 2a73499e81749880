"""Who is told what as a 大专项 and its projects move. Called by services inside their transaction;
sent after the commit (core.notifications.notify_after_commit), never to the person who acted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.notifications import notify_after_commit

from . import rules
from .models import ChangeRequest, Milestone, Project, Topic


def _url(project: Project) -> str:
    return reverse("projects:project", args=[project.pk])


def lead_users(project: Project) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.ORG, organisation_id=project.organisation_id))


def province_users() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.PROVINCE))


def city_users(project: Project) -> list[User]:
    return list(
        User.objects.filter(is_active=True, role=Role.CITY, division_id__in=rules.funding_cities(project))
    )


def topics_listed(topics: Iterable[Topic], *, actor: Any) -> None:
    """Whoever posted a source demand learns it became a task of the published guide."""
    for topic in topics:
        for source in topic.sources.select_related("demand__submitted_by"):
            demand = source.demand
            notify_after_commit(
                [demand.submitted_by],
                actor=actor,
                title=f"您的需求已列入攻关任务：{demand.title}",
                body=(
                    f"省科技厅将其与其他地方的同类需求一并列入{topic.programme.title}"
                    f"任务 {topic.choice_label}，"
                    "面向高校、科研院所和企业公开征集攻关团队。"
                ),
                url=reverse("demands:detail", args=[demand.pk]),
            )


def projects_created(projects: Iterable[Project], *, actor: Any) -> None:
    for project in projects:
        notify_after_commit(
            lead_users(project),
            actor=actor,
            title=f"项目已立项，请填报任务书：{project.title}",
            body="请填写考核指标、进度节点和分年度预算，提交省科技厅审核。",
            url=_url(project),
        )
        notify_after_commit(
            city_users(project),
            actor=actor,
            title=f"本市有攻关项目立项，请落实配套资金：{project.title}",
            url=_url(project),
        )


def contract_submitted(project: Project, *, actor: Any) -> None:
    notify_after_commit(
        province_users(), actor=actor, title=f"任务书待审核：{project.title}", url=_url(project)
    )


def contract_reviewed(project: Project, *, approve: bool, actor: Any) -> None:
    title = (
        f"任务书已审核通过，项目开始执行：{project.title}" if approve else f"任务书被退回：{project.title}"
    )
    body = "" if approve else f"退回原因：{project.return_reason}"
    notify_after_commit(lead_users(project), actor=actor, title=title, body=body, url=_url(project))


def milestone_reminder(milestone: Milestone, *, today: dt.date) -> None:
    project = milestone.project
    days = (today - milestone.due).days
    when = f"已逾期 {days} 天" if days > 0 else ("今天到期" if days == 0 else f"{-days} 天后到期")
    notify_after_commit(
        lead_users(project),
        title=f"进度节点{when}：{milestone.title}",
        body=(
            f"项目 {project.reference}“{project.title}”的节点“{milestone.title}”计划 {milestone.due} 完成，"
            "请按时报告完成情况和佐证材料。"
        ),
        url=_url(project),
    )


def milestone_escalated(milestone: Milestone, *, today: dt.date) -> None:
    project = milestone.project
    notify_after_commit(
        [*city_users(project), *province_users()],
        title=f"督办：攻关项目进度节点逾期 {(today - milestone.due).days} 天",
        body=(
            f"{project.organisation.name}承担的项目 {project.reference}“{project.title}”，"
            f"节点“{milestone.title}”计划 {milestone.due} 完成，至今未报告。"
        ),
        url=_url(project),
    )


def change_requested(change: ChangeRequest, *, actor: Any) -> None:
    project = change.project
    notify_after_commit(
        province_users(),
        actor=actor,
        title=f"项目变更待审核（{change.get_kind_display()}）：{project.title}",
        url=_url(project),
    )


def change_decided(change: ChangeRequest, *, actor: Any) -> None:
    project = change.project
    verdict = "已同意" if change.status == "approved" else "未同意"
    notify_after_commit(
        lead_users(project),
        actor=actor,
        title=f"项目变更{verdict}（{change.get_kind_display()}）：{project.title}",
        body=f"审核意见：{change.decision_note}",
        url=_url(project),
    )


def acceptance_requested(project: Project, *, actor: Any) -> None:
    notify_after_commit(
        province_users(), actor=actor, title=f"项目申请验收：{project.title}", url=_url(project)
    )


def acceptance_decided(project: Project, *, solved: int, actor: Any) -> None:
    body = f"验收意见：{project.result_note}"
    if solved:
        body += f"。来源的 {solved} 项县镇村需求已标记为已解决。"
    notify_after_commit(
        [*lead_users(project), *city_users(project)],
        actor=actor,
        title=f"项目验收结论：{project.get_status_display()}：{project.title}",
        body=body,
        url=_url(project),
    )
