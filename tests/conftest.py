"""Shared fixtures: the real division registry in the test database, users of every role, and
organisations on two sides of the province (梅州 A-side, 湛江 B-side) for scope tests."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management.color import no_style
from django.db import connections
from django.test import Client, TestCase, TransactionTestCase
from django.utils import translation

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_id_number, make_mobile, make_uscc
from baiqianwan.industries.models import Industry
from baiqianwan.industries.services import industries_load
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division
from baiqianwan.regions.services import divisions_load

# Fixtures several test packages share (a published call, applicants on both sides).
pytest_plugins = ["tests.calls.fixtures", "tests.projects.fixtures"]

PASSWORD = "Tq7#river-lychee"

# A side: 梅州市 大埔县 湖寮镇 长教村; B side: 湛江市 徐闻县, and 东莞 (no county level).
A = {"city": "441400000000", "county": "441422000000", "town": "441422100000", "village": "441422100202"}
B = {"city": "440800000000", "county": "440825000000", "town": "440825102000", "village": "440825102201"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the shipped Guangdong divisions once per test database."""
    with django_db_blocker.unblock():
        divisions_load()
        industries_load()


# Reference data loaded once per test database; a transactional test's teardown empties every
# other table. Emptying these too meant reloading 28k divisions after each such test (seconds
# on PostgreSQL, many times a run).
REFERENCE_TABLES = frozenset(
    {
        Division._meta.db_table,
        Industry._meta.db_table,
        "django_content_type",
        "auth_permission",
        "django_migrations",
    }
)


def _flush_all_but_reference_data(self: Any) -> None:
    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        tables = [
            table
            for table in connection.introspection.django_table_names(only_existing=True, include_views=False)
            if table not in REFERENCE_TABLES
        ]
        statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True)
        connection.ops.execute_sql_flush(statements)


@pytest.fixture(scope="session", autouse=True)
def transactional_tests_keep_reference_data() -> Any:
    original = TransactionTestCase.__dict__["_fixture_teardown"]
    setattr(TransactionTestCase, "_fixture_teardown", _flush_all_but_reference_data)  # noqa: B010
    yield
    setattr(TransactionTestCase, "_fixture_teardown", original)  # noqa: B010


@pytest.fixture
def divisions(db: Any) -> None:
    """Reference data is present (a live-server test flushes the database; reload after one)."""
    if not Division.objects.filter(code="440000000000").exists():
        divisions_load()
    if not Industry.objects.exists():
        industries_load()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow by design; tests that are not about hashing use a fast hasher
    (tests/accounts/test_security.py checks that the platform itself hashes with Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def two_factor_optional(settings: Any) -> None:
    """Most tests sign in with a password alone, so the two-factor requirement is off unless a test
    turns it on (tests/accounts/test_two_factor.py). Users with a device are asked for a code
    either way: ``otp_verified`` marks a test client's session as having passed that step."""
    settings.REQUIRE_2FA = False


def job_started(start: Callable[..., Any], **arguments: Any) -> Any:
    """Call a service that starts a job and let the job run, as it does once the request's
    transaction commits (the test's own transaction never does)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = start(**arguments)
    job.refresh_from_db()
    return job


def otp_verified(client: Client, user: User) -> Client:
    """The client's session passed the second factor with the user's authenticator (made if none)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="测试身份验证器", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def platform_language() -> Iterator[None]:
    """A request made in English leaves English active in the test's thread (LocaleMiddleware
    activates a request's language and nothing deactivates it), so a later service call would
    answer in English; every test starts in the platform's language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def no_rate_limits(settings: Any) -> None:
    """The suite makes more writes a minute than a person could; tests/core/test_ratelimit.py
    sets the limits it checks."""
    settings.RATE_LIMITS = {}


@pytest.fixture(autouse=True)
def matching_index_dir(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Any:
    """Each test gets its own on-disk matching index."""
    from baiqianwan.matching.services import forget_loaded

    settings.MATCHING_INDEX_DIR = tmp_path_factory.mktemp("matching")
    forget_loaded()
    yield settings.MATCHING_INDEX_DIR
    forget_loaded()


@pytest.fixture
def rng() -> random.Random:
    return random.Random(7)


def organisation_make(
    rng: random.Random, name: str = "测试单位", kind: str = "enterprise", division: str = A["town"]
) -> Organisation:
    return Organisation.all_objects.create(
        name=name, kind=kind, uscc=make_uscc(rng, kind=kind, division_code=division), division_id=division
    )


def person_make(rng: random.Random, organisation: Organisation, name: str = "张三") -> Person:
    import datetime as dt

    return Person.all_objects.create(
        name=name,
        id_number=make_id_number(
            rng, division_code=organisation.division_id, born=dt.date(1980, 5, 1), female=False
        ),
        mobile=make_mobile(rng),
        organisation=organisation,
    )


def user_make(
    role: str,
    division: str | None = None,
    organisation: Organisation | None = None,
    *,
    username: str,
    **extra: Any,
) -> User:
    user = User(
        username=username,
        display_name=extra.pop("display_name", f"测试{Role(role).label}"),
        role=role,
        division_id=division,
        organisation=organisation,
        **extra,
    )
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


@pytest.fixture
def make_org(divisions: None, rng: random.Random) -> Callable[..., Organisation]:
    return lambda *args, **kwargs: organisation_make(rng, *args, **kwargs)


@pytest.fixture
def make_person(rng: random.Random) -> Callable[..., Person]:
    return lambda *args, **kwargs: person_make(rng, *args, **kwargs)


@pytest.fixture
def make_user(divisions: None) -> Callable[..., User]:
    counter = {"n": 0}

    def make(
        role: str, division: str | None = None, organisation: Organisation | None = None, **extra: Any
    ) -> User:
        counter["n"] += 1
        username = extra.pop("username", f"{role}_{counter['n']}")
        return user_make(role, division, organisation, username=username, **extra)

    return make


def world_make(rng: random.Random) -> dict[str, Any]:
    """Two organisations and people on each side, and a user of every role on side A."""
    org_a = organisation_make(rng, "梅州大埔蜜柚合作社", "cooperative", A["town"])
    org_b = organisation_make(rng, "湛江徐闻菠萝公司", "enterprise", B["town"])
    bindings: dict[Role, dict[str, Any]] = {
        Role.PROVINCE: {"division": "440000000000"},
        Role.CITY: {"division": A["city"]},
        Role.COUNTY: {"division": A["county"]},
        Role.TOWN: {"division": A["town"]},
        Role.VILLAGE: {"division": A["village"]},
        Role.ORG: {"organisation": org_a},
        Role.COMMISSIONER: {"division": A["county"]},
        Role.EXPERT: {},
        # 三权分立: the three administrators, bound to nothing.
        Role.SYSTEM_ADMIN: {},
        Role.SECURITY_ADMIN: {},
        Role.AUDIT_ADMIN: {},
    }
    users = {
        role: user_make(role, username=f"{role}_w{n}", **binding)
        for n, (role, binding) in enumerate(bindings.items(), start=1)
    }
    return {
        "org_a": org_a,
        "org_b": org_b,
        "person_a": person_make(rng, org_a, "李四"),
        "person_b": person_make(rng, org_b, "王五"),
        "users": users,
        "user_b": user_make(Role.COUNTY, B["county"], username=f"{Role.COUNTY}_w{len(users) + 1}"),
    }


@pytest.fixture
def world(divisions: None, rng: random.Random) -> dict[str, Any]:
    """Two organisations and people on each side, and a user of every role on side A."""
    return world_make(rng)


@pytest.fixture(scope="module")
def module_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The world made once for a whole module of read-mostly tests: it lives in a transaction
    rolled back after the module, and each test (which must ask for ``db``) runs in a savepoint
    inside it, so what a test writes is gone before the next one."""
    from django.db import transaction
    from django.test.utils import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield world_make(random.Random(7))
        transaction.set_rollback(True)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
