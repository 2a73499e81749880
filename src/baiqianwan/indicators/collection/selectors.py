"""Reads of indicator collection, already narrowed to what a user may see.

Who sees which data sets: a region user sees the data sets of their own level and of the levels
below (a town its own town report and its villages' reports; a county its own, its towns' and
villages'); the province sees all. Units of a data set are the divisions at its level inside the
user's scope; a unit that has not started has no submission row, so lists start from the
divisions and look the submission up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.models import Division

from ..definitions.models import (
    ACCEPTANCE_DATASET,
    LEVEL_NAMES,
    LEVEL_ORDER,
    MONITORING_TOWN_DATASET,
    SPECIALISED_FLAG,
    DataSet,
    Frequency,
)
from ..definitions.selectors import current_system, deadline, lock_date
from ..engine import DataElement, IndicatorSystem
from .models import EDITABLE, LockException, Submission, SubmissionEvent, SubmissionStatus
from .rules import active_exception, completeness_available, level_of, visible_levels

NOT_STARTED = "none"
STATUS_FILTERS = [
    (NOT_STARTED, gettext_lazy("未填报")),
    (SubmissionStatus.DRAFT.value, gettext_lazy("草稿")),
    (SubmissionStatus.SUBMITTED.value, gettext_lazy("审核中")),
    (SubmissionStatus.RETURNED.value, gettext_lazy("已退回")),
    (SubmissionStatus.APPROVED.value, gettext_lazy("已审定")),
]
STATUS_LABELS = dict(STATUS_FILTERS)
ACTION_LABELS = {
    "save": gettext_lazy("保存草稿"),
    "import": gettext_lazy("Excel 导入"),
    "history": gettext_lazy("历史数据导入"),
    "submit": gettext_lazy("报送"),
    "approve": gettext_lazy("审核通过"),
    "return": gettext_lazy("退回"),
    "unapprove": gettext_lazy("撤销审定"),
}
HALF_NAMES = {"1": gettext_lazy("上半年"), "2": gettext_lazy("下半年")}
QUARTER_NAMES = {
    "1": gettext_lazy("第一季度"),
    "2": gettext_lazy("第二季度"),
    "3": gettext_lazy("第三季度"),
    "4": gettext_lazy("第四季度"),
}
KIND_HINTS = {
    "number": gettext_lazy("填数字"),
    "percent": gettext_lazy("填 0–100 的数字（35 表示 35%）"),
    "yes_no": gettext_lazy("选“是”或“否”"),
    "text": gettext_lazy("填文字，500 字以内"),
}


# ---- periods ----------------------------------------------------------------------------------


def period_label(period: str) -> str:
    """“2025 年”, “2025 年上半年”, “2025 年第三季度”."""
    if len(period) == 4:
        return gettext("{period} 年").format(period=period)
    if len(period) == 6 and period[4] == "H":
        return gettext("{value} 年{get}").format(value=period[:4], get=HALF_NAMES.get(period[5], period[4:]))
    if len(period) == 6 and period[4] == "Q":
        return gettext("{value} 年{get}").format(
            value=period[:4], get=QUARTER_NAMES.get(period[5], period[4:])
        )
    return period


def periods_recent(dataset: DataSet, *, today: dt.date, count: int = 3) -> list[str]:
    """The period in progress and the ones before it, newest first."""
    year = today.year
    if dataset.frequency == Frequency.YEAR:
        return [str(year - i) for i in range(count)]
    if dataset.frequency == Frequency.HALF:
        index = year * 2 + (today.month > 6)
        return [f"{i // 2}H{i % 2 + 1}" for i in range(index, index - count, -1)]
    index = year * 4 + (today.month - 1) // 3
    return [f"{i // 4}Q{i % 4 + 1}" for i in range(index, index - count, -1)]


@dataclass
class PeriodState:
    period: str
    label: str
    deadline: dt.date
    lock_date: dt.date
    locked: bool
    lock_text: str
    open_until: dt.datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
    expected: int = 0

    @property
    def started(self) -> int:
        return sum(self.counts.values())

    @property
    def not_started(self) -> int:
        return max(self.expected - self.started, 0)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, units) in the order of STATUS_FILTERS, 未填报 first."""
        counts = {**self.counts, NOT_STARTED: self.not_started}
        return [(value, str(label), counts.get(value, 0)) for value, label in STATUS_FILTERS]

    @property
    def own_status(self) -> str:
        """For a unit filling in its own report: the status of its one submission."""
        return next((s for s in self.counts if self.counts[s]), "")

    @property
    def approved_share(self) -> int:
        return round(100 * self.counts.get("approved", 0) / self.expected) if self.expected else 0


def period_state(
    dataset: DataSet, period: str, *, today: dt.date | None = None, unit_code: str = ""
) -> PeriodState:
    """Deadline and lock of a period; for one unit, also a lock exception that reopens it."""
    today = today or timezone.localdate()
    locks_on = lock_date(dataset, period)
    locked = today >= locks_on
    text = gettext("已锁定") if locked else gettext("锁定于 {locks_on:%Y-%m-%d}").format(locks_on=locks_on)
    until = None
    if locked and unit_code:
        exception = active_exception(dataset, period, unit_code)
        if exception is not None:
            until = exception.until
            locked = False
            text = gettext("临时开放至 {localtime:%Y-%m-%d %H:%M}").format(
                localtime=timezone.localtime(until)
            )
    return PeriodState(
        period=period,
        label=period_label(period),
        deadline=deadline(dataset, period),
        lock_date=locks_on,
        locked=locked,
        lock_text=text,
        open_until=until,
    )


# ---- data sets and units ----------------------------------------------------------------------


def home_division(user: Any) -> Division | None:
    """The division a region user works for (the province for province users)."""
    if getattr(user, "is_province", False):
        return Division.objects.filter(code=PROVINCE_CODE).first()
    return getattr(user, "division", None) if level_of(user) else None


def dataset_list(*, user: Any) -> list[DataSet]:
    levels = visible_levels(user)
    datasets = DataSet.objects.filter(active=True, level__in=levels)
    return sorted(datasets, key=lambda d: (-LEVEL_ORDER.index(d.level), d.code))


def dataset_get(*, user: Any, code: str) -> DataSet | None:
    return next((d for d in dataset_list(user=user) if d.code == code), None)


def participant_units() -> Q:
    """A filter on Division for the acceptance report: towns ever marked 专业镇 in an approved town
    report, or with any acceptance return."""
    marked = Submission.all_objects.filter(
        dataset__code=MONITORING_TOWN_DATASET,
        status=SubmissionStatus.APPROVED,
        **{f"values__{SPECIALISED_FLAG}": 1},
    ).values("unit_id")
    reporting = Submission.all_objects.filter(dataset__code=ACCEPTANCE_DATASET).values("unit_id")
    return Q(code__in=marked) | Q(code__in=reporting)


def restrict_units(dataset: DataSet, units: QuerySet[Division]) -> QuerySet[Division]:
    """The collection pages' units of a data set, narrowed to participants for the acceptance one."""
    if dataset.code != ACCEPTANCE_DATASET:
        return units
    return units.filter(participant_units())


def units_in_scope(*, user: Any, dataset: DataSet, listed: bool = True) -> QuerySet[Division]:
    """Units the user may fill in; ``listed`` narrows the acceptance report to its participants
    (lists, templates, counts), while any town may still open and start its own return."""
    units = Division.objects.filter(level=dataset.level)
    if listed:
        units = restrict_units(dataset, units)
    scope = user.scope
    if scope.everything:
        return units
    if scope.division_prefix and level_of(user):
        return units.filter(code__startswith=scope.division_prefix)
    return units.none()


def system_of(dataset: DataSet) -> tuple[str, IndicatorSystem]:
    """(content hash, system) of the current version of the data set's system."""
    version, system = current_system(dataset.system_code)
    return version.content_hash, system


def dataset_elements(dataset: DataSet) -> list[DataElement]:
    _, system = system_of(dataset)
    elements = system.element_map
    return [elements[code] for code in dataset.elements if code in elements]


def element_header(element: DataElement) -> str:
    """The column heading users see in the form and the template: “名称（单位）”."""
    return f"{element.name}（{element.unit}）" if element.unit else element.name


# ---- the overview ------------------------------------------------------------------------------


@dataclass
class DataSetOverview:
    dataset: DataSet
    periods: list[PeriodState]
    fills_itself: bool  # the user's own unit fills this data set in (a town on the town report)
    own_unit: Division | None = None

    @property
    def chain_label(self) -> str:
        return " → ".join(str(LEVEL_NAMES.get(level, level)) for level in self.dataset.approval_chain)


def collection_overview(*, user: Any, today: dt.date | None = None) -> list[DataSetOverview]:
    """Each data set the user sees with its recent periods, deadlines, locks and status counts."""
    today = today or timezone.localdate()
    datasets = dataset_list(user=user)
    if not datasets:
        return []
    counts: dict[tuple[int, str], Counter[str]] = {}
    rows = (
        Submission.objects.for_user(user)
        .filter(dataset__in=datasets)
        .values("dataset_id", "period", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault((row["dataset_id"], row["period"]), Counter())[row["status"]] += row["n"]
    expected = {d.level: units_in_scope(user=user, dataset=d).count() for d in datasets}
    level = level_of(user)
    own = getattr(user, "division", None)
    result = []
    for dataset in datasets:
        fills_itself = level == dataset.level
        periods = set(periods_recent(dataset, today=today))
        periods.update(p for (d, p) in counts if d == dataset.pk)
        states = []
        for period in sorted(periods, reverse=True)[:6]:
            state = period_state(
                dataset, period, today=today, unit_code=own.code if fills_itself and own else ""
            )
            state.counts = dict(counts.get((dataset.pk, period), Counter()))
            state.expected = expected[dataset.level]
            states.append(state)
        result.append(DataSetOverview(dataset, states, fills_itself, own if fills_itself else None))
    return result


def region_choices(*, user: Any, dataset: DataSet) -> list[Division]:
    """The divisions directly under the user's own, to narrow a unit list (none below the data set)."""
    home = home_division(user)
    if home is None or home.level == dataset.level:
        return []
    order = LEVEL_ORDER
    children = Division.objects.filter(parent=home).order_by("code")
    return [c for c in children if order.index(c.level) > order.index(dataset.level)]


def unit_status_list(
    *,
    user: Any,
    dataset: DataSet,
    period: str,
    status: str = "",
    region: str = "",
    q: str = "",
    codes: list[str] | None = None,
) -> QuerySet[Division]:
    """Units of the data set in scope, each annotated with its submission's id, status, stage and time."""
    submission = Submission.all_objects.filter(dataset=dataset, period=period, unit_id=OuterRef("code"))
    units = units_in_scope(user=user, dataset=dataset).annotate(
        submission_id=Subquery(submission.values("pk")[:1]),
        submission_status=Subquery(submission.values("status")[:1]),
        submission_stage=Subquery(submission.values("stage")[:1]),
        submitted_at=Subquery(submission.values("submitted_at")[:1]),
    )
    if region:
        units = units.filter(code__startswith=_prefix(region))
    if q.strip():
        text = q.strip()
        units = units.filter(Q(full_name__contains=text) | Q(code__startswith=text))
    if status == NOT_STARTED:
        units = units.filter(submission_status__isnull=True)
    elif status in STATUS_LABELS:
        units = units.filter(submission_status=status)
    if codes is not None:
        units = units.filter(code__in=codes)
    return units.order_by("code")


def _prefix(code: str) -> str:
    division = Division.objects.filter(code=code).first()
    return division.prefix if division is not None else code


def on_time(submitted_at: dt.datetime | None, deadline: dt.date, status: str = "") -> bool | None:
    """True/False once sent (and not returned); None while not sent."""
    if submitted_at is None or status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        return None
    return timezone.localtime(submitted_at).date() <= deadline


# ---- one submission ----------------------------------------------------------------------------


def submission_get(*, user: Any, pk: int) -> Submission | None:
    return Submission.objects.for_user(user).select_related("dataset", "unit__parent").filter(pk=pk).first()


def submission_for(*, user: Any, dataset: DataSet, period: str, unit: Division) -> Submission | None:
    return (
        Submission.objects.for_user(user)
        .select_related("dataset", "unit__parent", "updated_by")
        .filter(dataset=dataset, period=period, unit=unit)
        .first()
    )


def unit_get(*, user: Any, dataset: DataSet, code: str) -> Division | None:
    found = units_in_scope(user=user, dataset=dataset, listed=False)
    return found.select_related("parent").filter(code=code).first()


def submission_history(*, submission: Submission) -> list[SubmissionEvent]:
    return list(SubmissionEvent.objects.filter(submission=submission).select_related("by"))


def previous_values(*, dataset: DataSet, period: str, unit: Division) -> tuple[str, dict[str, Any]]:
    """The unit's latest approved values before this period, to compare with: (period, values)."""
    found = (
        Submission.all_objects.filter(
            dataset=dataset, unit=unit, period__lt=period, status=SubmissionStatus.APPROVED
        )
        .order_by("-period")
        .values_list("period", "values")
        .first()
    )
    return found if found is not None else ("", {})


def lock_exceptions(*, dataset: DataSet, period: str, unit: Division) -> list[LockException]:
    return list(
        LockException.all_objects.filter(dataset=dataset, period=period, unit=unit).select_related(
            "granted_by"
        )
    )


# ---- review ------------------------------------------------------------------------------------


def review_queue(*, user: Any, dataset: DataSet | None = None, period: str = "") -> QuerySet[Submission]:
    """Submissions in the user's scope waiting for the user's level, oldest first."""
    level = level_of(user)
    if not level:
        return Submission.objects.none()
    waiting = Submission.objects.for_user(user).filter(status=SubmissionStatus.SUBMITTED, stage=level)
    if dataset is not None:
        waiting = waiting.filter(dataset=dataset)
    if period:
        waiting = waiting.filter(period=period)
    return waiting.select_related("dataset", "unit").order_by("submitted_at", "pk")


# ---- completeness and timeliness ------------------------------------------------------------------


@dataclass
class CompletenessRow:
    code: str
    name: str
    expected: int = 0
    submitted: int = 0  # sent up and not returned: under review or approved
    approved: int = 0
    on_time: int = 0

    def share(self, count: int) -> float | None:
        return round(100 * count / self.expected, 1) if self.expected else None

    @property
    def submitted_share(self) -> float | None:
        return self.share(self.submitted)

    @property
    def approved_share(self) -> float | None:
        return self.share(self.approved)

    @property
    def under_review_share(self) -> float | None:
        return self.share(self.submitted - self.approved)

    @property
    def on_time_share(self) -> float | None:
        return self.share(self.on_time)


def completeness(
    *, user: Any, dataset: DataSet, period: str
) -> tuple[list[CompletenessRow], CompletenessRow] | None:
    """Per division directly under the user's (cities for the province, counties for a city):
    units expected at the data set's level, how many have reported, been approved, and on time
    (reported by the deadline, DHIS2's timeliness). None when the data set is not below the user."""
    home = home_division(user)
    if home is None or not completeness_available(user, dataset):
        return None
    children = list(Division.objects.filter(parent=home).order_by("code"))
    groups = {c.prefix: CompletenessRow(c.code, c.name) for c in children}
    lengths = sorted({len(p) for p in groups}, reverse=True)

    def group_of(code: str) -> CompletenessRow | None:
        for length in lengths:
            row = groups.get(code[:length])
            if row is not None:
                return row
        return None

    for code in units_in_scope(user=user, dataset=dataset).values_list("code", flat=True):
        row = group_of(code)
        if row is not None:
            row.expected += 1
    due = deadline(dataset, period)
    sent = (
        Submission.objects.for_user(user)
        .filter(
            dataset=dataset,
            period=period,
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED],
        )
        .values_list("unit_id", "status", "submitted_at")
    )
    for code, status, submitted_at in sent:
        row = group_of(code)
        if row is None:
            continue
        row.submitted += 1
        row.approved += status == SubmissionStatus.APPROVED
        row.on_time += bool(on_time(submitted_at, due))
    rows = [r for r in groups.values() if r.expected]
    total = CompletenessRow(home.code, gettext("合计"))
    for r in rows:
        total.expected += r.expected
        total.submitted += r.submitted
        total.approved += r.approved
        total.on_time += r.on_time
    return rows, total


# ---- batches the pages act on ------------------------------------------------------------------


def waiting_submissions(
    *, user: Any, dataset: DataSet, period: str, codes: list[str] | None = None, limit: int
) -> tuple[list[Submission], int]:
    """Drafts and returned submissions the user may change (of ``codes`` if given): the first
    ``limit`` by unit code, and how many there are in all."""
    waiting = Submission.objects.for_user(user, "change").filter(
        dataset=dataset, period=period, status__in=EDITABLE
    )
    if codes is not None:
        waiting = waiting.filter(unit_id__in=codes)
    total = waiting.count()
    return list(waiting.select_related("dataset", "unit__parent").order_by("unit_id")[:limit]), total


def submissions_chosen(*, user: Any, ids: list[int]) -> list[Submission]:
    return list(
        Submission.objects.for_user(user).filter(pk__in=ids).select_related("dataset", "unit__parent")
    )


def submission_list(
    *, user: Any, dataset: str = "", period: str = "", status: str = ""
) -> QuerySet[Submission]:
    found = Submission.objects.for_user(user).select_related("dataset", "unit")
    if dataset:
        found = found.filter(dataset__code=dataset)
    if period:
        found = found.filter(period=period)
    if status:
        found = found.filter(status=status)
    return found.order_by("dataset_id", "period", "unit_id")


def active_datasets() -> QuerySet[DataSet]:
    """Which forms exist and what they ask: reference data, like the divisions."""
    return DataSet.objects.filter(active=True)


def active_dataset(code: str) -> DataSet | None:
    return DataSet.objects.filter(code=code, active=True).first()


def division_for_entry(code: str) -> Division | None:
    return Division.objects.select_related("parent").filter(code=code).first()


def latest_approved_values(*, unit_code: str, elements: set[str]) -> tuple[dict[str, Any], str]:
    """What a place last reported of these elements, from its approved returns (the newest period
    first, annual returns before half-years of the same year): {element: value}, and the period of
    the newest return used ("" when nothing was approved)."""
    found: dict[str, Any] = {}
    newest = ""
    returns = Submission.all_objects.filter(unit_id=unit_code, status=SubmissionStatus.APPROVED).order_by(
        "-period", "-approved_at"
    )
    for submission in returns[:20]:
        for code in elements - found.keys():
            value = submission.values.get(code)
            if value not in (None, ""):
                found[code] = value
                newest = newest or submission.period
        if found.keys() >= elements:
            break
    return found, newest
