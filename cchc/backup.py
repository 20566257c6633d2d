"""Backups: the database and the uploaded files in one dated archive, and back again.

The database is dumped with Django's serializers inside one transaction (repeatable read on
PostgreSQL), so the dump is a consistent snapshot even while people keep working. The archive
holds `database.json`, `manifest.json` (counts, the SHA-256 of the database and of every
file), `manifest.sig` (an HMAC-SHA256 of the manifest) and `media/`.

The archive holds password hashes and every evidence file: it is created readable by its
owner only, and a restore trusts nothing in it until the signature, every member's name and
type, and every checksum have been checked.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

# Rebuilt by `migrate` on the target; sessions are not worth restoring.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]

MANIFEST, SIGNATURE, DATABASE, MEDIA = "manifest.json", "manifest.sig", "database.json", "media/"
_SIGNING_SALT = "cchc.backup.manifest"
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in Vietnamese."""


def _sha256_of(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256_of(iter(lambda: handle.read(_CHUNK), b""))


def manifest_signature(manifest: bytes) -> str:
    """HMAC-SHA256 of the manifest's bytes, keyed by BACKUP_KEY or else by SECRET_KEY."""
    secret = settings.BACKUP_KEY or settings.SECRET_KEY
    return salted_hmac(_SIGNING_SALT, manifest, secret=secret, algorithm="sha256").hexdigest()


# --- writing ---------------------------------------------------------------------------------


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
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / f"cchc-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    if target.exists():
        raise BackupError(f"Tệp sao lưu {target} đã có; hãy chờ một giây rồi chạy lại.")
    database = _dump_database()
    root = Path(settings.MEDIA_ROOT)
    files = {p.relative_to(root).as_posix(): _sha256(p) for p in _media_files()}
    manifest = json.dumps(
        {
            "created": now.isoformat(),
            "database_vendor": connection.vendor,
            "rows": len(json.loads(database)),
            "database": hashlib.sha256(database).hexdigest(),
            "files": files,
        },
        indent=1,
    ).encode()
    partial = target.with_suffix(".partial")
    try:
        # Created owner-only from the first byte: the archive holds password hashes.
        handle = os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
    except FileExistsError as exc:
        raise BackupError(
            f"Đang có một bản sao lưu khác ghi vào {partial}; hãy chờ nó xong rồi chạy lại."
        ) from exc
    try:
        with handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
            _add_bytes(archive, DATABASE, database)
            _add_bytes(archive, MANIFEST, manifest)
            _add_bytes(archive, SIGNATURE, manifest_signature(manifest).encode())
            for name in files:
                _add_file(archive, MEDIA + name, root / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)  # a crashed backup never leaves a complete-looking archive
    return target


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> None:
    """A regular member whatever the file is on disk (a symlink is stored as its content)."""
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = stat.st_size, 0o600, int(stat.st_mtime)
        archive.addfile(info, handle)


# --- restoring -------------------------------------------------------------------------------


def _database_is_empty() -> bool:
    labels = ("cchc.User", "scoring.Unit", "scoring.Framework")
    return not any(apps.get_model(label).objects.exists() for label in labels)


def backup_restore(*, archive_path: Path) -> dict:
    """Load an archive into an empty, migrated database and an empty media directory.

    The whole archive is checked first (signature, names, checksums) while the files are
    unpacked into a staging directory; the database is loaded in one transaction; only then
    are the files moved into place. A bad archive changes nothing.
    """
    if not _database_is_empty():
        raise BackupError(
            "Cơ sở dữ liệu đích đã có dữ liệu; chỉ phục hồi vào cơ sở dữ liệu trống "
            "(đã chạy migrate, chưa nạp dữ liệu)."
        )
    root = Path(settings.MEDIA_ROOT)
    if _media_files():
        raise BackupError(f"Thư mục tệp {root} đã có tệp; hãy dùng thư mục trống.")
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent) as staging_name:
        staging = Path(staging_name)
        manifest = _unpack(archive_path, staging)
        # Loading writes raw rows, history rows included: django-simple-history must not add
        # rows of its own meanwhile (it does when loaddata sets a task's many-to-many fields).
        with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
            call_command("loaddata", str(staging / "database.exactjson"), verbosity=0)
        root.mkdir(parents=True, exist_ok=True)
        for name in manifest["files"]:
            destination = root / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / "media" / name, destination)
    return manifest


def _unpack(archive_path: Path, staging: Path) -> dict:
    """Check the archive and unpack it into `staging`; return the manifest.

    Raises BackupError, before anything outside `staging` is touched, on a member that is not
    a plain file with a plain relative name, on a manifest whose signature does not match,
    and on a database or file whose checksum differs from the signed manifest.
    """
    try:
        archive = tarfile.open(archive_path, "r:gz")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {archive_path}: {exc}") from exc
    with archive:
        try:
            members = archive.getmembers()
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"Không đọc được tệp sao lưu {archive_path}: {exc}") from exc
        if not {MANIFEST, DATABASE} <= {member.name for member in members}:
            raise BackupError("Tệp sao lưu thiếu database.json hoặc manifest.json.")
        by_name = _check_members(members, staging)
        # Read in the order a backup writes (database, manifest, signature, files): a gzip
        # stream cannot seek back without decompressing again from the start.
        database = archive.extractfile(by_name[DATABASE]).read()
        manifest = _verified_manifest(archive, by_name)
        if not constant_time_compare(hashlib.sha256(database).hexdigest(), manifest["database"]):
            raise BackupError(
                "database.json trong bản sao lưu khác với bản đã ký: tệp đã bị sửa hoặc hỏng. "
                "Không có gì được phục hồi; hãy dùng một bản sao lưu khác."
            )
        (staging / "database.exactjson").write_bytes(database)
        _unpack_media(archive, by_name, manifest["files"], staging / "media")
    return manifest


def _unpack_media(archive: tarfile.TarFile, by_name: dict, files: dict, target: Path) -> None:
    """Unpack exactly the files the manifest lists, each with the checksum it gives."""
    media = {name.removeprefix(MEDIA): m for name, m in by_name.items() if name.startswith(MEDIA)}
    extra = sorted(media.keys() - files.keys())
    if extra:
        raise BackupError(
            f"Tệp lạ trong bản sao lưu: {MEDIA}{extra[0]} (không có trong manifest). "
            "Không có gì được phục hồi."
        )
    for name, checksum in files.items():
        member = media.get(name)
        if member is None or _extract(archive, member, target / name) != checksum:
            raise BackupError(f"Tệp {name} trong bản sao lưu bị thiếu hoặc hỏng.")


def _check_members(members: list[tarfile.TarInfo], staging: Path) -> dict[str, tarfile.TarInfo]:
    """The members by name, once each is known to be a regular file with a safe name."""
    by_name: dict[str, tarfile.TarInfo] = {}
    for member in members:
        if not member.isreg():
            raise BackupError(
                f"Tệp lạ trong bản sao lưu: {member.name!r} không phải tệp thường (thư mục, "
                "liên kết hay thiết bị). Không có gì được phục hồi."
            )
        problem = _unsafe_name(member.name, staging)
        if problem:
            raise BackupError(
                f"Tệp lạ trong bản sao lưu: {member.name!r} ({problem}). Không có gì được phục hồi."
            )
        if member.name in by_name:
            raise BackupError(
                f"Tệp lạ trong bản sao lưu: {member.name!r} có hai lần. Không có gì được phục hồi."
            )
        by_name[member.name] = member
    return by_name


def _unsafe_name(name: str, staging: Path) -> str:
    """Why `name` may not be unpacked, or "" when it may."""
    if name.startswith("/") or PurePosixPath(name).is_absolute():
        return "đường dẫn tuyệt đối"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "đường dẫn có thành phần rỗng, '.' hoặc '..'"
    if "\\" in name or "\x00" in name:
        return "tên có ký tự không hợp lệ"
    if name not in (MANIFEST, SIGNATURE, DATABASE) and not name.startswith(MEDIA):
        return "ngoài database.json, manifest.json, manifest.sig và thư mục media/"
    if not (staging / name).resolve().is_relative_to(staging.resolve()):
        return "trỏ ra ngoài thư mục phục hồi"
    return ""


def _verified_manifest(archive: tarfile.TarFile, by_name: dict) -> dict:
    if SIGNATURE not in by_name:
        raise BackupError(
            "Bản sao lưu không có chữ ký (manifest.sig): không thể biết nó có bị sửa hay không. "
            "Không có gì được phục hồi."
        )
    manifest = archive.extractfile(by_name[MANIFEST]).read()
    signature = archive.extractfile(by_name[SIGNATURE]).read().decode("ascii", "replace").strip()
    if not constant_time_compare(signature, manifest_signature(manifest)):
        raise BackupError(
            "Chữ ký của bản sao lưu không khớp: bản sao lưu đã bị sửa, hoặc được tạo trên máy chủ "
            "có SECRET_KEY hoặc BACKUP_KEY khác. Hãy đặt BACKUP_KEY (hoặc SECRET_KEY) như trên "
            "máy chủ đã sao lưu rồi chạy lại. Không có gì được phục hồi."
        )
    try:
        data = json.loads(manifest)
        files, database = data["files"], data["database"]
        if not (isinstance(files, dict) and isinstance(database, str)):
            raise TypeError
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("manifest.json trong bản sao lưu không đúng định dạng.") from exc
    return data


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, destination: Path) -> str:
    """Copy a member's bytes to `destination` (no metadata taken from the archive); its SHA-256."""
    digest = hashlib.sha256()
    source = archive.extractfile(member)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        with destination.open("xb") as out:
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:
        raise BackupError(f"Không giải nén được {member.name}: {exc}") from exc
    return digest.hexdigest()
