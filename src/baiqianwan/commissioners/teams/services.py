"""Writes of teams: a new leader, the team's 工作站, and 工作站 themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from ..fieldwork.services import coordinates_clean
from ..rounds.models import Assignment, AssignmentStatus, MembershipChange, Team, Workstation
from .rules import can_change_leader, can_manage_town, can_register_workstation
from .selectors import workstation_get


@transaction.atomic
def team_leader_change(
    *, acting_user: Any, team: Team, assignment_id: int, reason: str, on: dt.date | None = None
) -> Assignment:
    """Make another serving member the leader; the team keeps exactly one, and the history says why."""
    if not can_change_leader(acting_user, team):
        raise PermissionDenied(gettext("团队负责人由省科技厅或团队所在县科技部门调整"))
    members = list(
        Assignment.all_objects.select_for_update(of=("self",))
        .filter(need_id=team.need_id, published=True)
        .select_related("nomination__expert__person")
    )
    chosen = next((a for a in members if a.pk == assignment_id), None)
    if chosen is None:
        raise ValidationError({"assignment": gettext("请从本团队成员中选择新的负责人")})
    name = chosen.nomination.expert.person.name
    if chosen.status != AssignmentStatus.ACCEPTED:
        raise ValidationError(
            {
                "assignment": gettext("{name}当前为“{status}”，不能任负责人").format(
                    name=name, status=chosen.get_status_display()
                )
            }
        )
    if chosen.leader:
        raise ValidationError({"assignment": gettext("{name}已是团队负责人").format(name=name)})
    if not chosen.nomination.can_lead:
        raise ValidationError(
            {"assignment": gettext("{name}的职称未达到副高级，不能任团队负责人").format(name=name)}
        )
    if not reason.strip():
        raise ValidationError({"reason": gettext("请填写调整负责人的原因")})
    for member in members:
        if member.leader:
            member.leader = False
            member.save(update_fields=["leader", "updated_at"])
    chosen.leader = True
    chosen.save(update_fields=["leader", "updated_at"])
    MembershipChange.objects.create(
        team=team,
        assignment=chosen,
        kind=MembershipChange.Kind.LEADER,
        on=on or timezone.localdate(),
        reason=reason.strip()[:200],
        by=acting_user,
    )
    return chosen


@transaction.atomic
def team_workstation_set(*, acting_user: Any, team: Team, workstation_id: int | None) -> Team:
    """Link the team to a workstation in its own town (or unlink it with ``None``)."""
    if not can_manage_town(acting_user, team.town_id):
        raise PermissionDenied(
            gettext("“{full_name}”不在您的管辖范围内").format(full_name=team.town.full_name)
        )
    workstation = None
    if workstation_id is not None:
        workstation = (
            Workstation.objects.for_user(acting_user, "change")
            .select_related("town")
            .filter(pk=workstation_id)
            .first()
        )
        if workstation is None:
            raise ValidationError({"workstation": gettext("找不到该工作站，或它不在您的管辖范围内")})
        if workstation.town_id != team.town_id:
            raise ValidationError(
                {
                    "workstation": gettext(
                        "工作站“{name}”位于{full_name}，不能关联服务{full_name2}的团队"
                    ).format(
                        name=workstation.name,
                        full_name=workstation.town.full_name,
                        full_name2=team.town.full_name,
                    )
                }
            )
    team = Team.all_objects.select_for_update().get(pk=team.pk)
    team.workstation = workstation
    team.save(update_fields=["workstation", "updated_at"])
    return team


def _workstation_values(
    acting_user: Any, values: dict[str, Any], current: Workstation | None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [gettext("请填写工作站名称")]
    cleaned["name"] = name
    town = Division.objects.filter(code=str(values.get("town_code") or "").strip()).first()
    if town is None or town.level != "town":
        errors["town"] = [gettext("请选择工作站所在的乡镇（街道）")]
    elif not can_manage_town(acting_user, town.code):
        errors["town"] = [gettext("“{full_name}”不在您的管辖范围内").format(full_name=town.full_name)]
    elif current is not None and town.code != current.town_id and current.teams.exists():
        errors["town"] = [gettext("该工作站已关联团队，不能改到其他乡镇；请先在团队页面解除关联")]
    cleaned["town"] = town
    host = None
    host_id = values.get("host_id")
    if host_id:
        host = Organisation.objects.for_user(acting_user).filter(pk=host_id).first()
        if host is None:
            errors["host"] = [gettext("找不到该依托单位，或它不在您的可见范围内；可直接填写依托单位名称")]
    host_name = str(values.get("host_name") or "").strip()
    if host is None and not host_name and "host" not in errors:
        errors["host_name"] = [gettext("请选择依托单位，或填写依托单位名称")]
    cleaned["host"], cleaned["host_name"] = host, "" if host is not None else host_name[:80]
    address = str(values.get("address") or "").strip()
    if not address:
        errors["address"] = [gettext("请填写工作站地址")]
    cleaned["address"] = address[:120]
    cleaned["facilities"] = str(values.get("facilities") or "").strip()
    established = values.get("established_on") or timezone.localdate()
    if established > timezone.localdate():
        errors["established_on"] = [gettext("建站日期不能晚于今天")]
    cleaned["established_on"] = established
    cleaned["latitude"], cleaned["longitude"] = coordinates_clean(
        values.get("latitude"), values.get("longitude"), errors
    )
    if town is not None and name and "town" not in errors:
        same = Workstation.all_objects.filter(town=town, name=name)
        if current is not None:
            same = same.exclude(pk=current.pk)
        if same.exists():
            errors.setdefault("name", []).append(
                gettext("{name}已有名为“{name2}”的工作站").format(name=town.name, name2=name)
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def workstation_create(*, acting_user: Any, **values: Any) -> Workstation:
    if not can_register_workstation(acting_user):
        raise PermissionDenied(gettext("工作站由乡镇及以上科技管理部门登记"))
    workstation = Workstation(created_by=acting_user, **_workstation_values(acting_user, values, None))
    workstation.full_clean()
    workstation.save()
    return workstation


@transaction.atomic
def workstation_update(*, acting_user: Any, workstation_id: int, **values: Any) -> Workstation:
    if workstation_get(user=acting_user, pk=workstation_id, action="change") is None or not (
        can_register_workstation(acting_user)
    ):
        raise PermissionDenied(gettext("找不到该工作站，或它不在您的管辖范围内"))
    workstation = Workstation.all_objects.select_for_update().get(pk=workstation_id)
    merged = {
        "name": workstation.name,
        "town_code": workstation.town_id,
        "host_id": workstation.host_id,
        "host_name": workstation.host_name,
        "address": workstation.address,
        "facilities": workstation.facilities,
        "established_on": workstation.established_on,
        "latitude": workstation.latitude,
        "longitude": workstation.longitude,
        **values,
    }
    for key, value in _workstation_values(acting_user, merged, workstation).items():
        setattr(workstation, key, value)
    workstation.full_clean()
    workstation.save()
    return workstation
