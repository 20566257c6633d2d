"""A backup restores onto an empty database with every row and every file as it was."""

import json
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.backup import BackupError, _dump_database, _unpack
from scoring import services
from scoring.demo import load_demo
from scoring.models import Assessment, EvidenceStage
from tests.helpers import pdf, score_of


def _all_rows() -> list:
    return sorted(json.dumps(row, sort_keys=True) for row in json.loads(_dump_database()))


def _all_files(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_file_onto_an_empty_database(tmp_path, settings):
    load_demo()  # transactional tests start from whatever the last one left
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    services.evidence_add(
        score=score_of(assessment, "1.1.1"), upload=pdf("ke-hoach.pdf"), stage=EvidenceStage.SELF
    )
    media = Path(settings.MEDIA_ROOT)
    rows, files = _all_rows(), _all_files(media)
    out = StringIO()
    call_command("backup", "--dir", str(tmp_path / "saved"), stdout=out)
    archive = Path(out.getvalue().split("Đã sao lưu vào ")[1].strip())

    call_command("flush", "--noinput")
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    out = StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "1 tệp" in out.getvalue()
    restored = _all_rows()
    missing, extra = sorted(set(rows) - set(restored)), sorted(set(restored) - set(rows))
    assert (missing[:3], extra[:3]) == ([], [])
    assert len(restored) == len(rows)
    assert _all_files(Path(settings.MEDIA_ROOT)) == files
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("restore", str(archive))
    load_demo()


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    import io

    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_an_archive_without_its_database_is_refused(tmp_path):
    broken = _archive(tmp_path / "x.tar.gz", {"notes.txt": b"hello"})
    with pytest.raises(BackupError, match=r"thiếu database\.json hoặc manifest\.json"):
        _unpack(broken, tmp_path)


def test_a_file_whose_checksum_does_not_match_is_refused(tmp_path):
    manifest = {"created": "x", "rows": 0, "files": {"evidence/1/a.pdf": "0" * 64}}
    broken = _archive(
        tmp_path / "x.tar.gz",
        {
            "manifest.json": json.dumps(manifest).encode(),
            "database.json": b"[]",
            "media/evidence/1/a.pdf": b"%PDF-1.4 tampered",
        },
    )
    with pytest.raises(BackupError, match="bị thiếu hoặc hỏng"):
        _unpack(broken, tmp_path)


def test_an_archive_smuggling_a_path_outside_media_is_refused(tmp_path):
    manifest = {"created": "x", "rows": 0, "files": {}}
    broken = _archive(
        tmp_path / "x.tar.gz",
        {
            "manifest.json": json.dumps(manifest).encode(),
            "database.json": b"[]",
            "media/../../etc/cron.d/x": b"* * * * * root id",
        },
    )
    with pytest.raises(BackupError, match="Tệp lạ"):
        _unpack(broken, tmp_path)


@pytest.mark.django_db
def test_backups_keep_times_to_the_microsecond(phuong1_2023):
    from datetime import UTC, datetime

    from django.core import serializers

    moment = datetime(2026, 11, 22, 2, 53, 14, 500, tzinfo=UTC)  # 0.0005 s past the second
    Assessment.objects.filter(pk=phuong1_2023.pk).update(published_at=moment)
    text = serializers.serialize("exactjson", Assessment.objects.filter(pk=phuong1_2023.pk))
    (restored,) = serializers.deserialize("exactjson", text)
    assert restored.object.published_at == moment
