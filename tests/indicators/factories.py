"""Shared set-up for the collection tests: the town report with a percentage column.

The shipped county/town system has no percentage element yet, while journey 3 (a town's template
with a percentage of 130) needs one. A deployment adds items by storing a new version of the
definition, as done here.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from baiqianwan.indicators.definitions import selectors as definition_selectors
from baiqianwan.indicators.definitions import services as definition_services
from baiqianwan.indicators.definitions.models import DataSet


def town_set_with_a_percentage() -> DataSet:
    """The town report of the shipped system; its 有研发活动的规上工业企业占比 column is a percentage."""
    definition_services.system_load_shipped()
    dataset = DataSet.objects.get(code="county_town_system.town")
    assert "rd_firm_share" in dataset.elements
    return dataset


def town_values(dataset: DataSet, **overrides: Any) -> dict[str, Any]:
    """Plausible values for every element of the data set (passing the system's rules)."""
    _, system = definition_selectors.current_system(dataset.system_code)
    kinds = {e.code: e.kind for e in system.elements}
    values: dict[str, Any] = {
        code: {"percent": 40, "yes_no": "否", "text": "无"}.get(kinds[code], 10) for code in dataset.elements
    }
    values.update(gdp=50, rd_spend=300, demands_posted=12, demands_resolved=8)
    values.update(industrial_output=1000, leading_industry_output=500)
    values.update(overrides)
    return values


def fill(data: bytes, rows: dict[str, dict[str, Any]], *, extra: list[list[Any]] | None = None) -> bytes:
    """Fill a downloaded template the way a user would in Excel: by unit code and column heading."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["填报数据"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        values = rows.get(str(row[0].value))
        if values is None:
            continue
        for heading, value in values.items():
            row[headers.index(heading)].value = value
    for line in extra or []:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
