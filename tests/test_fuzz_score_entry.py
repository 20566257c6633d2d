"""Fuzzing score entry through the real pages (issue 7).

Random and hostile values go into every input of the assessment page (self-assessment,
appraisal, explanations), its live preview, the cycle's action forms and the evidence upload,
as the coordinator, a staff member or the appraiser send them. Whatever is sent:

- the answer is never a server error;
- a refused page changes nothing (scores, their history, evidence, statuses) and says why in
  Vietnamese, on the page, keeping what the user typed;
- an accepted page stores exactly what the engine reads from the input, within 0..maximum, and
  touches no criterion the form did not change or the user may not edit.

Each example runs in a savepoint rolled back at its end, so all start from the same data.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from scoring import access, engine, services
from scoring.grid import Mode
from scoring.models import Assessment, Evidence, Score, Unit
from tests.fuzzing import (
    HOSTILE_TEXT,
    changed_scores,
    db_state,
    field_values,
    fuzz_settings,
    is_vietnamese,
    rolled_back,
    shown,
    typed_numbers,
)
from tests.helpers import appraise_all, fill_self_assessment

pytestmark = pytest.mark.django_db

FIELDS = ("value", "b", "a", "text", "version")


# --- the worlds the pages are fuzzed in ------------------------------------------------------


@pytest.fixture
def submitted_p1(current_p1, coordinator, appraiser):
    """Phường 1's 2026 assessment sent for appraisal, a third of it appraised already."""
    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    for i, score in enumerate(_leaf_scores(current_p1)):
        if i % 3 == 0:
            services.score_set_appraised(score=score, value=score.maximum, user=appraiser)
    return current_p1


@pytest.fixture
def appraised_p1(submitted_p1, appraiser):
    """Round 1 complete: every criterion appraised, two of them losing points."""
    appraise_all(submitted_p1, appraiser, lose={"1.1.2": "0.50", "7.2": "0"})
    return submitted_p1


@pytest.fixture
def returned_p1(appraised_p1):
    """Round 1 sent back to Phường 1 for explanations (giải trình)."""
    services.assessment_return(
        assessment=appraised_p1, response_deadline=timezone.now() + timedelta(days=7)
    )
    return appraised_p1


def _leaf_scores(assessment: Assessment) -> list[Score]:
    return list(
        assessment.scores.select_related("criterion", "assessment__framework", "assessment__unit")
    )


def _foreign_pks(assessment: Assessment) -> list[int]:
    """Score ids of other assessments: Phường 2 this year, Phường 1 in 2023."""
    others = Score.objects.exclude(assessment=assessment).order_by("pk")
    pks: list[int] = []
    for unit in ("TXQT-P2", "TXQT-P1"):
        pks += others.filter(assessment__unit__code=unit).values_list("pk", flat=True)[:5]
    return pks


# --- what a form may carry ---------------------------------------------------------------------


def _plausible(score: Score, name: str, mode: Mode) -> st.SearchStrategy[str]:
    """Inputs a careful user would send, so that accepted pages are common too."""
    criterion = score.criterion
    if name == "text":
        return st.sampled_from(["", "Đã thực hiện", "Thiếu 1 báo cáo", " Kế hoạch số 12/KH "])
    if name in ("b", "a"):
        return st.integers(0, 60).map(str)
    if criterion.method == engine.Method.YES_NO:
        values = [score.maximum, engine.ZERO]
    elif criterion.method == engine.Method.LEVELS:
        values = [p for _, p in engine.level_choices(criterion.maximum, criterion.params)]
    else:
        cents = int(score.maximum * 100)
        values = [engine.ZERO, score.maximum, *(engine.CENT * c for c in range(0, cents + 1, 7))]
    typed = st.sampled_from(values).map(lambda v: f"{v:.2f}".replace(".", ","))
    return typed | st.just("")


def _version_values(score: Score) -> st.SearchStrategy[str]:
    v = score.version
    return st.one_of(
        st.just(str(v)),
        st.sampled_from([str(v + 1), str(max(v - 1, 0)), "", "-1", "0", "1.0", "²", "٣", "9" * 40]),
        st.text(max_size=8),
    )


@st.composite
def grid_forms(draw, scores: list[Score], foreign: list[int], mode: Mode) -> dict[str, list[str]]:
    """POST data for the assessment page: a few criteria with plausible or hostile inputs,
    fields left out or sent twice, and keys that name nothing or another unit's scores."""
    form: dict[str, list[str]] = {}
    chosen = draw(st.lists(st.sampled_from(scores), max_size=6, unique_by=lambda s: s.pk))
    for score in chosen:
        names = draw(st.sets(st.sampled_from(FIELDS), min_size=1))
        if draw(st.integers(0, 4)):  # mostly sent, as the page does
            names.add("version")
        for name in sorted(names):
            if name == "version":
                strategy = _version_values(score)
            elif draw(st.integers(0, 2)):
                strategy = _plausible(score, name, mode)
            else:
                strategy = field_values(numbers=name != "text")
            repeated = not draw(st.integers(0, 5))  # a field sent twice now and then
            form[f"{score.pk}-{name}"] = draw(
                st.lists(strategy, min_size=1, max_size=3 if repeated else 1)
            )
    for _ in range(draw(st.integers(0, 3))):
        key = draw(
            st.one_of(
                st.builds("{}-{}".format, st.sampled_from(foreign), st.sampled_from(FIELDS)),
                st.sampled_from(
                    ["value", "-value", "abc-value", "999999999-value", "0-text", "--", "1-"]
                ),
                st.text(max_size=12),
            )
        )
        form.setdefault(key, []).append(draw(field_values()))
    return form


def _last(form: dict[str, list[str]], pk: int) -> dict[str, str]:
    """What the server reads for one criterion: the last value of each of its fields."""
    prefix = f"{pk}-"
    return {k[len(prefix) :]: v[-1] for k, v in form.items() if k.startswith(prefix)}


# --- the oracle ------------------------------------------------------------------------------


def _count(raw: str) -> int | None:
    raw = raw.strip().replace(".", "").replace(" ", "")
    return int(raw) if raw else None


def _expected(score: Score, raw: dict[str, str], mode: Mode) -> dict:
    """What an accepted page must have stored for one criterion: the engine's reading of it."""
    text = raw.get("text", "").strip()
    if mode == Mode.RESPOND:
        return {"response": text}
    typed = raw.get("value", "").strip()
    b, a = _count(raw.get("b", "")), _count(raw.get("a", ""))
    value = engine.parse_number(typed) if typed else None
    criterion = score.criterion
    if value is None and b is not None and criterion.method in engine.RATIO_METHODS:
        value = engine.suggested_score(
            criterion.method,
            criterion.maximum,
            criterion.params,
            score.assessment.framework.rounding,
            b=b,
            a=a,
        )
    if mode == Mode.SELF:
        return {"self_value": value, "self_b": b, "self_a": a, "self_note": text}
    if not text and value is not None and value == score.self_value < score.maximum:
        text = score.agreed_reason()  # the council keeps the unit's value: the unit's reason
    return {"appraised_value": value, "appraised_b": b, "appraised_a": a, "appraisal_comment": text}


def _editable(user, mode: Mode, scores: list[Score]) -> set[int]:
    if mode == Mode.SELF:
        return {s.pk for s in scores if access.may_enter_self_for(user, s)}
    return {s.pk for s in scores}


def _check_accepted(before, after, form, scores, editable, mode):
    by_pk = {s.pk: s for s in scores}
    changed = changed_scores(before, after)
    posted = {pk for pk in by_pk if _last(form, pk)}
    assert changed <= posted & editable, "a criterion changed that the form did not edit"
    assert after["score_history"] - before["score_history"] == len(changed)
    assert after["evidence"] == before["evidence"]
    assert after["assessments"] == before["assessments"]
    for pk in changed:
        stored = Score.objects.get(pk=pk)
        for field, expected in _expected(by_pk[pk], _last(form, pk), mode).items():
            assert getattr(stored, field) == expected, (field, _last(form, pk))
        for field in ("self_value", "appraised_value"):
            value = getattr(stored, field)
            assert value is None or 0 <= value <= stored.maximum
            assert value is None or value == value.quantize(engine.CENT)


def _check_refused(before, after, form, response, editable):
    assert after == before, "a refused page changed something"
    page = response.content.decode()
    assert shown("Chưa lưu gì", page)
    errors = [m for _, messages in response.context["grid_errors"] for m in messages]
    assert errors
    for message in errors:
        assert is_vietnamese(message), message
        assert shown(message, page), message
    for pk in editable:
        raw = _last(form, pk)
        if "text" in raw:  # what the user typed is still in its box
            assert shown(raw["text"], page), raw["text"][:80]


def _post_and_check(user, assessment, form, mode, scores):
    editable = _editable(user, mode, _leaf_scores(assessment))  # as the unit now says
    client = Client()
    client.force_login(user)
    before = db_state()
    preview = client.post(reverse("scoring:preview", args=[assessment.pk]), form)
    assert preview.status_code == 200
    assert db_state() == before, "the live preview wrote something"
    response = client.post(reverse("scoring:assessment", args=[assessment.pk]), form)
    assert response.status_code in (302, 422), response.status_code
    after = db_state()
    event(f"{mode.value}: {'accepted' if response.status_code == 302 else 'refused'}")
    if response.status_code == 302:
        _check_accepted(before, after, form, scores, editable, mode)
    else:
        _check_refused(before, after, form, response, editable)


# --- the tests -------------------------------------------------------------------------------


@fuzz_settings(max_examples=25)
@given(data=st.data())
def test_self_assessment_inputs_never_break_the_page_or_half_save(
    data, current_p1, coordinator, staff, chairperson
):
    scores = _leaf_scores(current_p1)
    foreign = _foreign_pks(current_p1)
    with rolled_back():
        user = data.draw(st.sampled_from([coordinator, staff]), label="user")
        if data.draw(st.booleans(), label="entry by department"):
            Unit.objects.filter(pk=current_p1.unit_id).update(self_entry_by_department=True)
        form = data.draw(grid_forms(scores, foreign, Mode.SELF), label="form")
        if data.draw(st.booleans(), label="someone saved meanwhile"):
            score = data.draw(st.sampled_from(scores))
            services.score_set_self(score=score, value=score.maximum, note="x", user=chairperson)
        _post_and_check(user, current_p1, form, Mode.SELF, scores)


@fuzz_settings(max_examples=20)
@given(data=st.data())
def test_appraisal_inputs_never_break_the_page_or_half_save(data, submitted_p1, appraiser):
    scores = _leaf_scores(submitted_p1)
    foreign = _foreign_pks(submitted_p1)
    with rolled_back():
        form = data.draw(grid_forms(scores, foreign, Mode.APPRAISE), label="form")
        if data.draw(st.booleans(), label="someone saved meanwhile"):
            score = data.draw(st.sampled_from(scores))
            services.score_set_appraised(score=score, value=score.maximum, user=appraiser)
        _post_and_check(appraiser, submitted_p1, form, Mode.APPRAISE, scores)


@fuzz_settings(max_examples=10)
@given(data=st.data())
def test_explanation_inputs_never_break_the_page_or_half_save(data, returned_p1, coordinator):
    scores = _leaf_scores(returned_p1)
    with rolled_back():
        form = data.draw(grid_forms(scores, _foreign_pks(returned_p1), Mode.RESPOND), label="form")
        _post_and_check(coordinator, returned_p1, form, Mode.RESPOND, scores)


@fuzz_settings(max_examples=15)
@given(
    action=st.sampled_from(["return", "publish", "round2", "accept-self", "finalize", "submit"]),
    fields=st.dictionaries(
        st.sampled_from(["response_deadline", "decision", "csrfmiddlewaretoken", "x"]),
        st.one_of(
            st.sampled_from(
                ["2027-01-31", "31/01/2027", "0001-01-01", "9999-12-31", "2020-02-30", "Q" * 400]
            ),
            st.dates().map(str),
            st.sampled_from(HOSTILE_TEXT),
            typed_numbers(),
        ),
    ),
)
def test_the_cycles_action_forms_refuse_bad_input_in_vietnamese(
    action, fields, appraised_p1, appraiser
):
    with rolled_back():
        client = Client()
        client.force_login(appraiser)
        before = db_state()
        url = reverse("scoring:action", args=[appraised_p1.pk, action])
        response = client.post(url, fields, follow=True)
        # 403: an action the appraiser may not take here (submit), refused with the reason.
        assert response.status_code in (200, 403)
        if response.status_code == 403:
            assert db_state() == before
            return
        page = response.content.decode()
        messages = list(response.context["messages"])
        if any(m.level_tag == "error" for m in messages):
            assert db_state()["assessments"] == before["assessments"]
        for message in map(str, messages):
            assert is_vietnamese(message), message
            assert shown(message, page), message


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@fuzz_settings(max_examples=12)
@given(
    content=st.one_of(
        st.sampled_from([PDF, PNG, b"", b"<html><script>alert(1)</script></html>", b"PK\x03\x04"]),
        st.binary(max_size=200),
        st.binary(max_size=100).map(lambda b: PDF[:9] + b),
    ),
    name=st.one_of(
        st.sampled_from(
            ["bao-cao.pdf", "anh.png", "a.PDF", "x.exe", ".pdf", "../../etc/passwd.pdf", "a" * 300]
        ),
        # SimpleUploadedFile itself refuses a name that is only a folder ("x/"), as a browser
        # never sends one.
        st.text(min_size=1, max_size=40).filter(
            lambda n: os.path.basename(n) not in ("", ".", "..")
        ),
    ),
)
def test_evidence_uploads_are_kept_whole_or_refused_in_vietnamese(
    content, name, current_p1, coordinator
):
    score = _leaf_scores(current_p1)[0]
    url = reverse("scoring:criterion", args=[current_p1.pk, score.pk])
    with rolled_back():
        client = Client()
        client.force_login(coordinator)
        before = db_state()
        upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
        response = client.post(url, {"file": upload}, follow=True)
        assert response.status_code == 200
        after = db_state()
        assert after["scores"] == before["scores"]
        page = response.content.decode()
        messages = list(response.context["messages"])
        for message in map(str, messages):
            assert is_vietnamese(message), message
            assert shown(message, page), message
        if any(m.level_tag == "error" for m in messages):
            event("evidence refused")
            assert after == before
        else:
            event("evidence kept")
            assert len(after["evidence"]) == len(before["evidence"]) + 1
            kept = Evidence.objects.latest("pk")
            with kept.file.open("rb") as stored:
                assert stored.read() == content
