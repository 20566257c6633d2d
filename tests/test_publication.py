"""Publishing a round by ranking group (issue 13): the preview, the publication of a whole group
with its decision, re-publication with a reason, and nothing unpublished showing a rank."""

from __future__ import annotations

import datetime
import io
from datetime import timedelta
from decimal import Decimal

import pdfplumber
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.render import pdf
from documents.tables import cell_text, ranking_table
from scoring import services
from scoring.models import (
    Assessment,
    AssessmentStatus,
    GroupPublication,
    Official,
    Period,
    RankingGroup,
    Role,
    Round,
    Score,
    Unit,
)
from scoring.publication_selectors import group_preview
from scoring.selectors import assessment_sheet, period_results, period_totals
from tests.factories import UnitFactory, small_framework_data
from tests.helpers import appraise_all, fill_self_assessment, score_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today() - datetime.timedelta(days=1)


@pytest.fixture
def province() -> Unit:
    province = UnitFactory(code="TP", name="Tỉnh Phía Nam", kind="tinh")
    for i in range(1, 4):
        UnitFactory(code=f"P{i}", name=f"Phường {i}", kind="phuong", parent=province)
    for i in range(1, 4):
        UnitFactory(code=f"X{i}", name=f"Xã {i}", kind="xa", parent=province)
    return province


@pytest.fixture
def groups(province) -> dict[str, RankingGroup]:
    return {
        "wards": RankingGroup.objects.create(
            council_unit=province, name="Phường", kinds=["phuong"], position=1
        ),
        "communes": RankingGroup.objects.create(
            council_unit=province, name="Xã", kinds=["xa"], position=2
        ),
    }


@pytest.fixture
def framework():
    return services.framework_create(data=small_framework_data(name="Bộ chỉ số cấp xã"))


def _period(year: int, kind: str = "annual") -> Period:
    return Period.objects.get_or_create(year=year, kind=kind)[0]


@pytest.fixture
def round_(province, groups, framework) -> Round:
    now = timezone.now()
    round_ = services.round_create(
        council_unit=province,
        framework=framework,
        period=_period(2026),
        name="Đánh giá CCHC năm 2026",
        groups=list(groups.values()),
        self_deadline=now + timedelta(days=10),
        response_deadline=now + timedelta(days=20),
        appraisal_deadline=now + timedelta(days=30),
    )
    services.round_open(round_=round_)
    return Round.objects.select_related("framework", "period", "council_unit").get(pk=round_.pk)


@pytest.fixture
def secretary(province):
    user = get_user_model().objects.create_user("thuky.tp", full_name="Đỗ Thư Ký")
    Official.objects.create(user=user, unit=province, role=Role.SECRETARY)
    return user


def _appraise(codes_points: dict[str, str], status=AssessmentStatus.APPRAISED) -> None:
    """Appraise the units' assessments (full marks except criterion 2 = the points given) and
    set their status directly: the path there is not what these tests are about."""
    for code, points in codes_points.items():
        scores = Score.objects.filter(assessment__unit__code=code, assessment__period__year=2026)
        scores.update(appraised_value=F("maximum"), appraisal_comment="")
        scores.filter(criterion__code="2").update(
            appraised_value=Decimal(points), appraisal_comment="Chưa đạt"
        )
    Assessment.objects.filter(unit__code__in=codes_points, period__year=2026).update(status=status)


def _record(unit: Unit, framework, year: int, points: str, kind: str = "annual") -> Assessment:
    """A result published outside the app (a past year): recorded as the demo's are."""
    assessment = services.assessment_create(
        unit=unit, framework=framework, period=_period(year, kind)
    )
    assessment.scores.update(appraised_value=F("maximum"))
    assessment.scores.filter(criterion__code="2").update(appraised_value=Decimal(points))
    return services.assessment_publish(assessment=assessment, from_record=True)


def _publish(round_, group, decision="Quyết định số 125/QĐ-UBND ngày 20/01/2027", user=None):
    return services.group_publish(
        round_=round_, group=group, decision=decision, decided_on=TODAY, user=user
    )


def _frozen(round_, group) -> dict[str, tuple]:
    return {
        a.unit.code: (a.status, a.result_rank, a.result_rank_of, a.result_total)
        for a in Assessment.objects.filter(round=round_, ranking_group=group).select_related("unit")
    }


# --- the preview -----------------------------------------------------------------------------


def test_the_preview_ranks_the_group_with_ties_and_classifies(round_, groups):
    _appraise({"P1": "4", "P2": "1", "P3": "4"})
    preview = group_preview(round_=round_, group=groups["wards"])
    rows = [
        (r.assessment.unit.code, r.rank, r.rank_of, r.total, r.percentage, r.classification)
        for r in preview.rows
    ]
    assert rows == [
        ("P1", 1, 3, Decimal("10.00"), Decimal("100.00"), "Tốt"),
        ("P3", 1, 3, Decimal("10.00"), Decimal("100.00"), "Tốt"),
        ("P2", 3, 3, Decimal("7.00"), Decimal("70.00"), "Yếu"),
    ]
    assert preview.ready and not preview.blocking


def test_change_is_against_the_last_published_result_of_the_same_kind_skipping_gaps(
    round_, groups, framework
):
    p1 = Unit.objects.get(code="P1")
    _record(p1, framework, 2023, "1")
    _record(p1, framework, 2024, "2")  # the latest annual one published: 8,00
    _record(p1, framework, 2025, "4", kind="mid_year")  # another kind of period
    draft_2025 = services.assessment_create(unit=p1, framework=framework, period=_period(2025))
    assert draft_2025.status == AssessmentStatus.DRAFT  # not published: skipped
    _appraise({"P1": "3", "P2": "3", "P3": "3"})
    row = next(
        r
        for r in group_preview(round_=round_, group=groups["wards"]).rows
        if r.assessment.unit.code == "P1"
    )
    assert (row.previous.total, row.previous.period_label) == (Decimal("8.00"), "Năm 2024")
    assert row.change == Decimal("1.00")


def test_a_merged_unit_without_results_lists_its_predecessors_results(
    round_, groups, framework, province
):
    old_a = UnitFactory(code="OA", name="Phường Cũ A", kind="phuong", parent=province)
    old_b = UnitFactory(code="OB", name="Phường Cũ B", kind="phuong", parent=province)
    _record(old_a, framework, 2024, "4")
    _record(old_b, framework, 2024, "1")
    Unit.objects.filter(pk__in=[old_a.pk, old_b.pk]).update(is_active=False)
    p2 = Unit.objects.get(code="P2")
    p2.merged_from.set([old_a, old_b])
    _appraise({"P1": "3", "P2": "3", "P3": "3"})
    row = next(
        r
        for r in group_preview(round_=round_, group=groups["wards"]).rows
        if r.assessment.unit.code == "P2"
    )
    assert row.previous is None and row.change is None
    assert [(p.unit_name, p.total) for p in row.predecessors] == [
        ("Phường Cũ A", Decimal("10.00")),
        ("Phường Cũ B", Decimal("7.00")),
    ]


def test_the_preview_lists_the_units_not_yet_appraised(round_, groups):
    _appraise({"P1": "4"})
    Assessment.objects.filter(unit__code="P2").update(status=AssessmentStatus.ROUND_2)
    preview = group_preview(round_=round_, group=groups["wards"])
    assert [(a.unit.code, a.get_status_display()) for a in preview.blocking] == [
        ("P2", "Chờ thẩm định vòng 2"),
        ("P3", "Đang tự đánh giá"),
    ]
    assert not preview.ready


# --- publishing --------------------------------------------------------------------------------


def test_publishing_refuses_with_the_units_not_appraised_and_changes_nothing(round_, groups):
    _appraise({"P1": "4", "P2": "2"})
    before = _frozen(round_, groups["wards"])
    with pytest.raises(ValidationError) as refused:
        _publish(round_, groups["wards"])
    assert "1 đơn vị chưa được thẩm định xong" in refused.value.messages[0]
    assert refused.value.messages[1:] == ["Phường 3: Đang tự đánh giá"]
    assert _frozen(round_, groups["wards"]) == before
    assert not GroupPublication.objects.exists()


def test_publishing_needs_a_decision_and_its_date(round_, groups):
    _appraise({"P1": "4", "P2": "2", "P3": "1"})
    with pytest.raises(ValidationError, match="quyết định công bố"):
        services.group_publish(round_=round_, group=groups["wards"], decision=" ", decided_on=TODAY)


def test_publishing_freezes_every_units_rank_within_its_group_only(round_, groups, secretary):
    _appraise({"P1": "2", "P2": "4", "P3": "2", "X1": "1", "X2": "0"})
    publication = _publish(round_, groups["wards"], user=secretary)
    assert _frozen(round_, groups["wards"]) == {
        "P2": (AssessmentStatus.PUBLISHED, 1, 3, Decimal("10.00")),
        "P1": (AssessmentStatus.PUBLISHED, 2, 3, Decimal("8.00")),
        "P3": (AssessmentStatus.PUBLISHED, 2, 3, Decimal("8.00")),
    }
    p1 = Assessment.objects.get(unit__code="P1", period__year=2026)
    assert (p1.result_classification, p1.result_percentage) == ("Tốt", Decimal("80.00"))
    assert p1.published_decision == "Quyết định số 125/QĐ-UBND ngày 20/01/2027"
    assert p1.published_at is not None
    # The communes are untouched: not published, no rank.
    assert {v[:3] for v in _frozen(round_, groups["communes"]).values()} == {
        (AssessmentStatus.APPRAISED, None, None),
        (AssessmentStatus.DRAFT, None, None),
    }
    assert (publication.revision, publication.unit_count, publication.published_by) == (
        1,
        3,
        secretary,
    )
    assert p1.history.first().history_change_reason.startswith("Công bố: Quyết định số 125")


def test_a_group_is_published_once_then_only_republished(round_, groups):
    _appraise({"P1": "2", "P2": "4", "P3": "2"})
    _publish(round_, groups["wards"])
    with pytest.raises(ValidationError, match="đã được công bố"):
        _publish(round_, groups["wards"])


def test_a_round_assessment_cannot_be_published_on_its_own(round_, groups):
    _appraise({"P1": "4"})
    p1 = Assessment.objects.get(unit__code="P1", period__year=2026)
    with pytest.raises(ValidationError, match="công bố cùng cả nhóm xếp hạng"):
        services.assessment_publish(assessment=p1, decision="QĐ 1")
    p1.refresh_from_db()
    assert (p1.status, p1.result_rank) == (AssessmentStatus.APPRAISED, None)


def test_a_result_recorded_from_outside_is_still_published_alone(framework, province):
    recorded = _record(Unit.objects.get(code="X3"), framework, 2024, "3")
    assert (recorded.status, recorded.result_rank, recorded.result_rank_of) == (
        AssessmentStatus.PUBLISHED,
        1,
        1,
    )


def test_the_full_cycle_through_the_services_reaches_publication(round_, groups, appraiser):
    """Self-assessment, submission, two appraisal rounds, finalisation: then the group."""
    admin = get_user_model().objects.get(username="admin")
    for code in ("P1", "P2", "P3"):
        a = Assessment.objects.get(unit__code=code, period__year=2026)
        fill_self_assessment(a, admin)
        services.assessment_submit(assessment=a, user=admin)
        appraise_all(a, admin, lose={"2": "3"} if code == "P2" else None)
        services.assessment_return(
            assessment=a, response_deadline=timezone.now() + timedelta(days=3), user=admin
        )
        services.assessment_start_round_2(assessment=a, user=admin)
        services.assessment_finalize(assessment=a, user=admin)
    _publish(round_, groups["wards"], user=admin)
    frozen = _frozen(round_, groups["wards"])
    assert [frozen[c][1:3] for c in ("P1", "P2", "P3")] == [(1, 3), (3, 3), (1, 3)]


def test_published_values_cannot_be_changed_except_by_republication(round_, groups):
    _appraise({"P1": "2", "P2": "4", "P3": "2"})
    _publish(round_, groups["wards"])
    p1 = Assessment.objects.get(unit__code="P1", period__year=2026)
    with pytest.raises(ValidationError, match="đã công bố"):
        services.score_set_appraised(score=score_of(p1, "2"), value=Decimal("4"))


# --- re-publication ----------------------------------------------------------------------------


def test_republication_needs_a_reason(round_, groups):
    _appraise({"P1": "2", "P2": "4", "P3": "2"})
    _publish(round_, groups["wards"])
    with pytest.raises(ValidationError, match="lý do"):
        services.group_republish(
            round_=round_, group=groups["wards"], decision="QĐ 130", decided_on=TODAY, reason=""
        )
    assert GroupPublication.objects.count() == 1


def test_republication_corrects_re_ranks_and_keeps_both_on_record(round_, groups):
    _appraise({"P1": "2", "P2": "4", "P3": "1"})
    _publish(round_, groups["wards"])
    p1 = Assessment.objects.get(unit__code="P1", period__year=2026)
    services.group_republish(
        round_=round_,
        group=groups["wards"],
        decision="Quyết định số 130/QĐ-UBND ngày 25/01/2027 (đính chính)",
        decided_on=TODAY,
        reason="Đính chính điểm tiêu chí 2 của Phường 1 theo kiến nghị",
        corrections=[(score_of(p1, "2"), Decimal("4"), "")],
    )
    frozen = _frozen(round_, groups["wards"])
    assert {c: frozen[c][1:4] for c in frozen} == {
        "P1": (1, 3, Decimal("10.00")),
        "P2": (1, 3, Decimal("10.00")),
        "P3": (3, 3, Decimal("7.00")),
    }
    assert list(GroupPublication.objects.values_list("revision", "reason")) == [
        (1, ""),
        (2, "Đính chính điểm tiêu chí 2 của Phường 1 theo kiến nghị"),
    ]
    p1.refresh_from_db()
    reasons = [h.history_change_reason for h in p1.history.all()[:2]]
    assert reasons[0].startswith("Công bố lại lần 1: Đính chính điểm")
    assert reasons[1].startswith("Công bố: ")
    assert p1.published_decision.startswith("Quyết định số 130")
    assert score_of(p1, "2").history.first().history_change_reason.startswith("Công bố lại")


def test_republication_takes_in_a_unit_appraised_since(round_, groups, province):
    _appraise({"P1": "2", "P2": "4", "P3": "1"})
    _publish(round_, groups["wards"])
    late = UnitFactory(code="P4", name="Phường 4", kind="phuong", parent=province)
    services.round_open(round_=round_, units=[late])
    _appraise({"P4": "3"})
    services.group_republish(
        round_=round_,
        group=groups["wards"],
        decision="QĐ 131",
        decided_on=TODAY,
        reason="Bổ sung Phường 4 mới thành lập",
    )
    frozen = _frozen(round_, groups["wards"])
    assert {c: frozen[c][1:3] for c in frozen} == {
        "P2": (1, 4),
        "P4": (2, 4),
        "P1": (3, 4),
        "P3": (4, 4),
    }


# --- queries --------------------------------------------------------------------------------


def _group_of(province, groups, round_, size: int) -> None:
    for i in range(4, size + 1):
        UnitFactory(code=f"P{i}", name=f"Phường {i}", kind="phuong", parent=province)
    services.round_open(round_=round_)
    _appraise({f"P{i}": str(i % 5) for i in range(1, size + 1)})


@pytest.mark.parametrize("size", [5, 50])
def test_the_preview_costs_six_queries_for_5_or_50_units(
    round_, groups, province, size, django_assert_max_num_queries
):
    _group_of(province, groups, round_, size)
    with django_assert_max_num_queries(6):
        preview = group_preview(round_=round_, group=groups["wards"])
    assert len(preview.rows) == size


def test_publishing_costs_the_same_queries_for_5_units_as_for_50(round_, groups, province):
    _group_of(province, groups, round_, 5)
    with CaptureQueriesContext(connection) as small:
        _publish(round_, groups["wards"])
    for i in range(4, 51):
        UnitFactory(code=f"X{i}", name=f"Xã {i}", kind="xa", parent=province)
    services.round_open(round_=round_)
    _appraise({f"X{i}": str(i % 5) for i in range(1, 51)})
    with CaptureQueriesContext(connection) as large:
        _publish(round_, groups["communes"])
    assert GroupPublication.objects.get(group=groups["communes"]).unit_count == 50
    # One UPDATE for every unit; the history rows go in one insert on PostgreSQL, split by
    # SQLite's parameter limit into a few: never one statement per unit. (PostgreSQL takes the
    # ranking lock with one query more; the units' leads for the notices are one query.)
    assert len(small) <= 17 and len(large) <= len(small) + 2


@pytest.mark.parametrize("size", [5, 50])
def test_the_preview_page_costs_the_same_queries_for_5_or_50_units(
    client, round_, groups, province, secretary, size, django_assert_max_num_queries
):
    _group_of(province, groups, round_, size)
    client.force_login(secretary)
    url = reverse("rounds:publication_preview", args=[round_.pk, groups["wards"].pk])
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.content.decode().count('<td class="num">') >= size


# --- pages -----------------------------------------------------------------------------------


def _url(round_, group, name="publication_preview"):
    return reverse(f"rounds:{name}", args=[round_.pk, group.pk])


def test_the_page_is_404_outside_the_councils_scope(client, round_, groups, outsider):
    client.force_login(outsider)
    assert client.get(_url(round_, groups["wards"])).status_code == 404


def test_an_appraiser_of_the_council_does_not_reach_the_publication_pages(
    client, round_, groups, province
):
    # Round pages are for those who run the council's rounds; for anyone else a round does not
    # exist (rounds.access.get_round_for_user), as on the board and the round page.
    user = get_user_model().objects.create_user("thamdinh.tp", full_name="Người Thẩm Định")
    Official.objects.create(user=user, unit=province, role=Role.APPRAISER)
    client.force_login(user)
    assert client.get(_url(round_, groups["wards"])).status_code == 404
    response = client.post(_url(round_, groups["wards"], "publication_publish"), {})
    assert response.status_code == 404


def test_the_secretary_sees_the_preview_the_blocking_units_and_cannot_publish_yet(
    client, round_, groups, secretary
):
    _appraise({"P1": "4", "P2": "2"})
    client.force_login(secretary)
    page = client.get(_url(round_, groups["wards"])).content.decode()
    assert "Còn 1 đơn vị chưa thẩm định xong" in page and "Phường 3</a>: Đang tự đánh giá" in page
    assert "Bảng xếp hạng dự kiến" in page and "1/3" in page
    response = client.post(
        _url(round_, groups["wards"], "publication_publish"),
        {"decision": "QĐ 125", "decided_on": TODAY.isoformat()},
        follow=True,
    )
    assert "chưa được thẩm định xong" in response.content.decode()
    assert not GroupPublication.objects.exists()


def test_one_action_publishes_the_group_then_the_page_offers_republication(
    client, round_, groups, secretary
):
    _appraise({"P1": "4", "P2": "2", "P3": "1"})
    client.force_login(secretary)
    response = client.post(
        _url(round_, groups["wards"], "publication_publish"),
        {"decision": "Quyết định số 125/QĐ-UBND", "decided_on": TODAY.isoformat()},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã công bố kết quả nhóm “Phường”: 3 đơn vị." in page
    assert "Kết quả đã công bố" in page and "Công bố lại" in page
    assert 'id="publish-form"' not in page
    response = client.post(
        _url(round_, groups["wards"], "publication_republish"),
        {"decision": "QĐ 130", "decided_on": TODAY.isoformat(), "reason": ""},
    )
    assert response.status_code == 422
    assert "Công bố lại cần ghi lý do." in response.content.decode()
    response = client.post(
        _url(round_, groups["wards"], "publication_republish"),
        {"decision": "QĐ 130", "decided_on": TODAY.isoformat(), "reason": "Đính chính"},
        follow=True,
    )
    assert "Công bố lại lần 1" in response.content.decode()


def test_a_group_of_another_round_is_404(client, round_, secretary, province):
    other = RankingGroup.objects.create(council_unit=province, name="Sở", kinds=["so_nganh"])
    client.force_login(secretary)
    assert client.get(_url(round_, other)).status_code == 404


# --- nothing unpublished shows a rank or a classification ---------------------------------------


def test_a_draft_shows_no_classification_and_no_rank(client, current_p1, coordinator):
    results = assessment_sheet(current_p1).results
    assert (results.classification, results.rank, results.published) == (None, None, False)
    client.force_login(coordinator)
    page = client.get(reverse("scoring:assessment", args=[current_p1.pk])).content.decode()
    assert "xếp loại, xếp hạng: <strong>chưa công bố</strong>" in page
    assert "tạm tính" in page
    documents = client.get(reverse("documents:assessment", args=[current_p1.pk])).content
    assert "xếp loại và xếp hạng: chưa công bố" in documents.decode()


def test_a_round_assessment_points_to_the_group_publication(client, round_, groups):
    _appraise({"P1": "4"})
    p1 = Assessment.objects.get(unit__code="P1", period__year=2026)
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(reverse("scoring:assessment", args=[p1.pk])).content.decode()
    assert _url(round_, groups["wards"]) in page
    assert 'action="' + reverse("scoring:action", args=[p1.pk, "publish"]) not in page


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def test_a_drafts_score_sheet_pdf_says_draft_and_a_published_one_does_not(
    client, current_p1, phuong1_2023, coordinator
):
    client.force_login(coordinator)
    url = "documents:assessment_table"
    draft = client.get(reverse(url, args=[current_p1.pk, "bang-diem", "pdf"])).content
    text = _pdf_text(draft)
    assert "DỰ THẢO" in text and "xếp loại và xếp hạng: chưa công bố" in text
    published = client.get(reverse(url, args=[phuong1_2023.pk, "bang-diem", "pdf"])).content
    text = _pdf_text(published)
    assert "DỰ THẢO" not in text and "xếp loại: Tốt; xếp thứ 3/5" in text


def test_a_drafts_excel_and_letter_carry_the_draft_line(current_p1, phuong1_2023):
    from openpyxl import load_workbook

    from documents import services as documents_services
    from documents.content import letter_content
    from documents.models import LetterKind
    from documents.render import docx, xlsx
    from documents.tables import lost_criteria_table

    def first_cell(assessment):
        data = xlsx.table_xlsx(lost_criteria_table(assessment_sheet(assessment)))
        return load_workbook(io.BytesIO(data)).active["A1"].value

    assert first_cell(current_p1) == "DỰ THẢO – KẾT QUẢ CHƯA CÔNG BỐ"
    assert first_cell(phuong1_2023) == "PHỤ LỤC"

    def docx_text(assessment):
        from docx import Document

        letter = documents_services.letter_create(assessment=assessment, kind=LetterKind.CONG_VAN)
        document = Document(io.BytesIO(docx.letter_docx(letter_content(letter))))
        return "\n".join(p.text for p in document.paragraphs)

    assert "DỰ THẢO – KẾT QUẢ CHƯA CÔNG BỐ" in docx_text(current_p1)
    assert "DỰ THẢO" not in docx_text(phuong1_2023)


def test_a_published_page_reads_the_frozen_rank(round_, groups):
    _appraise({"P1": "2", "P2": "4", "P3": "2"})
    _publish(round_, groups["wards"])
    p1 = Assessment.objects.get(unit__code="P1", period__year=2026)
    # Frozen "thứ 2/3" stays what the page shows even if a later published row appeared
    # elsewhere in the period: only a re-publication re-ranks.
    Assessment.objects.filter(pk=p1.pk).update(result_rank=2, result_rank_of=3)
    results = assessment_sheet(Assessment.objects.get(pk=p1.pk)).results
    assert (results.rank, results.rank_of, results.classification) == (2, 3, "Tốt")


def test_publishing_a_group_tells_each_units_leads_its_frozen_result(round_, groups, secretary):
    from notices.models import Notice, NoticeKind

    chair = get_user_model().objects.create_user("chutich.tp2", full_name="Chủ Tịch Phường Hai")
    Official.objects.create(user=chair, unit=Unit.objects.get(code="P2"), role=Role.CHAIRPERSON)
    _appraise({"P1": "4", "P2": "2", "P3": "3"})
    _publish(round_, groups["wards"], user=secretary)
    notice = Notice.objects.get(user=chair, kind=NoticeKind.PUBLISHED)
    assert notice.text == (
        "Kết quả Chỉ số CCHC Năm 2026 của Phường 2 đã công bố: 8,00 điểm, xếp loại Tốt, "
        "thứ 3/3 trong nhóm “Phường”."
    )
    chair.refresh_from_db()
    assert chair.notices_unread == 1


# --- reading published results per group ----------------------------------------------------


def test_period_results_read_the_frozen_figures_without_summing_scores(round_, groups):
    _appraise({"P1": "2", "P2": "4", "P3": "2", "X1": "1", "X2": "0", "X3": "3"})
    _publish(round_, groups["wards"])
    _publish(round_, groups["communes"])
    # A score changed behind the publication's back does not move the published ranking:
    # only a re-publication does.
    Score.objects.filter(assessment__unit__code="P1", criterion__code="2").update(
        appraised_value=Decimal("0")
    )
    with CaptureQueriesContext(connection) as queries:
        rows = period_results(round_.framework, round_.period)
    assert len(queries) == 2
    assert [(r.assessment.unit.code, r.rank, r.rank_of, r.total) for r in rows] == [
        ("P2", 1, 3, Decimal("10.00")),
        ("P1", 2, 3, Decimal("8.00")),
        ("P3", 2, 3, Decimal("8.00")),
        ("X3", 1, 3, Decimal("9.00")),
        ("X1", 2, 3, Decimal("7.00")),
        ("X2", 3, 3, Decimal("6.00")),
    ]
    recomputed = {
        r.assessment.unit.code: r.total for r in period_totals(round_.framework, round_.period)
    }
    assert recomputed["P1"] == Decimal("6.00")


def test_the_ranking_appendix_prints_each_group_under_its_heading(round_, groups):
    _appraise({"P1": "2", "P2": "4", "P3": "2", "X1": "1", "X2": "0", "X3": "3"})
    _publish(round_, groups["wards"])
    _publish(round_, groups["communes"])
    table = ranking_table(
        round_.framework, round_.period, period_results(round_.framework, round_.period)
    )
    assert [(row.style, row.cells[:2]) for row in table.rows] == [
        ("heading", ["Phường (3 đơn vị)", ""]),
        ("", ["1/3", "Phường 2"]),
        ("", ["2/3", "Phường 1"]),
        ("", ["2/3", "Phường 3"]),
        ("heading", ["Xã (3 đơn vị)", ""]),
        ("", ["1/3", "Xã 3"]),
        ("", ["2/3", "Xã 1"]),
        ("", ["3/3", "Xã 2"]),
    ]
    # A heading row's change cell is blank, not "—".
    assert cell_text(table.columns[5], table.rows[0].cells[5]) == ""
    # In print the group's name runs across the table, not squeezed into the rank column.
    html = pdf.table_html(table)
    assert f'<td colspan="{len(table.columns)}">Phường (3 đơn vị)</td>' in html


def test_the_ranking_page_shows_one_group_at_a_time_and_offers_the_others(
    client, round_, groups, secretary
):
    _appraise({"P1": "2", "P2": "4", "P3": "2", "X1": "1", "X2": "0", "X3": "3"})
    _publish(round_, groups["wards"])
    _publish(round_, groups["communes"])
    client.force_login(secretary)
    url = reverse("dashboard:ranking")
    page = client.get(url).content.decode()
    assert "Năm 2026 – Phường" in page and "Năm 2026 – Xã" in page
    assert "nhóm Phường · 3 đơn vị" in page
    assert "Phường 2" in page and "Xã 3" not in page
    key = f"{round_.period_id}-{round_.framework_id}-{groups['communes'].pk}"
    page = client.get(url, {"ky": key}).content.decode()
    assert "nhóm Xã · 3 đơn vị" in page
    assert ">1/3<" in page and "Xã 3" in page and "Phường 2" not in page
    # An older bookmark (period and framework) opens the first group; nonsense is 404.
    older = client.get(url, {"ky": f"{round_.period_id}-{round_.framework_id}"})
    assert "nhóm Phường" in older.content.decode()
    assert client.get(url, {"ky": f"{key}9"}).status_code == 404


def test_a_big_group_is_ranked_a_page_at_a_time_for_the_same_queries(
    client, round_, groups, secretary, province, monkeypatch
):
    from remediation import dashboard

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    _appraise({"X1": "1", "X2": "0", "X3": "3"})
    _publish(round_, groups["communes"])
    client.force_login(secretary)
    key = f"{round_.period_id}-{round_.framework_id}-{groups['communes'].pk}"
    url = reverse("dashboard:ranking")
    first = client.get(url, {"ky": key}).content.decode()
    assert "Xã 3" in first and "Xã 1" in first and "Xã 2" not in first
    assert "Trang 1/2" in first and "nhóm Xã · 3 đơn vị" in first
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url, {"ky": key, "trang": "2"}).content.decode()
    assert "Xã 2" in second and "Xã 3" not in second and "Trang 2/2" in second
    assert ">3/3<" in second
    # Past the last page: the last one, not an error.
    assert "Trang 2/2" in client.get(url, {"ky": key, "trang": "99"}).content.decode()
    # Twice the units, the same queries.
    for i in range(4, 8):
        UnitFactory(code=f"X{i}", name=f"Xã {i}", kind="xa", parent=province)
    services.round_open(round_=round_)
    _appraise({f"X{i}": "2" for i in range(1, 8)})
    services.group_republish(
        round_=round_, group=groups["communes"], decision="QĐ đính chính", decided_on=TODAY,
        reason="Bổ sung đơn vị",
    )  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        page = client.get(url, {"ky": key, "trang": "2"}).content.decode()
    assert "Trang 2/4" in page
    assert len(more) == len(queries)


def test_a_province_users_scope_is_a_join_on_the_unit_tree_not_a_list_of_its_units(
    round_, province, secretary
):
    from scoring.access import visible_assessments

    def scope():
        queryset = visible_assessments(get_user_model().objects.get(pk=secretary.pk))
        _, params = queryset.query.sql_with_params()
        return len(params), set(queryset.values_list("unit__code", flat=True))

    before, codes = scope()
    assert codes == {"P1", "P2", "P3", "X1", "X2", "X3"}
    district = UnitFactory(code="H1", name="Huyện Một", kind="huyen", parent=province)
    for i in range(4, 40):
        UnitFactory(code=f"X{i}", name=f"Xã {i}", kind="xa", parent=district if i % 2 else province)
    services.round_open(round_=round_)
    after, codes = scope()
    # Every unit below, at any depth, and the same statement: no id per unit in it.
    assert codes >= {f"X{i}" for i in range(4, 40)} and after == before


# --- documents ready before anyone asks ----------------------------------------------------


def _downloads(round_, unit_code: str) -> list[str]:
    from django.urls import reverse

    p = Assessment.objects.get(round=round_, unit__code=unit_code)
    return [
        reverse("documents:assessment_table", args=[p.pk, "bang-diem", "pdf"]),
        reverse("documents:assessment_table", args=[p.pk, "phu-luc", "pdf"]),
        reverse("documents:ranking", args=[round_.framework_id, round_.period_id, "pdf"]),
    ]


def test_a_published_groups_documents_are_rendered_before_anyone_asks(
    client, round_, groups, secretary, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from documents.render import pdf

    settings.DOCUMENTS_PRERENDER = True
    _appraise({"P1": "2", "P2": "4", "P3": "2"})
    renders = []
    real_render = pdf.render_pdf
    monkeypatch.setattr(
        pdf,
        "render_pdf",
        lambda html, **kw: (
            renders.append(html[html.find("<title>") : html.find("</title>")])
            or real_render(html, **kw)
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _publish(round_, groups["wards"], user=secretary)
    # Each ward's score sheet and phụ lục, and the group's ranking: 3 × 2 + 1.
    # Each ward's score sheet and phụ lục and the group's ranking; Phường 1 and 3 lost the same
    # points on the same criterion, so their phụ lục is one document, rendered once.
    assert len(renders) == 6
    assert sum("BẢNG ĐIỂM" in title for title in renders) == 3
    assert sum("KẾT QUẢ XẾP HẠNG" in title for title in renders) == 1
    client.force_login(secretary)
    monkeypatch.setattr(pdf, "render_pdf", lambda html, **kw: pytest.fail("rendered on download"))
    for url in {url for code in ("P1", "P2", "P3") for url in _downloads(round_, code)}:
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), url


def test_without_a_worker_and_a_shared_cache_nothing_is_rendered_at_publication(
    round_, groups, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from documents.render import pdf

    settings.DOCUMENTS_PRERENDER = False  # the default without CELERY_BROKER_URL and CACHE_URL
    _appraise({"P1": "2", "P2": "4", "P3": "2"})
    renders = []
    monkeypatch.setattr(pdf, "render_pdf", lambda html, **kw: renders.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        _publish(round_, groups["wards"])
    assert renders == []


def test_a_render_that_fails_is_retried_then_reported_and_leaves_nothing_in_the_cache(
    round_, groups, settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from django.core.cache import cache

    from documents.render import pdf

    settings.DOCUMENTS_PRERENDER = True
    cache.clear()
    _appraise({"P1": "2", "P2": "4", "P3": "2"})
    attempts = []

    def broken(html, **kw):
        attempts.append(1)
        raise OSError("hết bộ nhớ")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(round_, groups["wards"])
    # The publication stands; the job was tried four times (three retries), then reported.
    assert Assessment.objects.filter(round=round_, status=AssessmentStatus.PUBLISHED).count() == 3
    assert len(attempts) == 4
    assert "Pre-rendering the documents of 3 assessments failed" in caplog.text
    assert not any(":pdf:" in key or key.startswith("pdf:") for key in cache._cache)
