from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import RecordEvent, TimeStampedModel, acted_by
from baiqianwan.core.scope import ScopedModel


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已受理")
    MATCHING = "matching", _("对接中")
    CONFIRMING = "confirming", _("待提出方确认")
    SOLVED = "solved", _("已解决")
    CLOSED = "closed", _("已关闭")
    MERGED = "merged", _("已合并")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    SOON = "soon", _("较急")
    URGENT = "urgent", _("紧急")


class Budget(models.TextChoices):
    NONE = "none", _("暂无预算")
    UNDER_10K = "lt10k", _("1 万元以下")
    TO_100K = "10k_100k", _("1–10 万元")
    TO_500K = "100k_500k", _("10–50 万元")
    OVER_500K = "gt500k", _("50 万元以上")


class SubmitterKind(models.TextChoices):
    VILLAGE = "village", _("村（居）委会")
    TOWN = "town", _("乡镇（街道）")
    COUNTY = "county", _("县（市、区）")
    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("合作社、家庭农场")
    FARMER = "farmer", _("农户")


class Demand(ScopedModel, TimeStampedModel):
    """A 科技需求 from a village, town, county, enterprise or cooperative (policy 三(一))."""

    title = models.CharField(_("需求标题"), max_length=80)
    description = models.TextField(_("需求描述"), max_length=5000)
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name=_("所属产业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="demands"
    )
    submitter_kind = models.CharField(_("提出方类型"), max_length=16, choices=SubmitterKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("提出单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="demands"
    )
    contact_name = models.CharField(_("联系人"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    budget = models.CharField(_("预算范围"), max_length=12, choices=Budget.choices, default=Budget.NONE)
    status = models.CharField(
        _("状态"), max_length=12, choices=DemandStatus.choices, default=DemandStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    solved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    handled_by = acted_by(_("受理人"))
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    close_reason = models.CharField(_("关闭原因"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    rating = models.PositiveSmallIntegerField(
        _("满意度评分"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    feedback = models.CharField(_("评价"), max_length=500, blank=True)
    is_public = models.BooleanField(_("公开到技术市场"), default=False)
    # A demand a farmer sent through the public portal, without an account: followed by this
    # reference and the mobile number given (docs/decisions/0015).
    public_reference = models.CharField(_("公众查询编号"), max_length=20, unique=True, null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "division"
    scope_organisation_path = "organisation"
    scope_owner_path = "submitted_by"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("科技需求")
        verbose_name_plural = _("科技需求")
        ordering = ["-created_at"]
        indexes = [
            # A bureau's queue: one status in its area (a prefix of the division code). The pattern
            # operator class lets LIKE '4414%' use the index whatever the database's collation.
            models.Index(
                fields=["status", "division"],
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                name="demand_status_area",
            ),
            # A list filtered by status, newest first, stops after the page instead of sorting them all.
            models.Index(fields=["status", "-created_at"], name="demand_status_newest"),
        ]

    def __str__(self) -> str:
        return self.title


class DemandAttachment(TimeStampedModel):
    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="demands/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("需求附件")
        verbose_name_plural = _("需求附件")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type in ("image/jpeg", "image/png")


class DemandEvent(RecordEvent):
    """The demand's history as the submitter and the bureau see it."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="events"
    )
    # Demand statuses are shorter; the columns keep the length they were made with.
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)

    class Meta(RecordEvent.Meta):
        verbose_name = _("需求处理记录")
        verbose_name_plural = _("需求处理记录")

    def __str__(self) -> str:
        return f"{self.demand_id} {self.action}"


class ConnectionStatus(models.TextChoices):
    PROPOSED = "proposed", _("已推荐，待回应")
    ACCEPTED = "accepted", _("已接受，对接中")
    DECLINED = "declined", _("已婉拒")
    SUCCEEDED = "succeeded", _("对接成功")
    FAILED = "failed", _("未能解决")


class TargetKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("科技成果")
    EXPERT = "expert", _("专家")
    INSTITUTION = "institution", _("机构")


class Connection(ScopedModel, TimeStampedModel):
    """对接: a demand connected with an achievement, an expert or an institution, and the outcome."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="connections"
    )
    target_kind = models.CharField(_("对接对象类型"), max_length=12, choices=TargetKind.choices)
    achievement = models.ForeignKey(
        "supply.Achievement",
        verbose_name=_("科技成果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="connections",
    )
    expert = models.ForeignKey(
        "supply.ExpertProfile",
        verbose_name=_("专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="connections",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="connections",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.PROPOSED,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField(_("推荐理由"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    outcome = models.CharField(_("对接结果"), max_length=500, blank=True)
    # Who answered for the other side, and how the submitter reaches them once it is accepted.
    responded_by = acted_by(_("回应人"))
    contact_name = models.CharField(_("对方联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("对方联系电话"), max_length=20, blank=True)

    scope_division_path = "demand__division"
    scope_organisation_path = ("achievement__organisation", "expert__person__organisation", "organisation")
    scope_owner_path = ("proposed_by", "expert__user")

    class Meta:
        verbose_name = _("需求对接")
        verbose_name_plural = _("需求对接")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target_kind="achievement", achievement__isnull=False)
                    | models.Q(target_kind="expert", expert__isnull=False)
                    | models.Q(target_kind="institution", organisation__isnull=False)
                ),
                name="connection_target_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.demand} ↔ {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.achievement_id and self.achievement:
            return self.achievement.title
        if self.expert_id and self.expert:
            return self.expert.person.name
        return self.organisation.name if self.organisation else ""
