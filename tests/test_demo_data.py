"""The demo data reproduces seed 002 (Phường 1, 2023, 91,00 points, Tốt, 3rd of 5, +9,18) and
shows 2026 as the province runs it since the 2025 reform."""

from datetime import date
from decimal import Decimal as D
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice
from scoring import services
from scoring.access import may_appraise, may_run_rounds, may_submit
from scoring.demo import load_demo
from scoring.models import (
    AppraisalPart,
    Assessment,
    AssessmentStatus,
    Criterion,
    Department,
    Framework,
    Official,
    RankingGroup,
    Role,
    Round,
    Score,
    Unit,
)
from scoring.selectors import assessment_sheet, framework_problems, period_results
from tests.seed002 import ROWS, TOTALS

pytestmark = pytest.mark.django_db


def test_phuong_1_2023_totals_91_classified_tot_ranked_3_of_5_up_9_18(phuong1_2023):
    results = assessment_sheet(phuong1_2023).results
    assert results.total == D("91.00")
    assert results.percentage == D("91.00")
    assert results.classification == "Tốt"
    assert (results.rank, results.rank_of) == (3, 5)
    assert results.previous_total == D("81.82")
    assert results.change == D("9.18")
    assert results.points_lost == D("9.00")


def test_phuong_1_2023_loses_points_exactly_on_the_seed_appendix_rows(phuong1_2023):
    sheet = assessment_sheet(phuong1_2023)
    published = [
        (row.criterion.code, row.maximum, row.self_value, row.appraised, row.lost)
        for row in sheet.lost_rows
    ]
    assert published == ROWS
    totals = tuple(sum((r[i] for r in published), D(0)) for i in range(1, 5))
    assert totals == TOTALS


def test_the_seed_reasons_and_responsibilities_are_kept(phuong1_2023):
    score = phuong1_2023.scores.get(criterion__code="3.12.2")
    assert score.appraisal_comment == "73/757 hồ sơ có thanh toán trực tuyến"
    assert score.responsible_note == "Công chức Văn phòng - Thống kê (phụ trách CCHC)"
    assert score.responsible_department.name == "Văn phòng - Thống kê"
    assert (score.appraised_b, score.appraised_a) == (73, 757)
    assert phuong1_2023.published_decision.startswith("Quyết định số 1299/QĐ-UBND")


def test_where_the_entered_score_differs_from_what_the_counts_give_the_sheet_says_so(
    phuong1_2023,
):
    # The sample framework cuts off at two decimals; the council printed 782/903 as 0,87.
    flagged = {
        row.criterion.code: row.counts_suggest
        for row in assessment_sheet(phuong1_2023).rows
        if row.counts_suggest is not None
    }
    assert flagged == {"3.13.3": D("0.86")}


def test_the_2023_ranking_of_the_five_communes(phuong1_2023):
    rows = period_results(phuong1_2023.framework, phuong1_2023.period)
    assert [(r.assessment.unit.code, r.total, r.rank) for r in rows] == [
        ("TXQT-P2", D("94.25"), 1),
        ("TXQT-P3", D("92.50"), 2),
        ("TXQT-P1", D("91.00"), 3),
        ("TXQT-AD", D("88.75"), 4),
        ("TXQT-HL", D("86.40"), 5),
    ]


def test_the_sample_framework_is_sound_and_labelled_as_a_sample():
    framework = Framework.objects.get()
    assert framework_problems(framework) == []
    assert framework.is_active
    assert framework.max_total == D("100.00")
    assert "mẫu" in framework.name
    fields = framework.criteria.filter(parent=None).order_by("sort_key")
    assert [f.code for f in fields] == ["1", "2", "3", "4", "5", "6", "7"]
    for code, maximum, *_ in ROWS:
        criterion = framework.criteria.get(code=code)
        assert criterion.maximum == maximum
        assert not criterion.children.exists()


def test_the_demo_has_the_five_communes_of_thi_xa_quang_tri_with_their_departments():
    town = Unit.objects.get(code="TXQT")
    assert sorted(town.children.values_list("name", flat=True)) == [
        "Phường 1",
        "Phường 2",
        "Phường 3",
        "Phường An Đôn",
        "Xã Hải Lệ",
    ]
    names = set(Department.objects.filter(unit__code="TXQT-P1").values_list("name", flat=True))
    assert {
        "Văn phòng - Thống kê",
        "Tư pháp - Hộ tịch",
        "Bộ phận tiếp nhận và trả kết quả",
    } <= names


def test_loading_the_demo_again_changes_nothing():
    models = (Unit, Department, Official, Framework, Criterion, Assessment, Score)
    before = {m: m.objects.count() for m in models}
    history_before = Score.history.count()
    report = load_demo(province_2026=False, legacy_round=True)  # the tests' world, loaded once
    assert report.created == []
    assert {m: m.objects.count() for m in models} == before
    assert Score.history.count() == history_before


def test_loading_the_demo_again_keeps_what_users_changed(phuong1_2023):
    score = phuong1_2023.scores.get(criterion__code="1.5.4")
    score.appraisal_comment = "Đã sửa"
    score.save()
    load_demo(province_2026=False, legacy_round=True)
    score.refresh_from_db()
    assert score.appraisal_comment == "Đã sửa"


# --- 2026: the province after the 2025 reform (what `manage.py load_demo` shows) --------------
#
# The session's demo is the tests' world (Phường 1 still open in 2026); each test below loads
# the province's story on top of it, inside the test's transaction, which is rolled back.

REFORM = date(2025, 7, 1)
WARDS = ["Phường Nam Đông Hà", "Phường Quảng Trị", "Phường Đông Hà", "Phường Đồng Hới"]
COMMUNES = [
    "Xã Cửa Tùng", "Xã Cửa Việt", "Xã Gio Linh", "Xã Hải Lăng", "Xã Lệ Thủy", "Xã Triệu Phong",
    "Xã Vĩnh Linh", "Đặc khu Cồn Cỏ",
]  # fmt: skip
DEPARTMENTS = ["Sở Nội vụ", "Sở Tư pháp", "Sở Xây dựng", "Sở Y tế"]
NEW_ACCOUNTS = {
    "thuky.snv": ("QTRI", Role.SECRETARY),
    "thamdinh.snv": ("QTRI", Role.APPRAISER),
    "thamdinh.stp": ("QTRI", Role.APPRAISER),
    "chutich.pqt": ("QT-QUANGTRI", Role.CHAIRPERSON),
    "cchc.pqt": ("QT-QUANGTRI", Role.COORDINATOR),
    "motcua.pqt": ("QT-QUANGTRI", Role.STAFF),
    "cchc.snv": ("QT-SNV", Role.COORDINATOR),
}


def test_loading_the_province_prints_what_it_made_and_loading_again_changes_nothing():
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    assert "  - Đơn vị Phường Quảng Trị" in printed
    assert "  - Đợt đánh giá “Chỉ số CCHC năm 2026 của phường, xã, đặc khu”: 12 đơn vị" in printed
    assert "  - Bản đánh giá Phường Đông Hà năm 2026: trả lại để giải trình" in printed
    assert "  - Đơn vị Thị xã Quảng Trị: giải thể, sáp nhập từ 01/07/2025" in printed
    assert "thuky.snv" in printed and "cchc-demo-2024" in printed
    before = _everything()

    report = load_demo()

    assert report.created == []
    assert _everything() == before


@pytest.fixture(scope="module")
def _province_story(django_db_setup, django_db_blocker):
    """The province's story, loaded as `manage.py load_demo` loads it, once for the tests
    below (a few seconds), in a transaction rolled back after them: each test's own
    transaction is a savepoint inside it. The tests using it come last in this module."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def province(_province_story, db) -> Unit:
    return Unit.objects.get(code="QTRI")


def _round(framework_level: str) -> Round:
    return Round.objects.select_related("framework", "period").get(
        framework__unit_level=framework_level, period__year=2026
    )


def _progress(assessment: Assessment) -> str:
    """Where a unit stands, as the council's board would show it."""
    if assessment.status != AssessmentStatus.DRAFT:
        return assessment.status
    entered = assessment.scores.filter(self_value__isnull=False).count()
    if entered == 0:
        return "not started"
    return "in progress" if entered < assessment.scores.count() else "entered"


def _everything() -> dict:
    counted = (
        Unit, Department, Official, get_user_model(), Framework, Criterion, RankingGroup, Round,
        AppraisalPart, Assessment, Score, Notice,
    )  # fmt: skip
    counts = {m.__name__: m.objects.count() for m in counted}
    counts["score history"] = Score.history.count()
    counts["assessment history"] = Assessment.history.count()
    counts["statuses"] = sorted(
        Assessment.objects.values_list("unit__code", "period__year", "status")
    )
    return counts


def test_the_town_and_its_five_communes_are_dissolved_with_their_2022_2023_results_kept(province):
    old = Unit.objects.filter(
        code__in=["TXQT", *[f"TXQT-{c}" for c in ("P1", "P2", "P3", "AD", "HL")]]
    )
    assert {(u.is_active, u.dissolved_on) for u in old} == {(False, REFORM)}
    phuong1_2023 = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    results = assessment_sheet(phuong1_2023).results
    assert (results.total, results.classification, results.rank, results.rank_of) == (
        D("91.00"), "Tốt", 3, 5,
    )  # fmt: skip
    assert results.change == D("9.18")
    rows = period_results(phuong1_2023.framework, phuong1_2023.period)
    assert [(r.assessment.unit.code, r.total, r.rank) for r in rows] == [
        ("TXQT-P2", D("94.25"), 1),
        ("TXQT-P3", D("92.50"), 2),
        ("TXQT-P1", D("91.00"), 3),
        ("TXQT-AD", D("88.75"), 4),
        ("TXQT-HL", D("86.40"), 5),
    ]
    assert [row.lost for row in assessment_sheet(phuong1_2023).lost_rows] == [r[4] for r in ROWS]


def test_phuong_quang_tri_and_xa_cua_tung_are_formed_from_the_old_units(province):
    quang_tri = Unit.objects.get(name="Phường Quảng Trị")
    assert quang_tri.parent == province and quang_tri.is_active
    assert quang_tri.established_on == REFORM
    assert sorted(quang_tri.merged_from.values_list("name", flat=True)) == [
        "Phường 1", "Phường 2", "Phường 3", "Phường An Đôn", "Xã Hải Lệ",
    ]  # fmt: skip
    cua_tung = Unit.objects.get(name="Xã Cửa Tùng")
    old = cua_tung.merged_from.select_related("parent")
    assert sorted(u.name for u in old) == [
        "Thị trấn Cửa Tùng", "Xã Hiền Thành", "Xã Kim Thạch", "Xã Vĩnh Giang",
    ]  # fmt: skip
    assert {(u.parent.name, u.is_active, u.dissolved_on) for u in old} == {
        ("Huyện Vĩnh Linh", False, REFORM)
    }
    assert not Unit.objects.get(name="Huyện Vĩnh Linh").is_active
    assert not Assessment.objects.filter(unit__in=old).exists()


def test_the_council_ranks_wards_communes_and_departments_in_three_groups(province):
    groups = RankingGroup.objects.filter(council_unit=province).order_by("position")
    assert [(g.name, g.kinds) for g in groups] == [
        ("Phường", ["phuong"]),
        ("Xã và đặc khu", ["xa", "dac_khu"]),
        ("Sở, ban, ngành", ["so_nganh"]),
    ]
    covered = {}
    for round_ in Round.objects.filter(council_unit=province, period__year=2026):
        for unit, group in services.round_units(round_):
            covered.setdefault(group.name, []).append(unit.name)
    assert covered == {"Phường": WARDS, "Xã và đặc khu": COMMUNES, "Sở, ban, ngành": DEPARTMENTS}
    opened = Assessment.objects.filter(period__year=2026, round__council_unit=province)
    assert set(opened.values_list("ranking_group__name", flat=True)) == {
        "Phường", "Sở, ban, ngành", "Xã và đặc khu",
    }  # fmt: skip
    assert opened.count() == len(WARDS) + len(COMMUNES) + len(DEPARTMENTS)


def test_each_new_unit_has_its_departments_and_every_score_one_of_them(province):
    commune_departments = {
        "Văn phòng - Thống kê",
        "Tư pháp - Hộ tịch",
        "Bộ phận tiếp nhận và trả kết quả",
    }
    for name in [*WARDS, *COMMUNES]:
        names = set(Department.objects.filter(unit__name=name).values_list("name", flat=True))
        assert commune_departments <= names, name
    for name in DEPARTMENTS:
        names = set(Department.objects.filter(unit__name=name).values_list("name", flat=True))
        assert {"Văn phòng Sở", "Phòng Kế hoạch - Tài chính"} < names, name
        assert len(names) >= 4
    opened = Score.objects.filter(assessment__round__council_unit=province)
    assert opened.exists() and not opened.filter(responsible_department=None).exists()


def test_the_departments_are_scored_on_a_sample_department_framework_that_adds_up(province):
    framework = _round("department").framework
    assert framework.unit_level == "department" and framework.is_active
    assert "mẫu minh họa" in framework.name
    assert framework_problems(framework) == []
    assert framework.max_total == D("100.00")
    fields = framework.criteria.filter(parent=None).order_by("sort_key")
    assert [f.code for f in fields] == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    # Content 9 (bonus and penalty items) stands outside the total.
    assert sum(f.maximum for f in fields if f.code != "9") == D("100.00")
    # The 2026 round shows the newer ways to score in the browser (issue 16): survey criteria,
    # a stepped ratio, "không phát sinh" rules with rescaling, itemised bonus and penalty.
    criteria = {c.code: c for c in framework.criteria.all()}
    assert framework.rescales
    assert [criteria[c].source for c in ("8.1", "8.2")] == ["survey", "survey"]
    assert (criteria["8.1"].method, criteria["8.2"].method) == ("percent", "percent_steps")
    assert criteria["6.1"].method == "ratio_steps" and criteria["7.4"].method == "deduction"
    assert (criteria["3.5"].when_none, criteria["3.6"].when_none) == ("full", "not_assessed")
    assert [criteria[c].kind for c in ("9.1", "9.2", "9.3", "9.4")] == [
        "bonus", "bonus", "penalty", "penalty",
    ]  # fmt: skip
    reported = Score.objects.filter(
        assessment__framework=framework, criterion__code="3.6", self_not_assessed=True
    )
    assert reported.exists() and not reported.filter(self_value__isnull=False).exists()
    assert not Score.objects.filter(
        assessment__framework=framework, criterion__source="survey", self_value__isnull=False
    ).exists()
    assert framework.bands() == [
        ("Xuất sắc", D("90.00")), ("Tốt", D("80.00")), ("Khá", D("70.00")),
        ("Trung bình", D("50.00")), ("Yếu", D("0.00")),
    ]  # fmt: skip
    assessed = Assessment.objects.filter(framework=framework).select_related("unit")
    assert sorted(a.unit.name for a in assessed) == DEPARTMENTS
    assert {a.unit.kind for a in assessed} == {"so_nganh"}
    commune_round = _round("commune")
    assert commune_round.framework.name == "Bộ chỉ số CCHC cấp xã (mẫu minh họa)"


def test_the_2026_rounds_show_units_at_every_step_of_the_cycle(province):
    steps = {
        a.unit.name: _progress(a)
        for a in Assessment.objects.filter(
            period__year=2026, round__council_unit=province
        ).select_related("unit")
    }
    assert steps["Phường Quảng Trị"] == "in progress"
    assert [u for u, s in steps.items() if s == AssessmentStatus.RETURNED] == ["Phường Đông Hà"]
    assert [u for u, s in steps.items() if s == "not started"] == ["Xã Cửa Việt"]
    submitted = sorted(u for u, s in steps.items() if s == AssessmentStatus.SUBMITTED)
    assert len(submitted) >= 4 and "Sở Tư pháp" in submitted
    assert {steps[name] for name in ("Sở Nội vụ", "Sở Y tế", "Sở Xây dựng")} == {"in progress"}
    # Nothing the unit entered lacks what submitting asks for.
    quang_tri = Assessment.objects.get(unit__name="Phường Quảng Trị", period__year=2026)
    entered = quang_tri.scores.filter(self_value__isnull=False).select_related("updated_by")
    assert {s.updated_by.username for s in entered} == {"motcua.pqt"}
    assert all(s.self_note for s in entered)
    # Deadlines are counted from today, at 17:00: self-assessment in 20 days, explanations 35,
    # appraisal 50.
    round_ = _round("commune")
    deadlines = [round_.self_deadline, round_.response_deadline, round_.appraisal_deadline]
    today = timezone.localdate()
    assert [(timezone.localtime(d).date() - today).days for d in deadlines] == [20, 35, 50]
    assert {timezone.localtime(d).strftime("%H:%M") for d in deadlines} == {"17:00"}
    assert quang_tri.self_entry_open()


def test_the_returned_ward_lost_points_with_the_councils_reasons_by_each_appraisers_field(province):
    dong_ha = Assessment.objects.get(unit__name="Phường Đông Hà", period__year=2026)
    assert dong_ha.response_open()
    scores = list(dong_ha.scores.select_related("criterion", "updated_by"))
    assert all(s.appraised_value is not None for s in scores)
    cut = {s.criterion.code: s for s in scores if s.appraised_value < s.self_value}
    assert sorted(cut) == ["1.7", "2.1.2", "3.5.1", "7.4.1"]
    assert cut["3.5.1"].round1_value == D("2.66")  # 1.412/1.587 of 3 points, cut off
    assert cut["3.5.1"].appraisal_comment.startswith("1.412/1.587 hồ sơ giải quyết đúng hạn")
    assert all(s.appraisal_comment for s in scores if s.appraised_value < s.maximum)
    by_field = {(s.criterion.code.split(".")[0], s.updated_by.username) for s in scores}
    assert {who for field, who in by_field if field == "2"} == {"thamdinh.stp"}
    assert {who for field, who in by_field if field != "2"} == {"thamdinh.snv"}
    assert dong_ha.response_deadline == _round("commune").response_deadline


def test_the_appraisal_parts_divide_the_commune_framework_without_overlap(province):
    round_ = _round("commune")
    parts = {p.appraiser.username: p for p in round_.parts.select_related("appraiser")}
    assert sorted(parts) == ["thamdinh.snv", "thamdinh.stp"]

    def leaves(part) -> set[str]:
        codes = list(part.criteria.values_list("code", flat=True))
        return {
            c.code
            for c in round_.framework.criteria.filter(children__isnull=True)
            if c.code.split(".")[0] in codes
        }

    legal, rest = leaves(parts["thamdinh.stp"]), leaves(parts["thamdinh.snv"])
    assert legal and not legal & rest
    assert legal | rest == set(
        round_.framework.criteria.filter(children__isnull=True).values_list("code", flat=True)
    )
    assert {c.split(".")[0] for c in legal} == {"2"}


def test_the_province_accounts_sign_in_and_hold_their_roles(province, client):
    User = get_user_model()
    for username, (unit_code, role) in NEW_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.has_usable_password(), username
        assert Official.objects.filter(user=user, unit__code=unit_code, role=role).exists()
    for username in ("thuky.snv", "cchc.pqt"):
        signed_in = client.post(
            reverse("login"), {"username": username, "password": "cchc-demo-2024"}
        )
        assert signed_in.status_code == 302, username
    secretary = User.objects.get(username="thuky.snv")
    assert may_run_rounds(secretary, province.pk)
    quang_tri = Assessment.objects.get(unit__name="Phường Quảng Trị", period__year=2026)
    for username in ("thamdinh.snv", "thamdinh.stp"):
        assert may_appraise(User.objects.get(username=username), quang_tri)
    assert may_submit(User.objects.get(username="cchc.pqt"), quang_tri)
    assert not may_submit(User.objects.get(username="motcua.pqt"), quang_tri)
    # The seed 002 people keep their accounts and their (now dissolved) units.
    assert Official.objects.filter(user__username="chutich.p1", unit__code="TXQT-P1").exists()
