"""Fuzzing the Excel imports through the real pages (issue 7).

The app's own downloads (the offline self-assessment sheet, the appraisal phụ lục) are mutated
at random: cells of every type (numbers huge and negative, text, dates, booleans, formulas),
rows and columns deleted, inserted or copied, wrong codes, merged cells, hidden or missing
sheets; or replaced whole by an empty workbook, random bytes, a truncated zip or an HTML page
named .xlsx. Each file is uploaded through the upload page, its preview page is opened, and
the import is confirmed where the preview offers it. Whatever the file:

- no page answers with a server error;
- an upload changes no score; a refused upload or a failed confirmation leaves every score
  (and its history) as it was, and says why in Vietnamese;
- a confirmed import changes exactly the criteria the preview listed, to the values it showed.

Each example runs in a savepoint rolled back at its end, so all start from the same data.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell

from exchange import exports
from exchange.models import ImportRecord, ImportStatus
from exchange.writers import to_bytes
from scoring import engine, services
from scoring.models import Assessment, Score, Unit
from tests.exchange.workbooks import OVERFLOW_MARK, overflowing, seed002_xlsx
from tests.fuzzing import (
    HOSTILE_NUMBERS,
    HOSTILE_TEXT,
    changed_scores,
    db_state,
    fuzz_settings,
    is_vietnamese,
    rolled_back,
    shown,
    typed_numbers,
)
from tests.helpers import fill_self_assessment, run_jobs

pytestmark = pytest.mark.django_db

XLSX = exports.XLSX


# --- the worlds ------------------------------------------------------------------------------


@pytest.fixture
def half_filled(current_p1, coordinator):
    """Phường 1's 2026 draft with every other criterion self-assessed."""
    for i, score in enumerate(current_p1.scores.select_related("criterion", "assessment")):
        if i % 2:
            services.score_set_self(
                score=score, value=score.maximum, note="Đã thực hiện", user=coordinator
            )
    return current_p1


@pytest.fixture
def in_appraisal(current_p1, coordinator, appraiser):
    """Phường 1's 2026 assessment sent for appraisal, a third of it appraised already."""
    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    scores = current_p1.scores.select_related("criterion", "assessment__framework")
    for i, score in enumerate(scores):
        if i % 3 == 0:
            services.score_set_appraised(score=score, value=score.maximum, user=appraiser)
    return current_p1


@pytest.fixture
def self_sheet(half_filled) -> bytes:
    """The offline sheet as downloaded, once per test: each download is stamped with its time,
    and every example must start from the same bytes."""
    return exports.export_self_sheet(half_filled).content


@pytest.fixture
def appraisal_tables(in_appraisal, phuong1_2023) -> list[bytes]:
    """Phụ lục files to start from: 2023's (lost criteria only, and all), this year's own
    (mostly unappraised) and seed 002 as printed."""
    return [
        exports.export_appraisal(phuong1_2023, lost_only=True).content,
        exports.export_appraisal(phuong1_2023, lost_only=False).content,
        exports.export_appraisal(in_appraisal, lost_only=False).content,
        seed002_xlsx(),
    ]


# --- what a file may hold ---------------------------------------------------------------------

CODES = [
    "1.1.3",
    "1.1",
    "1",
    "9.9.9",
    "3.12.2",
    "1.6",
    "7.2",
    "abc",
    "1..2",
    "",
    " 1.1.3. ",
    "Tổng cộng",
]
FORMULAS = ["=1/0", "=SUM(E7:E9)", "=E7*2", "=NOW()", '="1,5"', "=#REF!", "=A1"]


def _clean(value):
    """openpyxl refuses control characters in text; what remains is still hostile enough."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.integers(0, 100),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-5, max_value=200),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from([OVERFLOW_MARK, -OVERFLOW_MARK, Decimal("1E-400"), 1e-320]),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(max_value=datetime.timedelta(days=999)),
    st.sampled_from(HOSTILE_NUMBERS + HOSTILE_TEXT + CODES + FORMULAS),
    typed_numbers(),
    st.text(max_size=40),
).map(_clean)


@st.composite
def mutations(draw, value_columns: list[int], typed_columns: list[int]) -> list[tuple]:
    """Edits to make to the first sheet (and the workbook) of a downloaded file: now and then
    only what a careful user types into `typed_columns`, otherwise anything anywhere."""
    row = st.integers(1, 110)
    column = st.one_of(st.sampled_from(value_columns), st.integers(1, 12))
    edit = st.one_of(
        st.tuples(st.just("set"), row, column, cell_values),
        st.tuples(st.just("set"), row, column, cell_values),
        st.tuples(st.just("plausible"), row, st.sampled_from(value_columns), st.integers(0, 4)),
        st.tuples(st.just("code"), row, st.sampled_from(CODES)),
        st.tuples(st.just("delete_rows"), row, st.integers(1, 3)),
        st.tuples(st.just("insert_rows"), row, st.integers(1, 2)),
        st.tuples(st.just("copy_row"), row, row),
        st.tuples(st.just("delete_cols"), st.integers(1, 10), st.integers(1, 2)),
        st.tuples(st.just("insert_cols"), st.integers(1, 10)),
        st.tuples(st.just("merge"), row, st.integers(1, 8), st.integers(0, 3), st.integers(0, 2)),
        st.tuples(
            st.just("workbook"),
            st.sampled_from(
                [
                    "hide",
                    "delete",
                    "empty_first",
                    "rename",
                    "far_cell",
                    "too_many_rows",
                    "drop_meta",
                    "other_unit",
                    "other_year",
                ]
            ),
        ),
    )
    careful = st.tuples(
        st.just("plausible"), st.integers(7, 110), st.sampled_from(typed_columns), st.integers(0, 4)
    )
    if draw(st.booleans()):
        return draw(st.lists(careful, min_size=1, max_size=4))
    return draw(st.lists(edit, max_size=6))


def _mutate(data: bytes, edits: list[tuple]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook.worksheets[0]
    for kind, *args in edits:
        if kind == "set":
            r, c, value = args
            if not _merged(ws, r, c):
                ws.cell(row=r, column=c, value=value)
        elif kind == "plausible":  # a value a careful user would type, within the maximum
            r, c, pick = args
            maximum = ws.cell(row=r, column=_maximum_column(ws)).value
            if isinstance(maximum, int | float) and not _merged(ws, r, c):
                value = [0, maximum, maximum / 2, f"{maximum:.2f}".replace(".", ","), ""][pick]
                ws.cell(row=r, column=c, value=value)
        elif kind == "code":
            r, code = args
            if not _merged(ws, r, 1):
                ws.cell(row=r, column=1, value=code)
        elif kind == "delete_rows":
            ws.delete_rows(*args)
        elif kind == "insert_rows":
            ws.insert_rows(*args)
        elif kind == "copy_row":
            source, target = args
            for c in range(1, ws.max_column + 1):
                if not _merged(ws, target, c):
                    ws.cell(row=target, column=c, value=ws.cell(row=source, column=c).value)
        elif kind == "delete_cols":
            ws.delete_cols(*args)
        elif kind == "insert_cols":
            ws.insert_cols(*args)
        elif kind == "merge":
            r, c, down, right = args
            if down or right:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + down, end_column=c + right)
        else:
            _workbook_edit(workbook, ws, args[0])
            if args[0] == "delete":
                break
    return overflowing(to_bytes(workbook))


def _merged(ws, row: int, col: int) -> bool:
    """A cell inside a merged range (not its top-left one), which openpyxl keeps read-only."""
    return isinstance(ws.cell(row=row, column=col), MergedCell)


def _maximum_column(ws) -> int:
    """Where "Điểm tối đa" is: column D in the self sheet, C in the phụ lục."""
    return 4 if ws.title == "Tự đánh giá" else 3


def _workbook_edit(workbook, ws, what: str) -> None:
    meta = workbook["_cchc"] if "_cchc" in workbook.sheetnames else None
    if what == "hide":
        workbook.create_sheet("Trống", 0)
        workbook.active = 0
        ws.sheet_state = "hidden"
    elif what == "delete":
        workbook.remove(ws)
        if all(sheet.sheet_state != "visible" for sheet in workbook.worksheets):
            workbook.create_sheet("Trống", 0)  # a workbook needs a visible sheet
            workbook.active = 0
    elif what == "empty_first":
        workbook.create_sheet("Trang trống", 0)
    elif what == "rename":
        ws.title = "_cchc" if meta is None else "Trang <b>1<b>"
    elif what == "far_cell":
        ws.cell(row=7, column=60, value="ngoài bảng")
    elif what == "too_many_rows":
        ws.cell(row=5001, column=1, value="1.1.3")
    elif what == "drop_meta" and meta is not None:
        workbook.remove(meta)
    elif what in ("other_unit", "other_year") and meta is not None:
        for row in meta.iter_rows():
            if row[0].value == "unit_code" and what == "other_unit":
                row[1].value = "TXQT-P2"
            if row[0].value == "year" and what == "other_year":
                row[1].value = "2025"


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _empty_workbook() -> bytes:
    return to_bytes(Workbook())


@st.composite
def whole_files(draw, base: bytes) -> bytes:
    """A file that is no usable workbook at all, or barely one."""
    return draw(
        st.one_of(
            st.just(b""),
            st.binary(min_size=1, max_size=300),
            st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
            st.integers(1, len(base) - 1).map(lambda n: base[:n]),
            st.just(b"<html><body><script>alert(1)</script><table><tr><td>1</td></tr></body>"),
            st.just(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
            st.just(_zip(**{"readme.txt": b"xin chao"})),
            st.just(_zip(**{"[Content_Types].xml": b"<Types/>"})),
            st.just(_empty_workbook()),
        )
    )


NAMES = st.one_of(
    st.just("tep.xlsx"),
    st.sampled_from(
        [
            "PHU LUC.XLSX",
            "tệp <b>đậm</b>.xlsx",
            "a" * 300 + ".xlsx",
            "bang.xls",
            "bang.csv",
            "bang",
            ".xlsx",
            "../../etc/passwd.xlsx",
        ]
    ),
    st.text(min_size=1, max_size=20).map(lambda t: t + ".xlsx"),
)


# --- the oracle ------------------------------------------------------------------------------


def _errors_shown(response) -> list[str]:
    """The upload form's errors, as the refused page shows them."""
    forms = (response.context["self_form"], response.context["appraisal_form"])
    return [m for form in forms for messages in form.errors.values() for m in messages]


def _upload_and_check(client, url, name: str, data: bytes, extra: dict):
    """Upload; check what the upload may and may not do. The new record, or None."""
    before = db_state()
    records = ImportRecord.objects.count()
    upload = SimpleUploadedFile(name, data, content_type=XLSX)
    with run_jobs():  # the worker reads the file into its preview
        response = client.post(url, {"file": upload, **extra})
    assert response.status_code in (302, 400), response.status_code
    after = db_state()
    assert after == before, "an upload changed a score"
    if response.status_code == 400:
        event("upload refused by the form")
        assert ImportRecord.objects.count() == records
        page = response.content.decode()
        messages = _errors_shown(response)
        assert messages
        for message in messages:
            assert is_vietnamese(message), message
            assert shown(message, page), message
        return None
    assert ImportRecord.objects.count() == records + 1
    return ImportRecord.objects.latest("pk")


def _check_preview_page(client, record: ImportRecord) -> str:
    response = client.get(reverse("exchange:record", args=[record.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    preview = record.get_preview()
    for problem in preview.errors + preview.warnings:
        assert is_vietnamese(problem.message), problem.message
        assert shown(problem.message, page), problem.message
    for note in preview.notes:
        assert is_vietnamese(note), note
    if record.status == ImportStatus.REJECTED:
        event("preview rejected")
        assert record.error_count > 0 and preview.errors
    else:
        assert record.status == ImportStatus.PREVIEWED and not preview.errors
    return page


def _ops(record: ImportRecord) -> dict[int, dict]:
    return {op["score_id"]: op for op in record.get_preview().payload.get("ops", [])}


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _check_applied_self(op: dict, score: Score, old: Score) -> None:
    assert score.self_value == _decimal(op["value"])
    assert (score.self_b, score.self_a) == (op["b"], op["a"])
    assert score.self_note == (op["note"] if op["note"] is not None else old.self_note)


def _check_applied_appraisal(op: dict, score: Score, old: Score) -> None:
    assert "self" not in op  # an appraisal table never writes the unit's self-assessment
    assert (score.self_value, score.self_b, score.self_a, score.self_note) == (
        old.self_value,
        old.self_b,
        old.self_a,
        old.self_note,
    )
    change = op["appraised"]
    assert score.appraised_value == _decimal(change["value"])
    assert (score.appraised_b, score.appraised_a) == (change["b"], change["a"])
    for field, key in (("appraisal_comment", "comment"), ("responsible_note", "responsible_note")):
        expected = change[key] if change[key] is not None else getattr(old, field)
        assert getattr(score, field) == expected


def _confirm_and_check(client, record: ImportRecord, check_op, concurrent=None) -> None:
    """Confirm a previewed import: all of it lands, exactly as listed, or none of it."""
    ops = _ops(record)
    old = {s.pk: s for s in Score.objects.filter(pk__in=ops)}
    if concurrent is not None:
        concurrent(ops)
    before = db_state()
    with run_jobs():
        response = client.post(reverse("exchange:record_apply", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    after = db_state()
    page = client.get(reverse("exchange:record", args=[record.pk])).content.decode()
    assert is_vietnamese(record.outcome) and shown(record.outcome, page), record.outcome
    if record.status == ImportStatus.FAILED:
        event("confirm failed")
        assert after == before, "a failed import changed something"
        return
    assert record.status == ImportStatus.APPLIED, record.status
    event("import applied" if ops else "import applied, nothing to change")
    changed = changed_scores(before, after)
    assert changed == set(ops), "the import changed other criteria than the preview listed"
    listed = {r.code for r in record.get_preview().rows if r.action == "update"}
    assert listed == {op["code"] for op in ops.values()}
    for score in Score.objects.filter(pk__in=ops).select_related("criterion"):
        check_op(ops[score.pk], score, old[score.pk])
        for field in ("self_value", "appraised_value"):
            value = getattr(score, field)
            assert value is None or 0 <= value <= score.maximum


def _someone_edits(user, kind: str):
    """Between preview and confirmation, someone saves one listed criterion in the app."""

    def edit(ops: dict[int, dict]) -> None:
        if not ops:
            return
        score = Score.objects.select_related("criterion", "assessment__framework").get(pk=min(ops))
        if kind == "self":
            services.score_set_self(score=score, value=engine.ZERO, note="Sửa trên web", user=user)
        else:
            services.score_set_appraised(score=score, value=score.maximum, user=user)

    return edit


# --- the tests -------------------------------------------------------------------------------


@fuzz_settings(max_examples=30)
@given(data=st.data())
def test_a_mutated_self_assessment_sheet_is_imported_whole_or_not_at_all(
    data, half_filled, self_sheet, coordinator, staff, chairperson
):
    base = self_sheet
    url = reverse("exchange:assessment_upload", args=[half_filled.pk, "self"])
    with rolled_back():
        if data.draw(st.integers(0, 5), label="garbage") == 0:
            content = data.draw(whole_files(base), label="file")
        else:
            content = _mutate(
                base, data.draw(mutations([5, 6, 7, 8, 10], [5, 5, 8]), label="edits")
            )
        user = data.draw(st.sampled_from([coordinator, staff]), label="user")
        if data.draw(st.booleans(), label="entry by department"):
            Unit.objects.filter(pk=half_filled.unit_id).update(self_entry_by_department=True)
        client = Client()
        client.force_login(user)
        record = _upload_and_check(client, url, data.draw(NAMES, label="name"), content, {})
        if record is None:
            return
        _check_preview_page(client, record)
        if record.can_apply:
            concurrent = _someone_edits(chairperson, "self") if data.draw(st.booleans()) else None
            _confirm_and_check(client, record, _check_applied_self, concurrent)


@fuzz_settings(max_examples=30)
@given(data=st.data())
def test_a_mutated_appraisal_table_is_imported_whole_or_not_at_all(
    data, in_appraisal, appraisal_tables, appraiser
):
    url = reverse("exchange:assessment_upload", args=[in_appraisal.pk, "appraisal"])
    with rolled_back():
        base = data.draw(st.sampled_from(appraisal_tables), label="base")
        if data.draw(st.integers(0, 5), label="garbage") == 0:
            content = data.draw(whole_files(base), label="file")
        else:
            content = _mutate(
                base, data.draw(mutations([3, 4, 5, 6, 7, 8], [5, 5, 7, 8]), label="edits")
            )
        extra = data.draw(
            st.sampled_from([{}, {"fill_unlisted": "on"}, {"fill_unlisted": "\x00"}]), label="form"
        )
        client = Client()
        client.force_login(appraiser)
        record = _upload_and_check(client, url, data.draw(NAMES, label="name"), content, extra)
        if record is None:
            return
        _check_preview_page(client, record)
        if record.can_apply:
            concurrent = (
                _someone_edits(appraiser, "appraisal") if data.draw(st.booleans()) else None
            )
            _confirm_and_check(client, record, _check_applied_appraisal, concurrent)


@fuzz_settings(max_examples=8)
@given(data=st.data())
def test_an_import_into_an_assessment_that_moved_on_fails_whole(
    data, half_filled, self_sheet, coordinator
):
    """A self-assessment sheet previewed while the draft was open, confirmed after it was sent
    for appraisal: nothing of it lands."""
    url = reverse("exchange:assessment_upload", args=[half_filled.pk, "self"])
    with rolled_back():
        content = _mutate(self_sheet, data.draw(mutations([5, 6, 7, 8], [5, 8]), label="edits"))
        client = Client()
        client.force_login(coordinator)
        record = _upload_and_check(client, url, "tep.xlsx", content, {})
        if record is None or not record.can_apply:
            return
        Assessment.objects.filter(pk=half_filled.pk).update(status="submitted")
        before = db_state()
        with run_jobs():
            response = client.post(reverse("exchange:record_apply", args=[record.pk]))
        assert response.status_code in (302, 404)
        assert db_state() == before
