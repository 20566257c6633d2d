"""Division of labour in the appraisal council (issue 13): a round's appraisal split into parts,
each a few fields or criteria given to one appraiser for every unit of the round."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring import services
from scoring.models import (
    AppraisalPart,
    Assessment,
    AssessmentStatus,
    Criterion,
    Official,
    RankingGroup,
    Role,
    Round,
    Score,
    Unit,
)
from scoring.parts import part_leaf_ids
from tests.factories import PeriodFactory, UnitFactory, small_framework_data
from tests.helpers import score_of

pytestmark = pytest.mark.django_db

FIELD_2_LEAVES = ["2.1.1", "2.1.2", "2.2.1", "2.2.2", "2.3.1", "2.3.2", "2.4", "2.5"]
LEGAL = "Lĩnh vực 2 – Sở Tư pháp"
REST = "Các lĩnh vực còn lại – Phòng Nội vụ"


def _appraiser_at(unit_code: str, username: str, full_name: str):
    user = get_user_model().objects.create_user(username, password="x", full_name=full_name)
    Official.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=Role.APPRAISER)
    return user


@pytest.fixture
def town() -> Unit:
    return Unit.objects.get(code="TXQT")


@pytest.fixture
def legal(db):
    """A second member of the town's council, from the justice office (field 2)."""
    return _appraiser_at("TXQT", "tuphap.txqt", "Nguyễn Văn A")


@pytest.fixture
def round_(town, phuong1_2023) -> Round:
    """A 2027 round of the town's five wards and communes, opened."""
    group = RankingGroup.objects.create(
        council_unit=town, name="Phường, xã", kinds=["phuong", "xa"]
    )
    round_ = services.round_create(
        council_unit=town,
        framework=phuong1_2023.framework,
        period=PeriodFactory(year=2027),
        name="Đánh giá CCHC năm 2027",
        groups=[group],
    )
    services.round_open(round_=round_)
    return round_


def _criteria(round_: Round, *codes: str) -> list[Criterion]:
    return list(round_.framework.criteria.filter(code__in=codes))


@pytest.fixture
def parts(round_, legal, appraiser) -> dict[str, AppraisalPart]:
    """Field 2 to the justice office, the six other fields to Phạm Văn Hùng."""
    return {
        "legal": services.part_create(
            round_=round_, name=LEGAL, appraiser=legal, criteria=_criteria(round_, "2")
        ),
        "rest": services.part_create(
            round_=round_,
            name=REST,
            appraiser=appraiser,
            criteria=_criteria(round_, "1", "3", "4", "5", "6", "7"),
        ),
    }


def _submitted(round_: Round, code: str = "TXQT-P1") -> Assessment:
    """The unit's assessment in round 1 of the appraisal, every criterion self-assessed at
    its maximum (set directly: the self-assessment is not what these tests are about)."""
    assessment = Assessment.objects.select_related("unit", "period", "framework").get(
        round=round_, unit__code=code
    )
    assessment.scores.update(self_value=F("maximum"), self_note="Đủ hồ sơ")
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    assessment.refresh_from_db()
    return assessment


def _appraise(assessment: Assessment, user, codes) -> None:
    for code in codes:
        score = score_of(assessment, code)
        services.score_set_appraised(score=score, value=score.maximum, user=user)


def _leaf_codes(round_: Round, *, but=()) -> list[str]:
    leaves = round_.framework.criteria.filter(children__isnull=True).order_by("sort_key")
    return [c.code for c in leaves if c.code.split(".")[0] not in but]


# --- defining parts ---------------------------------------------------------------------------


def test_a_field_covers_every_leaf_below_it_in_one_query(parts, django_assert_num_queries):
    with django_assert_num_queries(1):
        leaves = part_leaf_ids(parts["legal"])
    assert sorted(Criterion.objects.filter(pk__in=leaves).values_list("code", flat=True)) == (
        sorted(FIELD_2_LEAVES)
    )


def test_two_parts_cannot_share_a_criterion_and_the_refusal_names_it(round_, parts, appraiser):
    with pytest.raises(ValidationError) as refused:
        services.part_create(
            round_=round_,
            name="Tiêu chí 2.4 – Phòng Nội vụ",
            appraiser=appraiser,
            criteria=_criteria(round_, "2.4"),
        )
    message = " ".join(refused.value.messages)
    assert f"Tiêu chí 2.4 đã thuộc phần “{LEGAL}” (Nguyễn Văn A)" in message
    assert AppraisalPart.objects.filter(round=round_).count() == 2


def test_a_field_overlapping_a_part_is_refused_with_every_shared_leaf(round_, legal):
    services.part_create(
        round_=round_, name="Thể chế", appraiser=legal, criteria=_criteria(round_, "2.1", "2.4")
    )
    with pytest.raises(ValidationError, match=r"Tiêu chí 2\.1\.1, 2\.1\.2, 2\.4 đã thuộc"):
        services.part_create(
            round_=round_, name="Lĩnh vực 2", appraiser=legal, criteria=_criteria(round_, "2")
        )


def test_a_part_keeps_its_own_criteria_when_edited(round_, parts, appraiser):
    part = services.part_update(
        part=parts["legal"],
        name="Lĩnh vực 2 – Phòng Tư pháp",
        appraiser=parts["legal"].appraiser,
        criteria=_criteria(round_, "2"),
    )
    assert part.name == "Lĩnh vực 2 – Phòng Tư pháp"
    with pytest.raises(ValidationError, match="đã thuộc phần “Các lĩnh vực còn lại"):
        services.part_update(
            part=part,
            name=part.name,
            appraiser=part.appraiser,
            criteria=_criteria(round_, "2", "7.1"),
        )


def test_a_criterion_of_another_framework_is_refused(round_, legal):
    other = services.framework_create(data=small_framework_data(name="Bộ chỉ số khác"))
    foreign = other.criteria.get(code="2")
    with pytest.raises(ValidationError, match="Tiêu chí 2: không thuộc bộ chỉ số"):
        services.part_create(round_=round_, name="Sai bộ", appraiser=legal, criteria=[foreign])


def test_only_an_appraiser_of_the_council_or_above_can_hold_a_part(round_, chairperson):
    field_2 = _criteria(round_, "2")
    with pytest.raises(ValidationError, match="không phải thành viên hội đồng thẩm định"):
        services.part_create(round_=round_, name="A", appraiser=chairperson, criteria=field_2)
    district = UnitFactory(
        code="HLA", name="Huyện Hải Lăng", kind="huyen", parent=Unit.objects.get(code="QTRI")
    )
    Official.objects.create(
        user=chairperson, unit=district, role=Role.APPRAISER
    )  # a council, but another one
    with pytest.raises(ValidationError, match="không phải thành viên hội đồng thẩm định"):
        services.part_create(round_=round_, name="A", appraiser=chairperson, criteria=field_2)
    provincial = _appraiser_at("QTRI", "tuphap.qtri", "Trần Thị Tỉnh")
    part = services.part_create(round_=round_, name="A", appraiser=provincial, criteria=field_2)
    assert part.appraiser == provincial


def test_a_part_needs_a_name_of_its_own_and_some_criteria(round_, parts, legal):
    with pytest.raises(ValidationError, match="Hãy chọn ít nhất một"):
        services.part_create(round_=round_, name="Trống", appraiser=legal, criteria=[])
    with pytest.raises(ValidationError, match="đã có phần việc tên"):
        services.part_create(round_=round_, name=LEGAL, appraiser=legal, criteria=[])


# --- the appraiser's queue --------------------------------------------------------------------


def _progress(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-unit="([^"]+)">(\d+/\d+)<', html))


def test_the_queue_shows_each_unit_with_the_progress_of_exactly_the_appraisers_part(
    client, round_, parts, legal
):
    p1 = _submitted(round_)
    _appraise(p1, legal, ["2.1.1", "2.1.2", "2.4"])
    client.force_login(legal)
    page = client.get(reverse("scoring:queue")).content.decode()
    assert f"Phần việc: {LEGAL}" in page and REST not in page
    assert _progress(page) == {
        "TXQT-P1": "3/8",
        "TXQT-P2": "0/8",
        "TXQT-P3": "0/8",
        "TXQT-AD": "0/8",
        "TXQT-HL": "0/8",
    }
    # The round's units are under the part, not again in the general list.
    assert page.count(reverse("scoring:assessment", args=[p1.pk])) == 1


def test_a_lost_criterion_counts_as_done_only_with_its_reason(client, round_, parts, legal):
    p1 = _submitted(round_)
    services.score_set_appraised(score=score_of(p1, "2.4"), value=Decimal("0"), user=legal)
    services.score_set_appraised(
        score=score_of(p1, "2.5"), value=Decimal("0"), comment="Chưa có báo cáo", user=legal
    )
    client.force_login(legal)
    assert _progress(client.get(reverse("scoring:queue")).content.decode())["TXQT-P1"] == "1/8"


def test_the_queue_of_an_appraiser_without_parts_is_as_before(client, phuong1_2023, appraiser):
    client.force_login(appraiser)
    page = client.get(reverse("scoring:queue")).content.decode()
    assert "Phần việc:" not in page
    assert reverse("scoring:assessment", args=[phuong1_2023.pk]) in page


QUEUE_QUERIES = 14


def test_the_queue_costs_the_same_queries_for_5_units_as_for_50(
    client, round_, parts, legal, town, django_assert_max_num_queries
):
    client.force_login(legal)
    with django_assert_max_num_queries(QUEUE_QUERIES), CaptureQueriesContext(connection) as few:
        page = client.get(reverse("scoring:queue")).content.decode()
    assert len(_progress(page)) == 5
    more = [
        UnitFactory(code=f"TXQT-X{i}", name=f"Xã Thêm {i}", kind="xa", parent=town)
        for i in range(45)
    ]
    services.round_open(round_=round_, units=more)
    with django_assert_max_num_queries(QUEUE_QUERIES), CaptureQueriesContext(connection) as many:
        page = client.get(reverse("scoring:queue")).content.decode()
    assert len(_progress(page)) == 50
    assert len(many) == len(few)


# --- writing only one's own part --------------------------------------------------------------


def test_an_appraiser_writes_the_criteria_of_their_part_and_is_refused_the_others(
    round_, parts, legal
):
    p1 = _submitted(round_)
    services.score_set_appraised(score=score_of(p1, "2.4"), value=Decimal("1"), user=legal)
    with pytest.raises(ValidationError, match=r"Tiêu chí 1\.7: không thuộc phần việc thẩm định"):
        services.score_set_appraised(score=score_of(p1, "1.7"), value=Decimal("1"), user=legal)
    assert score_of(p1, "1.7").appraised_value is None


def test_a_council_member_without_a_part_only_reads(round_, parts):
    p1 = _submitted(round_)
    idle = _appraiser_at("TXQT", "thamdinh2.txqt", "Đỗ Thị Rảnh")
    with pytest.raises(ValidationError, match="không được giao phần nào"):
        services.score_set_appraised(score=score_of(p1, "2.4"), value=Decimal("1"), user=idle)
    with pytest.raises(ValidationError, match="không được giao phần nào"):
        services.assessment_accept_self_values(assessment=p1, user=idle)


def test_a_round_without_parts_is_appraised_by_the_whole_council(round_, appraiser, legal):
    p1 = _submitted(round_)
    for user, code in ((appraiser, "2.4"), (legal, "1.7")):
        services.score_set_appraised(score=score_of(p1, code), value=Decimal("1"), user=user)
    assert score_of(p1, "1.7").updated_by == legal


def test_the_page_lets_the_appraiser_edit_only_their_part_and_names_who_has_the_rest(
    client, round_, parts, legal
):
    p1 = _submitted(round_)
    client.force_login(legal)
    page = client.get(reverse("scoring:assessment", args=[p1.pk])).content.decode()
    inputs = set(re.findall(r'name="(\d+)-version"', page))
    editable = {str(s.pk) for s in p1.scores.filter(criterion__code__in=FIELD_2_LEAVES)}
    assert inputs == editable
    assert "Phụ trách: Phạm Văn Hùng" in page
    # Their field unfolded, the others folded.
    assert '<details class="field" id="field-2" open>' in page
    assert '<details class="field" id="field-1">' in page
    assert f"Bạn phụ trách phần “<strong>{LEGAL}</strong>”" in page


def test_a_page_post_for_a_criterion_outside_the_part_is_refused_with_the_reason(
    client, round_, parts, legal
):
    p1 = _submitted(round_)
    mine, theirs = score_of(p1, "2.1.2"), score_of(p1, "1.7")
    client.force_login(legal)
    response = client.post(
        reverse("scoring:assessment", args=[p1.pk]),
        {
            f"{mine.pk}-value": "1",
            f"{mine.pk}-version": mine.version,
            f"{theirs.pk}-value": "1",
            f"{theirs.pk}-version": theirs.version,
        },
    )
    assert response.status_code == 422
    assert f"Tiêu chí 1.7: thuộc phần “{REST}” do Phạm Văn Hùng thẩm định" in (
        response.content.decode()
    )
    assert Score.objects.filter(assessment=p1, appraised_value__isnull=False).count() == 0


def test_a_page_post_within_the_part_is_saved(client, round_, parts, legal):
    p1 = _submitted(round_)
    mine = score_of(p1, "2.1.2")
    client.force_login(legal)
    response = client.post(
        reverse("scoring:assessment", args=[p1.pk]),
        {f"{mine.pk}-value": "1", f"{mine.pk}-version": mine.version},
    )
    assert response.status_code == 302
    assert score_of(p1, "2.1.2").appraised_value == Decimal("1.00")


def test_accepting_the_units_values_fills_only_the_appraisers_part(client, round_, parts, legal):
    p1 = _submitted(round_)
    client.force_login(legal)
    response = client.post(
        reverse("scoring:action", args=[p1.pk, "accept-self"]), follow=True
    ).content.decode()
    assert "cho 8 tiêu chí" in response
    appraised = Score.objects.filter(assessment=p1, appraised_value__isnull=False)
    assert sorted(appraised.values_list("criterion__code", flat=True)) == sorted(FIELD_2_LEAVES)


# --- the round-1 return and the final appraisal wait for every part ---------------------------


def test_the_return_waits_for_every_part_and_names_the_late_one(round_, parts, legal, appraiser):
    p1 = _submitted(round_)
    _appraise(p1, legal, FIELD_2_LEAVES)
    rest = _leaf_codes(round_, but=("2",))
    _appraise(p1, appraiser, rest[3:])
    deadline = timezone.now() + timedelta(days=7)
    with pytest.raises(ValidationError) as refused:
        services.assessment_return(assessment=p1, response_deadline=deadline, user=appraiser)
    assert refused.value.messages == [
        "Chưa thể gửi kết quả vòng 1: còn 1 phần việc thẩm định chưa xong.",
        f"Phần “{REST}” (Phạm Văn Hùng) còn 3 tiêu chí chưa thẩm định.",
    ]
    _appraise(p1, appraiser, rest[:3])
    services.assessment_return(assessment=p1, response_deadline=deadline, user=appraiser)
    assert Assessment.objects.get(pk=p1.pk).status == AssessmentStatus.RETURNED


def test_finalizing_waits_for_a_lost_criterions_reason_in_every_part(
    round_, parts, legal, appraiser
):
    p1 = _submitted(round_)
    _appraise(p1, appraiser, _leaf_codes(round_, but=("2",)))
    _appraise(p1, legal, FIELD_2_LEAVES)
    services.score_set_appraised(score=score_of(p1, "2.4"), value=Decimal("0"), user=legal)
    Assessment.objects.filter(pk=p1.pk).update(status=AssessmentStatus.ROUND_2)
    with pytest.raises(ValidationError) as refused:
        services.assessment_finalize(assessment=p1, user=appraiser)
    assert (
        f"Phần “{LEGAL}” (Nguyễn Văn A) còn 1 tiêu chí bị trừ điểm chưa ghi lý do."
        in refused.value.messages
    )
    services.score_set_appraised(
        score=score_of(p1, "2.4"), value=Decimal("0"), comment="Không ban hành", user=legal
    )
    services.assessment_finalize(assessment=p1, user=appraiser)
    assert Assessment.objects.get(pk=p1.pk).status == AssessmentStatus.APPRAISED


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the round's division of work (management page) ---------------------------------------------


@pytest.fixture
def secretary(town):
    user = get_user_model().objects.create_user("thuky.txqt", password="x", full_name="Lê Thư Ký")
    Official.objects.create(user=user, unit=town, role=Role.SECRETARY)
    return user


def test_only_those_who_run_the_round_open_its_division_of_work(
    client, round_, secretary, appraiser, chairperson
):
    url = reverse("rounds:parts", args=[round_.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    for outsider in (appraiser, chairperson):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(secretary)
    assert client.get(url).status_code == 200
    assert client.get(reverse("rounds:parts", args=[round_.pk + 999])).status_code == 404


def test_the_secretary_adds_edits_and_removes_parts_and_sees_which_is_late(
    client, round_, secretary, legal, appraiser
):
    client.force_login(secretary)
    url = reverse("rounds:parts", args=[round_.pk])
    field = {c.code: c.pk for c in round_.framework.criteria.filter(code__in=["1", "2", "2.4"])}
    response = client.post(url, {"name": LEGAL, "appraiser": legal.pk, "criteria": field["2"]})
    assert response.status_code == 302
    response = client.post(url, {"name": "Lĩnh vực 1", "appraiser": appraiser.pk,
                                 "criteria": [field["1"], field["2.4"]]})  # fmt: skip
    assert response.status_code == 422
    assert f"Tiêu chí 2.4 đã thuộc phần “{LEGAL}” (Nguyễn Văn A)" in response.content.decode()
    client.post(url, {"name": "Lĩnh vực 1", "appraiser": appraiser.pk, "criteria": field["1"]})
    legal_part = AppraisalPart.objects.get(name=LEGAL)
    p1 = _submitted(round_)
    _appraise(p1, legal, FIELD_2_LEAVES)
    page = client.get(url).content.decode()
    rows = [_text(r) for r in re.findall(r'<tr id="part-\d+">.*?</tr>', page, re.S)]
    assert len(rows) == 2
    legal_row = next(r for r in rows if LEGAL in r)
    first_row = next(r for r in rows if "Lĩnh vực 1" in r)
    assert "8/40 tiêu chí (20%) 1/5 đơn vị xong" in legal_row  # 5 units × 8 criteria
    assert (
        "0/75 tiêu chí (0%)" in first_row
    )  # field 1: 15 leaves and "Chậm nhất" in first_row and "Chậm nhất" not in legal_row
    assert "chưa giao cho phần nào" in page  # fields 3 to 7
    edit = reverse("rounds:part_edit", args=[round_.pk, legal_part.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, {"name": "Lĩnh vực 2", "appraiser": legal.pk, "criteria": field["2"]}
    )
    assert response.status_code == 302
    assert AppraisalPart.objects.get(pk=legal_part.pk).name == "Lĩnh vực 2"
    remove = reverse("rounds:part_remove", args=[round_.pk, legal_part.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert list(AppraisalPart.objects.values_list("name", flat=True)) == ["Lĩnh vực 1"]
    assert score_of(p1, "2.4").appraised_value is not None  # what was appraised stays


def test_a_part_of_another_round_is_not_found_through_this_one(client, round_, parts, secretary):
    other = services.round_create(
        council_unit=round_.council_unit,
        framework=round_.framework,
        period=PeriodFactory(year=2028),
        name="Đánh giá CCHC năm 2028",
        groups=list(round_.groups.all()),
    )
    client.force_login(secretary)
    edit = reverse("rounds:part_edit", args=[other.pk, parts["legal"].pk])
    assert client.get(edit).status_code == 404
