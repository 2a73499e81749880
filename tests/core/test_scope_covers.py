"""Scope.covers and Scope.region_filter: the one answer to "is this division in the user's region",
failing closed for scopes without a region."""

from __future__ import annotations

from typing import Any

from baiqianwan.core.scope import NO_SCOPE, Scope
from baiqianwan.regions.models import Division

from ..conftest import A, B


def test_covers_the_region_and_nothing_else() -> None:
    county = Scope(division_prefix="441422", user_id=1)
    assert county.covers(A["village"])
    assert county.covers(A["county"])
    assert not county.covers(B["village"])
    assert not county.covers("4414")  # the city above is not inside the county
    assert Scope(everything=True).covers(B["town"])


def test_a_scope_without_a_region_and_a_missing_code_cover_nothing() -> None:
    for scope in (Scope(organisation_id=3, user_id=1), Scope(user_id=1), NO_SCOPE):
        assert not scope.covers(A["village"])
        assert not scope.covers("")
    assert not Scope(division_prefix="441422").covers(None)
    assert not Scope(division_prefix="441422").covers("")
    assert not Scope(division_prefix="").covers(A["village"])


def test_region_filter_narrows_division_codes(divisions: Any) -> None:
    def count(scope: Scope) -> int:
        return Division.objects.filter(scope.region_filter("code")).count()

    total = Division.objects.count()
    assert count(Scope(everything=True)) == total
    in_county = count(Scope(division_prefix="441422"))
    assert 0 < in_county < total
    assert in_county == Division.objects.filter(code__startswith="441422").count()
    assert count(Scope(organisation_id=3)) == 0
    assert count(NO_SCOPE) == 0
