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
