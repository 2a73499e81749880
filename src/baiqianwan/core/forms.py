from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class DateInput(forms.DateInput):
    """A date typed with the browser's own date picker."""

    input_type = "date"


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, under the fields it names where they exist."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class FilterForm(forms.Form):
    """The one definition of a list's filters: the page, the API list and the export all read it.

    A page binds it to ``request.GET`` and uses ``values()`` (a bad filter shows its error and is
    ignored); the API and exports call ``strict()``, which refuses a bad filter with a 422 naming it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A filter bar shows no labels: each box says what it filters, and a screen reader reads it.
        for field in self.fields.values():
            attrs = field.widget.attrs
            attrs.setdefault("aria-label", field.label)
            if isinstance(field.widget, forms.TextInput | forms.NumberInput):
                attrs.setdefault("placeholder", field.label)

    def values(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)

    @classmethod
    def strict(cls, data: Any, **kwargs: Any) -> dict[str, Any]:
        form = cls(data, **kwargs)
        if not form.is_valid():
            raise ValidationError(
                {name: [str(message) for message in messages] for name, messages in form.errors.items()}
            )
        return dict(form.cleaned_data)


class YesNoFilterField(forms.TypedChoiceField):
    """A yes/no filter: the page's select sends ``1`` or ``0``, an API client ``true`` or ``false``;
    cleans to True, False or None (no filter)."""

    _WORDS = {"true": "1", "True": "1", "false": "0", "False": "0"}

    def __init__(self, *, yes: Any, no: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            choices=[("", _("全部")), ("1", yes), ("0", no)],
            coerce=lambda value: value == "1",
            empty_value=None,
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        if isinstance(value, bool):
            value = "1" if value else "0"
        return super().to_python(self._WORDS.get(value, value) if isinstance(value, str) else value)


class AuditFilterForm(FilterForm):
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    since = forms.DateField(label=_("起始日期"), required=False)
    until = forms.DateField(label=_("截止日期"), required=False)


class AuditEventFilterForm(AuditFilterForm):
    kind = forms.ChoiceField(
        label=_("事件"), required=False, choices=[("", _("全部事件")), *AuditEvent.Kind.choices]
    )


class RecordChangeFilterForm(AuditFilterForm):
    model = forms.RegexField(
        label=_("数据"),
        required=False,
        max_length=100,
        regex=r"^\w+\.\w+$",
        help_text=_("如 orgs.organisation"),
    )


def valid_form_data(form: Any) -> dict[str, Any]:
    """The form's cleaned data, or its errors as one refusal naming each field (for a button whose
    form is re-shown only as messages)."""
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[name].label}：{message}" if name in form.fields else message
                for name, errors in form.errors.items()
                for message in errors
            ]
        )
    return dict(form.cleaned_data)


def attempt_step(request: Any, step: Callable[[], Any], done: str) -> bool:
    """Run one service step for a POSTed button: its success, or each of its refusals, as a message."""
    try:
        step()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, done)
    return True


def step_button(request: Any, steps: dict[str, Callable[[], Any]], action: str, done: str) -> None:
    """A page's button naming one of its steps: an unknown step is not found; the step's refusals,
    for its state or the user's rights, become messages."""
    step = steps.get(action)
    if step is None:
        raise Http404
    try:
        attempt_step(request, step, done)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or gettext("您无权办理"))


def money_input(label: Any, **kwargs: Any) -> forms.DecimalField:
    """A sum in 元 with two decimals; the service names a negative or absurd one."""
    return forms.DecimalField(label=label, max_digits=15, decimal_places=2, **kwargs)
