"""One style for every refusal about a criterion: "Tiêu chí 1.2.2: what is wrong; what to do"
(issue 14), whichever page or import says it."""

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents import services as documents
from documents.models import LetterKind
from scoring import engine, services
from tests.helpers import fill_self_assessment, score_of

pytestmark = pytest.mark.django_db

STYLE = re.compile(r"^Tiêu chí \d+(\.\d+)*(, \d+(\.\d+)*)*: \S")


@pytest.mark.parametrize(
    ("method", "maximum", "params", "value"),
    [
        ("judgement", "2", {}, "2.5"),
        ("judgement", "2", {}, "-1"),
        ("judgement", "2", {}, "0.505"),
        ("yes_no", "1", {}, "0.5"),
        ("levels", "2", {"levels": [{"label": "Tốt", "percent": "100"}]}, "1"),
    ],
)
def test_every_value_refusal_names_the_criterion_first_and_says_what_to_do(
    method, maximum, params, value
):
    [message] = engine.value_problems("1.2.2", method, D(maximum), params, D(value))
    assert STYLE.match(message), message
    assert "; hãy " in message, message


def test_the_page_the_service_and_the_letter_editor_say_it_the_same_way(
    client, coordinator, chairperson, current_p1, phuong1_2023, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(coordinator)
    score = score_of(current_p1, "1.1.2")
    data = {f"{score.pk}-version": str(score.version), f"{score.pk}-value": "1,5"}
    page = client.post(reverse("scoring:assessment", args=[current_p1.pk]), data)
    over = "Tiêu chí 1.1.2: điểm 1,50 vượt quá điểm tối đa 1,00; hãy nhập từ 0 đến 1,00."
    assert over in page.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.score_set_self(score=score, value=D("1.5"), user=coordinator)
    assert over in refused.value.messages
    # Someone else's newer value.
    services.score_set_self(score=score, value=D("1"), user=coordinator)
    with pytest.raises(ValidationError) as refused:
        services.score_set_self(score=score, value=D("0"), user=coordinator, expected_version=0)
    assert refused.value.messages[0].startswith("Tiêu chí 1.1.2: vừa được")
    # A letter's direction with a date that is no date.
    letter = documents.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN)
    direction = letter.directions.get(criterion_code="1.7")
    form = {"action": "save", f"d-{direction.pk}-action": "", f"d-{direction.pk}-deadline": "x"}
    client.force_login(chairperson)
    page = client.post(reverse("documents:letter_edit", args=[letter.pk]), form)
    assert "Tiêu chí 1.7: thời hạn “x” không phải là ngày" in page.content.decode()


def test_submission_and_appraisal_refusals_start_with_the_criterion(current_p1, coordinator):
    fill_self_assessment(current_p1, coordinator)
    score = score_of(current_p1, "1.1.2")
    services.score_set_self(score=score, value=D("1"), note="", user=coordinator)
    missing = services.self_assessment_missing(current_p1)
    assert missing and all(STYLE.match(m) for m in missing), missing


def test_no_message_in_the_code_puts_the_criterion_after_the_problem():
    """The old phrasing ("… của tiêu chí 1.2.2.", "Mã tiêu chí 1.2 …") is gone from the
    messages the app writes."""
    root = Path(__file__).resolve().parent.parent
    # ("Mã tiêu chí “x” không hợp lệ" stays: a malformed code cannot lead a message.)
    old = re.compile(r"""f["'][^"']*(của tiêu chí \{|Mã tiêu chí \{)""")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for app in ("scoring", "exchange", "documents", "remediation", "rounds", "cchc")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if old.search(line)
    ]
    assert offenders == []
