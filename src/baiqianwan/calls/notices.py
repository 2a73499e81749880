"""Who is told what as a call and its applications move.

Each function is called by a service inside its transaction; the notifications go out after the
commit (core.notifications.notify_after_commit), never to the person who acted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.notifications import notify_after_commit

from .models import Application, ApplicationStatus, Call

# What the applicant is told after each step of the city or the province.
STEP_TITLES = {
    "recommend": gettext_noop("申报已获推荐，进入形式审查：{title}"),
    "return": gettext_noop("申报被退回修改：{title}"),
    "decline": gettext_noop("申报未获推荐：{title}"),
    "accept": gettext_noop("申报通过形式审查：{title}"),
    "reject": gettext_noop("申报未通过形式审查：{title}"),
}


def applicant_users(application: Application) -> list[User]:
    """Who speaks for the application: the accounts of the applicant unit, whoever filled it in,
    and for a nomination the nominating city's bureau."""
    return _speakers([application])[application.pk]


def _speakers(applications: Iterable[Application]) -> dict[int, list[User]]:
    """applicant_users for many applications in three queries (a 公示 or a decision tells them all)."""
    applications = list(applications)
    submitters = User.objects.in_bulk({a.submitted_by_id for a in applications if a.submitted_by_id})
    units: dict[int, list[User]] = {}
    for user in User.objects.filter(
        is_active=True, role=Role.ORG, organisation_id__in={a.applicant_id for a in applications}
    ):
        units.setdefault(user.organisation_id, []).append(user)
    bureaus: dict[str, list[User]] = {}
    nominators = {a.nominator_division_id for a in applications if a.nominator_division_id}
    if nominators:
        for user in User.objects.filter(is_active=True, role=Role.CITY, division_id__in=nominators):
            bureaus.setdefault(user.division_id, []).append(user)
    return {
        a.pk: [
            *units.get(a.applicant_id, []),
            *([submitters[a.submitted_by_id]] if a.submitted_by_id in submitters else []),
            *bureaus.get(a.nominator_division_id or "", []),
        ]
        for a in applications
    }


def recommender_users(application: Application) -> list[User]:
    """The bureaus that recommend (推荐/初审): the applicant's county and city."""
    code = application.division_id or ""
    divisions = {code[:6] + "000000", code[:4] + "00000000"}
    return list(
        User.objects.filter(is_active=True, role__in=(Role.COUNTY, Role.CITY), division_id__in=divisions)
    )


def _url(application: Application) -> str:
    return reverse("calls:application", args=[application.pk])


def submitted(application: Application, *, actor: Any) -> None:
    notify_after_commit(
        recommender_users(application),
        actor=actor,
        title=gettext("新的申报待推荐：{title}").format(title=application.title),
        body=gettext("{call}，申报编号 {reference}").format(
            call=application.call.title, reference=application.reference
        ),
        url=_url(application),
    )


def stepped(application: Application, *, action: str, actor: Any, note: str = "") -> None:
    template = STEP_TITLES.get(action)
    if template is None:  # a withdrawal is the applicant's own step
        return
    notify_after_commit(
        applicant_users(application),
        actor=actor,
        title=gettext(template).format(title=application.title),
        body=gettext("原因：{note}").format(note=note) if note else application.call.title,
        url=_url(application),
    )


def publicity_started(call: Call, applications: Iterable[Application], *, actor: Any) -> None:
    """Everyone who took part learns whether they are on the list now shown for 公示."""
    applications = list(applications)
    speakers = _speakers(applications)
    for application in applications:
        listed = application.status == ApplicationStatus.PROVISIONAL
        title = (
            gettext("拟立项/拟认定名单公示中，您的申报在名单内：{title}")
            if listed
            else gettext("评审结果已公示，您的申报未入选：{title}")
        ).format(title=application.title)
        notify_after_commit(
            speakers[application.pk],
            actor=actor,
            title=title,
            body=gettext("公示期至 {day}，有异议可在公示期内提出。").format(day=call.publicity_ends),
            url=_url(application),
        )


def decided(call: Call, applications: Iterable[Application], *, actor: Any) -> None:
    applications = list(applications)
    speakers = _speakers(applications)
    for application in applications:
        notify_after_commit(
            speakers[application.pk],
            actor=actor,
            title=gettext("已立项/已认定：{title}").format(title=application.title),
            body=gettext("决定文号：{number}").format(number=call.decision_number),
            url=_url(application),
        )


def objection_filed(call: Call, *, actor: Any) -> None:
    notify_after_commit(
        [call.created_by],
        actor=actor,
        title=gettext("公示收到异议：{title}").format(title=call.title),
        body=gettext("请在公示期内核实并答复。"),
        url=reverse("calls:publicity", args=[call.pk]),
    )


def objection_answered(call: Call, filer: Any, *, actor: Any, upheld: bool) -> None:
    notify_after_commit(
        [filer],
        actor=actor,
        title=(
            gettext("您的异议已核实成立：{title}") if upheld else gettext("您的异议已答复：{title}")
        ).format(title=call.title),
        url=reverse("calls:publicity", args=[call.pk]),
    )


def call_closed(call: Call, submitted_count: int) -> None:
    notify_after_commit(
        [call.created_by],
        title=gettext("申报已截止：{title}").format(title=call.title),
        body=gettext("共收到 {n} 份申报，请组织推荐与形式审查。").format(n=submitted_count),
        url=reverse("calls:call", args=[call.pk]),
    )
