"""`bqw demo --scale`: the same seed gives the same rows, and it only ever fills an empty database."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models, transaction

from baiqianwan.accounts.models import User
from baiqianwan.commissioners.models import (
    Assignment,
    DispatchRound,
    MembershipChange,
    Nomination,
    RoundStatus,
    Team,
    TownNeed,
)
from baiqianwan.demands.models import Connection, Demand, DemandEvent, DemandStatus
from baiqianwan.indicators.collection.models import Submission, SubmissionEvent
from baiqianwan.indicators.definitions.services import datasets_ensure_defaults
from baiqianwan.indicators.results.models import PublishedResult
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.models import Achievement, ExpertProfile

GENERATED: list[type[models.Model]] = [
    User,
    Organisation,
    Person,
    Achievement,
    ExpertProfile,
    ExpertProfile.industries.through,
    Demand,
    DemandEvent,
    Connection,
    DispatchRound,
    TownNeed,
    Nomination,
    Assignment,
    Team,
    MembershipChange,
    Submission,
    SubmissionEvent,
    PublishedResult,
]
# Salted hashes differ run to run; the solver's timings too.
SKIPPED = {"password", "last_login"}
PLAN_KEYS = ("filled", "score", "objective", "explanations", "shortages", "staffing", "settings")


class RollbackError(Exception):
    pass


def digest() -> str:
    """Every generated row, with keys replaced by their position in the table (a database's
    sequences need not start where another's did)."""
    ranks = {
        model: {
            pk: i for i, pk in enumerate(model._default_manager.order_by("pk").values_list("pk", flat=True))
        }
        for model in GENERATED
    }
    demand_rank = ranks[Demand]
    total = hashlib.sha256()
    for model in GENERATED:
        fields = [f for f in model._meta.concrete_fields if f.name not in SKIPPED]
        rows = model._default_manager.order_by("pk").values_list(*[f.attname for f in fields])
        for row in rows:
            values: list[Any] = []
            for field, value in zip(fields, row, strict=True):
                if field.primary_key:
                    value = ranks[model][value]
                elif field.is_relation and field.related_model in ranks and value is not None:
                    value = ranks[field.related_model][value]  # type: ignore[index]
                elif model is DemandEvent and field.name == "note":
                    value = re.sub(r"#(\d+)", lambda m: f"#{demand_rank[int(m.group(1))]}", value)
                elif model is DispatchRound and field.name == "result":
                    value = {k: value.get(k) for k in PLAN_KEYS}
                values.append(value)
            total.update(repr(values).encode())
    return total.hexdigest()


def generate() -> str:
    out = io.StringIO()
    call_command("demo", "--scale", "county", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_same_seed_same_rows_and_only_into_an_empty_database(divisions: None) -> None:
    call_command("indicators", "load", stdout=io.StringIO())  # reference data, as `make run` loads it
    datasets_ensure_defaults()
    digests = []
    for _ in range(2):
        try:
            with transaction.atomic():
                printed = generate()
                digests.append(digest())
                raise RollbackError
        except RollbackError:
            pass
    assert digests[0] == digests[1]
    assert "county_441422" in printed

    generate()
    demands = Demand.all_objects.all()
    assert demands.count() > 800
    assert all(code.startswith("441422") for code in demands.values_list("division_id", flat=True))
    assert demands.filter(status=DemandStatus.SOLVED).exists()
    assert Connection.all_objects.filter(status="succeeded").exists()
    assert DispatchRound.all_objects.get().status == RoundStatus.PUBLISHED
    assert Team.all_objects.exists()
    assert (
        Submission.all_objects.filter(unit_id__startswith="441422", dataset__level="village").count() % 5 == 0
    )
    assert PublishedResult.objects.exists()

    with pytest.raises(CommandError, match="已有演示数据或规模数据"):
        generate()
    out = io.StringIO()
    call_command("demo", "--scale", "county", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
