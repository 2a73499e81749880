"""Platform records as engine documents. Ids are "<kind>:<primary key>"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import translation

from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.industries.models import Industry
from baiqianwan.matching.engine import Document, Labels
from baiqianwan.orgs.models import Organisation, OrganisationKind
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import Achievement, Availability, ExpertProfile

INSTITUTION_KINDS = (
    OrganisationKind.UNIVERSITY,
    OrganisationKind.INSTITUTE,
    OrganisationKind.NEW_RD,
    OrganisationKind.EXTENSION,
)
INDEXED_DEMAND_STATUSES = (
    DemandStatus.SUBMITTED,
    DemandStatus.ACCEPTED,
    DemandStatus.MATCHING,
    DemandStatus.CONFIRMING,
    DemandStatus.SOLVED,
)
MODELS = {"achievement": Achievement, "expert": ExpertProfile, "institution": Organisation, "demand": Demand}


def doc_id(kind: str, pk: Any) -> str:
    return f"{kind}:{pk}"


def split_id(value: str) -> tuple[str, int]:
    kind, _, pk = value.partition(":")
    return kind, int(pk)


def achievement_document(a: Achievement) -> Document:
    return Document(
        id=doc_id("achievement", a.pk),
        kind="achievement",
        title=a.title,
        text=a.abstract,
        keywords=a.keywords,
        industry=a.industry_id or "",
        region=a.organisation.division_id,
        extra={"organisation": a.organisation.name},
    )


def expert_document(e: ExpertProfile) -> Document:
    industries = [i.code for i in e.industries.all()]
    names = " ".join(i.name for i in e.industries.all())
    return Document(
        id=doc_id("expert", e.pk),
        kind="expert",
        title=f"{e.person.name} {e.person.title}",
        text=f"{e.bio} {e.person.fields}",
        keywords=f"{e.keywords} {names}",
        industry=industries[0] if industries else "",
        region=e.home_city_id,
        available=e.availability == Availability.AVAILABLE,
        extra={"organisation": e.person.organisation.name, "dialects": list(e.dialects)},
    )


def institution_document(o: Organisation) -> Document:
    """An institution is described by what its people work on and what it has achieved."""
    fields = " ".join(p.fields for p in o.people.all() if p.fields)
    achievements = " ".join(f"{a.title} {a.keywords}" for a in o.achievements.all())
    with translation.override(settings.LANGUAGE_CODE):  # the index is Chinese in every session
        kind = o.get_kind_display()
    return Document(
        id=doc_id("institution", o.pk),
        kind="institution",
        title=o.name,
        text=f"{kind} {achievements}",
        keywords=fields,
        region=o.division_id,
    )


def demand_document(d: Demand) -> Document:
    return Document(
        id=doc_id("demand", d.pk),
        kind="demand",
        title=d.title,
        text=d.description,
        industry=d.industry_id or "",
        region=d.division_id,
        available=d.status in (DemandStatus.ACCEPTED, DemandStatus.MATCHING),
        extra={"status": d.status},
    )


def all_documents() -> Iterator[Document]:
    for a in Achievement.all_objects.select_related("organisation").iterator(chunk_size=2000):
        yield achievement_document(a)
    experts = ExpertProfile.all_objects.select_related("person", "person__organisation").prefetch_related(
        "industries"
    )
    for e in experts.iterator(chunk_size=2000):
        yield expert_document(e)
    institutions = Organisation.all_objects.filter(kind__in=INSTITUTION_KINDS).prefetch_related(
        "people", "achievements"
    )
    for o in institutions:
        yield institution_document(o)
    for d in Demand.all_objects.filter(status__in=INDEXED_DEMAND_STATUSES).iterator(chunk_size=2000):
        yield demand_document(d)


def document_count() -> int:
    return (
        Achievement.all_objects.count()
        + ExpertProfile.all_objects.count()
        + Organisation.all_objects.filter(kind__in=INSTITUTION_KINDS).count()
        + Demand.all_objects.filter(status__in=INDEXED_DEMAND_STATUSES).count()
    )


def labels() -> Labels:
    industries = {i.code: i.name for i in Industry.objects.all()}
    parents = dict(Industry.objects.filter(parent__isnull=False).values_list("code", "parent_id"))
    places = dict(Division.objects.filter(level__in=("county", "town")).values_list("code", "name"))
    return Labels(industries=industries, industry_parents=parents, regions=places)
