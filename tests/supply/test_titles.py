"""Seniority from a title as people write it, the same in Python and in the database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.titles import ASSOCIATE, INTERMEDIATE, SENIOR, at_least_q, seniority_of

TITLES = {
    "教授": SENIOR,
    "研究员": SENIOR,
    "推广研究员": SENIOR,
    "农业技术推广研究员": SENIOR,
    "教授级高级工程师": SENIOR,
    "正高级农艺师": SENIOR,
    "二级教授": SENIOR,
    "副教授": ASSOCIATE,
    "副研究员": ASSOCIATE,
    "高级农艺师": ASSOCIATE,
    "高级工程师": ASSOCIATE,
    "高级畜牧师": ASSOCIATE,
    "副高": ASSOCIATE,
    "讲师": INTERMEDIATE,
    "助理研究员": INTERMEDIATE,
    "农艺师": INTERMEDIATE,
    "工程师": INTERMEDIATE,
    "兽医师": INTERMEDIATE,
    "": "",
    "种植能手": "",
    "技术员": "",
}


@pytest.mark.parametrize(("title", "level"), TITLES.items())
def test_the_level_of_a_title(title: str, level: str) -> None:
    assert seniority_of(title) == level


@pytest.mark.django_db
def test_the_database_filter_agrees_with_the_function(
    make_org: Callable[..., Organisation], make_person: Callable[..., Person]
) -> None:
    org = make_org("华南农业大学", "university", "440106000000")
    person = make_person(org, "陈专家")
    people = Person.all_objects.filter(pk=person.pk)
    for title, level in TITLES.items():
        people.update(title=title)
        assert people.filter(at_least_q(SENIOR, "title")).exists() == (level == SENIOR), title
        assert people.filter(at_least_q(ASSOCIATE, "title")).exists() == (level in (SENIOR, ASSOCIATE)), title
        assert people.filter(at_least_q("", "title")).exists()
