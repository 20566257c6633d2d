"""A backup restores onto an empty database with every row and every file as it was, and a
restore refuses, before touching anything, an archive that is not exactly what a backup wrote."""

import datetime
import hashlib
import io
import json
import os
import re
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cchc import backup, jobs
from cchc.backup import (
    EXCLUDED,
    BackupError,
    _dump_database,
    _unpack,
    backup_create,
    backup_restore,
    manifest_signature,
)
from documents import services as documents_services
from documents.models import BundleStatus, LetterKind
from exchange import exports
from exchange import services as exchange_services
from exchange.models import ImportKind, ImportStatus
from exchange.tasks import apply_import, check_import
from remediation import services as remediation_services
from remediation.models import CommitmentStatus, TaskStatus
from scoring import services
from scoring.demo import load_demo
from scoring.models import (
    AppraisalPart,
    Assessment,
    EvidenceStage,
    GroupPublication,
    Official,
    Period,
    RankingGroup,
    RoundFrameworkChange,
    Unit,
)
from tests.documents_helpers import approved
from tests.exchange.helpers import appraisal, appraising_assessment
from tests.exchange.workbooks import seed002_xlsx
from tests.helpers import PDF_BYTES, pdf, score_of

OTHER_KEY = "another-servers-backup-key-0123456789abcdef"


def _all_rows() -> list:
    return sorted(json.dumps(row, sort_keys=True) for row in json.loads(_dump_database()))


def _all_files(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _checksums(root: Path) -> dict:
    return {name: hashlib.sha256(data).hexdigest() for name, data in _all_files(root).items()}


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_file_onto_an_empty_database(tmp_path, settings):
    # transactional tests start from whatever the last one left
    load_demo(province_2026=False, legacy_round=True)
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
    load_demo(province_2026=False, legacy_round=True)


def _backed_up_models() -> list:
    """Every table a backup carries: each concrete model, many-to-many tables included."""
    apps_out = {label for label in EXCLUDED if "." not in label}
    models_out = {label.lower() for label in EXCLUDED if "." in label}
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in apps_out
        and model._meta.label_lower not in models_out
    ]


def _fill_every_model() -> None:
    """After the demo data, one of everything else the project stores, through its services."""
    p1_2023 = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    p1_2026 = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    evidence = services.evidence_add(
        score=score_of(p1_2026, "1.1.1"),
        upload=pdf("ke-hoach.pdf"),
        stage=EvidenceStage.SELF,
        user=_user("motcua.p1"),
    )
    # The same plan proves 1.1.2 too (one file shared by two criteria).
    services.evidence_link(evidence=evidence, scores=[score_of(p1_2026, "1.1.2")])
    _fill_remediation(p1_2023)
    _fill_documents(p1_2023)
    _fill_exchange(p1_2023, p1_2026)
    _fill_accounts()
    _fill_rounds(p1_2023)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _fill_remediation(published: Assessment) -> None:
    """A task assigned with a helper, a note, a file, a status change and a reminder mailed;
    a draft; a commitment that was kept."""
    office, staff = _user("cchc.p1"), _user("motcua.p1")
    lead = Official.objects.get(user=staff, unit=published.unit)
    helper = Official.objects.get(user=office, unit=published.unit)
    today = timezone.localdate()
    task = remediation_services.task_create(
        assessment=published,
        action="Khắc phục tiêu chí 1.7",
        scores=[score_of(published, "1.7")],
        lead=lead,
        assignees=[helper],
        deadline=today + datetime.timedelta(days=3),
        user=office,
    )
    task = remediation_services.task_assign(task=task, user=office)
    remediation_services.task_set_status(
        task=task, status=TaskStatus.IN_PROGRESS, note="Đã họp triển khai", user=staff
    )
    remediation_services.task_note_add(task=task, text="Đã dự thảo kế hoạch", user=staff)
    remediation_services.task_file_add(task=task, upload=pdf("ke-hoach-kp.pdf"), user=staff)
    remediation_services.task_create(
        assessment=published,
        action="Khắc phục tiêu chí 4.4",
        scores=[score_of(published, "4.4")],
        user=office,
    )
    staff.email = "minh.tv@quangtri.gov.vn"  # the demo's people have no address
    staff.save(update_fields=["email"])
    assert remediation_services.reminders_send(today=today).sent
    commitment = remediation_services.commitment_register(
        unit=published.unit,
        year=today.year,
        official=lead,
        content="Tổ chức 02 cuộc đối thoại",
        user=office,
    )
    remediation_services.commitment_set_status(
        commitment=commitment, status=CommitmentStatus.DONE, user=office
    )


def _fill_documents(published: Assessment) -> None:
    """A letter issued (with its PDF), a draft with a paragraph of its own, a finished bundle."""
    office = _user("cchc.p1")
    issued = documents_services.letter_create(
        assessment=published, kind=LetterKind.CONG_VAN, user=office
    )
    documents_services.letter_issue(letter=approved(issued), user=office)
    draft = documents_services.letter_create(
        assessment=published, kind=LetterKind.CONG_VAN, user=office
    )
    documents_services.letter_paragraph_add(letter=draft, text="Đoạn thêm.")
    bundle = documents_services.bundle_create(
        user=_user("thamdinh.txqt"),
        framework=published.framework,
        period=published.period,
        assessments=[published],
    )
    # The ZIP is stored directly: rendering every unit's PDF is not what is tested here.
    bundle.file.save("phu-luc.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    bundle.status, bundle.done = BundleStatus.DONE, bundle.total
    bundle.save()


def _fill_exchange(published: Assessment, current: Assessment) -> None:
    """An appraisal workbook applied by the worker's job; a self-assessment sheet previewed;
    one uploaded in the browser and read by the worker's job."""
    appraiser = _user("thamdinh.txqt")
    record = appraisal(seed002_xlsx(), appraising_assessment(_user("cchc.p1")), appraiser)
    job = exchange_services.import_record_queue(record=record, user=appraiser)
    jobs.enqueue(apply_import, job.pk)  # no broker in tests: runs here and now
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    sheet = exports.export_self_sheet(current)
    exchange_services.import_record_create(
        kind=ImportKind.SELF_ASSESSMENT,
        name=sheet.filename,
        data=sheet.content,
        user=_user("motcua.p1"),
        assessment=current,
    )
    check = exchange_services.import_record_upload(
        kind=ImportKind.SELF_ASSESSMENT,
        name="tu-danh-gia.xlsx",
        data=sheet.content,
        user=_user("cchc.p1"),
        assessment=current,
    )
    jobs.enqueue(check_import, check.pk)
    check.record.refresh_from_db()
    assert check.record.status == ImportStatus.PREVIEWED


def _fill_rounds(published: Assessment) -> None:
    """A 2027 round of the town's wards (one excluded), opened, closed and re-opened, with one
    ward's deadline extended."""
    town = Unit.objects.get(code="TXQT")
    wards = RankingGroup.objects.create(council_unit=town, name="Phường", kinds=["phuong"])
    round_ = services.round_create(
        council_unit=town,
        framework=published.framework,
        period=Period.objects.create(year=2027, kind="annual"),
        name="Đánh giá CCHC năm 2027",
        groups=[wards],
        excluded=[Unit.objects.get(code="TXQT-AD")],
        self_deadline=timezone.now() + datetime.timedelta(days=5),
    )
    report = services.round_open(round_=round_)
    services.round_close(round_=round_, note="Tạm dừng")
    services.round_reopen(round_=round_, note="Tiếp tục")
    services.deadline_extend(
        assessment=report.created[0],
        deadline="self_deadline",
        until=timezone.now() + datetime.timedelta(days=9),
        reason="Thay đổi nhân sự",
    )
    part = AppraisalPart.objects.create(
        round=round_, name="Lĩnh vực 2", appraiser=_user("thamdinh.txqt")
    )
    part.criteria.add(published.framework.criteria.get(code="2"))
    GroupPublication.objects.create(
        round=round_, group=wards, decision="Quyết định số 1/QĐ-UBND", decided_on="2028-01-15"
    )
    RoundFrameworkChange.objects.create(
        round=round_,
        old_framework=published.framework,
        new_framework=published.framework,
        carried=3,
        not_carried=[{"code": "1.1", "title": "Kế hoạch", "reason": "Đổi phương pháp chấm"}],
        changed_by=_user("thamdinh.txqt"),
    )


def _fill_accounts() -> None:
    """A merged unit, a group with a permission, a user's own permission, an admin log entry."""
    merged = Unit.objects.create(code="QT-PQT", name="Phường Quảng Trị", kind="phuong")
    merged.merged_from.set(Unit.objects.filter(code__in=["TXQT-P1", "TXQT-P2"]))
    group = Group.objects.create(name="Văn thư")
    group.permissions.add(Permission.objects.get(codename="view_letter"))
    office = _user("cchc.p1")
    office.groups.add(group)
    office.user_permissions.add(Permission.objects.get(codename="view_task"))
    LogEntry.objects.log_actions(
        user_id=_user("admin").pk, queryset=[merged], action_flag=ADDITION, change_message="Thêm"
    )
    _fill_sign_in(office)


def _fill_sign_in(office) -> None:
    """Issue 17: an invitation batch (which records the invitation), an authenticator with
    its recovery codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import services as accounts_services
    from accounts import twofactor

    newcomer = get_user_model()(username="moi.p1", email="moi.p1@quangtri.gov.vn")
    newcomer.set_unusable_password()
    newcomer.save()
    Official.objects.create(user=newcomer, unit=Unit.objects.get(code="TXQT-P1"), role="staff")
    accounts_services.invitation_batch_start(
        requested_by=_user("admin"), site_url="https://cchc.quangtri.gov.vn"
    )
    TOTPDevice.objects.create(user=office, name=twofactor.TOTP_NAME, confirmed=True)
    twofactor._recovery_codes_make(office)


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_every_model_restores_every_row_and_file(tmp_path, settings):
    """Real data, not only the demo: tasks with their history (written again by signals while
    loading, before the fix), letters, imports, bundles. A model added later fails here until
    this test gives it a row."""
    load_demo(province_2026=False, legacy_round=True)
    _fill_every_model()
    empty = [m._meta.label for m in _backed_up_models() if not m._default_manager.exists()]
    assert empty == []
    rows, files = _all_rows(), _checksums(Path(settings.MEDIA_ROOT))
    assert len(files) == 7  # evidence, task file, three workbooks, the letter's PDF, the ZIP
    archive = backup_create(directory=tmp_path / "saved")

    call_command("flush", "--noinput")
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    backup_restore(archive_path=archive)

    restored = _all_rows()
    missing, extra = sorted(set(rows) - set(restored)), sorted(set(restored) - set(rows))
    assert (missing[:3], extra[:3]) == ([], [])
    assert len(restored) == len(rows)
    assert _checksums(Path(settings.MEDIA_ROOT)) == files
    load_demo(province_2026=False, legacy_round=True)


@pytest.mark.django_db
def test_backups_keep_times_to_the_microsecond(phuong1_2023):
    from datetime import UTC, datetime

    from django.core import serializers

    moment = datetime(2026, 11, 22, 2, 53, 14, 500, tzinfo=UTC)  # 0.0005 s past the second
    Assessment.objects.filter(pk=phuong1_2023.pk).update(published_at=moment)
    text = serializers.serialize("exactjson", Assessment.objects.filter(pk=phuong1_2023.pk))
    (restored,) = serializers.deserialize("exactjson", text)
    assert restored.object.published_at == moment


# --- who can read an archive -------------------------------------------------------------------


def test_an_archive_is_readable_by_its_owner_only_from_its_first_byte(
    tmp_path, settings, monkeypatch
):
    """Even with a umask of 0, and already while the `.partial` file is being written."""
    monkeypatch.setattr(backup, "_dump_database", lambda: b"[]")  # no database needed here
    (Path(settings.MEDIA_ROOT) / "evidence").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "evidence" / "a.pdf").write_bytes(PDF_BYTES)
    seen = []
    add_bytes = backup._add_bytes

    def watching(archive, name, data):
        seen.extend(os.stat(p).st_mode & 0o777 for p in (tmp_path / "saved").glob("*.partial"))
        add_bytes(archive, name, data)

    monkeypatch.setattr(backup, "_add_bytes", watching)
    old_umask = os.umask(0)
    try:
        path = backup_create(directory=tmp_path / "saved")
    finally:
        os.umask(old_umask)
    assert seen == [0o600, 0o600, 0o600]
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert list((tmp_path / "saved").glob("*.partial")) == []


# --- archives made by hand -----------------------------------------------------------------


def _regular(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    if kind == tarfile.CHRTYPE:
        info.devmajor, info.devminor = 1, 3  # /dev/null
    return info, b""


def _archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def _manifest(files: dict[str, bytes], database: bytes = b"[]") -> bytes:
    return json.dumps(
        {
            "created": "2026-11-22T09:00:00+07:00",
            "rows": 0,
            "database": hashlib.sha256(database).hexdigest(),
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        }
    ).encode()


def _signed(
    path: Path,
    files: dict[str, bytes],
    *,
    database: bytes = b"[]",
    manifest: bytes | None = None,
    extra: tuple = (),
    signature: str | None = None,
) -> Path:
    """An archive as a backup writes it (signed with this server's key), with whatever media
    members, manifest, database or signature a test wants instead."""
    manifest = manifest or _manifest(files, database)
    members = [
        _regular("database.json", database),
        _regular("manifest.json", manifest),
        _regular("manifest.sig", (signature or manifest_signature(manifest)).encode()),
        *[_regular(f"media/{name}", data) for name, data in files.items()],
        *extra,
    ]
    return _archive(path, members)


def test_an_archive_as_a_backup_writes_it_is_accepted(tmp_path):
    archive = _signed(tmp_path / "x.tar.gz", {"evidence/1/a.pdf": PDF_BYTES})
    (tmp_path / "staging").mkdir()
    manifest = _unpack(archive, tmp_path / "staging")
    assert list(manifest["files"]) == ["evidence/1/a.pdf"]
    assert (tmp_path / "staging" / "media" / "evidence/1/a.pdf").read_bytes() == PDF_BYTES


def test_an_archive_without_its_database_is_refused(tmp_path):
    broken = _archive(tmp_path / "x.tar.gz", [_regular("notes.txt", b"hello")])
    with pytest.raises(BackupError, match=r"thiếu database\.json hoặc manifest\.json"):
        _unpack(broken, tmp_path)


def test_a_file_whose_checksum_does_not_match_is_refused(tmp_path):
    manifest = _manifest({"evidence/1/a.pdf": PDF_BYTES})
    broken = _signed(
        tmp_path / "x.tar.gz", {"evidence/1/a.pdf": b"%PDF-1.4 tampered"}, manifest=manifest
    )
    with pytest.raises(BackupError, match="bị thiếu hoặc hỏng"):
        _unpack(broken, tmp_path)


def test_an_archive_smuggling_a_path_outside_media_is_refused(tmp_path):
    broken = _signed(tmp_path / "x.tar.gz", {"../../etc/cron.d/x": b"* * * * * root id"})
    with pytest.raises(BackupError, match="Tệp lạ"):
        _unpack(broken, tmp_path)


# --- crafted members: refused whole, before anything is touched -----------------------------


def _crafted(outside: Path) -> dict[str, tuple[tuple[tarfile.TarInfo, bytes], str]]:
    """Members a hostile archive could hold, each aimed at `outside`, and why each is refused."""
    not_a_file, bad_part = "không phải tệp thường", "thành phần rỗng, '.' hoặc '..'"
    return {
        "an empty component": (_regular(f"media/{outside}/cron", b"x"), bad_part),
        "an absolute name": (_regular(f"{outside}/cron", b"x"), "đường dẫn tuyệt đối"),
        "a climb out with ..": (_regular("media/e/../../../outside/cron", b"x"), bad_part),
        "a dot component": (_regular("media/./e/cron", b"x"), bad_part),
        "a name outside media/": (_regular("cron", b"x"), "ngoài database.json"),
        "a symbolic link": (_special("media/e/link", tarfile.SYMTYPE, str(outside)), not_a_file),
        "a hard link": (_special("media/e/hard", tarfile.LNKTYPE, "database.json"), not_a_file),
        "a device": (_special("media/e/null", tarfile.CHRTYPE), not_a_file),
        "a named pipe": (_special("media/e/pipe", tarfile.FIFOTYPE), not_a_file),
        "a directory": (_special("media/e", tarfile.DIRTYPE), not_a_file),
        "a second database": (_regular("database.json", b"[]"), "có hai lần"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(_crafted(Path("/tmp"))))
def test_an_archive_with_a_crafted_member_is_refused_and_changes_nothing(
    kind, tmp_path, monkeypatch
):
    member, reason = _crafted(tmp_path / "outside")[kind]
    archive = _signed(tmp_path / "x.tar.gz", {"evidence/1/a.pdf": PDF_BYTES}, extra=(member,))
    monkeypatch.setattr(backup, "_database_is_empty", lambda: True)  # as on a fresh server
    rows = Unit.objects.count()
    with pytest.raises(
        BackupError, match=rf"^Tệp lạ trong bản sao lưu.*{re.escape(reason)}.*Không có gì"
    ):
        backup_restore(archive_path=archive)
    # Nothing outside, no media directory, no staging directory left behind (it is made
    # beside the media directory, in tmp_path), no rows.
    assert [p.name for p in tmp_path.iterdir()] == ["x.tar.gz"]
    assert Unit.objects.count() == rows


# --- the signature -----------------------------------------------------------------------------


def test_an_archive_whose_manifest_was_changed_is_refused(tmp_path):
    files = {"evidence/1/a.pdf": PDF_BYTES}
    signed = _manifest(files)
    changed = signed.replace(b'"rows": 0', b'"rows": 1')
    archive = _signed(
        tmp_path / "x.tar.gz", files, manifest=changed, signature=manifest_signature(signed)
    )
    with pytest.raises(BackupError, match="Chữ ký của bản sao lưu không khớp"):
        _unpack(archive, tmp_path)


def test_an_archive_whose_database_was_changed_is_refused(tmp_path):
    manifest = _manifest({}, database=b"[]")
    forged = json.dumps([{"model": "cchc.user", "pk": 99, "fields": {"username": "x"}}])
    archive = _signed(tmp_path / "x.tar.gz", {}, database=forged.encode(), manifest=manifest)
    with pytest.raises(BackupError, match=r"database\.json trong bản sao lưu khác với bản đã ký"):
        _unpack(archive, tmp_path)


def test_an_archive_signed_with_another_key_is_refused(tmp_path, settings):
    settings.BACKUP_KEY = OTHER_KEY
    archive = _signed(tmp_path / "x.tar.gz", {"evidence/1/a.pdf": PDF_BYTES})
    settings.BACKUP_KEY = ""
    with pytest.raises(BackupError, match="SECRET_KEY hoặc BACKUP_KEY khác"):
        _unpack(archive, tmp_path)


def test_an_archive_signed_with_backup_key_restores_under_another_secret_key(tmp_path, settings):
    settings.BACKUP_KEY = OTHER_KEY
    archive = _signed(tmp_path / "x.tar.gz", {"evidence/1/a.pdf": PDF_BYTES})
    settings.SECRET_KEY = "a-different-servers-secret-key-0123456789abcdef"
    assert list(_unpack(archive, tmp_path)["files"]) == ["evidence/1/a.pdf"]


def test_an_unsigned_archive_is_refused(tmp_path):
    files = {"evidence/1/a.pdf": PDF_BYTES}
    members = [
        _regular("database.json", b"[]"),
        _regular("manifest.json", _manifest(files)),
        _regular("media/evidence/1/a.pdf", PDF_BYTES),
    ]
    with pytest.raises(BackupError, match="không có chữ ký"):
        _unpack(_archive(tmp_path / "x.tar.gz", members), tmp_path)
