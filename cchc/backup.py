"""Backups: the database and the uploaded files in one dated archive, and back again.

The database is dumped with Django's serializers inside one transaction (repeatable read on
PostgreSQL), so the dump is a consistent snapshot even while people keep working. The archive
holds `database.json`, `manifest.json` (counts and a checksum of every file) and `media/`.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

# Rebuilt by `migrate` on the target; sessions are not worth restoring.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in Vietnamese."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dump_database() -> bytes:
    out = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command(
            "dumpdata",
            "--format=exactjson",
            "--natural-foreign",
            *[f"--exclude={label}" for label in EXCLUDED],
            stdout=out,
        )
    return out.getvalue().encode("utf-8")


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def backup_create(*, directory: Path, now: datetime | None = None) -> Path:
    """Write `cchc-backup-YYYYMMDD-HHMMSS.tar.gz` into `directory` and return its path."""
    now = timezone.localtime(now or timezone.now())
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"cchc-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    if target.exists():
        raise BackupError(f"Tệp sao lưu {target} đã có; hãy chờ một giây rồi chạy lại.")
    database = _dump_database()
    root = Path(settings.MEDIA_ROOT)
    files = {str(p.relative_to(root)): _sha256(p) for p in _media_files()}
    manifest = {
        "created": now.isoformat(),
        "database_vendor": connection.vendor,
        "rows": len(json.loads(database)),
        "files": files,
    }
    partial = target.with_suffix(".partial")
    with tarfile.open(partial, "w:gz") as archive:
        _add_bytes(archive, "database.json", database)
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
        for name in files:
            archive.add(root / name, arcname=f"media/{name}")
    partial.rename(target)  # a crashed backup never leaves a complete-looking archive
    return target


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _database_is_empty() -> bool:
    labels = ("cchc.User", "scoring.Unit", "scoring.Framework")
    return not any(apps.get_model(label).objects.exists() for label in labels)


def backup_restore(*, archive_path: Path) -> dict:
    """Load an archive into an empty, migrated database and an empty media directory.

    Files are unpacked and checked against the manifest first; the database is loaded in one
    transaction; only then are the files moved into place. A bad archive changes nothing.
    """
    if not _database_is_empty():
        raise BackupError(
            "Cơ sở dữ liệu đích đã có dữ liệu; chỉ phục hồi vào cơ sở dữ liệu trống "
            "(đã chạy migrate, chưa nạp dữ liệu)."
        )
    root = Path(settings.MEDIA_ROOT)
    if _media_files():
        raise BackupError(f"Thư mục tệp {root} đã có tệp; hãy dùng thư mục trống.")
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent) as staging_name:
        staging = Path(staging_name)
        manifest = _unpack(archive_path, staging)
        with transaction.atomic():
            call_command("loaddata", str(staging / "database.exactjson"), verbosity=0)
        for name in manifest["files"]:
            destination = root / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / "media" / name, destination)
    return manifest


def _unpack(archive_path: Path, staging: Path) -> dict:
    try:
        archive = tarfile.open(archive_path, "r:gz")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {archive_path}: {exc}") from exc
    with archive:
        try:
            manifest = json.loads(archive.extractfile("manifest.json").read())
            database = archive.extractfile("database.json").read()
            (staging / "database.exactjson").write_bytes(database)
        except (KeyError, ValueError) as exc:
            raise BackupError("Tệp sao lưu thiếu database.json hoặc manifest.json.") from exc
        for member in archive.getmembers():
            if not (member.isfile() and member.name.startswith("media/")):
                continue
            name = member.name.removeprefix("media/")
            if name not in manifest["files"] or ".." in Path(name).parts:
                raise BackupError(f"Tệp lạ trong bản sao lưu: {member.name}")
            destination = staging / "media" / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())
    for name, checksum in manifest["files"].items():
        path = staging / "media" / name
        if not path.exists() or _sha256(path) != checksum:
            raise BackupError(f"Tệp {name} trong bản sao lưu bị thiếu hoặc hỏng.")
    return manifest
