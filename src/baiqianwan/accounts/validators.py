from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class CharacterClassValidator:
    """At least three of: upper case, lower case, digits, symbols (等保 password complexity)."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                gettext("密码须包含大写字母、小写字母、数字、符号中的至少三类"), code="password_classes"
            )

    def get_help_text(self) -> str:
        return gettext("密码须包含大写字母、小写字母、数字、符号中的至少三类。")


class MinimumLengthValidator:
    """At least ``min_length`` characters. (Django's message for this lacks a Chinese translation.)"""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                gettext("密码太短，至少需要 {min_length} 个字符（当前 {len} 个）").format(
                    min_length=self.min_length, len=len(password)
                ),
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return gettext("密码至少需要 {min_length} 个字符。").format(min_length=self.min_length)
