from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


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
