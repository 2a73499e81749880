"""人才与科普 (政策 三(八)): the ledgers of outreach and people.

- 科普 events (三(八)三是): 三下乡, 院士进农村/校园/社区, lectures and forums, 科技周/科普日, each with its
  organiser, its place (a county, town or village), its day, audience and speakers. Counties, towns,
  cities and the province report those held in their region; every signed-in user reads the public
  ones; the province sees the balance between 珠三角 and 粤东粤西粤北.
- Training of primary and secondary science teachers of 粤东西北 (三(八)三是): courses and their
  trainees, each trainee teaching in a county of 粤东西北.
- 智库联盟 (三(八)一是): members, 深调研 reports with the counties visited, seminars and forums.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel, acted_by
from baiqianwan.core.scope import ScopedModel

# ---- 科普 events ---------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    COUNTRYSIDE = "countryside", _("文化科技卫生“三下乡”")
    ACADEMICIAN_VILLAGE = "academician_village", _("院士进农村")
    ACADEMICIAN_SCHOOL = "academician_school", _("院士进校园")
    ACADEMICIAN_COMMUNITY = "academician_community", _("院士进社区")
    LECTURE = "lecture", _("科普讲座/论坛")
    SCIENCE_WEEK = "science_week", _("科技周/科普日")
    OTHER = "other", _("其他")


class AudienceKind(models.TextChoices):
    FARMERS = "farmers", _("农民")
    STUDENTS = "students", _("学生")
    TEACHERS = "teachers", _("教师")
    RESIDENTS = "residents", _("社区居民")
    WORKERS = "workers", _("企业职工")
    OTHER = "other", _("其他")


class OutreachEvent(ScopedModel, TimeStampedModel):
    """A 科普 event held at a county, town or village of Guangdong."""

    kind = models.CharField(_("活动类型"), max_length=24, choices=EventKind.choices, db_index=True)
    title = models.CharField(_("活动名称"), max_length=120)
    organiser = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="outreach_events",
    )
    place = models.ForeignKey(
        "regions.Division", verbose_name=_("举办地"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("举办日期"), db_index=True)
    audience_kind = models.CharField(_("受众类型"), max_length=12, choices=AudienceKind.choices)
    audience_size = models.PositiveIntegerField(_("受众人数"), validators=[MaxValueValidator(1_000_000)])
    speakers = models.CharField(_("主讲人"), max_length=300, blank=True)
    speaker_people = models.ManyToManyField(
        "orgs.Person", verbose_name=_("平台登记的主讲人"), blank=True, related_name="outreach_talks"
    )
    summary = models.TextField(_("活动简介"), max_length=2000, blank=True)
    in_east_west_north = models.BooleanField(_("在粤东西北"), default=False, db_index=True)
    is_public = models.BooleanField(_("对所有用户公开"), default=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "place"
    scope_organisation_path = "organiser"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("科普活动")
        verbose_name_plural = _("科普活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


# ---- teacher training ----------------------------------------------------------------------------


class TrainingMode(models.TextChoices):
    ONLINE = "online", _("线上")
    OFFLINE = "offline", _("线下")
    BLENDED = "blended", _("线上线下结合")


class SchoolStage(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")


class Subject(models.TextChoices):
    SCIENCE = "science", _("科学")
    PHYSICS = "physics", _("物理")
    CHEMISTRY = "chemistry", _("化学")
    BIOLOGY = "biology", _("生物")
    GEOGRAPHY = "geography", _("地理")
    IT = "it", _("信息科技")
    MATHS = "maths", _("数学")
    OTHER = "other", _("其他")


HOURS = {
    "max_digits": 5,
    "decimal_places": 1,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("500"))],
}


class TeacherCourse(ScopedModel, TimeStampedModel):
    """A training course for science teachers of 粤东西北, run for the province or a city or county
    of 粤东西北 (``division``) by a provider (a university, a teachers' college, a society)."""

    title = models.CharField(_("课程名称"), max_length=120)
    provider = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="teacher_courses",
    )
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("组织地区"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("培训方式"), max_length=8, choices=TrainingMode.choices)
    hours = models.DecimalField(_("学时"), **HOURS)  # type: ignore[arg-type]
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    is_public = models.BooleanField(_("对所有用户公开"), default=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "division"
    scope_organisation_path = "provider"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("科学教师培训课程")
        verbose_name_plural = _("科学教师培训课程")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Trainee(ScopedModel, TimeStampedModel):
    """A teacher of a primary or secondary school in a county of 粤东西北 on a course. Personal data:
    read by the bureaus of the teacher's county and of the course's region, and by the provider."""

    course = models.ForeignKey(
        TeacherCourse, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="trainees"
    )
    name = models.CharField(_("姓名"), max_length=40)
    school = models.CharField(_("学校"), max_length=120)
    county = models.ForeignKey(
        "regions.Division", verbose_name=_("所在县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("学段"), max_length=8, choices=SchoolStage.choices)
    subject = models.CharField(_("任教学科"), max_length=12, choices=Subject.choices)
    hours_completed = models.DecimalField(_("完成学时"), **HOURS)  # type: ignore[arg-type]
    passed = models.BooleanField(_("考核合格"), default=False)
    created_by = acted_by(_("登记人"))

    scope_division_path = ("county", "course__division")
    scope_organisation_path = "course__provider"

    class Meta:
        verbose_name = _("参训教师")
        verbose_name_plural = _("参训教师")
        ordering = ["county", "school", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "name", "school"], name="one_trainee_per_course_school"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---- 智库联盟 -------------------------------------------------------------------------------------


class MemberCategory(models.TextChoices):
    ACADEMICIAN = "academician", _("院士")
    SCIENTIST = "scientist", _("科学家")
    NPC = "npc", _("人大代表")
    CPPCC = "cppcc", _("政协委员")
    ENTREPRENEUR = "entrepreneur", _("企业家")
    OTHER = "other", _("其他")


class ThinkTankMember(ScopedModel, TimeStampedModel):
    """A member of the 乡村振兴智库联盟, active from ``joined_year`` until ``left_year`` (inclusive)."""

    name = models.CharField(_("姓名"), max_length=40)
    category = models.CharField(_("类别"), max_length=14, choices=MemberCategory.choices, db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="think_tank_members",
    )
    fields = models.CharField(_("专业领域"), max_length=200)
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("平台登记的人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="think_tank_memberships",
    )
    expert = models.ForeignKey(
        "supply.ExpertProfile",
        verbose_name=_("评审专家档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_year = models.PositiveSmallIntegerField(
        _("加入年份"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    left_year = models.PositiveSmallIntegerField(
        _("退出年份"), null=True, blank=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    is_public = models.BooleanField(_("对所有用户公开"), default=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_organisation_path = "organisation"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("智库成员")
        verbose_name_plural = _("智库成员")
        ordering = ["category", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ResearchReport(ScopedModel, TimeStampedModel):
    """A 深调研 topic and its report: the members who went, the counties they visited, the PDF."""

    title = models.CharField(_("调研题目"), max_length=120)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    members = models.ManyToManyField(ThinkTankMember, verbose_name=_("参加成员"), related_name="reports")
    counties = models.ManyToManyField(
        "regions.Division", verbose_name=_("调研县（市、区）"), related_name="+"
    )
    summary = models.TextField(_("报告摘要"), max_length=3000, blank=True)
    file = models.FileField(_("调研报告"), upload_to="outreach/reports/%Y/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=120, blank=True)
    is_public = models.BooleanField(_("对所有用户公开"), default=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("深调研报告")
        verbose_name_plural = _("深调研报告")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class SeminarKind(models.TextChoices):
    SEMINAR = "seminar", _("研讨会")
    FORUM = "forum", _("论坛")


class Seminar(ScopedModel, TimeStampedModel):
    """A seminar or forum of the 智库: where and when, the members who took part, and others."""

    kind = models.CharField(_("类型"), max_length=8, choices=SeminarKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    held_on = models.DateField(_("举办日期"))
    place = models.ForeignKey(
        "regions.Division", verbose_name=_("举办地"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        ThinkTankMember, verbose_name=_("参加成员"), blank=True, related_name="seminars"
    )
    other_participants = models.CharField(_("其他参加人员"), max_length=300, blank=True)
    participant_count = models.PositiveIntegerField(_("参加人数"), validators=[MaxValueValidator(100_000)])
    summary = models.TextField(_("会议纪要"), max_length=3000, blank=True)
    is_public = models.BooleanField(_("对所有用户公开"), default=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "place"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("智库研讨会和论坛")
        verbose_name_plural = _("智库研讨会和论坛")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


# ---- 典型案例, 通报表扬 and policies (政策 四(四)) --------------------------------------------------


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待省级审核")
    RETURNED = "returned", _("退回修改")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤下")


class ShowcaseCase(ScopedModel, TimeStampedModel):
    """A 典型案例 written by a county or city bureau about what happened in its region, with the
    demand, the people and the results linked from the platform's records; the province reviews it
    before it is published on the portal."""

    title = models.CharField(_("案例标题"), max_length=80)
    summary = models.CharField(_("摘要"), max_length=300)
    body = models.TextField(_("案例正文"), max_length=8000)
    results = models.TextField(_("取得成效"), max_length=2000, blank=True)
    place = models.ForeignKey(
        "regions.Division", verbose_name=_("发生地"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name=_("产业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    demand = models.ForeignKey(
        "demands.Demand",
        verbose_name=_("解决的需求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    people = models.ManyToManyField(
        "orgs.Person", verbose_name=_("参与的科技特派员和专家"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT, db_index=True
    )
    is_published = models.BooleanField(_("已发布"), default=False, db_index=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = acted_by(_("审核人"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    created_by = acted_by(_("撰写人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "place"
    scope_public_field = "is_published"

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CasePhoto(TimeStampedModel):
    """A photo of a case, stored re-encoded from the pixels (no metadata such as where it was taken)."""

    case = models.ForeignKey(
        ShowcaseCase, verbose_name=_("典型案例"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("照片"), upload_to="outreach/cases/%Y/")
    kind = models.CharField(_("格式"), max_length=4, default="jpeg")
    width = models.PositiveIntegerField(_("宽度"), default=0)
    height = models.PositiveIntegerField(_("高度"), default=0)
    caption = models.CharField(_("图片说明"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("案例照片")
        verbose_name_plural = _("案例照片")
        ordering = ["case_id", "position", "id"]

    def __str__(self) -> str:
        return self.caption or str(self.pk)


class Commendation(ScopedModel, TimeStampedModel):
    """A 通报表扬 list the province publishes: advanced units and individuals, with why."""

    title = models.CharField(_("通报名称"), max_length=120)
    document_number = models.CharField(_("文号"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    intro = models.TextField(_("通报正文"), max_length=3000, blank=True)
    is_published = models.BooleanField(_("已发布"), default=False, db_index=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_public_field = "is_published"

    class Meta:
        verbose_name = _("通报表扬")
        verbose_name_plural = _("通报表扬")
        ordering = ["-year", "-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


class HonourKind(models.TextChoices):
    UNIT = "unit", _("先进集体")
    PERSON = "person", _("先进个人")


class CommendationEntry(models.Model):
    commendation = models.ForeignKey(
        Commendation, verbose_name=_("通报表扬"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("类别"), max_length=8, choices=HonourKind.choices)
    name = models.CharField(_("名称或姓名"), max_length=80)
    organisation = models.CharField(_("所在单位"), max_length=120, blank=True)
    place = models.ForeignKey(
        "regions.Division",
        verbose_name=_("服务地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("表扬事由"), max_length=300)
    source = models.CharField(_("依据的记录"), max_length=60, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("表扬名单")
        verbose_name_plural = _("表扬名单")
        ordering = ["commendation_id", "kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commendation", "kind", "name", "organisation"], name="one_honour_each"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PolicyKind(models.TextChoices):
    POLICY = "policy", _("政策文件")
    INTERPRETATION = "interpretation", _("政策解读")


class PolicyDocument(ScopedModel, TimeStampedModel):
    """A policy document or its interpretation, published by the province on the portal."""

    kind = models.CharField(_("类型"), max_length=16, choices=PolicyKind.choices)
    title = models.CharField(_("标题"), max_length=120)
    issuer = models.CharField(_("发布机关"), max_length=60)
    document_number = models.CharField(_("文号"), max_length=40, blank=True)
    issued_on = models.DateField(_("发布日期"))
    body = models.TextField(_("正文"), max_length=60000)
    interprets = models.ForeignKey(
        "self",
        verbose_name=_("解读的文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interpretations",
    )
    is_published = models.BooleanField(_("已发布"), default=False, db_index=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_public_field = "is_published"

    class Meta:
        verbose_name = _("政策与解读")
        verbose_name_plural = _("政策与解读")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title
