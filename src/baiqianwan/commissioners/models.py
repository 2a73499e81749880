"""科技特派员 dispatch (policy 三(六)): rounds, town needs, nominations and assignments."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
    needs_due = models.DateField("乡镇需求截止", null=True, blank=True)
    nominations_due = models.DateField("单位推荐截止", null=True, blank=True)
    choices_due = models.DateField("双向选择截止", null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        "年龄上限（周岁）", null=True, blank=True, help_text="超过者标为不符合条件；不填则不限"
    )
    max_per_unit = models.PositiveSmallIntegerField(
        "每个单位推荐人数上限", null=True, blank=True, help_text="不填则不限"
    )
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
    scope_owner_path = "expert__user"

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


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", "方案中"
    INVITED = "invited", "待本人确认"
    ACCEPTED = "accepted", "在岗"
    DECLINED = "declined", "本人谢绝"
    WITHDRAWN = "withdrawn", "本人退出"
    RECALLED = "recalled", "派出单位召回"
    RESCINDED = "rescinded", "已撤销"
    COMPLETED = "completed", "期满"


class ConfirmedVia(models.TextChoices):
    """How an invitation was accepted: by the person on the platform, or by their unit for them."""

    SELF = "self", "本人在平台确认"
    WRITTEN = "written", "书面确认"
    PHONE = "phone", "电话确认"


# Statuses that hold a slot: the person is planned, invited or serving.
HOLDING = (AssignmentStatus.PROPOSED, AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)
TERM_YEARS = 3  # 一个团队服务一个乡镇 3 年
ON_SITE_DAYS_REQUIRED = 365  # 累计在岗服务不少于 1 年


class Assignment(ScopedModel, TimeStampedModel):
    """One commissioner in one town's team: planned, invited, serving or ended (with why)."""

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
    status = models.CharField(
        "状态", max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED
    )
    started_on = models.DateField("派驻开始", null=True, blank=True)
    ended_on = models.DateField("离岗日期", null=True, blank=True)
    end_reason = models.CharField("离岗原因", max_length=200, blank=True)
    confirmed_via = models.CharField("确认方式", max_length=10, choices=ConfirmedVia.choices, blank=True)
    confirmation_note = models.CharField(
        "确认说明", max_length=200, blank=True, help_text="如：6月3日电话联系本人，同意派驻"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("已提醒次数", default=0)
    reminded_on = models.DateField("最近提醒日期", null=True, blank=True)

    scope_division_path = "need__town"
    scope_organisation_path = "nomination__organisation"
    scope_owner_path = "nomination__expert__user"

    class Meta:
        verbose_name = "派驻安排"
        verbose_name_plural = "派驻安排"
        ordering = ["need__town_id", "-leader"]

    def __str__(self) -> str:
        return f"{self.nomination.expert} → {self.need.town}"


class ConstraintKind(models.TextChoices):
    PIN = "pin", "固定安排"
    FORBID = "forbid", "禁止安排"


class PlanConstraint(ScopedModel, TimeStampedModel):
    """A hand-made decision the solver must respect: keep this person in this town, or never."""

    round = models.ForeignKey(
        DispatchRound, verbose_name="批次", on_delete=models.CASCADE, related_name="constraints"
    )
    need = models.ForeignKey(TownNeed, verbose_name="乡镇需求", on_delete=models.CASCADE, related_name="+")
    nomination = models.ForeignKey(
        Nomination, verbose_name="科技特派员", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=6, choices=ConstraintKind.choices)
    leader = models.BooleanField("任团队负责人", default=False)
    reason = models.CharField("原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT)

    # Province staff only (no scope path): pins and forbids are the dispatching office's tools.

    class Meta:
        verbose_name = "人工调整"
        verbose_name_plural = "人工调整"
        ordering = ["round_id", "need_id"]
        constraints = [models.UniqueConstraint(fields=["need", "nomination"], name="one_constraint_per_pair")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.nomination} @ {self.need}"


class TownRanking(ScopedModel, TimeStampedModel):
    """双向选择, the town's side: its candidates in order of preference (1 = first choice)."""

    need = models.ForeignKey(
        TownNeed, verbose_name="乡镇需求", on_delete=models.CASCADE, related_name="rankings"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name="候选人", on_delete=models.CASCADE, related_name="town_rankings"
    )
    rank = models.PositiveSmallIntegerField("志愿顺序", validators=[MinValueValidator(1)])

    scope_division_path = "need__town"

    class Meta:
        verbose_name = "乡镇选择"
        verbose_name_plural = "乡镇选择"
        ordering = ["need_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "nomination"], name="one_town_rank_per_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.need.town_id} #{self.rank} {self.nomination_id}"


class CandidatePreference(ScopedModel, TimeStampedModel):
    """双向选择, the candidate's side: the towns they would serve, in order (1 = first choice)."""

    nomination = models.ForeignKey(
        Nomination, verbose_name="候选人", on_delete=models.CASCADE, related_name="preferences"
    )
    need = models.ForeignKey(TownNeed, verbose_name="乡镇需求", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField("志愿顺序", validators=[MinValueValidator(1)])

    scope_organisation_path = "nomination__organisation"
    scope_owner_path = "nomination__expert__user"

    class Meta:
        verbose_name = "候选人志愿"
        verbose_name_plural = "候选人志愿"
        ordering = ["nomination_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["nomination", "need"], name="one_preference_per_town")]

    def __str__(self) -> str:
        return f"{self.nomination_id} #{self.rank} {self.need.town_id}"


class Workstation(ScopedModel, TimeStampedModel):
    """科技特派团工作站: where a team works from in its town."""

    name = models.CharField("工作站名称", max_length=80)
    town = models.ForeignKey(
        "regions.Division", verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="+"
    )
    host = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="依托单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    host_name = models.CharField(
        "依托单位名称", max_length=80, blank=True, help_text="依托单位未在平台登记时填写"
    )
    address = models.CharField("地址", max_length=120)
    facilities = models.TextField(
        "场地与设施", blank=True, help_text="如：办公室 60 平方米、检测室、示范基地 200 亩"
    )
    established_on = models.DateField("建站日期", default=date.today)
    latitude = models.DecimalField("纬度", max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=8, decimal_places=5, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT)

    scope_division_path = "town"

    class Meta:
        verbose_name = "科技特派团工作站"
        verbose_name_plural = "科技特派团工作站"
        ordering = ["town_id", "name"]

    def __str__(self) -> str:
        return self.name


class Team(ScopedModel, TimeStampedModel):
    """组团式帮扶: one team per town, formed when a round is published; serves 3 years."""

    need = models.OneToOneField(
        TownNeed, verbose_name="乡镇需求", on_delete=models.PROTECT, related_name="team"
    )
    town = models.ForeignKey(
        "regions.Division", verbose_name="服务乡镇", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("团队名称", max_length=80)
    started_on = models.DateField("服务开始")
    ends_on = models.DateField("服务期满")
    workstation = models.ForeignKey(
        Workstation,
        verbose_name="工作站",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams",
    )

    scope_division_path = "town"
    scope_organisation_path = "need__assignments__nomination__organisation"
    scope_owner_path = "need__assignments__nomination__expert__user"

    class Meta:
        verbose_name = "科技特派员团队"
        verbose_name_plural = "科技特派员团队"
        ordering = ["town_id"]

    def __str__(self) -> str:
        return self.name


class MembershipChange(models.Model):
    """A team's history: who joined, left or took over as leader, when and why."""

    class Kind(models.TextChoices):
        JOINED = "joined", "加入"
        LEFT = "left", "离开"
        LEADER = "leader", "任负责人"

    team = models.ForeignKey(Team, verbose_name="团队", on_delete=models.CASCADE, related_name="history")
    assignment = models.ForeignKey(
        Assignment, verbose_name="派驻安排", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("变动", max_length=6, choices=Kind.choices)
    on = models.DateField("日期")
    reason = models.CharField("原因", max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT)
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "团队成员变动"
        verbose_name_plural = "团队成员变动"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.team_id} {self.get_kind_display()} {self.assignment_id}"


class Activity(models.TextChoices):
    TRAINING = "training", "技术培训"
    GUIDANCE = "guidance", "现场指导"
    INTRODUCTION = "introduction", "技术引进"
    APPLICATION = "application", "项目申报"
    PRODUCT = "product", "产品开发"
    DEMONSTRATION = "demonstration", "示范推广"
    CONSULTING = "consulting", "咨询服务"


class LogStatus(models.TextChoices):
    SUBMITTED = "submitted", "待乡镇确认"
    CONFIRMED = "confirmed", "已确认"
    RETURNED = "returned", "已退回"


class ServiceLog(ScopedModel, TimeStampedModel):
    """服务日志: a day (or half day) of service in a village, confirmed by the host town."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="派驻安排", on_delete=models.PROTECT, related_name="logs"
    )
    served_on = models.DateField("服务日期")
    village = models.ForeignKey(
        "regions.Division", verbose_name="服务村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    activity = models.CharField("服务内容", max_length=14, choices=Activity.choices)
    days = models.DecimalField(
        "在岗天数",
        max_digits=3,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(1)],
        help_text="半天填 0.5",
    )
    people_trained = models.PositiveIntegerField("培训人数", default=0)
    problems_solved = models.PositiveIntegerField("解决问题数", default=0)
    description = models.TextField("服务情况", max_length=2000)
    latitude = models.DecimalField("纬度", max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=8, decimal_places=5, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=LogStatus.choices, default=LogStatus.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)

    scope_division_path = "assignment__need__town"
    scope_organisation_path = "assignment__nomination__organisation"
    scope_owner_path = "assignment__nomination__expert__user"

    class Meta:
        verbose_name = "服务日志"
        verbose_name_plural = "服务日志"
        ordering = ["-served_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "served_on", "village", "activity"],
                name="one_log_per_day_village_activity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.served_on} {self.get_activity_display()}"


class ServiceLogPhoto(TimeStampedModel):
    log = models.ForeignKey(
        ServiceLog, verbose_name="服务日志", on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to="service-logs/%Y/%m/")
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=30)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        verbose_name = "服务照片"
        verbose_name_plural = "服务照片"

    def __str__(self) -> str:
        return self.name


class AssessmentScheme(ScopedModel, TimeStampedModel):
    """A year's assessment rules: weights of the sending unit and the host, and the 优秀 quota."""

    year = models.PositiveSmallIntegerField("考核年度", unique=True)
    unit_weight = models.PositiveSmallIntegerField("派出单位评分权重（%）", default=50)
    host_weight = models.PositiveSmallIntegerField("服务乡镇评分权重（%）", default=50)
    excellent_quota = models.PositiveSmallIntegerField("优秀比例上限（%）", default=30)
    excellent_mark = models.PositiveSmallIntegerField("优秀最低分", default=90)
    pass_mark = models.PositiveSmallIntegerField("合格最低分", default=60)
    finalised = models.BooleanField("已定档", default=False)

    # Everyone taking part reads the rules; only the province changes them.
    scope_public_field = "is_visible"
    is_visible = models.BooleanField("公开", default=True)

    class Meta:
        verbose_name = "年度考核方案"
        verbose_name_plural = "年度考核方案"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年度考核"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class AssessmentRecord(ScopedModel, TimeStampedModel):
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="records"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name="派驻安排", on_delete=models.PROTECT, related_name="assessments"
    )
    unit_score = models.DecimalField(
        "派出单位评分",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    unit_comment = models.CharField("派出单位评语", max_length=300, blank=True)
    host_score = models.DecimalField(
        "服务乡镇评分",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    host_comment = models.CharField("服务乡镇评语", max_length=300, blank=True)
    total = models.DecimalField("综合得分", max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, choices=Grade.choices, blank=True)

    scope_division_path = "assignment__need__town"
    scope_organisation_path = "assignment__nomination__organisation"
    scope_owner_path = "assignment__nomination__expert__user"

    class Meta:
        verbose_name = "年度考核结果"
        verbose_name_plural = "年度考核结果"
        ordering = ["scheme_id", "-total"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "assignment"], name="one_assessment_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.year} {self.assignment}"


class KeyTaskStatus(models.TextChoices):
    ACTIVE = "active", "实施中"
    ACCEPTED = "accepted", "已验收"
    OVERDUE = "overdue", "逾期"
    TERMINATED = "terminated", "已终止"


class KeyTask(ScopedModel, TimeStampedModel):
    """省级重点派驻任务: a funded task a team carries out, tracked like a provincial project."""

    team = models.ForeignKey(
        Team, verbose_name="承担团队", on_delete=models.PROTECT, related_name="key_tasks"
    )
    code = models.CharField("任务编号", max_length=30, unique=True)
    title = models.CharField("任务名称", max_length=120)
    goals = models.TextField("考核指标", help_text="每行一项，如：推广新品种 500 亩")
    budget = models.DecimalField("省财政资助（万元）", max_digits=8, decimal_places=2)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    progress = models.PositiveSmallIntegerField(
        "完成进度（%）", default=0, validators=[MaxValueValidator(100)]
    )
    progress_note = models.TextField("最新进展", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=KeyTaskStatus.choices, default=KeyTaskStatus.ACTIVE
    )

    scope_division_path = "team__town"
    scope_owner_path = "team__need__assignments__nomination__expert__user"

    class Meta:
        verbose_name = "省级重点派驻任务"
        verbose_name_plural = "省级重点派驻任务"
        ordering = ["ends_on"]

    def __str__(self) -> str:
        return self.title
