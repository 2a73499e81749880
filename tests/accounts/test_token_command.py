"""`bqw token create`: another system gets a working token; only its hash is kept."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from baiqianwan.accounts.models import ApiToken, User
from baiqianwan.accounts.roles import Role

from ..conftest import A


def test_the_printed_token_authenticates_and_is_stored_hashed(make_user: Callable[..., User]) -> None:
    user = make_user(Role.COUNTY, A["county"], username="dabu")
    out = StringIO()
    call_command("token", "create", "--user", "dabu", "--name", "省数据平台对接", "--days", "30", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("bqw_")
    token = ApiToken.objects.get(user=user)
    assert raw not in (token.digest, token.prefix)
    response = Client().get("/api/v1/jobs", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_unknown_accounts_and_bad_periods_are_refused_in_chinese(make_user: Callable[..., User]) -> None:
    make_user(Role.COUNTY, A["county"], username="dabu")
    with pytest.raises(CommandError, match="不存在"):
        call_command("token", "create", "--user", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="有效期"):
        call_command("token", "create", "--user", "dabu", "--name", "x", "--days", "9999")
