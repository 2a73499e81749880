"""Keep the matching index in step with saved records (after the transaction commits)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from baiqianwan.core.changes import records_stored
from baiqianwan.demands.models import Connection, ConnectionStatus, Demand
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.models import Achievement, ExpertProfile

from . import documents


def _sync(kind: str, pk: Any) -> None:
    from .services import index_drop, index_put

    model: Any = documents.MODELS[kind]
    record: Any = model.all_objects.filter(pk=pk).first()
    key = documents.doc_id(kind, pk)
    if record is None:
        index_drop([key])
        return
    if kind == "achievement":
        index_put([documents.achievement_document(record)])
    elif kind == "expert":
        index_put([documents.expert_document(record)])
    elif kind == "institution":
        if record.kind in documents.INSTITUTION_KINDS:
            index_put([documents.institution_document(record)])
        else:
            index_drop([key])
    elif record.status in documents.INDEXED_DEMAND_STATUSES:
        index_put([documents.demand_document(record)])
    else:
        index_drop([key])


def _later(kind: str, pk: Any) -> None:
    transaction.on_commit(lambda: _sync(kind, pk))


@receiver(post_save, sender=Achievement)
@receiver(post_delete, sender=Achievement)
def _achievement(sender: Any, instance: Achievement, **kwargs: Any) -> None:
    _later("achievement", instance.pk)


@receiver(post_save, sender=ExpertProfile)
@receiver(post_delete, sender=ExpertProfile)
def _expert(sender: Any, instance: ExpertProfile, **kwargs: Any) -> None:
    _later("expert", instance.pk)


@receiver(m2m_changed, sender=ExpertProfile.industries.through)
def _expert_industries(sender: Any, instance: ExpertProfile, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        _later("expert", instance.pk)


@receiver(post_save, sender=Organisation)
def _organisation(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    _later("institution", instance.pk)


@receiver(records_stored, sender=Organisation)
def _organisations_stored(sender: Any, pks: list[Any], **kwargs: Any) -> None:
    """A batch stored by an import: one index update for the whole batch (already after commit)."""
    _reindex_institutions(pks)


@receiver(records_stored, sender=Person)
def _people_stored(sender: Any, pks: list[Any], **kwargs: Any) -> None:
    """Imported people describe their institution by their fields of work."""
    _reindex_institutions(Person.all_objects.filter(pk__in=pks).values_list("organisation_id", flat=True))


def _reindex_institutions(pks: Any) -> None:
    from .services import index_drop, index_put

    records = list(
        Organisation.all_objects.filter(pk__in=list(pks)).prefetch_related("people", "achievements")
    )
    index_put([documents.institution_document(r) for r in records if r.kind in documents.INSTITUTION_KINDS])
    index_drop(
        [documents.doc_id("institution", r.pk) for r in records if r.kind not in documents.INSTITUTION_KINDS]
    )


@receiver(post_save, sender=Connection)
def _connection(sender: Any, instance: Connection, **kwargs: Any) -> None:
    """A successful 对接 lifts the target in later rankings, in every process, at once."""
    if instance.status != ConnectionStatus.SUCCEEDED:
        return
    target = instance.achievement_id or instance.expert_id or instance.organisation_id
    kind = "institution" if instance.target_kind == "institution" else instance.target_kind
    key = documents.doc_id(kind, target)
    field = {"achievement": "achievement", "expert": "expert"}.get(instance.target_kind, "organisation")
    count = Connection.all_objects.filter(
        status=ConnectionStatus.SUCCEEDED, target_kind=instance.target_kind, **{f"{field}_id": target}
    ).count()

    def record() -> None:
        from .services import index_get

        index_get().set_success_counts({key: count})

    transaction.on_commit(record)


@receiver(post_save, sender=Demand)
def _demand(sender: Any, instance: Demand, **kwargs: Any) -> None:
    _later("demand", instance.pk)
