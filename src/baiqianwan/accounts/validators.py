from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
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


class PasswordHistoryValidator:
    """None of the user's last ``count`` passwords (the current one included) may be used again."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        from .selectors import recent_password_hashes

        if user is None or not any(
            check_password(password, encoded)
            for encoded in recent_password_hashes(user=user, count=self.count)
        ):
            return
        raise ValidationError(
            gettext("新密码不能与最近 {count} 次使用过的密码相同，请换一个从未用过的密码").format(
                count=self.count
            ),
            code="password_reused",
        )

    def get_help_text(self) -> str:
        return gettext("不能使用最近 {count} 次用过的密码。").format(count=self.count)
