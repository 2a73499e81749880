"""The plan (粤科农字〔2023〕116号) as records: goals, tasks and safeguards with their measures, KPIs,
and the progress reports that give every line a status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel


class Kpi(models.Model):
    class Source(models.TextChoices):
        LIVE = "live", _("平台实时统计")
        REPORTED = "reported", _("填报并附佐证")

    code = models.CharField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("指标名称"), max_length=80)
    unit = models.CharField(_("单位"), max_length=10)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices)
    definition = models.TextField(_("口径"), blank=True)
    evidence = models.CharField(_("佐证材料"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("目标指标")
        verbose_name_plural = _("目标指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    """One commitment of 二、工作目标, for 2025, 2027 or the 2035 outlook."""

    code = models.CharField(_("编号"), max_length=12, primary_key=True)
    year = models.PositiveSmallIntegerField(_("年份"), db_index=True)
    text = models.CharField(_("目标"), max_length=300)
    theme = models.CharField(_("主题"), max_length=10)
    kpi = models.ForeignKey(Kpi, verbose_name=_("衡量指标"), null=True, blank=True, on_delete=models.PROTECT)
    target = models.FloatField(_("目标值（方案原文）"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # The policy names few numbers; the province may set a working target where it names none.
    working_target = models.FloatField(_("工作目标值（省科技厅设定）"), null=True, blank=True)
    working_target_note = models.CharField(_("工作目标依据"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text

    @property
    def effective_target(self) -> float | None:
        return self.target if self.target is not None else self.working_target


class Section(models.Model):
    """A task of 三、任务计划 or a safeguard of 四、保障措施."""

    class Kind(models.TextChoices):
        TASK = "task", _("任务")
        SAFEGUARD = "safeguard", _("保障措施")

    code = models.CharField(_("编号"), max_length=8, primary_key=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    clause = models.CharField(_("条款"), max_length=20)
    title = models.CharField(_("标题"), max_length=80)
    intro = models.TextField(_("导语"), blank=True)
    lead = models.JSONField(_("牵头单位"), default=list)
    responsible = models.JSONField(_("责任单位"), default=list)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("任务与保障措施")
        verbose_name_plural = _("任务与保障措施")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.clause} {self.title}"


class Measure(models.Model):
    """一是/二是/三是: the unit of progress reporting."""

    code = models.CharField(_("编号"), max_length=12, primary_key=True)
    section = models.ForeignKey(
        Section, verbose_name=_("所属"), on_delete=models.CASCADE, related_name="measures"
    )
    ordinal = models.CharField(_("序号"), max_length=6, blank=True)
    title = models.CharField(_("简称"), max_length=40)
    text = models.TextField(_("原文"))
    capability = models.CharField(_("平台功能"), max_length=20, blank=True)
    lead = models.JSONField(_("牵头单位"), default=list)
    responsible = models.JSONField(_("责任单位"), default=list)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作举措")
        verbose_name_plural = _("工作举措")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("按计划推进")
    AT_RISK = "at_risk", _("存在困难")
    DELAYED = "delayed", _("滞后")
    DONE = "done", _("已完成")


class ProgressReport(ScopedModel, TimeStampedModel):
    """A responsible unit's report on one measure for one period (督促落实)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("工作举措"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.CharField(_("报告期"), max_length=10, help_text=_("如 2025H1、2025Q3、2025"))
    status = models.CharField(_("进展状态"), max_length=10, choices=ProgressStatus.choices)
    summary = models.TextField(_("进展情况"), max_length=3000)
    reporting_unit = models.CharField(_("报告单位"), max_length=80)
    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT
    )

    scope_division_path = "division"

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "division"], name="one_report_per_measure_period_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period} {self.reporting_unit}"


class KpiValue(TimeStampedModel):
    """A KPI's value for one year: counted by the platform, or reported with its evidence."""

    kpi = models.ForeignKey(Kpi, verbose_name=_("目标指标"), on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.FloatField(_("数值"))
    source = models.CharField(_("来源"), max_length=10, choices=Kpi.Source.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="plan/evidence/%Y/", blank=True)
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=120, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("目标指标年度值")
        verbose_name_plural = _("目标指标年度值")
        ordering = ["kpi_id", "year"]
        constraints = [models.UniqueConstraint(fields=["kpi", "year"], name="one_value_per_kpi_year")]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.year} {self.value:g}"
