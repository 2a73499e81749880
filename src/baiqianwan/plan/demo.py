"""Demo progress reports: some cities on track, some behind, some not yet reported."""

from __future__ import annotations

from django.utils import timezone

from baiqianwan.accounts.models import User

from .models import Measure, ProgressReport
from .selectors import closed_period
from .services import plan_load

# (username, measure, status, summary)
REPORTS = [
    (
        "gd_admin",
        "T6-M1",
        "on_track",
        "已组织两批农村科技特派员选派，覆盖粤东西北 1,000 余个镇，正在组建团队并派驻。",
    ),
    ("gd_admin", "T2-M1", "on_track", "技术市场上线成果 3,200 余项，组织成果对接会 12 场。"),
    ("gd_admin", "T3-M2", "at_risk", "粤东西北科技信贷风险补偿比例调整方案已起草，待财政部门会签。"),
    ("mz_city", "T6-M1", "on_track", "梅州市接收省派科技特派员 86 名，组建 29 个团队，进驻 29 个镇。"),
    ("mz_city", "T1-M1", "on_track", "围绕金柚黄龙病、茶叶加工征集技术需求 146 条，已对接 58 条。"),
    ("mz_city", "T5-M1", "delayed", "大埔县创新型专业镇申报材料尚未齐备，预计下季度提交。"),
    ("qy_city", "T6-M1", "on_track", "清远市科技特派员工作站新建 6 个，英德市连江口镇实现茶产业团队全覆盖。"),
    ("qy_city", "T2-M1", "done", "英红九号红茶加工标准化成果在 5 个镇推广应用。"),
]


def demo_progress() -> int:
    if not Measure.objects.exists():
        plan_load()
    period, _ = closed_period(timezone.localdate())
    users = {u.username: u for u in User.objects.filter(username__in={r[0] for r in REPORTS})}
    created = 0
    for username, measure, status, summary in REPORTS:
        user = users.get(username)
        if user is None or user.division is None:
            continue
        _, new = ProgressReport.all_objects.get_or_create(
            measure_id=measure,
            period=period,
            division=user.division,
            defaults={
                "status": status,
                "summary": summary,
                "reporting_unit": user.display_name,
                "submitted_by": user,
            },
        )
        created += new
    return created
