"""Backup and restore: the database and the uploaded files in one archive, with a manifest.

``backup_create`` writes a ``.tar.gz`` holding ``manifest.json`` (engine, table row counts, and the
size and SHA-256 of every member), the database — an online SQLite backup (consistent while the
platform keeps writing) or a ``pg_dump`` in custom format — and every file under MEDIA_ROOT.
``backup_restore`` checks every checksum before it touches anything, restores into an empty
database and an empty media folder only, then checks the row count of every table against the
manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import dj_database_url
from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.dump"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """What went wrong, in words for the operator; nothing was restored."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_counts(cursor: Any, tables: list[str], quote_name: Any = _quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote_name(table)}")  # noqa: S608 - quoted names from introspection  # nosec
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_url(config: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which travels in PGPASSWORD, not on the command line)."""
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    user = quote(str(config.get("USER") or ""))
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{quote(str(config['NAME']))}", env


def _media_files(root: Path) -> Iterator[Path]:
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


def backup_create(*, output: Path) -> BackupResult:
    """Write the archive to ``output`` (a .tar.gz); returns its manifest."""
    vendor = connection.vendor
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        with connection.cursor() as cursor:
            # SQLite's own tables (sqlite_stat1, written by ANALYZE) are not the platform's data:
            # the restore does not count them either.
            tables = [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]
            counts = table_counts(cursor, tables)
        if vendor == "sqlite":
            member = SQLITE_MEMBER
            connection.ensure_connection()
            target = sqlite3.connect(work / member)
            try:
                connection.connection.backup(target)  # the online backup API: consistent while writers go on
            finally:
                target.close()
        elif vendor == "postgresql":
            member = PG_MEMBER
            url, env = _pg_url(connection.settings_dict)
            command = [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(work / member),
                url,
            ]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode != 0:
                raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:500]}")
        else:
            raise BackupError(f"不支持的数据库：{vendor}")
        members: list[dict[str, Any]] = [
            {"path": member, "size": (work / member).stat().st_size, "sha256": _sha256(work / member)}
        ]
        files: list[dict[str, Any]] = [
            {
                "path": "media/" + path.relative_to(media_root).as_posix(),
                "size": path.stat().st_size,
                "sha256": _sha256(path),
            }
            for path in _media_files(media_root)
        ]
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": vendor,
            "database": member,
            "tables": counts,
            "members": members + files,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(work / member, arcname=member)
            for entry in files:
                name = str(entry["path"])
                archive.add(media_root / name.removeprefix("media/"), arcname=name)
        partial.replace(output)  # a crash mid-way never leaves a truncated archive under the real name
    return BackupResult(output, manifest)


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _unpack(archive: Path, into: Path) -> dict[str, Any]:
    """Extract and check every member against the manifest; raise before anything is restored."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            names = tar.getnames()
            if "manifest.json" not in names:
                raise BackupError("备份文件中没有 manifest.json，不是本平台的备份")
            for member in tar.getmembers():
                if not _safe_member(member.name) or not (member.isfile() or member.isdir()):
                    raise BackupError(f"备份文件含有不安全的条目：{member.name}")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"无法读取备份文件：{exc}") from None
    manifest = json.loads((into / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持")
    listed = {entry["path"] for entry in manifest["members"]}
    extra = {n for n in names if n != "manifest.json" and (into / n).is_file()} - listed
    if extra:
        raise BackupError(f"备份文件含有清单之外的文件：{sorted(extra)[0]}")
    for entry in manifest["members"]:
        path = into / entry["path"]
        if not path.is_file():
            raise BackupError(f"备份文件缺少 {entry['path']}")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{entry['path']} 的校验和与清单不符，备份已损坏或被改动")
    return manifest


def _sqlite_restore(source: Path, url: str) -> dict[str, int]:
    config = dj_database_url.parse(url)
    target = Path(config["NAME"])
    if target.exists():
        with sqlite3.connect(target) as existing:
            tables = existing.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        if tables:
            raise BackupError(f"目标数据库 {target} 不是空库（已有 {len(tables)} 张表），只能恢复到空库")
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as restored:
        cursor = restored.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        names = [row[0] for row in cursor.fetchall()]
        return table_counts(cursor, names, quote_name=lambda n: '"' + n.replace('"', '""') + '"')


def _pg_restore(source: Path, url: str) -> dict[str, int]:
    import psycopg

    config = dj_database_url.parse(url)
    libpq, env = _pg_url(config)
    with psycopg.connect(libpq, password=config.get("PASSWORD") or None, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        if tables and tables[0]:
            raise BackupError(
                f"目标数据库 {config['NAME']} 不是空库（已有 {tables[0]} 张表），只能恢复到空库"
            )
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--dbname",
        libpq,
        str(source),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:500]}")
    with psycopg.connect(libpq, password=config.get("PASSWORD") or None) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        with conn.cursor() as cursor:
            return table_counts(cursor, names, quote_name=lambda n: '"' + n.replace('"', '""') + '"')


def backup_restore(*, archive: Path, database_url: str, media_root: Path) -> dict[str, Any]:
    """Restore ``archive`` into the empty database at ``database_url`` and the empty ``media_root``."""
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"文件目录 {media_root} 不是空的，只能恢复到空目录")
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        manifest = _unpack(archive, work)
        engine = dj_database_url.parse(database_url)["ENGINE"]
        wanted = {"sqlite": "sqlite3", "postgresql": "postgresql"}[manifest["engine"]]
        if not engine.endswith(wanted):
            raise BackupError(f"这是 {manifest['engine']} 的备份，不能恢复到 {engine}")
        source = work / manifest["database"]
        counts = (
            _sqlite_restore(source, database_url)
            if wanted == "sqlite3"
            else _pg_restore(source, database_url)
        )
        differ = [t for t, n in manifest["tables"].items() if counts.get(t) != n]
        if differ:
            table = differ[0]
            found, expected = counts.get(table), manifest["tables"][table]
            raise BackupError(f"恢复后表 {table} 的行数 {found} 与备份时的 {expected} 不符")
        media_root.mkdir(parents=True, exist_ok=True)
        for entry in manifest["members"]:
            if entry["path"].startswith("media/"):
                target = media_root / entry["path"].removeprefix("media/")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(work / entry["path"], target)
    return manifest
