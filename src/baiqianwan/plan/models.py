"""The plan (粤科农字〔2023〕116号) as records: goals, tasks and safeguards with their measures, KPIs,
and the progress reports that give every line a status."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from baiqianwan.core.models import TimeStampedModel
from baiqianwan.core.scope import ScopedModel


class Kpi(models.Model):
    class Source(models.TextChoices):
        LIVE = "live", "平台实时统计"
        REPORTED = "reported", "填报并附佐证"

    code = models.CharField("代码", max_length=40, primary_key=True)
    name = models.CharField("指标名称", max_length=80)
    unit = models.CharField("单位", max_length=10)
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)
    definition = models.TextField("口径", blank=True)
    evidence = models.CharField("佐证材料", max_length=200, blank=True)

    class Meta:
        verbose_name = "目标指标"
        verbose_name_plural = "目标指标"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    """One commitment of 二、工作目标, for 2025, 2027 or the 2035 outlook."""

    code = models.CharField("编号", max_length=12, primary_key=True)
    year = models.PositiveSmallIntegerField("年份", db_index=True)
    text = models.CharField("目标", max_length=300)
    theme = models.CharField("主题", max_length=10)
    kpi = models.ForeignKey(Kpi, verbose_name="衡量指标", null=True, blank=True, on_delete=models.PROTECT)
    target = models.FloatField("目标值（方案原文）", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    # The policy names few numbers; the province may set a working target where it names none.
    working_target = models.FloatField("工作目标值（省科技厅设定）", null=True, blank=True)
    working_target_note = models.CharField("工作目标依据", max_length=200, blank=True)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "工作目标"
        verbose_name_plural = "工作目标"
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text

    @property
    def effective_target(self) -> float | None:
        return self.target if self.target is not None else self.working_target


class Section(models.Model):
    """A task of 三、任务计划 or a safeguard of 四、保障措施."""

    class Kind(models.TextChoices):
        TASK = "task", "任务"
        SAFEGUARD = "safeguard", "保障措施"

    code = models.CharField("编号", max_length=8, primary_key=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    clause = models.CharField("条款", max_length=20)
    title = models.CharField("标题", max_length=80)
    intro = models.TextField("导语", blank=True)
    lead = models.JSONField("牵头单位", default=list)
    responsible = models.JSONField("责任单位", default=list)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "任务与保障措施"
        verbose_name_plural = "任务与保障措施"
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.clause} {self.title}"


class Measure(models.Model):
    """一是/二是/三是: the unit of progress reporting."""

    code = models.CharField("编号", max_length=12, primary_key=True)
    section = models.ForeignKey(
        Section, verbose_name="所属", on_delete=models.CASCADE, related_name="measures"
    )
    ordinal = models.CharField("序号", max_length=6, blank=True)
    title = models.CharField("简称", max_length=40)
    text = models.TextField("原文")
    capability = models.CharField("平台功能", max_length=20, blank=True)
    lead = models.JSONField("牵头单位", default=list)
    responsible = models.JSONField("责任单位", default=list)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "工作举措"
        verbose_name_plural = "工作举措"
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", "按计划推进"
    AT_RISK = "at_risk", "存在困难"
    DELAYED = "delayed", "滞后"
    DONE = "done", "已完成"


class ProgressReport(ScopedModel, TimeStampedModel):
    """A responsible unit's report on one measure for one period (督促落实)."""

    measure = models.ForeignKey(
        Measure, verbose_name="工作举措", on_delete=models.PROTECT, related_name="reports"
    )
    period = models.CharField("报告期", max_length=10, help_text="如 2025H1、2025Q3、2025")
    status = models.CharField("进展状态", max_length=10, choices=ProgressStatus.choices)
    summary = models.TextField("进展情况", max_length=3000)
    reporting_unit = models.CharField("报告单位", max_length=80)
    division = models.ForeignKey("regions.Division", verbose_name="所属区划", on_delete=models.PROTECT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT
    )

    scope_division_path = "division"

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
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

    kpi = models.ForeignKey(Kpi, verbose_name="目标指标", on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField("年份")
    value = models.FloatField("数值")
    source = models.CharField("来源", max_length=10, choices=Kpi.Source.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    evidence = models.FileField("佐证材料", upload_to="plan/evidence/%Y/", blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=120, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = "目标指标年度值"
        verbose_name_plural = "目标指标年度值"
        ordering = ["kpi_id", "year"]
        constraints = [models.UniqueConstraint(fields=["kpi", "year"], name="one_value_per_kpi_year")]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.year} {self.value:g}"
