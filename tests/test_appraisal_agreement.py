"""An appraisal that agrees with the unit: the unit's own note is the reason for the points it
gave up itself, so "Gửi kết quả vòng 1" asks only for the reasons that are truly missing."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring import services
from scoring.models import AssessmentStatus, EvidenceStage
from scoring.models.assessments import AGREED_WITHOUT_NOTE
from tests.helpers import fill_self_assessment, pdf, score_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_below_maximum(current_p1, coordinator):
    """Phường 1 claims full marks except 1.1.2 (with its note) and 1.5.4 (without one)."""
    fill_self_assessment(current_p1, coordinator)
    services.score_set_self(
        score=score_of(current_p1, "1.1.2"),
        value=D("0.5"),
        note="Kế hoạch còn thiếu 2 chỉ tiêu",
        user=coordinator,
    )
    silent = score_of(current_p1, "1.5.4")
    services.score_set_self(score=silent, value=D("1"), note="", user=coordinator)
    services.evidence_add(score=silent, upload=pdf(), stage=EvidenceStage.SELF, user=coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    return current_p1


def _accept(client, assessment):
    return client.post(reverse("scoring:action", args=[assessment.pk, "accept-self"]), follow=True)


def _return(client, assessment):
    return client.post(
        reverse("scoring:action", args=[assessment.pk, "return"]),
        {"response_deadline": "2099-12-31"},
        follow=True,
    )


def test_accepting_takes_the_units_note_as_the_reason_and_round_1_goes_back_without_asking(
    client, appraiser, submitted_below_maximum
):
    assessment = submitted_below_maximum
    client.force_login(appraiser)
    _accept(client, assessment)
    noted, silent = score_of(assessment, "1.1.2"), score_of(assessment, "1.5.4")
    assert (noted.appraised_value, noted.appraisal_comment) == (
        D("0.50"),
        "Kế hoạch còn thiếu 2 chỉ tiêu",
    )
    assert (silent.appraised_value, silent.appraisal_comment) == (D("1.00"), AGREED_WITHOUT_NOTE)
    page = client.get(reverse("scoring:assessment", args=[assessment.pk])).content.decode()
    assert "Đồng ý với đơn vị" in page
    # The reason is editable like any other: it is the text of the row's reason box.
    assert f'name="{noted.pk}-text"' in page and "Kế hoạch còn thiếu 2 chỉ tiêu</textarea>" in page

    response = _return(client, assessment)
    assert "Đã gửi kết quả thẩm định vòng 1 cho đơn vị giải trình." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    assert score_of(assessment, "1.1.2").round1_comment == "Kế hoạch còn thiếu 2 chỉ tiêu"


def test_typing_the_units_own_value_without_a_reason_takes_the_units_note(
    client, appraiser, submitted_below_maximum
):
    assessment = submitted_below_maximum
    score = score_of(assessment, "1.1.2")
    client.force_login(appraiser)
    data = {f"{score.pk}-version": str(score.version), f"{score.pk}-value": "0,5"}
    response = client.post(reverse("scoring:assessment", args=[assessment.pk]), data)
    assert response.status_code == 302
    assert score_of(assessment, "1.1.2").appraisal_comment == "Kế hoạch còn thiếu 2 chỉ tiêu"
    # A value lower than the unit's own still needs the council's reason.
    score = score_of(assessment, "1.1.2")
    data = {
        f"{score.pk}-version": str(score.version),
        f"{score.pk}-value": "0",
        f"{score.pk}-text": "",
    }
    response = client.post(reverse("scoring:assessment", args=[assessment.pk]), data)
    assert response.status_code == 422
    assert "Tiêu chí 1.1.2: điểm thẩm định thấp hơn điểm tối đa" in response.content.decode()


def test_the_refusal_lists_only_what_truly_lacks_a_reason_each_linking_to_its_row(
    client, appraiser, submitted_below_maximum
):
    assessment = submitted_below_maximum
    cut = score_of(assessment, "7.2")
    # An appraised value below the unit's, without a reason (as an imported table may leave it).
    services.score_set_appraised(score=cut, value=D("0"), user=appraiser)
    client.force_login(appraiser)
    _accept(client, assessment)
    page = _return(client, assessment).content.decode()
    assert "Chưa thể gửi kết quả vòng 1: còn 1 tiêu chí chưa xong." in page
    assert f'<a href="#row-{cut.pk}">Tiêu chí 7.2: bị trừ điểm nhưng chưa ghi lý do.</a>' in page
    assert f'id="row-{cut.pk}"' in page
    assert "Tiêu chí 1.1.2: bị trừ" not in page and "Tiêu chí 1.5.4: bị trừ" not in page
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
