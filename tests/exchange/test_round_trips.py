"""Every file the app hands out reads back through its import with nothing changed."""

import io

import pytest
from django.db.models import F
from openpyxl import load_workbook

from exchange import exports, services
from exchange.models import ImportKind, ImportStatus
from exchange.parsing.appendix import find_appendix
from exchange.parsing.grid import read_workbook
from exchange.plans.framework import signature
from exchange.selectors import framework_data
from exchange.writers import to_bytes
from scoring import services as scoring_services
from scoring.models import Framework
from scoring.selectors import assessment_sheet
from tests.exchange.helpers import D, appraisal, scores_by_code, snapshot, upload
from tests.exchange.workbooks import seed002_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def appraised(appraising, appraiser):
    """Phường 1, 2024, appraised from the seed table (lost criteria as printed, the rest full)."""
    record = appraisal(seed002_xlsx(), appraising, appraiser, fill_unlisted=True)
    services.import_record_apply(record=record, user=appraiser)
    return appraising


def _unchanged(record) -> None:
    preview = record.get_preview()
    assert preview.errors == []
    assert record.change_count == 0
    assert record.status == ImportStatus.PREVIEWED


@pytest.mark.parametrize("lost_only", [True, False])
def test_the_appraisal_table_reads_back_unchanged(appraised, appraiser, lost_only):
    exported = exports.export_appraisal(appraised, lost_only=lost_only)
    before = snapshot()
    record = appraisal(exported.content, appraised, appraiser, name=exported.filename)
    _unchanged(record)
    services.import_record_apply(record=record, user=appraiser)
    assert snapshot() == before


def test_the_published_2023_table_imported_into_an_assessment_being_appraised_gives_its_scores(
    phuong1_2023, appraising, appraiser
):
    exported = exports.export_appraisal(phuong1_2023, lost_only=False)
    services.import_record_apply(
        record=appraisal(exported.content, appraising, appraiser), user=appraiser
    )
    source, copied = scores_by_code(phuong1_2023), scores_by_code(appraising)
    fields = ("self_value", "appraised_value", "appraisal_comment", "responsible_note")
    assert {c: [getattr(s, f) for f in fields] for c, s in copied.items()} == {
        c: [getattr(s, f) for f in fields] for c, s in source.items()
    }
    assert (
        assessment_sheet(appraising).results.total == assessment_sheet(phuong1_2023).results.total
    )


def test_the_lost_points_export_lists_the_seed_rows_and_totals(phuong1_2023):
    table = find_appendix(
        read_workbook(exports.export_appraisal(phuong1_2023, lost_only=True).content)
    )
    assert [r.code for r in table.rows][:3] == ["1.1.3", "1.5.3", "1.5.4"]
    assert len(table.rows) == 16
    totals = table.totals
    assert [totals.maximum, totals.self_value, totals.appraised, totals.lost] == [20, 18.5, 11, 9]


def test_the_self_assessment_sheet_reads_back_unchanged(fresh, coordinator):
    fresh.scores.update(self_value=F("maximum"))  # a draft filled in, but for the two below
    scores = scores_by_code(fresh)
    scoring_services.score_set_self(score=scores["1.1.3"], value=None, b=44, a=46)
    scoring_services.score_set_self(
        score=scores["1.5.4"], value=D("0.50"), note="Có 01 sáng kiến được công nhận"
    )
    exported = exports.export_self_sheet(fresh)
    before = snapshot()
    record = upload(
        ImportKind.SELF_ASSESSMENT, exported.content, user=coordinator, assessment=fresh
    )
    _unchanged(record)
    assert record.get_preview().warnings == []
    services.import_record_apply(record=record, user=coordinator)
    assert snapshot() == before


def test_the_framework_reads_back_as_the_framework_already_there(phuong1_2023, admin_user):
    exported = exports.export_framework(phuong1_2023.framework)
    before = snapshot()
    record = upload(ImportKind.FRAMEWORK, exported.content, user=admin_user)
    _unchanged(record)
    assert "đã có và giống hệt tệp" in record.get_preview().notes[0]
    services.import_record_apply(record=record, user=admin_user)
    assert snapshot() == before


def test_a_renamed_framework_file_creates_the_same_tree_under_the_new_name(
    phuong1_2023, admin_user
):
    source = phuong1_2023.framework
    workbook = load_workbook(io.BytesIO(exports.export_framework(source).content))
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số CCHC cấp xã năm 2025"
    record = upload(ImportKind.FRAMEWORK, to_bytes(workbook), user=admin_user)
    assert record.get_preview().errors == []
    services.import_record_apply(record=record, user=admin_user)
    record.refresh_from_db()
    created = Framework.objects.get(name="Bộ chỉ số CCHC cấp xã năm 2025")
    assert record.framework == created and created.is_active
    expected = framework_data(source) | {"name": "Bộ chỉ số CCHC cấp xã năm 2025"}
    assert signature(framework_data(created)) == signature(expected)


@pytest.mark.parametrize(
    ("kind", "export"),
    [
        (ImportKind.UNITS, exports.export_units),
        (ImportKind.OFFICIALS, exports.export_officials),
    ],
)
def test_the_units_and_officials_lists_read_back_unchanged(admin_user, kind, export):
    exported = export(None)
    before = snapshot()
    record = upload(kind, exported.content, user=admin_user)
    _unchanged(record)
    assert {row.action for row in record.get_preview().rows} == {"unchanged"}
    services.import_record_apply(record=record, user=admin_user)
    assert snapshot() == before
