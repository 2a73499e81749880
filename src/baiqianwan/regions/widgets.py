"""The cascading division picker as a form widget."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from .classification import LEVEL_LABELS, PROVINCE_CODE, Level, prefix_of_code


class DivisionPicker(forms.Widget):
    template_name = "regions/widgets/picker.html"

    def __init__(
        self, *, root: str = PROVINCE_CODE, max_level: str = "village", attrs: dict[str, Any] | None = None
    ):
        super().__init__(attrs)
        self.root = root
        self.max_level = max_level

    class Media:
        js = ("regions/picker.js",)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update({"root": self.root, "max_level": self.max_level})
        return context


class DivisionField(forms.ModelChoiceField):
    """A division chosen with the picker, limited to codes under ``root``."""

    def __init__(
        self, *, root: str = PROVINCE_CODE, max_level: str = "village", min_level: str = "", **kwargs: Any
    ):
        from .models import Division

        queryset = Division.objects.filter(code__startswith=prefix_of_code(root))
        if min_level:
            queryset = queryset.filter(level__in=_levels_from(min_level, max_level))
        kwargs.setdefault("error_messages", {"invalid_choice": gettext("所选区划不存在或不在您的管辖范围内")})
        super().__init__(queryset=queryset, widget=DivisionPicker(root=root, max_level=max_level), **kwargs)
        self.root = root
        self.min_level = min_level

    def to_python(self, value: Any) -> Any:
        """A division above `min_level` is not "missing": the picker sends its root when nothing is
        chosen (empty for an optional field), and a coarser choice is told which level to reach."""
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice" or not self.min_level:
                raise
            from .models import Division

            level = (
                Division.objects.filter(code=str(value), code__startswith=prefix_of_code(self.root))
                .values_list("level", flat=True)
                .first()
            )
            if level is None or LEVELS.index(level) >= LEVELS.index(self.min_level):
                raise
            if str(value) == self.root and not self.required:
                return None
            raise ValidationError(
                gettext("请选到{level}或更细的区划").format(
                    level=gettext(LEVEL_LABELS[Level(self.min_level)])
                ),
                code="too_coarse",
            ) from None


LEVELS = ["province", "city", "county", "town", "village"]


def _levels_from(low: str, high: str) -> list[str]:
    return LEVELS[LEVELS.index(low) : LEVELS.index(high) + 1]
