"""A saved draft letter's PDF preview is rendered by the worker, so that the office's and the
signer's first download is a cache hit (documents.prerender.draft_letter)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents import services
from documents.models import LetterKind
from documents.render import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """The titles of the documents WeasyPrint renders from now on."""
    seen = []
    real_render = pdf.render_pdf

    def counting(html, **kw):
        seen.append(html[html.find("<title>") + 7 : html.find("</title>")])
        return real_render(html, **kw)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return seen


def _no_render(monkeypatch):
    monkeypatch.setattr(pdf, "render_pdf", lambda html, **kw: pytest.fail("rendered on download"))


def _preview(client, letter):
    return client.get(reverse("documents:letter_download", args=[letter.pk, "pdf"]))


def test_a_new_draft_is_rendered_before_anyone_opens_it(
    client, settings, phuong1_2023, chairperson, renders, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.DOCUMENTS_PRERENDER = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        letter = services.letter_create(
            assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
        )
    assert len(callbacks) == 1 and len(renders) == 1
    client.force_login(chairperson)
    _no_render(monkeypatch)
    response = _preview(client, letter)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_save_in_the_composer_renders_the_saved_draft_once(
    client, settings, phuong1_2023, chairperson, renders, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    letter = services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
    )
    settings.DOCUMENTS_PRERENDER = True
    paragraph = letter.paragraphs.exclude(kind="directions").first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # The composer's save: the header, then the body, in one transaction.
        services.letter_update(letter=letter, fields={"subject": "Về việc chấn chỉnh CCHC"})
        services.letter_save_body(
            letter=letter, paragraphs={paragraph.pk: "Đoạn văn đã sửa."}, directions={}
        )
    assert len(callbacks) == 1 and len(renders) == 1
    client.force_login(chairperson)
    _no_render(monkeypatch)
    assert _preview(client, letter).content.startswith(b"%PDF")


def test_without_a_worker_and_a_shared_cache_a_draft_is_rendered_when_opened(
    settings, phuong1_2023, chairperson, renders, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_PRERENDER = False  # the default without CELERY_BROKER_URL and CACHE_URL
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson)
    assert callbacks == [] and renders == []


def test_a_preview_that_fails_to_render_is_retried_then_reported(
    settings, phuong1_2023, chairperson, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from django.core.cache import cache

    settings.DOCUMENTS_PRERENDER = True
    attempts = []

    def broken(html, **kw):
        attempts.append(1)
        raise OSError("hết bộ nhớ")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.letter_create(
            assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
        )
    assert letter.pk and len(attempts) == 4  # the draft stands; three retries
    assert f"Pre-rendering the preview of letter {letter.pk} failed" in caplog.text
    assert not any(key.startswith(":1:pdf:") or "pdf:" in key for key in cache._cache)
