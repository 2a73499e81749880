"""Calls for applications (政策 三(四)、三(七)、三(八)): versioned call types, calls, applications with
their co-builders, team and attachments, their history, objections during 公示, and the register of
certified carriers the decisions create.

The rules of a call type (form, eligibility with the 粤东西北 tilt, rubric, selection) are the
plain-Python engine in ``engine/``; this app stores what it needs and runs the lifecycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from baiqianwan.core.models import RecordEvent, TimeStampedModel, VersionedDefinition, acted_by
from baiqianwan.core.scope import ScopedModel


class CallTypeVersion(VersionedDefinition):
    """One version of a call-type definition; never changed once stored."""

    class Meta:
        verbose_name = _("申报类型版本")
        verbose_name_plural = _("申报类型版本")
        ordering = ["code", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="one_current_call_type_version"
            )
        ]


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("申报中")
    CLOSED = "closed", _("申报截止（推荐与形式审查）")
    REVIEWING = "reviewing", _("专家评审")
    PROVISIONAL = "provisional", _("拟立项/拟认定")
    PUBLICITY = "publicity", _("公示中")
    DECIDED = "decided", _("已决定")


class Call(TimeStampedModel):
    """A call of one type for one year: its guide, dates and quota, under the definition version
    it was published with."""

    call_type = models.ForeignKey(
        CallTypeVersion, verbose_name=_("申报类型（版本）"), on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(_("申报指南名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    guide = models.TextField(_("申报指南"), max_length=20000, blank=True)
    opens_at = models.DateTimeField(_("开始申报"))
    closes_at = models.DateTimeField(_("申报截止"))
    places = models.PositiveIntegerField(_("拟支持数量"), null=True, blank=True)
    # The options of the type's `choices_from_call` fields, fixed when the call is published (a
    # 攻关 guide's topics): {field code: [option, ...]}.
    choices = models.JSONField(_("指南选项"), default=dict, blank=True)
    reviewers_per_application = models.PositiveSmallIntegerField(_("每项评审专家数"), default=5)
    blind = models.BooleanField(_("匿名评审"), default=False)
    auto_provisional = models.BooleanField(
        _("评审完成后自动拟定"),
        default=False,
        help_text=_("最后一份评分表提交后，按拟支持数量和评审规则自动拟定结果；拟定结果在公示前仍可调整"),
    )
    publicity_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    publicity_starts = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_ends = models.DateField(_("公示结束"), null=True, blank=True)
    decision_number = models.CharField(_("决定文号"), max_length=60, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("申报指南")
        verbose_name_plural = _("申报指南")
        ordering = ["-year", "-opens_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待推荐")
    RETURNED = "returned", _("退回修改")
    NOT_RECOMMENDED = "not_recommended", _("未获推荐")
    RECOMMENDED = "recommended", _("已推荐，待形式审查")
    REJECTED = "rejected", _("形式审查未通过")
    ACCEPTED = "accepted", _("形式审查通过")
    REVIEWING = "reviewing", _("专家评审中")
    PROVISIONAL = "provisional", _("拟立项/拟认定")
    NOT_SELECTED = "not_selected", _("未入选")
    APPROVED = "approved", _("已立项/已认定")
    WITHDRAWN = "withdrawn", _("已撤回")


class Application(ScopedModel, TimeStampedModel):
    """One unit's application (or one nomination) to a call. The answers follow the call type's
    form; the eligibility verdict is kept as it was computed, with its reasons."""

    call = models.ForeignKey(
        Call, verbose_name=_("申报指南"), on_delete=models.PROTECT, related_name="applications"
    )
    reference = models.CharField(_("申报编号"), max_length=30, unique=True)
    title = models.CharField(_("申报名称"), max_length=120)
    applicant = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="applications"
    )
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("申报单位所在地"), on_delete=models.PROTECT, related_name="+"
    )
    in_east_west_north = models.BooleanField(_("粤东西北"), default=False)
    lead = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_applications",
    )
    values = models.JSONField(_("申报内容"), default=dict, blank=True)
    eligible = models.BooleanField(_("符合申报条件"), null=True, blank=True)
    eligibility = models.JSONField(_("条件核验"), default=list, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    nominator_division = models.ForeignKey(
        "regions.Division",
        verbose_name=_("提名单位（地区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    nominator_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("提名单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations_made",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回或不通过原因"), max_length=500, blank=True)
    score = models.DecimalField(_("评审得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=20, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    # A bureau sees the applications of units in its area and those naming a partner there.
    scope_division_path = ("division", "partners__organisation__division")
    scope_organisation_path = "applicant"
    scope_owner_path = "submitted_by"

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["call", "status"], name="calls_app_call_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ApplicationPartner(models.Model):
    """A co-builder (共建单位) of a joint application, with its answers to the fields the call type
    lets co-builders contribute (their researchers and equipment in the field count)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("共建单位"), on_delete=models.PROTECT, related_name="+"
    )
    values = models.JSONField(_("共建单位投入"), default=dict, blank=True)

    class Meta:
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        constraints = [
            models.UniqueConstraint(fields=["application", "organisation"], name="one_partner_entry_per_org")
        ]

    def __str__(self) -> str:
        return str(self.organisation_id)


class ApplicationMember(models.Model):
    """A person named in the application (lead or team member): a reviewer who is named here, or
    works where they do, has a conflict of interest."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("分工"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("申报团队成员")
        verbose_name_plural = _("申报团队成员")
        constraints = [
            models.UniqueConstraint(fields=["application", "person"], name="one_member_entry_per_person")
        ]

    def __str__(self) -> str:
        return str(self.person_id)


class ApplicationAttachment(TimeStampedModel):
    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="attachments"
    )
    spec = models.CharField(_("材料"), max_length=40)
    file = models.FileField(_("文件"), upload_to="calls/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["spec", "id"]

    def __str__(self) -> str:
        return self.name


class EventAction(models.TextChoices):
    CREATE = "create", _("创建草稿")
    SUBMIT = "submit", _("提交")
    RECOMMEND = "recommend", pgettext_lazy("application", "推荐")
    RETURN = "return", _("退回修改")
    DECLINE = "decline", _("不予推荐")
    ACCEPT = "accept", _("形式审查通过")
    REJECT = "reject", _("形式审查不通过")
    WITHDRAW = "withdraw", _("撤回")
    REVIEW = "review", _("进入专家评审")
    PROVISIONAL = "provisional", _("拟定结果")
    ADJUST = "adjust", _("调整拟定结果")
    APPROVE = "approve", _("决定立项/认定")
    ENROL = "enrol", _("纳入评审")


class ApplicationEvent(RecordEvent):
    """The application's history as the applicant and the bureaus see it (never shown to reviewers)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=EventAction.choices)

    class Meta(RecordEvent.Meta):
        verbose_name = _("申报处理记录")
        verbose_name_plural = _("申报处理记录")

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class CarrierStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已到期")
    REVOKED = "revoked", _("已撤销")


class Carrier(ScopedModel, TimeStampedModel):
    """A certified 科创载体 (工程技术研究中心, 省重点实验室, 新型研发机构): the register the decisions of
    carrier calls write, and the live source of KPI-EWN-CARRIERS."""

    kind = models.CharField(_("载体类型"), max_length=30, db_index=True)
    name = models.CharField(_("载体名称"), max_length=120)
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("依托单位"), on_delete=models.PROTECT, related_name="carriers"
    )
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+"
    )
    in_east_west_north = models.BooleanField(_("粤东西北"), default=False)
    field = models.CharField(_("领域"), max_length=60, blank=True)
    certified_on = models.DateField(_("认定日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CarrierStatus.choices, default=CarrierStatus.ACTIVE
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("来源申报"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carrier",
    )

    scope_division_path = "division"
    scope_organisation_path = "organisation"

    class Meta:
        verbose_name = _("科创载体")
        verbose_name_plural = _("科创载体")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(TimeStampedModel):
    """An objection (异议) to a 公示 list, filed during the period; the province answers by a date."""

    call = models.ForeignKey(
        Call, verbose_name=_("申报指南"), on_delete=models.PROTECT, related_name="objections"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("针对的申报"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
    )
    reference = models.CharField(_("受理编号"), max_length=30, unique=True)
    name = models.CharField(_("异议人"), max_length=40)
    contact = models.CharField(_("联系方式"), max_length=40)
    reason = models.TextField(_("异议内容"), max_length=3000)
    evidence = models.FileField(
        _("证据图片"),
        upload_to="calls/objections/%Y/",
        blank=True,
        help_text=_("JPG 或 PNG，按内容检查并重新编码保存"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due = models.DateField(_("答复期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField(_("答复"), max_length=3000, blank=True)
    answered_by = acted_by(_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference
