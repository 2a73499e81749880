"""Dispatch rounds (policy 三(六)): rounds, town needs, nominations, assignments, the hand-made
constraints and the two-way choice; and the teams a published round forms, with their history and
workstations (a round's publication creates them, and an assignment's end is written into them)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel, acted_by
from baiqianwan.core.scope import ScopedModel

# The fields commissioners are selected from (三(六)一是 拓展多领域复合型科技特派员选派渠道).
FIELDS = [
    gettext_noop("种植"),
    gettext_noop("养殖"),
    gettext_noop("农产品加工"),
    gettext_noop("农机装备"),
    gettext_noop("信息化与电商"),
    gettext_noop("金融"),
    gettext_noop("规划"),
    gettext_noop("医疗卫生"),
    gettext_noop("生态环保"),
    gettext_noop("南药"),
    gettext_noop("茶叶"),
    gettext_noop("水产"),
]


class RoundStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    SOLVED = "solved", _("已生成方案")
    PUBLISHED = "published", _("已发布")


class DispatchRound(ScopedModel, TimeStampedModel):
    name = models.CharField(_("批次名称"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    needs_due = models.DateField(_("乡镇需求截止"), null=True, blank=True)
    nominations_due = models.DateField(_("单位推荐截止"), null=True, blank=True)
    choices_due = models.DateField(_("双向选择截止"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        _("年龄上限（周岁）"), null=True, blank=True, help_text=_("超过者标为不符合条件；不填则不限")
    )
    max_per_unit = models.PositiveSmallIntegerField(
        _("每个单位推荐人数上限"), null=True, blank=True, help_text=_("不填则不限")
    )
    status = models.CharField(_("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    result = models.JSONField(_("求解结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT
    )

    # Rounds are province business, visible to every logged-in user that takes part.
    scope_public_field = "is_visible"
    is_visible = models.BooleanField(_("对参与单位可见"), default=True)

    class Meta:
        verbose_name = _("选派批次")
        verbose_name_plural = _("选派批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class TownNeed(ScopedModel, TimeStampedModel):
    """A town's request: how many commissioners in which fields; one slot leads the team."""

    round = models.ForeignKey(
        DispatchRound, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="needs"
    )
    town = models.ForeignKey(
        "regions.Division", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    fields = models.JSONField(_("需求领域"))
    slots = models.PositiveSmallIntegerField(_("人数（含团队负责人 1 名）"), default=3)
    note = models.CharField(_("具体需求"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT
    )

    scope_division_path = "town"

    class Meta:
        verbose_name = _("乡镇需求")
        verbose_name_plural = _("乡镇需求")
        ordering = ["town_id"]
        constraints = [models.UniqueConstraint(fields=["round", "town"], name="one_need_per_town_per_round")]

    def __str__(self) -> str:
        return gettext("{town} {slots} 人").format(town=self.town, slots=self.slots)


class Nomination(ScopedModel, TimeStampedModel):
    """A unit puts forward one of its experts; ineligible nominations say why."""

    round = models.ForeignKey(
        DispatchRound, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="nominations"
    )
    expert = models.ForeignKey(
        "supply.ExpertProfile", verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("推荐单位"), on_delete=models.PROTECT
    )
    fields = models.JSONField(_("服务领域"))
    can_lead = models.BooleanField(_("可任团队负责人"), default=False)
    capacity = models.PositiveSmallIntegerField(_("可服务乡镇数"), default=1)
    in_station_team = models.BooleanField(_("已是驻镇帮镇扶村工作队成员"), default=False)
    in_sanzhi = models.BooleanField(_("已是三支一扶人员"), default=False)
    excluded_reason = models.CharField(_("不符合条件的原因"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT
    )

    scope_organisation_path = "organisation"
    scope_division_path = "organisation__division"
    scope_owner_path = "expert__user"

    class Meta:
        verbose_name = _("候选人推荐")
        verbose_name_plural = _("候选人推荐")
        ordering = ["round_id", "organisation_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "expert"], name="one_nomination_per_expert_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.expert}（{self.organisation}）"

    @property
    def eligible(self) -> bool:
        return not self.excluded_reason


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("方案中")
    INVITED = "invited", _("待本人确认")
    ACCEPTED = "accepted", _("在岗")
    DECLINED = "declined", _("本人谢绝")
    WITHDRAWN = "withdrawn", _("本人退出")
    RECALLED = "recalled", _("派出单位召回")
    RESCINDED = "rescinded", _("已撤销")
    COMPLETED = "completed", _("期满")


class ConfirmedVia(models.TextChoices):
    """How an invitation was accepted: by the person on the platform, or by their unit for them."""

    SELF = "self", _("本人在平台确认")
    WRITTEN = "written", _("书面确认")
    PHONE = "phone", _("电话确认")


# Statuses that hold a slot: the person is planned, invited or serving.
HOLDING = (AssignmentStatus.PROPOSED, AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


TERM_YEARS = 3  # 一个团队服务一个乡镇 3 年


class Assignment(ScopedModel, TimeStampedModel):
    """One commissioner in one town's team: planned, invited, serving or ended (with why)."""

    round = models.ForeignKey(
        DispatchRound, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="assignments"
    )
    need = models.ForeignKey(
        TownNeed, verbose_name=_("乡镇需求"), on_delete=models.CASCADE, related_name="assignments"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("科技特派员"), on_delete=models.PROTECT, related_name="assignments"
    )
    leader = models.BooleanField(_("团队负责人"), default=False)
    score = models.FloatField(_("匹配分"), default=0)
    published = models.BooleanField(_("已发布"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED
    )
    started_on = models.DateField(_("派驻开始"), null=True, blank=True)
    ended_on = models.DateField(_("离岗日期"), null=True, blank=True)
    end_reason = models.CharField(_("离岗原因"), max_length=200, blank=True)
    confirmed_via = models.CharField(_("确认方式"), max_length=10, choices=ConfirmedVia.choices, blank=True)
    confirmation_note = models.CharField(
        _("确认说明"), max_length=200, blank=True, help_text=_("如：6月3日电话联系本人，同意派驻")
    )
    confirmed_by = acted_by(_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("已提醒次数"), default=0)
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)

    scope_division_path = "need__town"
    scope_organisation_path = "nomination__organisation"
    scope_owner_path = "nomination__expert__user"

    class Meta:
        verbose_name = _("派驻安排")
        verbose_name_plural = _("派驻安排")
        ordering = ["need__town_id", "-leader"]

    def __str__(self) -> str:
        return f"{self.nomination.expert} → {self.need.town}"


class ConstraintKind(models.TextChoices):
    PIN = "pin", _("固定安排")
    FORBID = "forbid", _("禁止安排")


class PlanConstraint(ScopedModel, TimeStampedModel):
    """A hand-made decision the solver must respect: keep this person in this town, or never."""

    round = models.ForeignKey(
        DispatchRound, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="constraints"
    )
    need = models.ForeignKey(TownNeed, verbose_name=_("乡镇需求"), on_delete=models.CASCADE, related_name="+")
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("科技特派员"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=6, choices=ConstraintKind.choices)
    leader = models.BooleanField(_("任团队负责人"), default=False)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT
    )

    # Province staff only (no scope path): pins and forbids are the dispatching office's tools.

    class Meta:
        verbose_name = _("人工调整")
        verbose_name_plural = _("人工调整")
        ordering = ["round_id", "need_id"]
        constraints = [models.UniqueConstraint(fields=["need", "nomination"], name="one_constraint_per_pair")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.nomination} @ {self.need}"


class TownRanking(ScopedModel, TimeStampedModel):
    """双向选择, the town's side: its candidates in order of preference (1 = first choice)."""

    need = models.ForeignKey(
        TownNeed, verbose_name=_("乡镇需求"), on_delete=models.CASCADE, related_name="rankings"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("候选人"), on_delete=models.CASCADE, related_name="town_rankings"
    )
    rank = models.PositiveSmallIntegerField(_("志愿顺序"), validators=[MinValueValidator(1)])

    scope_division_path = "need__town"

    class Meta:
        verbose_name = _("乡镇选择")
        verbose_name_plural = _("乡镇选择")
        ordering = ["need_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "nomination"], name="one_town_rank_per_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.need.town_id} #{self.rank} {self.nomination_id}"


class CandidatePreference(ScopedModel, TimeStampedModel):
    """双向选择, the candidate's side: the towns they would serve, in order (1 = first choice)."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("候选人"), on_delete=models.CASCADE, related_name="preferences"
    )
    need = models.ForeignKey(TownNeed, verbose_name=_("乡镇需求"), on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("志愿顺序"), validators=[MinValueValidator(1)])

    scope_organisation_path = "nomination__organisation"
    scope_owner_path = "nomination__expert__user"

    class Meta:
        verbose_name = _("候选人志愿")
        verbose_name_plural = _("候选人志愿")
        ordering = ["nomination_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["nomination", "need"], name="one_preference_per_town")]

    def __str__(self) -> str:
        return f"{self.nomination_id} #{self.rank} {self.need.town_id}"


class Workstation(ScopedModel, TimeStampedModel):
    """科技特派团工作站: where a team works from in its town."""

    name = models.CharField(_("工作站名称"), max_length=80)
    town = models.ForeignKey(
        "regions.Division", verbose_name=_("所在乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    host = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("依托单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    host_name = models.CharField(
        _("依托单位名称"), max_length=80, blank=True, help_text=_("依托单位未在平台登记时填写")
    )
    address = models.CharField(_("地址"), max_length=120)
    facilities = models.TextField(
        _("场地与设施"), blank=True, help_text=_("如：办公室 60 平方米、检测室、示范基地 200 亩")
    )
    established_on = models.DateField(_("建站日期"), default=date.today)
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=8, decimal_places=5, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT
    )

    scope_division_path = "town"

    class Meta:
        verbose_name = _("科技特派团工作站")
        verbose_name_plural = _("科技特派团工作站")
        ordering = ["town_id", "name"]

    def __str__(self) -> str:
        return self.name


class Team(ScopedModel, TimeStampedModel):
    """组团式帮扶: one team per town, formed when a round is published; serves 3 years."""

    need = models.OneToOneField(
        TownNeed, verbose_name=_("乡镇需求"), on_delete=models.PROTECT, related_name="team"
    )
    town = models.ForeignKey(
        "regions.Division", verbose_name=_("服务乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("团队名称"), max_length=80)
    started_on = models.DateField(_("服务开始"))
    ends_on = models.DateField(_("服务期满"))
    workstation = models.ForeignKey(
        Workstation,
        verbose_name=_("工作站"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams",
    )

    scope_division_path = "town"
    scope_organisation_path = "need__assignments__nomination__organisation"
    scope_owner_path = "need__assignments__nomination__expert__user"

    class Meta:
        verbose_name = _("科技特派员团队")
        verbose_name_plural = _("科技特派员团队")
        ordering = ["town_id"]

    def __str__(self) -> str:
        return self.name


class MembershipChange(models.Model):
    """A team's history: who joined, left or took over as leader, when and why."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("加入")
        LEFT = "left", _("离开")
        LEADER = "leader", _("任负责人")

    team = models.ForeignKey(Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="history")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("派驻安排"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("变动"), max_length=6, choices=Kind.choices)
    on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("团队成员变动")
        verbose_name_plural = _("团队成员变动")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.team_id} {self.get_kind_display()} {self.assignment_id}"
