"""Writes go through services: bad input gets a Vietnamese message and changes nothing."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from scoring import services
from scoring.models import Assessment, AssessmentStatus, Criterion, Framework, Score, Unit
from scoring.selectors import assessment_sheet
from tests.factories import PeriodFactory, UnitFactory, small_framework_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework() -> Framework:
    return services.framework_create(data=small_framework_data())


@pytest.fixture
def commune() -> Unit:
    unit = UnitFactory(kind="xa")
    unit.departments.create(name="Văn phòng - Thống kê")
    return unit


@pytest.fixture
def assessment(framework, commune) -> Assessment:
    return services.assessment_create(
        unit=commune, framework=framework, period=PeriodFactory(year=2024)
    )


def _score(assessment, code) -> Score:
    return assessment.scores.select_related("criterion", "assessment__framework").get(
        criterion__code=code
    )


def test_a_framework_whose_parent_does_not_add_up_is_refused_and_nothing_is_saved():
    data = small_framework_data()
    data["criteria"][0]["maximum"] = "5.00"  # children add up to 6
    count = Framework.objects.count(), Criterion.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.framework_create(data=data)
    assert "Tiêu chí 1: điểm tối đa 5,00 khác tổng điểm tối đa các tiêu chí con 6,00." in (
        refused.value.messages
    )
    assert (Framework.objects.count(), Criterion.objects.count()) == count


def test_a_framework_whose_fields_miss_the_total_is_refused():
    with pytest.raises(ValidationError, match="khác điểm tối đa của bộ chỉ số 12,00"):
        services.framework_create(data=small_framework_data(max_total="12.00"))


def test_a_leaf_without_a_method_is_refused():
    data = small_framework_data()
    del data["criteria"][1]["method"]
    with pytest.raises(ValidationError, match="Tiêu chí 2: không có tiêu chí con"):
        services.framework_create(data=data)


def test_activating_a_framework_broken_after_creation_names_the_node(framework):
    framework.is_active = False
    framework.save()
    Criterion.objects.filter(framework=framework, code="1.2").update(maximum=D("3"))
    with pytest.raises(ValidationError, match="Tiêu chí 1: điểm tối đa 6,00 khác tổng"):
        services.framework_activate(framework=framework)
    framework.refresh_from_db()
    assert not framework.is_active


def test_criteria_sort_numerically_within_a_framework(framework):
    parent = framework.criteria.get(code="1")
    for n in (12, 3):
        Criterion.objects.create(
            framework=framework,
            parent=parent,
            code=f"1.{n}",
            title="x",
            maximum=0,
            method="judgement",
        )
    assert list(framework.criteria.values_list("code", flat=True)) == [
        "1",
        "1.1",
        "1.2",
        "1.3",
        "1.12",
        "2",
    ]


def test_opening_an_assessment_gives_every_leaf_a_score_for_its_default_department(assessment):
    scores = {s.criterion.code: s for s in assessment.scores.select_related("criterion")}
    assert sorted(scores) == ["1.1", "1.2", "2"]
    assert scores["1.1"].responsible_department.name == "Văn phòng - Thống kê"
    assert scores["1.1"].maximum == D("4.00")
    assert scores["2"].responsible_department is None


def test_a_framework_for_communes_cannot_assess_a_district(framework):
    district = UnitFactory(kind="huyen")
    with pytest.raises(ValidationError, match="không áp dụng cho"):
        services.assessment_create(unit=district, framework=framework, period=PeriodFactory())
    assert not Assessment.objects.filter(unit=district).exists()


def test_a_unit_has_one_assessment_per_period(assessment):
    with pytest.raises(ValidationError):
        services.assessment_create(
            unit=assessment.unit, framework=assessment.framework, period=assessment.period
        )


def test_a_ratio_score_entered_as_counts_takes_the_computed_value(assessment):
    score = services.score_set_self(score=_score(assessment, "1.1"), value=None, b=44, a=46)
    score.refresh_from_db()
    assert (score.self_value, score.self_b, score.self_a) == (D("3.83"), 44, 46)


def test_a_score_above_the_maximum_is_refused_and_the_old_value_kept(assessment):
    score = _score(assessment, "2")
    services.score_set_self(score=score, value=D("3.00"))
    with pytest.raises(ValidationError) as refused:
        services.score_set_self(score=_score(assessment, "2"), value=D("4.50"))
    assert refused.value.message_dict["self_value"] == [
        "Tiêu chí 2: điểm 4,50 vượt quá điểm tối đa 4,00; hãy nhập từ 0 đến 4,00."
    ]
    assert Score.objects.get(pk=score.pk).self_value == D("3.00")


def test_counts_with_b_above_a_are_refused(assessment):
    with pytest.raises(ValidationError, match=r"Số b \(50\) không được lớn hơn số a \(46\)"):
        services.score_set_appraised(score=_score(assessment, "1.1"), value=None, b=50, a=46)
    assert Score.objects.get(pk=_score(assessment, "1.1").pk).appraised_value is None


def test_the_database_itself_refuses_a_value_above_the_maximum(assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(assessment=assessment, criterion__code="2").update(
            appraised_value=D("4.01")
        )


def test_the_database_itself_refuses_a_second_score_for_a_criterion(assessment):
    score = _score(assessment, "2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            assessment=assessment, criterion=score.criterion, maximum=score.maximum
        )


@pytest.mark.parametrize(
    "b, a", [(5, 0), (None, 4)], ids=["a total of zero", "a total without its count"]
)
def test_the_database_refuses_counts_no_method_takes(assessment, b, a):
    # b > a is a method's rule (a ratio that may pass 100 %), held by the services; the
    # database holds what no method allows.
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(pk=_score(assessment, "1.1").pk).update(appraised_b=b, appraised_a=a)


def test_every_change_to_a_score_is_kept_with_who_and_the_old_value(assessment, chairperson):
    score = _score(assessment, "2")
    services.score_set_appraised(score=score, value=D("4.00"), user=chairperson)
    services.score_set_appraised(
        score=_score(assessment, "2"), value=D("2.50"), comment="Thiếu báo cáo", user=chairperson
    )
    history = list(Score.history.filter(id=score.pk).order_by("history_date"))
    assert [h.appraised_value for h in history[-2:]] == [D("4.00"), D("2.50")]
    assert history[-1].history_user == chairperson
    assert history[-1].appraisal_comment == "Thiếu báo cáo"


def test_recording_a_published_result_is_refused_while_criteria_are_not_appraised(assessment):
    services.score_set_appraised(score=_score(assessment, "2"), value=D("4.00"))
    with pytest.raises(ValidationError, match=r"2 tiêu chí chưa có điểm thẩm định \(1.1, 1.2\)"):
        services.assessment_publish(assessment=assessment, from_record=True)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_a_mid_year_sheet_counts_only_appraised_criteria_as_lost(assessment):
    services.score_set_self(score=_score(assessment, "2"), value=D("4.00"))
    services.score_set_appraised(score=_score(assessment, "2"), value=D("3.00"))
    results = assessment_sheet(assessment).results
    assert results.points_lost == D("1.00")
    assert results.total == D("3.00")
    assert (results.appraised_count, results.leaf_count) == (1, 3)
    assert results.rank is None  # not published: no rank yet


def test_bonus_above_the_framework_cap_is_refused(assessment):
    assessment.bonus = D("1.00")
    with pytest.raises(ValidationError, match="Điểm thưởng 1,00 vượt mức tối đa 0,00"):
        assessment.full_clean()


def test_a_merged_unit_keeps_the_history_of_the_units_it_came_from(phuong1_2023):
    old = list(Unit.objects.filter(parent__code="TXQT"))
    merged = Unit.objects.create(code="QT-PQT", name="Phường Quảng Trị", kind="phuong")
    merged.merged_from.set(old)
    Unit.objects.filter(pk__in=[u.pk for u in old]).update(is_active=False)
    assert set(Unit.objects.get(code="TXQT-P1").merged_into.all()) == {merged}
    assert assessment_sheet(phuong1_2023).results.total == D("91.00")


def test_a_unit_cannot_be_placed_under_its_own_descendant():
    town = Unit.objects.get(code="TXQT")
    town.parent = Unit.objects.get(code="TXQT-P1")
    with pytest.raises(ValidationError, match="Đơn vị cấp trên không được"):
        town.full_clean()


def test_a_second_editor_working_from_an_old_version_is_refused_with_the_other_value(
    assessment, chairperson, appraiser
):
    loaded = _score(assessment, "2")  # both people open the page at version 0
    version = loaded.version
    services.score_set_appraised(
        score=_score(assessment, "2"), value=D("3.50"), user=chairperson, expected_version=version
    )
    with pytest.raises(services.ConcurrentEdit) as refused:
        services.score_set_appraised(
            score=_score(assessment, "2"), value=D("1.00"), user=appraiser, expected_version=version
        )
    assert "Tiêu chí 2: vừa được Lê Thị Huệ sửa" in refused.value.messages[0]
    assert "điểm thẩm định hiện là 3,50" in refused.value.messages[0]
    assert Score.objects.get(pk=loaded.pk).appraised_value == D("3.50")
