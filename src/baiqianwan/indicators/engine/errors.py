"""Errors the engine raises; their messages are shown to users as they are, so they are Chinese."""

from __future__ import annotations

from collections.abc import Sequence


class FormulaError(ValueError):
    """A formula that cannot be parsed or compiled.

    ``position`` is 1-based (the character a user counts to in the input box), or ``None`` when
    the error concerns the formula as a whole.
    """

    def __init__(self, message: str, *, position: int | None = None, formula: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.formula = formula


class DefinitionError(ValueError):
    """An indicator system (or one of its items) that fails validation; every problem is listed."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        head = "指标体系定义有误" if len(self.errors) != 1 else self.errors[0]
        if len(self.errors) > 1:
            head = f"指标体系定义有 {len(self.errors)} 处错误：" + "；".join(self.errors)
        super().__init__(head)


class DataError(ValueError):
    """Input arrays of the wrong shape, an unknown unit or period, a broken hierarchy."""
