"""Itemised bonus and penalty (điểm thưởng, điểm trừ; issue 16, item 6): a framework with a
content 9 of items, a unit claiming a bonus, the council appraising it and entering penalties,
and the published total computed with the items held to the framework's caps."""

import datetime
import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from documents.render.xlsx import table_xlsx
from documents.tables import score_sheet_table
from exchange import exports
from exchange import services as exchange_services
from exchange.models import ImportKind, ImportStatus
from exchange.writers import to_bytes
from remediation.services.tasks import lost_scores
from scoring import engine, services
from scoring.grid import Mode, parse_entry
from scoring.models import (
    Assessment,
    AssessmentStatus,
    Criterion,
    Framework,
    Period,
    RankingGroup,
    Score,
)
from scoring.selectors import assessment_sheet, period_totals, sheet_filter_counts
from tests.exchange.helpers import upload
from tests.factories import UnitFactory, small_framework_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today() - datetime.timedelta(days=1)
SCORED = {"1.1": "4", "1.2": "2", "2": "4"}


def items_framework_data(**overrides) -> dict:
    """The small 10-point framework with a content 9 of four items; at most +1 and −1,5."""
    data = small_framework_data(
        name="Bộ chỉ số có điểm thưởng, điểm trừ", bonus_cap="1.00", penalty_cap="1.50"
    )
    data["criteria"].append(
        {
            "code": "9",
            "title": "Điểm thưởng, điểm trừ",
            "maximum": "1.00",
            "children": [
                {
                    "code": "9.1",
                    "title": "Sáng kiến cải cách hành chính được công nhận",
                    "maximum": "1.00",
                    "method": "judgement",
                    "kind": "bonus",
                },
                {
                    "code": "9.2",
                    "title": "Được khen thưởng về CCHC",
                    "maximum": "0.50",
                    "method": "yes_no",
                    "kind": "bonus",
                },
                {
                    "code": "9.3",
                    "title": "Văn bản trễ hạn bị nhắc nhở",
                    "maximum": "-1.00",
                    "method": "judgement",
                    "kind": "penalty",
                },
                {
                    "code": "9.4",
                    "title": "Bị kỷ luật liên quan đến CCHC",
                    "maximum": "-1.00",
                    "method": "yes_no",
                    "kind": "penalty",
                },
            ],
        }
    )
    data.update(overrides)
    return data


@pytest.fixture
def framework():
    return services.framework_create(data=items_framework_data())


@pytest.fixture
def province():
    province = UnitFactory(code="TP", name="Tỉnh Phía Nam", kind="tinh")
    for i in (1, 2):
        UnitFactory(code=f"P{i}", name=f"Phường {i}", kind="phuong", parent=province)
    return province


@pytest.fixture
def wards(province) -> RankingGroup:
    return RankingGroup.objects.create(
        council_unit=province, name="Phường", kinds=["phuong"], position=1
    )


@pytest.fixture
def round_(province, wards, framework):
    now = timezone.now()
    round_ = services.round_create(
        council_unit=province,
        framework=framework,
        period=Period.objects.get_or_create(year=2026, kind="annual")[0],
        name="Đánh giá CCHC năm 2026",
        groups=[wards],
        self_deadline=now + timedelta(days=10),
        response_deadline=now + timedelta(days=20),
        appraisal_deadline=now + timedelta(days=30),
    )
    services.round_open(round_=round_)
    return round_


@pytest.fixture
def admin():
    return get_user_model().objects.get(username="admin")


def _assessment(code: str) -> Assessment:
    return Assessment.objects.select_related("framework", "unit").get(
        unit__code=code, period__year=2026
    )


def _score(assessment: Assessment, code: str) -> Score:
    return assessment.scores.select_related("criterion", "assessment__framework").get(
        criterion__code=code
    )


def _self(assessment, user, values: dict[str, str], note="Có tài liệu kèm theo") -> None:
    for code, value in values.items():
        services.score_set_self(
            score=_score(assessment, code), value=D(value), note=note, user=user
        )


def _appraise(assessment, user, values: dict[str, tuple[str, str]]) -> None:
    for code, (value, comment) in values.items():
        services.score_set_appraised(
            score=_score(assessment, code), value=D(value), comment=comment, user=user
        )


# --- the framework ---------------------------------------------------------------------------


def test_a_framework_with_items_is_put_in_force_and_its_total_leaves_them_out(framework):
    assert framework.is_active and framework.has_items()
    assert framework.criteria.get(code="9.3").maximum == D("-1.00")


def test_items_without_a_cap_are_refused_and_nothing_is_saved():
    count = Criterion.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.framework_create(data=items_framework_data(penalty_cap="0"))
    assert (
        "Bộ chỉ số có mục điểm trừ nhưng điểm trừ tối đa là 0,00; hãy nhập điểm trừ tối đa lớn "
        "hơn 0." in refused.value.messages
    )
    assert Criterion.objects.count() == count


def test_an_item_scored_by_a_ratio_is_refused():
    data = items_framework_data()
    data["criteria"][-1]["children"][0]["method"] = "ratio"
    with pytest.raises(ValidationError, match=r"Tiêu chí 9\.1: mục điểm thưởng, điểm trừ chỉ"):
        services.framework_create(data=data)


def test_activation_refuses_a_penalty_item_made_positive(framework):
    framework.is_active = False
    framework.save()
    Criterion.objects.filter(framework=framework, code="9.3").update(kind="penalty", maximum=1)
    with pytest.raises(ValidationError, match=r"Tiêu chí 9\.3: mục điểm trừ phải là"):
        services.framework_activate(framework=framework)


# --- entry -----------------------------------------------------------------------------------


def test_the_unit_submits_with_a_bonus_claimed_and_the_other_items_left_empty(round_, admin):
    p1 = _assessment("P1")
    _self(p1, admin, SCORED)
    _self(p1, admin, {"9.1": "1"}, note="Sáng kiến được Sở Nội vụ công nhận")
    assert services.self_assessment_missing(p1) == []
    services.assessment_submit(assessment=p1, user=admin)
    assert _assessment("P1").status == AssessmentStatus.SUBMITTED


def test_a_bonus_claim_needs_its_evidence_like_any_criterion(round_, admin):
    p1 = _assessment("P1")
    _self(p1, admin, SCORED)
    _self(p1, admin, {"9.1": "1"}, note="")
    assert services.self_assessment_missing(p1) == [
        "Tiêu chí 9.1: chưa có tài liệu kiểm chứng; hãy tải tài liệu lên hoặc ghi giải thích."
    ]


def test_a_penalty_typed_as_points_taken_is_stored_negative_and_needs_a_reason(round_, admin):
    p1 = _assessment("P1")
    score = _score(p1, "9.3")
    data = QueryDict(mutable=True)
    data.update({f"{score.pk}-value": "0,5", f"{score.pk}-version": str(score.version)})
    entry = parse_entry(score, data, Mode.APPRAISE)
    assert (entry.value, entry.errors) == (D("-0.5"), [])
    data[f"{score.pk}-value"] = "1,25"
    assert parse_entry(score, data, Mode.APPRAISE).errors == [
        "Tiêu chí 9.3: điểm trừ 1,25 vượt quá mức trừ tối đa 1,00; hãy nhập từ 0 đến 1,00 (số "
        "điểm bị trừ)."
    ]
    services.score_set_appraised(score=score, value=D("0.5"), comment="", user=admin)
    assert Score.objects.get(pk=score.pk).appraised_value == D("-0.50")
    assert services.appraisal_missing(_assessment("P1"))[:1] == [
        "Tiêu chí 1.1: chưa có điểm thẩm định."
    ]
    assert "Tiêu chí 9.3: bị trừ điểm nhưng chưa ghi lý do." in services.appraisal_missing(p1)


def test_empty_items_are_not_missing_at_appraisal_and_an_unwon_bonus_needs_no_reason(round_, admin):
    p1 = _assessment("P1")
    _appraise(p1, admin, {code: (value, "") for code, value in SCORED.items()})
    _appraise(p1, admin, {"9.2": ("0", "")})
    assert services.appraisal_missing(p1) == []


def test_lump_sums_are_refused_when_the_framework_has_items(round_):
    p1 = _assessment("P1")
    p1.bonus = D("0.5")
    with pytest.raises(ValidationError, match="hãy chấm từng mục trên bảng điểm"):
        p1.full_clean()


# --- results ---------------------------------------------------------------------------------


def _appraised_group(admin) -> None:
    """P1: full marks, bonus 0,75 + 0,5 (capped at 1), penalties 0,5 + 1 (at the cap 1,5);
    P2: 9 of the 10 points and no item."""
    p1, p2 = _assessment("P1"), _assessment("P2")
    _appraise(p1, admin, {code: (value, "") for code, value in SCORED.items()})
    _appraise(
        p1,
        admin,
        {
            "9.1": ("0.75", "Sáng kiến cấp tỉnh"),
            "9.2": ("0.5", ""),
            "9.3": ("0.5", "Hai văn bản trễ hạn"),
            "9.4": ("-1", "Một công chức bị kỷ luật"),
        },
    )
    _appraise(p2, admin, {"1.1": ("4", ""), "1.2": ("2", ""), "2": ("3", "Chưa đạt")})
    Assessment.objects.filter(pk__in=[p1.pk, p2.pk]).update(status=AssessmentStatus.APPRAISED)


def test_the_sheet_adds_the_bonus_and_takes_the_penalty_within_the_caps(round_, admin):
    _appraised_group(admin)
    sheet = assessment_sheet(_assessment("P1"))
    # 10 + min(1,25; 1) − min(1,5; 1,5) = 9,50
    assert (sheet.results.appraised_total, sheet.results.total) == (D("10"), D("9.50"))
    assert sheet.results.percentage == D("95.00")
    # The penalties lost points; the bonus items lost none.
    assert sheet.results.points_lost == D("1.50")
    assert [row.criterion.code for row in sheet.lost_rows] == ["9.3", "9.4"]


def test_publication_freezes_the_hand_computed_totals_and_ranks(round_, wards, admin):
    _appraised_group(admin)
    services.group_publish(
        round_=round_, group=wards, decision="Quyết định số 125/QĐ-UBND", decided_on=TODAY
    )
    p1, p2 = _assessment("P1"), _assessment("P2")
    assert (p1.result_total, p1.result_percentage, p1.result_rank) == (D("9.50"), D("95"), 1)
    assert (p2.result_total, p2.result_percentage, p2.result_rank) == (D("9.00"), D("90"), 2)
    totals = {row.assessment.unit.code: row.total for row in period_totals(p1.framework, p1.period)}
    assert totals == {"P1": D("9.50"), "P2": D("9.00")}


def test_the_bonus_side_alone_is_capped_in_the_preview_and_the_group_total(round_, wards, admin):
    p1 = _assessment("P1")
    _appraise(p1, admin, {code: (value, "") for code, value in SCORED.items()})
    _appraise(p1, admin, {"9.1": ("1", "Sáng kiến"), "9.2": ("0.5", "")})
    Assessment.objects.filter(pk=p1.pk).update(status=AssessmentStatus.APPRAISED)
    from scoring.publication_selectors import group_preview

    [row, *_] = group_preview(round_=round_, group=wards).rows
    assert (row.assessment.unit.code, row.total) == ("P1", D("11.00"))


def test_line_kinds_reach_the_engine_from_the_scores(round_, admin):
    p1 = _assessment("P1")
    assert _score(p1, "9.3").line().kind == engine.Kind.PENALTY
    assert _score(p1, "1.1").line().kind == engine.Kind.SCORED


# --- the phụ lục and the Excel files ---------------------------------------------------------


def test_the_score_sheet_appendix_lists_the_items_with_their_sign_and_the_capped_result(
    round_, admin
):
    _appraised_group(admin)
    table = score_sheet_table(assessment_sheet(_assessment("P1")))
    rows = {row.cells[0]: row.cells for row in table.rows}
    assert rows["9.1"][1:6] == [
        "(+) Sáng kiến cải cách hành chính được công nhận",
        D("1.00"),
        None,
        D("0.75"),
        None,
    ]
    assert rows["9.3"][1:6] == [
        "(−) Văn bản trễ hạn bị nhắc nhở",
        D("-1.00"),
        None,
        D("-0.50"),
        D("0.50"),
    ]
    assert (
        "Trong đó tổng điểm các tiêu chí 10,00, điểm thưởng +1,00 (các mục cộng 1,25, tối đa "
        "1,00), điểm trừ −1,50." in table.notes
    )
    assert table.notes[0].startswith("Tổng điểm tạm tính: 9,50/10 điểm (95,00%)")
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    texts = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "(−) Bị kỷ luật liên quan đến CCHC" in texts


def test_the_appraisal_export_ends_with_the_total_including_the_items(round_, admin):
    _appraised_group(admin)
    export = exports.export_appraisal(_assessment("P1"), lost_only=False)
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    [scored] = [row for row in rows if row[0] == "Tổng cộng"]
    [final] = [row for row in rows if str(row[0]).startswith("Tổng điểm (cộng điểm thưởng")]
    assert (D(str(scored[2])), D(str(scored[4]))) == (D("10"), D("10"))
    assert D(str(final[4])) == D("9.5")


def test_the_framework_workbook_round_trips_the_kind_and_the_negative_maximum(
    framework, admin_user
):
    workbook = load_workbook(io.BytesIO(exports.export_framework(framework).content))
    sheet = workbook["Tiêu chí"]
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "Loại"
    by_code = {str(row[0]): row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert (by_code["9.3"][2], by_code["9.3"][-1]) == (-1, "Điểm trừ")
    assert (by_code["9.1"][-1], by_code["1.1"][-1], by_code["9"][-1]) == (
        "Điểm thưởng",
        "Tiêu chí",
        None,
    )
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số có điểm thưởng, điểm trừ năm 2027"
    # A clerk types the penalty's maximum as the points it takes: read as −0,5.
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "9.4")
    sheet.cell(row, 3).value = 0.5
    record = upload(ImportKind.FRAMEWORK, to_bytes(workbook), user=admin_user)
    assert record.get_preview().errors == []
    exchange_services.import_record_apply(record=record, user=admin_user)
    created = Framework.objects.get(name="Bộ chỉ số có điểm thưởng, điểm trừ năm 2027")
    kinds = {c.code: (c.kind, c.maximum) for c in created.criteria.all()}
    assert kinds["9.1"] == ("bonus", D("1.00"))
    assert kinds["9.3"] == ("penalty", D("-1.00"))
    assert kinds["9.4"] == ("penalty", D("-0.50"))
    assert kinds["1.1"] == ("", D("4.00"))
    assert (created.bonus_cap, created.penalty_cap, created.is_active) == (D("1"), D("1.5"), True)
    again = upload(ImportKind.FRAMEWORK, exports.export_framework(created).content, user=admin_user)
    assert "đã có và giống hệt tệp" in again.get_preview().notes[0]


def test_an_unknown_kind_in_the_workbook_is_refused_on_its_row(framework, admin_user):
    workbook = load_workbook(io.BytesIO(exports.export_framework(framework).content))
    sheet = workbook["Tiêu chí"]
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số thử loại"
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "9.1")
    sheet.cell(row, sheet.max_column).value = "Điểm cộng"
    record = upload(ImportKind.FRAMEWORK, to_bytes(workbook), user=admin_user)
    assert record.status == ImportStatus.REJECTED
    assert any(
        p.row == row and p.message.startswith("Tiêu chí 9.1: loại “Điểm cộng” không có; hãy chọn")
        for p in record.get_preview().errors
    )


def test_remediation_counts_a_penalty_as_lost_and_a_bonus_not_fully_won_as_nothing(round_, admin):
    _appraised_group(admin)  # 9.1: 0,75 of a 1-point bonus; 9.3, 9.4: penalties
    p1 = _assessment("P1")
    assert [s.criterion.code for s in lost_scores(p1)] == ["9.3", "9.4"]
    assert [s.line().lost for s in lost_scores(p1)] == [D("0.50"), D("1.00")]
    assert sheet_filter_counts(assessment_sheet(p1), "appraised")["bi-tru"] == 2


def test_the_offline_sheet_takes_a_bonus_claim_and_a_penalty_typed_as_points_taken(round_, admin):
    from tests.exchange.test_self_assessment_import import _filled, _self

    p1 = _assessment("P1")
    data = _filled(p1, {"9.1": {"E": "1", "H": "Sáng kiến được công nhận"}, "9.3": {"E": "0,5"}})
    record = _self(data, p1, admin)
    assert record.get_preview().errors == []
    exchange_services.import_record_apply(record=record, user=admin)
    assert (_score(p1, "9.1").self_value, _score(p1, "9.3").self_value) == (D("1"), D("-0.5"))


def test_an_appraisal_table_of_lost_points_takes_a_penalty_and_leaves_other_items_empty(
    round_, admin
):
    from tests.exchange.workbooks import seed002_xlsx

    Assessment.objects.filter(unit__code="P1").update(status=AssessmentStatus.SUBMITTED)
    p1 = _assessment("P1")
    rows = [
        ["2", "Lĩnh vực hai", 4, None, "3", "1", "Chưa đạt", None],
        ["9.3", "Văn bản trễ hạn bị nhắc nhở", "1", None, "0,5", "0,5", "Hai văn bản", None],
    ]
    record = upload(
        ImportKind.APPRAISAL,
        seed002_xlsx(rows, totals=None),
        user=admin,
        assessment=p1,
        fill_unlisted=True,
    )
    preview = record.get_preview()
    assert (preview.errors, preview.warnings) == ([], [])
    exchange_services.import_record_apply(record=record, user=admin)
    values = {s.criterion.code: s.appraised_value for s in p1.scores.select_related("criterion")}
    assert values == {
        "1.1": D("4.00"),
        "1.2": D("2.00"),
        "2": D("3.00"),
        "9.1": None,
        "9.2": None,
        "9.3": D("-0.50"),
        "9.4": None,
    }


def test_the_assessment_page_marks_the_items_and_shows_what_they_added_and_took(
    client, round_, admin
):
    _appraised_group(admin)
    client.force_login(admin)
    page = client.get(reverse("scoring:assessment", args=[_assessment("P1").pk])).content.decode()
    assert "(+) Điểm thưởng:</span> Sáng kiến cải cách hành chính được công nhận" in page
    assert "(−) Điểm trừ:</span> Văn bản trễ hạn bị nhắc nhở" in page
    assert "nhập 0,5 hay −0,5 đều là trừ 0,5 điểm" in page
    # The content of items says its caps, not a maximum counted in the total.
    assert "ngoài tổng điểm: thưởng tối đa 1,00, trừ tối đa 1,50" in page
    [facts] = [line for line in page.splitlines() if 'id="items-result"' in line]
    assert "+1,00 / −1,50" in facts and "(tối đa +1,00 / −1,50)" in facts
