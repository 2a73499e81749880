"""科技特派员 dispatch (policy 三(六)): rounds, town needs, nominations and assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel

# The fields commissioners are selected from (三(六)一是 拓展多领域复合型科技特派员选派渠道).
FIELDS = [
    "种植",
    "养殖",
    "农产品加工",
    "农机装备",
    "信息化与电商",
    "金融",
    "规划",
    "医疗卫生",
    "生态环保",
    "南药",
    "茶叶",
    "水产",
]


class RoundStatus(models.TextChoices):
    OPEN = "open", "征集中"
    SOLVED = "solved", "已生成方案"
    PUBLISHED = "published", "已发布"


class DispatchRound(ScopedModel, TimeStampedModel):
    name = models.CharField("批次名称", max_length=60, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    result = models.JSONField("求解结果", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT)

    # Rounds are province business, visible to every logged-in user that takes part.
    scope_public_field = "is_visible"
    is_visible = models.BooleanField("对参与单位可见", default=True)

    class Meta:
        verbose_name = "选派批次"
        verbose_name_plural = "选派批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class TownNeed(ScopedModel, TimeStampedModel):
    """A town's request: how many commissioners in which fields; one slot leads the team."""

    round = models.ForeignKey(
        DispatchRound, verbose_name="批次", on_delete=models.CASCADE, related_name="needs"
    )
    town = models.ForeignKey(
        "regions.Division", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    fields = models.JSONField("需求领域")
    slots = models.PositiveSmallIntegerField("人数（含团队负责人 1 名）", default=3)
    note = models.CharField("具体需求", max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT
    )

    scope_division_path = "town"

    class Meta:
        verbose_name = "乡镇需求"
        verbose_name_plural = "乡镇需求"
        ordering = ["town_id"]
        constraints = [models.UniqueConstraint(fields=["round", "town"], name="one_need_per_town_per_round")]

    def __str__(self) -> str:
        return f"{self.town} {self.slots} 人"


class Nomination(ScopedModel, TimeStampedModel):
    """A unit puts forward one of its experts; ineligible nominations say why."""

    round = models.ForeignKey(
        DispatchRound, verbose_name="批次", on_delete=models.CASCADE, related_name="nominations"
    )
    expert = models.ForeignKey(
        "supply.ExpertProfile", verbose_name="候选人", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey("orgs.Organisation", verbose_name="推荐单位", on_delete=models.PROTECT)
    fields = models.JSONField("服务领域")
    can_lead = models.BooleanField("可任团队负责人", default=False)
    capacity = models.PositiveSmallIntegerField("可服务乡镇数", default=1)
    in_station_team = models.BooleanField("已是驻镇帮镇扶村工作队成员", default=False)
    in_sanzhi = models.BooleanField("已是三支一扶人员", default=False)
    excluded_reason = models.CharField("不符合条件的原因", max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT
    )

    scope_organisation_path = "organisation"
    scope_division_path = "organisation__division"

    class Meta:
        verbose_name = "候选人推荐"
        verbose_name_plural = "候选人推荐"
        ordering = ["round_id", "organisation_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "expert"], name="one_nomination_per_expert_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.expert}（{self.organisation}）"

    @property
    def eligible(self) -> bool:
        return not self.excluded_reason


class Assignment(ScopedModel, TimeStampedModel):
    round = models.ForeignKey(
        DispatchRound, verbose_name="批次", on_delete=models.CASCADE, related_name="assignments"
    )
    need = models.ForeignKey(
        TownNeed, verbose_name="乡镇需求", on_delete=models.CASCADE, related_name="assignments"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name="科技特派员", on_delete=models.PROTECT, related_name="assignments"
    )
    leader = models.BooleanField("团队负责人", default=False)
    score = models.FloatField("匹配分", default=0)
    published = models.BooleanField("已发布", default=False)

    scope_division_path = "need__town"
    scope_organisation_path = "nomination__organisation"

    class Meta:
        verbose_name = "派驻安排"
        verbose_name_plural = "派驻安排"
        ordering = ["need__town_id", "-leader"]

    def __str__(self) -> str:
        return f"{self.nomination.expert} → {self.need.town}"
