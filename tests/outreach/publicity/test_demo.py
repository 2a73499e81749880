"""The publicity demo, built through the services as the demo's bureaus: 40 published cases covering
all 21 cities, 8 more in the other states, two commendation lists, and the plan with its
interpretations quoting it word for word; a second run adds nothing."""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from baiqianwan.accounts.demo import demo_users
from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of
from baiqianwan.core.text import to_simplified
from baiqianwan.orgs.demo import demo_organisations, demo_people
from baiqianwan.outreach.models import (
    CasePhoto,
    CaseStatus,
    Commendation,
    CommendationEntry,
    HonourKind,
    PolicyDocument,
    PolicyKind,
    ShowcaseCase,
)
from baiqianwan.outreach.publicity.demo import demo_publicity
from baiqianwan.regions.classification import CITY_REGION

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_cases_in_every_city_lists_and_the_plan(divisions: None) -> None:
    rng = random.Random(20230607)
    organisations = demo_organisations(rng)
    demo_people(rng, organisations)
    demo_users()
    made = demo_publicity(rng)
    assert made == {"cases": 48, "published_cases": 40, "commendations": 2, "policies": 4}

    cases = list(ShowcaseCase.all_objects.select_related("place", "created_by", "reviewed_by"))
    shown = [c for c in cases if c.is_published]
    assert {c.place_id[:4] for c in shown} == set(CITY_REGION)
    assert Counter(c.status for c in cases) == {
        CaseStatus.PUBLISHED: 40,
        CaseStatus.SUBMITTED: 3,
        CaseStatus.RETURNED: 2,
        CaseStatus.DRAFT: 2,
        CaseStatus.WITHDRAWN: 1,
    }
    assert len({c.title for c in cases}) == 48
    for c in cases:
        assert c.place.level in ("county", "town"), c.title
        assert c.industry_id, c.title
        assert len(c.body) >= 100, c.title
        assert c.created_by.role in (Role.CITY, Role.COUNTY), c.title
        assert scope_of(c.created_by).covers(c.place_id), c.title
    for c in shown:
        assert 1 <= c.photos.count() <= 3, c.title
        assert c.reviewed_by.username == "gd_admin"
        assert c.published_at is not None
    assert all(c.review_note for c in cases if c.status in (CaseStatus.RETURNED, CaseStatus.WITHDRAWN))
    photo = CasePhoto.objects.order_by("pk").first()
    assert photo is not None
    with photo.image.open("rb") as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert (image.format, photo.kind) == ("JPEG", "jpeg")

    honoured = Commendation.all_objects.get(is_published=True)
    assert honoured.title == f"{honoured.year} 年度优秀科技特派员通报表扬"
    assert honoured.entries.filter(kind=HonourKind.UNIT).count() >= 2
    draft = Commendation.all_objects.get(is_published=False)
    assert draft.entries.exists()

    plan = PolicyDocument.all_objects.get(kind=PolicyKind.POLICY)
    assert (plan.issuer, plan.document_number, plan.issued_on.isoformat(), plan.is_published) == (
        "广东省科学技术厅",
        "粤科农字〔2023〕116号",
        "2023-06-07",
        True,
    )
    text = (Path(settings.DATA_DIR) / "plan" / "policy-zh-hans.txt").read_text(encoding="utf-8")
    assert plan.body == to_simplified(text).strip()
    assert plan.title in text
    readings = list(PolicyDocument.all_objects.filter(kind=PolicyKind.INTERPRETATION))
    assert Counter(r.is_published for r in readings) == {True: 2, False: 1}
    assert all(r.interprets_id == plan.pk for r in readings)
    for reading in readings:  # what is quoted is the plan's own words
        for quoted in re.findall(r"“([^“”]*)”", reading.body):
            assert to_simplified(quoted) in plan.body, quoted

    entries, photos = CommendationEntry.objects.count(), CasePhoto.objects.count()
    assert demo_publicity(rng) == made  # run again: nothing more
    assert ShowcaseCase.all_objects.count() == 48
    assert (CommendationEntry.objects.count(), CasePhoto.objects.count()) == (entries, photos)
