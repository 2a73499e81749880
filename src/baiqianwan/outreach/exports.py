"""The outreach ledgers as spreadsheets (every cell written through core.spreadsheets.safe_cell, so a
stored formula or markup is text in the file)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

from .models import OutreachEvent, Trainee

EVENT_SCHEMA = SheetSchema(
    title="科普活动",
    columns=[
        Column("held_on", "举办日期", width=12),
        Column("kind", "活动类型", width=20),
        Column("title", "活动名称", width=40),
        Column("organiser", "主办单位", width=30),
        Column("place", "举办地", width=36),
        Column("east_west_north", "粤东西北", width=10),
        Column("audience_kind", "受众类型", width=12),
        Column("audience_size", "受众人数", width=10),
        Column("speakers", "主讲人", width=30),
        Column("summary", "活动简介", width=50),
    ],
)


def event_rows(events: Iterable[OutreachEvent]) -> Iterable[list[Any]]:
    for event in events:
        yield [
            event.held_on.isoformat(),
            event.get_kind_display(),
            event.title,
            event.organiser.name,
            event.place.full_name,
            "是" if event.in_east_west_north else "否",
            event.get_audience_kind_display(),
            event.audience_size,
            event.speakers,
            event.summary,
        ]


TRAINEE_EXPORT = SheetSchema(
    title="参训教师",
    columns=[
        Column("course", "课程", width=36),
        Column("name", "姓名", width=12),
        Column("school", "学校", width=30),
        Column("county", "所在县（市、区）", width=30),
        Column("stage", "学段", width=8),
        Column("subject", "任教学科", width=10),
        Column("hours", "完成学时", width=10),
        Column("passed", "考核合格", width=10),
    ],
)


def trainee_rows(trainees: Iterable[Trainee]) -> Iterable[list[Any]]:
    for trainee in trainees:
        yield [
            trainee.course.title,
            trainee.name,
            trainee.school,
            trainee.county.full_name,
            trainee.get_stage_display(),
            trainee.get_subject_display(),
            float(trainee.hours_completed),
            "是" if trainee.passed else "否",
        ]
