"""`bqw demo`: a deterministic, realistic data set across the apps."""

from __future__ import annotations

import random

from django.db import transaction

from baiqianwan.accounts.demo import DEMO_PASSWORD, demo_users
from baiqianwan.orgs.demo import demo_organisations, demo_people
from baiqianwan.orgs.models import Organisation

SEED = 20230607  # the plan's publication date


def demo_is_loaded() -> bool:
    return Organisation.all_objects.exists()


@transaction.atomic
def demo_load() -> dict[str, object]:
    rng = random.Random(SEED)
    organisations = demo_organisations(rng)
    people = demo_people(rng, organisations)
    users = demo_users()
    return {"organisations": len(organisations), "people": people, "users": users, "password": DEMO_PASSWORD}
