"""The division picker's field: a choice above the level a form needs is named as such."""

from __future__ import annotations

from django import forms

from baiqianwan.regions.widgets import DivisionField


class _Form(forms.Form):
    region = DivisionField(min_level="county", required=False)
    place = DivisionField(min_level="county")


def test_a_choice_above_the_level_needed_says_which_level_to_reach(divisions: None) -> None:
    """The picker sends the province when nothing is chosen; an optional county-level field read it
    as a division that does not exist "or is outside your jurisdiction", which was not the problem."""
    untouched = _Form({"region": "440000000000", "place": "441422000000"})
    assert untouched.is_valid(), untouched.errors
    assert untouched.cleaned_data["region"] is None
    coarse = _Form({"region": "441400000000", "place": "440000000000"})
    assert not coarse.is_valid()
    assert coarse.errors["region"] == ["请选到县级或更细的区划"]
    assert coarse.errors["place"] == ["请选到县级或更细的区划"]
    unknown = _Form({"region": "449999999999", "place": "441422100000"})
    assert unknown.errors["region"] == ["所选区划不存在或不在您的管辖范围内"]
    assert "place" not in unknown.errors
