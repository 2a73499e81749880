from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Industry
from .selectors import industry_choices


class IndustryChoiceField(forms.ChoiceField):
    """A grouped select of the industry taxonomy (category → industry); cleans to an Industry."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(choices=lambda: [("", _("请选择产业")), *industry_choices()], **kwargs)

    def clean(self, value: Any) -> Industry | None:
        code = super().clean(value)
        if not code:
            return None
        industry = Industry.objects.filter(code=code, parent__isnull=False).first()
        if industry is None:
            raise forms.ValidationError(_("请选择具体产业"))
        return industry


class IndustryFilterField(forms.ChoiceField):
    """A list filter on an industry: the select offers the categories (a category matches its
    industries too); any code of the taxonomy is accepted, as links and API clients name single
    industries."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("label", _("产业"))
        kwargs.setdefault("required", False)
        super().__init__(choices=_category_choices, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return Industry.objects.filter(code=value).exists()


def _category_choices() -> list[tuple[str, str]]:
    categories = Industry.objects.filter(parent__isnull=True).order_by("position")
    return [("", str(_("全部产业"))), *[(i.code, i.name) for i in categories]]
