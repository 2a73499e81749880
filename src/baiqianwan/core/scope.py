"""The one scope mechanism: every read of a scoped record goes through ``for_user``.

A user's scope is one of: everything (province), a division subtree (city, county, town,
village), one organisation, or only their own records. A model says how its rows relate to
those through four class attributes; a model that declares none of them is visible to
province users only. ``Model.objects`` on a scoped model returns *nothing* until it is narrowed
with ``for_user`` — so a forgotten filter shows nothing rather than everything. Code that truly
needs every row (services, jobs, the demo) says so with ``Model.all_objects``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from django.db import models
from django.db.models import Q
from django.db.models.lookups import StartsWith

Action = Literal["view", "change"]


@models.ForeignKey.register_lookup
class ForeignKeyStartsWith(StartsWith):
    """``division__startswith="4414"``: a prefix match on the key column itself, no join.

    Division keys are their codes, so a region scope is one indexed LIKE on the record's own
    foreign-key column.
    """

    lookup_name = "startswith"


@dataclass(frozen=True)
class Scope:
    """What a user may reach. Built by accounts from the user's role and binding."""

    everything: bool = False
    division_prefix: str | None = None  # code prefix of the bound division: "4414", "441422", ...
    organisation_id: int | None = None
    user_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.division_prefix or self.organisation_id or self.user_id)

    def covers(self, code: str | None) -> bool:
        """Whether the division ``code`` lies in this scope's region. Fails closed: a scope with no
        region (an organisation, a person) and a missing code cover nothing."""
        if self.everything:
            return True
        return bool(self.division_prefix and code and code.startswith(self.division_prefix))

    def region_filter(self, field: str) -> Q:
        """Rows whose division code ``field`` lies in this scope's region (fails closed like ``covers``)."""
        if self.everything:
            return Q()
        if self.division_prefix:
            return Q(**{f"{field}__startswith": self.division_prefix})
        return Q(pk__in=[])


NO_SCOPE = Scope()


def scope_of(user: Any) -> Scope:
    """The scope of any user object; anonymous and inactive users reach nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_SCOPE
    scope = getattr(user, "scope", None)
    return scope if isinstance(scope, Scope) else NO_SCOPE


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: Any, action: Action = "view") -> ScopedQuerySet:
        return self.for_scope(scope_of(user), action)

    def for_scope(self, scope: Scope, action: Action = "view") -> ScopedQuerySet:
        if scope.everything:
            return self.all()
        condition = Q(pk__in=[])
        reachable = False
        if scope.division_prefix:
            for path in _paths(self.model, "scope_division_path"):
                condition |= Q(**{f"{path}__startswith": scope.division_prefix})
                reachable = True
        if scope.organisation_id:
            for path in _paths(self.model, "scope_organisation_path"):
                condition |= Q(**{path: scope.organisation_id})
                reachable = True
        if scope.user_id:
            for path in _paths(self.model, "scope_owner_path"):
                condition |= Q(**{path: scope.user_id})
                reachable = True
        if action == "view":
            for path in _paths(self.model, "scope_public_field"):
                condition |= Q(**{path: True})
                reachable = True
        if not reachable:
            return self.none()
        return self.filter(condition)


def _paths(model: Any, attribute: str) -> tuple[str, ...]:
    """A model names one lookup path, several (any may match), or none."""
    value = getattr(model, attribute, None)
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """``Model.objects``: empty until narrowed with ``for_user`` / ``for_scope``."""

    def get_queryset(self) -> ScopedQuerySet:
        return super().get_queryset().none()

    def for_user(self, user: Any, action: Action = "view") -> ScopedQuerySet:
        return ScopedQuerySet(self.model, using=self._db).for_user(user, action)

    def for_scope(self, scope: Scope, action: Action = "view") -> ScopedQuerySet:
        return ScopedQuerySet(self.model, using=self._db).for_scope(scope, action)


class ScopedModel(models.Model):
    """Base of every record that belongs to a region, an organisation or a person.

    Paths are ORM lookups ending in a value comparable with the scope: the division path ends
    in a division foreign key (``division`` — division primary keys are their codes), the
    organisation path in an organisation id, the owner path in a user id. A tuple of paths
    means any of them may match.
    """

    scope_division_path: ClassVar[str | tuple[str, ...] | None] = None
    scope_organisation_path: ClassVar[str | tuple[str, ...] | None] = None
    scope_owner_path: ClassVar[str | tuple[str, ...] | None] = None
    scope_public_field: ClassVar[str | None] = None

    # Declared first, so Django's internals (admin defaults, uniqueness checks, related
    # lookups, serialisation) use the unscoped manager; application code types `objects`.
    all_objects = models.Manager.from_queryset(ScopedQuerySet)()
    objects = ScopedManager()

    class Meta:
        abstract = True


def api_scope(model: Any) -> dict[str, Any]:
    """OpenAPI marker naming the scoped model an endpoint serves; the scope matrix test reads it."""
    return {"x-scope-model": model._meta.label}


API_PUBLIC: dict[str, Any] = {"x-scope-model": "public"}  # reference data open to everyone
API_SELF: dict[str, Any] = {"x-scope-model": "self"}  # only ever the caller's own data
