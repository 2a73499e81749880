"""`bqw backup` and `bqw restore`: a round trip gives back every row of every table and every
uploaded file; a damaged archive or a non-empty target is refused before anything is restored."""

from __future__ import annotations

import io
import secrets
import sqlite3
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.backup import BackupError, backup_create, backup_restore
from baiqianwan.orgs.models import Organisation

from ..conftest import A

pytestmark = pytest.mark.django_db(transaction=True)  # the backup reads what is committed


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def records(
    make_user: Callable[..., User], make_org: Callable[..., Organisation], media: Path
) -> dict[str, Any]:
    user = make_user(Role.COUNTY, A["county"])
    org = make_org("湖寮镇蜜柚协会", "cooperative", A["town"])
    audit_event_record(kind="export", user=user, detail="导出单位")
    photo = default_storage.save(
        "demands/2026/12/黄龙病.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 500)
    )
    return {"user": user, "org": org, "photo": photo}


@pytest.fixture
def empty_target(tmp_path: Path) -> Iterator[str]:
    """An empty database of the same engine as the one under test."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    config = connection.settings_dict
    name = f"bqw_restore_{secrets.token_hex(4)}"
    admin = f"postgresql://{config['USER']}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/postgres"
    with psycopg.connect(admin, password=config.get("PASSWORD") or None, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0].replace("postgresql://", "postgres://") + f"/{name}"
    finally:
        with psycopg.connect(admin, password=config.get("PASSWORD") or None, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a stable order, read with the engine's own driver."""
    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        conn: Any = sqlite3.connect(config["NAME"])
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
    else:
        import psycopg

        conn = psycopg.connect(
            f"postgresql://{config['USER']}@{config['HOST']}:{config['PORT']}/{config['NAME']}",
            password=config.get("PASSWORD") or None,
        )
        names = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema='public' AND table_type='BASE TABLE'"
            )
        ]
    rows = {}
    try:
        for name in sorted(names):
            cursor = conn.cursor()
            cursor.execute(f'SELECT * FROM "{name}" LIMIT 0')  # noqa: S608
            width = len(cursor.description)
            order = ", ".join(str(i) for i in range(1, width + 1))
            cursor.execute(f'SELECT * FROM "{name}" ORDER BY {order}')  # noqa: S608
            rows[name] = [tuple(r) for r in cursor.fetchall()]
    finally:
        conn.close()
    return rows


def _source_url() -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    host, port = config["HOST"] or "127.0.0.1", config["PORT"] or 5432
    return f"postgres://{config['USER']}@{host}:{port}/{config['NAME']}"


def test_a_round_trip_gives_back_every_row_and_every_file(
    records: dict[str, Any], media: Path, empty_target: str, tmp_path: Path
) -> None:
    archive = tmp_path / "backups" / "bqw.tar.gz"
    call_command("backup", "--output", str(archive))
    assert archive.exists()
    assert not archive.with_name(archive.name + ".partial").exists()
    restored_media = tmp_path / "restored-media"
    call_command("restore", str(archive), "--database-url", empty_target, "--media-root", str(restored_media))
    before, after = _every_row(_source_url()), _every_row(empty_target)
    assert set(before) == set(after)
    assert sum(len(r) for r in before.values()) > 28_000  # the division registry came along
    for table in before:
        assert before[table] == after[table], table
    photo = restored_media / records["photo"]
    assert photo.read_bytes() == (media / records["photo"]).read_bytes()


def test_a_damaged_archive_restores_nothing(
    records: dict[str, Any], empty_target: str, tmp_path: Path
) -> None:
    archive = tmp_path / "bqw.tar.gz"
    backup_create(output=archive)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            if member.name.startswith("media/"):
                data = data[:-1] + b"\x01"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="校验和与清单不符"):
        backup_restore(archive=tampered, database_url=empty_target, media_root=tmp_path / "m")
    assert not (tmp_path / "m").exists()
    assert _every_row(empty_target) == {}


def test_a_database_that_is_not_empty_is_refused(records: dict[str, Any], tmp_path: Path) -> None:
    archive = tmp_path / "bqw.tar.gz"
    backup_create(output=archive)
    with pytest.raises(CommandError, match="不是空库"):
        call_command(
            "restore", str(archive), "--database-url", _source_url(), "--media-root", str(tmp_path / "m")
        )
    with pytest.raises(CommandError, match=r"不是本平台的备份|无法读取"):
        call_command("restore", str(tmp_path / "bqw.tar.gz.missing"), "--media-root", str(tmp_path / "n"))


def test_a_database_with_planner_statistics_round_trips(
    records: dict[str, Any], empty_target: str, tmp_path: Path
) -> None:
    """ANALYZE (run by `bqw demo --scale`) adds sqlite_stat1 on SQLite: an internal table, not data."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    archive = tmp_path / "bqw.tar.gz"
    call_command("backup", "--output", str(archive))
    call_command("restore", str(archive), "--database-url", empty_target, "--media-root", str(tmp_path / "m"))
    assert _every_row(_source_url()) == _every_row(empty_target)
