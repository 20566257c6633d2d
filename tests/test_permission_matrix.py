"""Every URL of the project × every kind of visitor, with the answer each one must get.

The matrix below is the permission policy in one table: one entry per URL name, the objects
its URL names (Phường 1's assessments, a score, an evidence file, a task, a letter, …) and
what each persona gets for GET and, where the view takes it, for POST. Each cell is its own
test, run in its own rolled-back transaction, so a POST that succeeds changes nothing for the
other cells.

The URL patterns are read from the project's resolver: a new URL without an entry fails
(`test_every_url_has_an_entry_in_the_matrix`), and so does an entry whose URL is gone. The
admin site's URLs are checked as a group at the end, as are files served straight from disk.

Personas, left to right in every row:

- ``anon``: not signed in;
- ``staff``: Trần Văn Minh, specialist at Phường 1's one-stop desk (motcua.p1);
- ``office``: Nguyễn Thị Thu Hà, Phường 1's CCHC coordinator (cchc.p1), who manages the
  ward's tasks and letters;
- ``other``: Hoàng Thị Hằng, chairperson of Phường 2 (chutich.p2): staff of another unit, with
  every right there and none in Phường 1;
- ``above``: Phạm Văn Hùng, appraisal council of Thị xã Quảng Trị (thamdinh.txqt), the unit
  above Phường 1;
- ``away``: an appraiser of Huyện Hải Lăng, another district of Quảng Trị (made here);
- ``admin``: the system administrator (superuser);
- ``secretary``: the council secretary of Thị xã Quảng Trị (made here), who runs its rounds;
- ``parted``: a second appraiser of that council holding one part of a round (made here).

The last two get what ``above`` gets except where ``COUNCIL_EXCEPTIONS`` says otherwise (the
round pages, which the secretary runs; the queue and landing page of someone who appraises
nothing; a bundle that is its requester's).

Outside a user's scope the project answers 404, never 403, so that a URL does not reveal
that an object exists; inside it (the user may see the object), an action they may not take
answers 403 with the reason in Vietnamese.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from documents import approval
from documents import services as documents_services
from documents.forms import LetterHeaderForm
from documents.models import BundleStatus, LetterKind
from exchange import exports
from exchange import services as exchange_services
from exchange.models import ImportKind
from remediation import services as remediation_services
from scoring import services as scoring_services
from scoring.models import (
    Assessment,
    EvidenceStage,
    Official,
    Period,
    RankingGroup,
    Role,
    Round,
    RoundFrameworkChange,
    Unit,
)
from tests.documents_helpers import approved
from tests.factories import UnitFactory
from tests.helpers import pdf, score_of

pytestmark = pytest.mark.django_db

PERSONAS = ("anon", "staff", "office", "other", "above", "away", "admin")
# Two people of the town's council added with rounds (issue 13). Each gets what the town's
# appraiser ("above") gets, except where COUNCIL_EXCEPTIONS says otherwise, so the rows keep
# their seven columns and the differences stand in one list.
COUNCIL_PERSONAS = ("secretary", "parted")


# --- the objects the URLs name ----------------------------------------------------------------


class World:
    """The demo data plus the objects the URLs name, made through the project's own services.

    Made once for the module (see the `world` fixture): each test runs in a savepoint inside
    the module's transaction, so whatever a test changes is undone before the next one.
    """

    def build(self) -> World:
        for name in OBJECTS:
            getattr(self, name)
        return self

    def user(self, persona: str):
        if persona == "anon":
            return None
        if persona == "away":
            return self.appraiser_away
        if persona == "secretary":
            return self.secretary
        if persona == "parted":
            return self.parted_appraiser
        username = {
            "staff": "motcua.p1",
            "office": "cchc.p1",
            "other": "chutich.p2",
            "above": "thamdinh.txqt",
            "admin": "admin",
        }[persona]
        return get_user_model().objects.get(username=username)

    @cached_property
    def secretary(self):
        """The council secretary of Thị xã Quảng Trị: runs its rounds, appraises nothing."""
        user = get_user_model().objects.create_user("thuky.txqt", full_name="Đỗ Thị Thư Ký")
        Official.objects.create(user=user, unit=Unit.objects.get(code="TXQT"), role=Role.SECRETARY)
        return user

    @cached_property
    def parted_appraiser(self):
        """A second appraiser of the town's council, holding field 4 of the parts round."""
        user = get_user_model().objects.create_user("thamdinh.phan", full_name="Lê Văn Phần")
        Official.objects.create(user=user, unit=Unit.objects.get(code="TXQT"), role=Role.APPRAISER)
        scoring_services.part_create(
            round_=self.parts_round,
            name="Lĩnh vực 4",
            appraiser=user,
            criteria=[self.framework.criteria.get(code="4")],
        )
        return user

    @cached_property
    def appraiser_away(self):
        """A council member of Huyện Hải Lăng, a district of Quảng Trị beside Thị xã Quảng Trị,
        with a commune of its own below it."""
        district = UnitFactory(
            code="HLA", name="Huyện Hải Lăng", kind="huyen", parent=Unit.objects.get(code="QTRI")
        )
        UnitFactory(code="HLA-HB", name="Xã Hải Ba", kind="xa", parent=district)
        user = get_user_model().objects.create_user("thamdinh.hla", full_name="Lê Văn Thẩm")
        Official.objects.create(user=user, unit=district, role=Role.APPRAISER)
        return user

    def official(self, username: str) -> Official:
        return Official.objects.get(user__username=username, unit__code="TXQT-P1")

    @cached_property
    def p1_2026(self) -> Assessment:
        """Phường 1's current round: open for self-assessment."""
        return Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)

    @cached_property
    def p1_2023(self) -> Assessment:
        """Phường 1's published 2023 result (seed 002): 16 criteria lost points."""
        return Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)

    @cached_property
    def score(self):
        """Criterion 1.7 of the current round, the one-stop desk's."""
        return score_of(self.p1_2026, "1.7")

    @cached_property
    def evidence(self):
        return scoring_services.evidence_add(
            score=self.score,
            upload=pdf("bien-ban-doi-thoai.pdf"),
            stage=EvidenceStage.SELF,
            user=self.user("staff"),
        )

    def _task(self, code: str):
        return remediation_services.task_create(
            assessment=self.p1_2023,
            action=f"Khắc phục tiêu chí {code}",
            scores=[score_of(self.p1_2023, code)],
            lead=self.official("motcua.p1"),
            deadline=timezone.localdate() + datetime.timedelta(days=30),
            user=self.user("office"),
        )

    @cached_property
    def task(self):
        """Criterion 1.7's task, assigned, led by the one-stop desk (the staff persona)."""
        return remediation_services.task_assign(task=self._task("1.7"), user=self.user("office"))

    @cached_property
    def draft_task(self):
        """A draft with an owner and a deadline: ready to be assigned."""
        return self._task("4.4")

    @cached_property
    def second_draft_task(self):
        return self._task("7.2")

    @cached_property
    def task_file(self):
        return remediation_services.task_file_add(
            task=self.task, upload=pdf("ke-hoach.pdf"), user=self.user("staff")
        )

    @cached_property
    def commitment(self):
        """The staff persona's own commitment for this year."""
        return remediation_services.commitment_register(
            unit=self.p1_2026.unit,
            year=timezone.localdate().year,
            official=self.official("motcua.p1"),
            content="Tổ chức 02 cuộc đối thoại với người dân",
        )

    @cached_property
    def letter(self):
        """A draft công văn on the 2023 result, by the coordinator."""
        return documents_services.letter_create(
            assessment=self.p1_2023, kind=LetterKind.CONG_VAN, user=self.user("office")
        )

    @cached_property
    def submitted_letter(self):
        """A draft báo cáo the coordinator submitted to Lê Thị Huệ for signature."""
        letter = documents_services.letter_create(
            assessment=self.p1_2023, kind=LetterKind.BAO_CAO, user=self.user("office")
        )
        return approval.letter_submit(letter=letter, user=self.user("office"))

    @cached_property
    def approved_letter(self):
        """A chỉ thị submitted and approved by its signer, Lê Thị Huệ: ready to issue."""
        letter = documents_services.letter_create(
            assessment=self.p1_2023, kind=LetterKind.CHI_THI, user=self.user("office")
        )
        return approved(letter)

    @cached_property
    def sheet(self) -> exports.Export:
        """Phường 1's offline self-assessment sheet for the current round, as downloaded."""
        return exports.export_self_sheet(self.p1_2026)

    @cached_property
    def record(self):
        """The staff persona's upload of that sheet, previewed."""
        return exchange_services.import_record_create(
            kind=ImportKind.SELF_ASSESSMENT,
            name=self.sheet.filename,
            data=self.sheet.content,
            user=self.user("staff"),
            assessment=self.p1_2026,
        )

    @cached_property
    def bundle(self):
        """The council's ZIP of every ward's 2023 phụ lục, finished.

        The file is stored directly instead of running `bundle_build`, which renders a PDF per
        unit: the matrix is about who gets the file, not what is in it.
        """
        assessments = list(
            Assessment.objects.filter(period=self.p1_2023.period, framework=self.framework)
        )
        bundle = documents_services.bundle_create(
            user=self.user("above"),
            framework=self.framework,
            period=self.p1_2023.period,
            assessments=assessments,
        )
        bundle.file.save("phu-luc.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
        bundle.status = BundleStatus.DONE
        bundle.done = bundle.total
        bundle.save()
        return bundle

    @property
    def framework(self):
        return self.p1_2023.framework

    # --- appraisal parts (phân công thẩm định) ---------------------------------------------------

    @cached_property
    def parts_round(self) -> Round:
        """The town's mid-year 2028 round of its wards and communes (not opened)."""
        town = Unit.objects.get(code="TXQT")
        group, _ = RankingGroup.objects.get_or_create(
            council_unit=town, name="Phường và xã (phân công)", kinds=["phuong", "xa"]
        )
        return scoring_services.round_create(
            council_unit=town,
            framework=self.framework,
            period=Period.objects.get_or_create(year=2028, kind="mid_year")[0],
            name="Đánh giá CCHC 6 tháng đầu năm 2028",
            groups=[group],
        )

    @cached_property
    def part(self):
        """Field 2 of that round, given to the council member of the town (the above persona)."""
        return scoring_services.part_create(
            round_=self.parts_round,
            name="Lĩnh vực 2",
            appraiser=self.user("above"),
            criteria=[self.framework.criteria.get(code="2")],
        )

    # --- end of appraisal parts ------------------------------------------------------------------
    # --- rounds (issue 13): the town's council runs a mid-year 2026 round of its communes ------
    # Mid-year, so that the annual 2026 assessments stay each unit's current one. The
    # secretary is not a persona: "admin" runs the town's rounds (administrator there and
    # superuser); "above" appraises but does not run rounds.

    @cached_property
    def council_round(self):
        from rounds import services as rounds_services

        town = Unit.objects.get(code="TXQT")
        round_, _ = rounds_services.round_create_and_open(
            council_unit=town,
            framework=self.framework,
            year=2026,
            period_kind="mid_year",
            name="Đánh giá CCHC 6 tháng đầu năm 2026",
            groups=rounds_services.ranking_groups_create_usual(council_unit=town),
            self_deadline=timezone.now() + datetime.timedelta(days=10),
            response_deadline=timezone.now() + datetime.timedelta(days=20),
            user=self.user("admin"),
        )
        return round_

    @cached_property
    def p1_in_round(self) -> Assessment:
        return Assessment.objects.get(round=self.council_round, unit__code="TXQT-P1")

    # --- group publication (rounds/views/publication.py) ---
    @cached_property
    def publication_round(self):
        """Thị xã Quảng Trị's round of the current period for its wards and communes, with
        one ranking group, not opened: publishing it is refused (no unit yet)."""
        council = Unit.objects.get(code="TXQT")
        group = RankingGroup.objects.create(
            council_unit=council, name="Phường, xã", kinds=["phuong", "xa"]
        )
        return scoring_services.round_create(
            council_unit=council,
            framework=self.p1_2026.framework,
            period=self.p1_2026.period,
            name="Đánh giá CCHC năm 2026 của thị xã",
            groups=[group],
        )

    # --- a framework issued in place of the round's (issue 16, item 8) ---
    @cached_property
    def replacement_framework(self):
        """A commune framework in force for 2026 besides the round's: the round may move to it."""
        from tests.rounds.replacement import make_replacement

        return make_replacement(name="Bộ chỉ số thay thế 2026 (thử)", year_from=2026)

    @cached_property
    def framework_change(self):
        """A recorded move of the town's round, with one entry not carried."""
        return RoundFrameworkChange.objects.create(
            round=self.council_round,
            old_framework=self.framework,
            new_framework=self.replacement_framework,
            not_carried=[{"unit": "Phường 1", "code": "1.7", "title": "x", "reason": "y"}],
        )

    # --- accounts (issue 17) ---
    @cached_property
    def newcomer(self) -> Official:
        """A Phường 1 official whose account has no password yet (made by an import)."""
        user = get_user_model()(
            username="moi.p1", full_name="Người Mới", email="moi.p1@example.gov.vn"
        )
        user.set_unusable_password()
        user.save()
        return Official.objects.create(
            user=user, unit=Unit.objects.get(code="TXQT-P1"), role=Role.STAFF
        )

    @cached_property
    def invitation_batch(self):
        from accounts.models import InvitationBatch

        return InvitationBatch.objects.create(
            requested_by=self.user("office"), site_url="http://testserver", total=1
        )


OBJECTS = (
    "appraiser_away", "p1_2026", "p1_2023", "score", "evidence", "task", "draft_task",
    "second_draft_task", "task_file", "commitment", "letter", "submitted_letter",
    "approved_letter", "sheet", "record", "bundle",
)  # fmt: skip
OBJECTS += ("council_round", "p1_in_round")  # rounds (issue 13)
OBJECTS += ("publication_round",)  # group publication
OBJECTS += ("secretary", "parted_appraiser")  # the council's two other people
OBJECTS += ("newcomer", "invitation_batch")  # accounts (issue 17)
OBJECTS += ("replacement_framework", "framework_change")  # framework replaced (issue 16)


# --- what a cell expects ---------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """An answer: its status; for a redirect, where to (a regular expression, from the world
    and the requested URL) and whether an error or a success message was flashed; for a list
    page, whether Phường 1's object shows on it."""

    status: int
    to: Callable[[World, str], str] | None = None
    flash: str | None = None  # "error" or "done"
    shows: bool | None = None

    def check(self, response, world: World, url: str, needle: str = "") -> None:
        assert response.status_code == self.status, (
            f"expected {self.status}, got {response.status_code}"
            + (f" → {response['Location']}" if response.has_header("Location") else "")
        )
        if self.to is not None:
            pattern = self.to(world, url)
            assert re.fullmatch(pattern, response["Location"]), (
                f"redirected to {response['Location']}, expected {pattern}"
            )
        if self.flash is not None:
            levels = [m.level for m in messages.get_messages(response.wsgi_request)]
            if self.flash == "error":
                assert messages.ERROR in levels, f"no error message, got levels {levels}"
            else:
                assert levels and messages.ERROR not in levels, f"not done: levels {levels}"
        if self.shows is not None:
            body = response.content.decode()
            assert (f'"{needle}"' in body) == self.shows, (
                f"{needle} {'missing' if self.shows else 'shown'}"
            )


def _login(world: World, url: str) -> str:
    return re.escape(f"{reverse('login')}?next={quote(url, safe='/')}")


def to(name: str, kwargs: Callable[[World], dict] | None = None, query: str = ""):
    """A redirect to a named URL of objects of the world."""
    return lambda w, url: re.escape(reverse(name, kwargs=kwargs(w) if kwargs else None) + query)


def to_new(pattern: str):
    """A redirect to an object the request has just created (its id is not known before)."""
    return lambda w, url: pattern


def to_commitments(w: World, url: str) -> str:
    unit, year = w.p1_2026.unit_id, timezone.localdate().year
    return re.escape(f"{reverse('remediation:commitments')}?don_vi={unit}&nam={year}")


OK = Expect(200)
LOGIN = Expect(302, to=_login)
DENIED = Expect(403)  # in scope, but an action the user may not take
NF = Expect(404)  # outside the user's scope
NO_GET = Expect(405)
SEES = Expect(200, shows=True)  # a list that shows Phường 1's object
BLIND = Expect(200, shows=False)  # a list that does not


def done(target) -> Expect:
    """Allowed and carried out: a redirect with a success message."""
    return Expect(302, to=target, flash="done")


def refused(target) -> Expect:
    """Allowed to ask, but the request was refused with a message (bad data or state)."""
    return Expect(302, to=target, flash="error")


def goes(target) -> Expect:
    """A plain redirect."""
    return Expect(302, to=target)


# --- the URLs' arguments -----------------------------------------------------------------------


def P1_2026(w):
    return {"pk": w.p1_2026.pk}


def P1_2023(w):
    return {"pk": w.p1_2023.pk}


def TASKS_2023(w):
    return {"assessment_pk": w.p1_2023.pk}


def SCORE(w):
    return {"pk": w.p1_2026.pk, "score_pk": w.score.pk}


def EVIDENCE(w):
    return {"pk": w.p1_2026.pk, "evidence_pk": w.evidence.pk}


def TASK(w):
    return {"pk": w.task.pk}


def DRAFT_TASK(w):
    return {"pk": w.draft_task.pk}


def TASK_FILE(w):
    return {"pk": w.task.pk, "file_pk": w.task_file.pk}


def COMMITMENT(w):
    return {"pk": w.commitment.pk}


def LETTER(w):
    return {"pk": w.letter.pk}


def SUBMITTED_LETTER(w):
    return {"pk": w.submitted_letter.pk}


def APPROVED_LETTER(w):
    return {"pk": w.approved_letter.pk}


def RECORD(w):
    return {"pk": w.record.pk}


def BUNDLE(w):
    return {"pk": w.bundle.pk}


def RANKING_2023(w):
    return {"framework_id": w.framework.pk, "period_id": w.p1_2023.period_id}


def FRAMEWORK(w):
    return {"pk": w.framework.pk}


def P1_UNIT(w):
    return {"unit_pk": w.p1_2026.unit_id}


@dataclass(frozen=True)
class Row:
    """One URL name: how to build its URL, and the answer per persona (in PERSONAS order)
    for GET and POST; None where the method is not part of the check."""

    kwargs: Callable[[World], dict] | None = None
    get: tuple[Expect, ...] | None = None
    post: tuple[Expect, ...] | None = None
    data: Callable[[World], dict] | None = None  # the POST body
    query: Callable[[World], str] | None = None
    needle: Callable[[World], str] | None = None  # the link SEES / BLIND look for


def _page_of(name, kwargs):
    return lambda w: reverse(name, kwargs=kwargs(w))


def _unit_year(w):
    return f"?don_vi={w.p1_2026.unit_id}&nam={timezone.localdate().year}"


def _future(days=30):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=exports.XLSX)


def _letter_header(w):
    """The composer's header fields posted back unchanged (the body keeps what is not posted)."""
    return {
        f"h-{name}": getattr(w.letter, "signer_id" if name == "signer" else name) or ""
        for name in LetterHeaderForm.Meta.fields
    }


def _task_form(w):
    return {
        "action": "Ban hành văn bản giải quyết kiến nghị sau đối thoại",
        "lead": w.official("motcua.p1").pk,
        "deadline": _future(),
    }


QUEUE = to("scoring:queue")
ASSESSMENT_2026 = to("scoring:assessment", P1_2026)
CRITERION = to("scoring:criterion", SCORE)


def ROW(w: World, url: str) -> str:
    """The assessment page at the row of the criterion (files uploaded on the row)."""
    return re.escape(reverse("scoring:assessment", args=[w.p1_2026.pk]) + f"#row-{w.score.pk}")


WORKTABLE = to("remediation:assessment_tasks", TASKS_2023)
TASK_PAGE = to("remediation:task", TASK)
DRAFT_PAGE = to("remediation:task", DRAFT_TASK)
COMMITTED = done(to_commitments)
NEW_TASK = to_new(r"/khac-phuc/\d+/")
NEW_LETTER = to_new(r"/van-ban/\d+/sua/")
NEW_BUNDLE = to_new(r"/van-ban/goi-phu-luc/\d+/")
NEW_RECORD = to_new(r"/excel/nhap/\d+/")
RECORD_PAGE = to("exchange:record", RECORD)
EXCEL = to("exchange:index")
DOCUMENTS_2023 = to("documents:assessment", P1_2023)
ISSUED = to("documents:letter_detail", LETTER)
ISSUED_APPROVED = to("documents:letter_detail", APPROVED_LETTER)
SUBMITTED_PAGE = to("documents:letter_detail", SUBMITTED_LETTER)
SAVED = to("documents:letter_edit", LETTER, "?da-luu=1")
TO_LOGIN = to("login")


# --- rounds (issue 13) --------------------------------------------------------------------------
def ROUND(w):
    return {"pk": w.council_round.pk}


def ROUND_UNIT(w):
    return {"pk": w.council_round.pk, "assessment_pk": w.p1_in_round.pk}


def _vn_date(days: int) -> str:
    return f"{timezone.localdate() + datetime.timedelta(days=days):%d/%m/%Y}"


def _round_form(w):
    """A new annual round of the town's communes (2028: the world's is mid-year 2026)."""
    return {
        "council_unit": w.council_round.council_unit_id,
        "framework": w.framework.pk,
        "year": 2028,
        "period_kind": "annual",
        "groups": [g.pk for g in w.council_round.groups.all()],
        "self_deadline": _vn_date(10),
        "response_deadline": _vn_date(20),
        "appraisal_deadline": _vn_date(30),
    }


def _extension(w):
    return {"deadline": "self_deadline", "until": _vn_date(40), "reason": "Bão lũ"}


ROUND_PAGE = to("rounds:detail", ROUND)


# --- group publication ---
def PUBLICATION(w):
    return {"pk": w.publication_round.pk, "group_pk": w.publication_round.groups.get().pk}


def _publication_form(w):
    return {"decision": "Quyết định số 12/QĐ-UBND", "decided_on": timezone.localdate().isoformat()}


PUBLICATION_PAGE = to("rounds:publication_preview", PUBLICATION)


def NEWCOMER(w):
    return {"unit_pk": w.p1_2026.unit_id, "pk": w.newcomer.pk}


PEOPLE = to("accounts:unit_people", P1_UNIT)
NEW_BATCH = to_new(r"/tai-khoan/gui-loi-moi/\d+/")

# fmt: off
MATRIX: dict[str, Row] = {
    # --- cchc --------------------------------------------------------------------------------
    # Each tuple: anon, staff, office, other, above, away, admin (see PERSONAS).
    "home": Row(
        get=(LOGIN, goes(ASSESSMENT_2026), goes(ASSESSMENT_2026), goes(to("summary")), goes(QUEUE), goes(QUEUE), goes(QUEUE))),  # noqa: E501
    "summary": Row(
        get=(LOGIN, OK, OK, OK, OK, OK, OK)),
    "health": Row(
        get=(OK, OK, OK, OK, OK, OK, OK)),
    "login": Row(
        get=(OK, OK, OK, OK, OK, OK, OK)),
    # The pages' scripts check the session before saving (a 401 for them, see test_session_dialog).
    "session": Row(
        get=(LOGIN, OK, OK, OK, OK, OK, OK)),
    "logout": Row(
        get=(NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(goes(TO_LOGIN), goes(TO_LOGIN), goes(TO_LOGIN), goes(TO_LOGIN), goes(TO_LOGIN), goes(TO_LOGIN), goes(TO_LOGIN))),  # noqa: E501
    "dashboard:unit": Row(P1_UNIT,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    # The ranking of the units below one's own: the council's page, empty for a ward.
    "dashboard:ranking": Row(needle=_page_of("dashboard:unit", P1_UNIT),
        get=(LOGIN, BLIND, BLIND, BLIND, SEES, BLIND, SEES)),

    # --- scoring ------------------------------------------------------------------------------
    "scoring:assessments": Row(needle=_page_of("scoring:assessment", P1_2026),
        get=(LOGIN, SEES, SEES, BLIND, SEES, BLIND, SEES)),
    "scoring:queue": Row(needle=_page_of("scoring:assessment", P1_2026),
        get=(LOGIN, BLIND, BLIND, BLIND, SEES, BLIND, SEES)),
    "scoring:assessment": Row(P1_2026,
        get=(LOGIN, OK, OK, NF, OK, NF, OK),
        post=(LOGIN, done(ASSESSMENT_2026), done(ASSESSMENT_2026), NF, refused(ASSESSMENT_2026), NF, done(ASSESSMENT_2026))),  # noqa: E501
    "scoring:preview": Row(P1_2026,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "scoring:action": Row(lambda w: {"pk": w.p1_2026.pk, "action": "submit"},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        # Nothing is entered yet: those who may submit are told what is missing.
        post=(LOGIN, DENIED, refused(ASSESSMENT_2026), NF, DENIED, NF, refused(ASSESSMENT_2026))),
    "scoring:criterion": Row(SCORE, data=lambda w: {"file": pdf()},
        get=(LOGIN, OK, OK, NF, OK, NF, OK),
        post=(LOGIN, done(CRITERION), done(CRITERION), NF, refused(CRITERION), NF, done(CRITERION))),  # noqa: E501
    "scoring:evidence": Row(EVIDENCE,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "scoring:evidence_remove": Row(EVIDENCE,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(CRITERION), done(CRITERION), NF, DENIED, NF, done(CRITERION))),
    # Files picked or dropped on the assessment page's row (issue 14): back to that row.
    "scoring:evidence_upload": Row(SCORE, data=lambda w: {"files": [pdf(), pdf("b.pdf")]},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(ROW), done(ROW), NF, refused(ROW), NF, done(ROW))),
    # One file proving another criterion too; and unlinking it again.
    "scoring:evidence_share": Row(EVIDENCE, data=lambda w: {"scores": [score_of(w.p1_2026, "1.6").pk]},  # noqa: E501
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(CRITERION), done(CRITERION), NF, DENIED, NF, done(CRITERION))),
    "scoring:evidence_unshare": Row(lambda w: {**EVIDENCE(w), "score_pk": w.score.pk},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(CRITERION), done(CRITERION), NF, DENIED, NF, done(CRITERION))),

    # --- remediation --------------------------------------------------------------------------
    "remediation:tasks": Row(needle=_page_of("remediation:task", TASK),
        get=(LOGIN, SEES, SEES, BLIND, SEES, BLIND, SEES)),
    "remediation:my_tasks": Row(needle=_page_of("remediation:task", TASK),
        get=(LOGIN, SEES, BLIND, BLIND, BLIND, BLIND, BLIND)),
    "remediation:my_tasks_panel": Row(needle=_page_of("remediation:task", TASK),
        get=(LOGIN, SEES, BLIND, BLIND, BLIND, BLIND, BLIND)),
    "remediation:assessment_tasks": Row(TASKS_2023,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "remediation:drafts_create": Row(TASKS_2023,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, done(WORKTABLE), NF, DENIED, NF, done(WORKTABLE))),
    "remediation:merge": Row(TASKS_2023,
        data=lambda w: {"task": [w.draft_task.pk, w.second_draft_task.pk]},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, done(NEW_TASK), NF, DENIED, NF, done(NEW_TASK))),
    "remediation:assign_all": Row(TASKS_2023,
        data=lambda w: {"deadline": _future()},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, done(WORKTABLE), NF, DENIED, NF, done(WORKTABLE))),
    "remediation:task_add": Row(TASKS_2023, data=_task_form,
        get=(LOGIN, DENIED, OK, NF, DENIED, NF, OK),
        post=(LOGIN, DENIED, done(NEW_TASK), NF, DENIED, NF, done(NEW_TASK))),
    "remediation:task": Row(TASK,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "remediation:task_edit": Row(TASK, data=_task_form,
        get=(LOGIN, DENIED, OK, NF, DENIED, NF, OK),
        post=(LOGIN, DENIED, done(TASK_PAGE), NF, DENIED, NF, done(TASK_PAGE))),
    "remediation:task_assign": Row(DRAFT_TASK,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, done(DRAFT_PAGE), NF, DENIED, NF, done(DRAFT_PAGE))),
    "remediation:task_status": Row(TASK, data=lambda w: {"status": "in_progress"},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(TASK_PAGE), done(TASK_PAGE), NF, DENIED, NF, done(TASK_PAGE))),
    "remediation:task_note": Row(TASK, data=lambda w: {"text": "Đã xây dựng kế hoạch đối thoại"},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(TASK_PAGE), done(TASK_PAGE), NF, DENIED, NF, done(TASK_PAGE))),
    "remediation:task_file_upload": Row(TASK, data=lambda w: {"file": pdf("bao-cao.pdf")},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(TASK_PAGE), done(TASK_PAGE), NF, DENIED, NF, done(TASK_PAGE))),
    "remediation:task_file": Row(TASK_FILE,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "remediation:task_file_remove": Row(TASK_FILE,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(TASK_PAGE), done(TASK_PAGE), NF, DENIED, NF, done(TASK_PAGE))),
    "remediation:task_remove": Row(DRAFT_TASK,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, done(WORKTABLE), NF, DENIED, NF, done(WORKTABLE))),
    "remediation:commitments": Row(query=_unit_year,
        data=lambda w: {"official": w.official("motcua.p1").pk, "kind": "commitment",
                        "content": "Số hóa 100% hồ sơ tiếp nhận"},
        get=(LOGIN, OK, OK, NF, OK, NF, OK),
        post=(LOGIN, COMMITTED, COMMITTED, NF, DENIED, NF, COMMITTED)),
    "remediation:commitment_status": Row(COMMITMENT, data=lambda w: {"status": "done"},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, done(to_commitments), NF, DENIED, NF, done(to_commitments))),
    "remediation:commitment_remove": Row(COMMITMENT,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, COMMITTED, COMMITTED, NF, DENIED, NF, COMMITTED)),

    # --- exchange (Excel) ---------------------------------------------------------------------
    "exchange:index": Row(needle=_page_of("exchange:assessment", P1_2026),
        get=(LOGIN, SEES, SEES, BLIND, SEES, BLIND, SEES)),
    "exchange:assessment": Row(P1_2026,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "exchange:self_sheet_download": Row(P1_2026,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "exchange:appraisal_download": Row(P1_2023,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    # An upload is only kept and previewed; the preview's page is the uploader's alone.
    "exchange:assessment_upload": Row(lambda w: {"pk": w.p1_2026.pk, "kind": "self"},
        data=lambda w: {"file": _upload(w.sheet.filename, w.sheet.content)},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, goes(NEW_RECORD), goes(NEW_RECORD), NF, DENIED, NF, goes(NEW_RECORD))),
    "exchange:admin_upload": Row(lambda w: {"kind": "don-vi"},
        data=lambda w: {"file": _upload("don-vi.xlsx", exports.export_units(None).content)},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, goes(NEW_RECORD))),
    "exchange:record": Row(RECORD,
        get=(LOGIN, OK, NF, NF, NF, NF, OK)),
    "exchange:record_apply": Row(RECORD,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, done(RECORD_PAGE), NF, NF, NF, NF, done(RECORD_PAGE))),
    "exchange:record_cancel": Row(RECORD,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, goes(RECORD_PAGE), NF, NF, NF, NF, goes(RECORD_PAGE))),
    "exchange:record_file": Row(RECORD,
        get=(LOGIN, OK, NF, NF, NF, NF, OK)),
    "exchange:framework_download": Row(FRAMEWORK,
        get=(LOGIN, OK, OK, OK, OK, NF, OK)),
    "exchange:framework_copy": Row(FRAMEWORK,
        data=lambda w: {"name": "Bộ chỉ số CCHC cấp xã áp dụng từ năm 2030", "year_from": 2030},
        get=(LOGIN, NF, NF, NF, NF, NF, OK),
        post=(LOGIN, NF, NF, NF, NF, NF, done(EXCEL))),
    "exchange:list_download": Row(lambda w: {"kind": "don-vi"},
        get=(LOGIN, NF, NF, NF, NF, NF, OK)),

    # --- documents ----------------------------------------------------------------------------
    "documents:index": Row(needle=_page_of("documents:assessment", P1_2023),
        get=(LOGIN, SEES, SEES, BLIND, SEES, BLIND, SEES)),
    "documents:assessment": Row(P1_2023,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    # Nothing is issued in this world: an empty register for everyone, no workbook (whose
    # scope tests/test_documents_register.py checks with issued letters).
    "documents:register": Row(
        get=(LOGIN, OK, OK, OK, OK, OK, OK)),
    "documents:register_xlsx": Row(
        get=(LOGIN, NF, NF, NF, NF, NF, NF)),
    "documents:assessment_table": Row(
        lambda w: {"pk": w.p1_2023.pk, "table": "phu-luc", "fmt": "xlsx"},
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "documents:letter_create": Row(P1_2023, data=lambda w: {"kind": LetterKind.CONG_VAN},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, goes(NEW_LETTER), NF, DENIED, NF, goes(NEW_LETTER))),
    # Phụ lục (c), the published ranking, is seen by every unit ranked in it and the council.
    "documents:ranking": Row(lambda w: {**RANKING_2023(w), "fmt": "xlsx"},
        get=(LOGIN, OK, OK, OK, OK, NF, OK)),
    "documents:bundle_start": Row(RANKING_2023,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, goes(NEW_BUNDLE), goes(NEW_BUNDLE), goes(NEW_BUNDLE), goes(NEW_BUNDLE), NF, goes(NEW_BUNDLE))),  # noqa: E501
    # A bundle belongs to whoever asked for it (here the council above).
    "documents:bundle_detail": Row(BUNDLE,
        get=(LOGIN, NF, NF, NF, OK, NF, OK)),
    "documents:bundle_download": Row(BUNDLE,
        get=(LOGIN, NF, NF, NF, OK, NF, OK)),
    "documents:letter_detail": Row(LETTER,
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    "documents:letter_edit": Row(LETTER, data=_letter_header,
        get=(LOGIN, DENIED, OK, NF, DENIED, NF, OK),
        post=(LOGIN, DENIED, goes(SAVED), NF, DENIED, NF, goes(SAVED))),
    # Issued with the proposed number and today's date when the form is left as it is: an
    # approved letter, by the office (a draft or a submitted letter is refused with the reason,
    # 400: tests/test_documents_signing.py).
    "documents:letter_issue": Row(APPROVED_LETTER,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, goes(ISSUED_APPROVED), NF, DENIED, NF, goes(ISSUED_APPROVED))),
    # Trình ký: the office submits a draft and withdraws it; only the named signer (Lê Thị
    # Huệ, no persona of the matrix: tests/test_documents_signing.py) approves or sends back,
    # so the coordinator and even the administrator are refused.
    "documents:letter_submit": Row(LETTER,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, done(ISSUED), NF, DENIED, NF, done(ISSUED))),
    "documents:letter_approve": Row(SUBMITTED_LETTER,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, DENIED, NF, DENIED, NF, DENIED)),
    "documents:letter_return": Row(SUBMITTED_LETTER, data=lambda w: {"comment": "Sửa lại."},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, DENIED, NF, DENIED, NF, DENIED)),
    "documents:letter_withdraw": Row(SUBMITTED_LETTER,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, done(SUBMITTED_PAGE), NF, DENIED, NF, done(SUBMITTED_PAGE))),
    # Everyone's own queue: empty for all of these, who sign nothing in this world.
    "documents:signing_queue": Row(
        get=(LOGIN, OK, OK, OK, OK, OK, OK)),
    "documents:letter_delete": Row(LETTER,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, goes(DOCUMENTS_2023), NF, DENIED, NF, goes(DOCUMENTS_2023))),
    "documents:letter_download": Row(lambda w: {"pk": w.letter.pk, "fmt": "docx"},
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),
    # A signed copy replaces an issued letter's PDF only; this world's letter is a draft
    # (tests/test_documents_signing.py uploads to issued ones).
    "documents:letter_upload_signed": Row(LETTER, data=lambda w: {"file": pdf("ky-so.pdf")},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, DENIED, DENIED, NF, DENIED, NF, DENIED)),
    # Anyone signed in checks a PDF; the verdict is the page itself.
    "documents:verify": Row(data=lambda w: {"file": pdf("can-kiem-tra.pdf")},
        get=(LOGIN, OK, OK, OK, OK, OK, OK),
        post=(LOGIN, OK, OK, OK, OK, OK, OK)),
    # --- notices (everyone's own) ---
    "notices:index": Row(
        get=(LOGIN, OK, OK, OK, OK, OK, OK)),
    "notices:read_all": Row(
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, *[done(to("notices:index"))] * 6)),
    "notices:emails": Row(
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, *[done(to("notices:index"))] * 6)),

    # --- rounds (issue 13): only those who run the council's rounds; 404 for everyone else -----
    "rounds:index": Row(needle=_page_of("rounds:detail", ROUND),
        get=(LOGIN, NF, NF, NF, NF, NF, SEES)),
    "rounds:create": Row(data=_round_form,
        get=(LOGIN, NF, NF, NF, NF, NF, OK),
        post=(LOGIN, NF, NF, NF, NF, NF, done(to_new(r"/dot-danh-gia/\d+/")))),
    # The town already has its groups (made for the world's round): nothing new, but done.
    "rounds:groups_create": Row(lambda w: {"unit_pk": w.council_round.council_unit_id},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, done(to("rounds:create")))),
    "rounds:detail": Row(ROUND,
        get=(LOGIN, NF, NF, NF, NF, NF, OK)),
    "rounds:add_units": Row(ROUND,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, done(ROUND_PAGE))),
    "rounds:close": Row(ROUND, data=lambda w: {"note": "Chờ quyết định sáp nhập"},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, done(ROUND_PAGE))),
    # The round is open: re-opening it is refused with the reason.
    "rounds:reopen": Row(ROUND, data=lambda w: {"note": "Mở lại"},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, refused(ROUND_PAGE))),
    "rounds:extend": Row(ROUND_UNIT, data=_extension,
        get=(LOGIN, NF, NF, NF, NF, NF, OK),
        post=(LOGIN, NF, NF, NF, NF, NF, done(ROUND_PAGE))),
    "rounds:board": Row(ROUND,
        get=(LOGIN, NF, NF, NF, NF, NF, OK)),
    "rounds:board_csv": Row(ROUND,
        get=(LOGIN, NF, NF, NF, NF, NF, OK)),
    "rounds:board_xlsx": Row(ROUND,
        get=(LOGIN, NF, NF, NF, NF, NF, OK)),
    "rounds:board_action": Row(ROUND,
        data=lambda w: {"action": "gia-han", "chon": [w.p1_in_round.pk], **_extension(w)},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, done(to("rounds:board", ROUND)))),
    # A framework issued in place of the round's: preview, confirm, the not-carried list.
    "rounds:framework_change": Row(ROUND,
        query=lambda w: f"?bo_chi_so={w.replacement_framework.pk}",
        get=(LOGIN, NF, NF, NF, NF, NF, OK)),
    "rounds:framework_change_confirm": Row(ROUND,
        data=lambda w: {"bo_chi_so": w.replacement_framework.pk},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, done(ROUND_PAGE))),
    "rounds:framework_change_xlsx": Row(
        lambda w: {"pk": w.council_round.pk, "change_pk": w.framework_change.pk},
        get=(LOGIN, NF, NF, NF, NF, NF, OK)),
    # A unit's progress by department: its own officials and those above it.
    "rounds:unit_progress": Row(lambda w: {"assessment_pk": w.p1_2026.pk},
        get=(LOGIN, OK, OK, NF, OK, NF, OK)),

    # --- group publication (rounds/views/publication.py) --------------------------------------
    # The council's secretary and administrators (here the superuser); the council's appraiser
    # sees the round but may not publish (403); the wards' people do not see it (404).
    "rounds:publication_preview": Row(PUBLICATION,
        get=(LOGIN, NF, NF, NF, NF, NF, OK)),
    "rounds:publication_publish": Row(PUBLICATION, data=_publication_form,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, refused(PUBLICATION_PAGE))),
    "rounds:publication_republish": Row(PUBLICATION,
        data=lambda w: {**_publication_form(w), "reason": "Đính chính"},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, refused(PUBLICATION_PAGE))),

    # --- accounts (issue 17): one's own account for everyone; a unit's people for its
    # coordinator and chairperson ("office", "other" in Phường 2) and administrators ---------
    "accounts:profile": Row(data=lambda w: {"full_name": "Tên Mới", "phone": "0233 3852 123"},
        get=(LOGIN, OK, OK, OK, OK, OK, OK),
        post=(LOGIN, *[done(to("accounts:profile"))] * 6)),
    # POSTed empty: the form comes back with what is missing.
    "accounts:password_change": Row(
        get=(LOGIN, OK, OK, OK, OK, OK, OK),
        post=(LOGIN, OK, OK, OK, OK, OK, OK)),
    "accounts:password_reset": Row(data=lambda w: {"email": "ai-do@example.gov.vn"},
        get=(OK, OK, OK, OK, OK, OK, OK),
        post=(*[goes(to("accounts:reset_sent"))] * 7,)),
    "accounts:reset_sent": Row(
        get=(OK, OK, OK, OK, OK, OK, OK)),
    # A made-up link: the page says it cannot be used, to everyone.
    "accounts:reset_confirm": Row(lambda w: {"uidb64": "MQ", "token": "abc-123"},
        get=(OK, OK, OK, OK, OK, OK, OK)),
    "accounts:invitation": Row(lambda w: {"uidb64": "MQ", "token": "abc-123"},
        get=(OK, OK, OK, OK, OK, OK, OK)),
    # Single sign-on is off unless configured (tests/accounts/test_oidc.py turns it on).
    "accounts:sso_start": Row(
        get=(NF, NF, NF, NF, NF, NF, NF)),
    "accounts:sso_callback": Row(
        get=(NF, NF, NF, NF, NF, NF, NF)),
    "accounts:two_factor": Row(
        get=(LOGIN, OK, OK, OK, OK, OK, OK),
        post=(LOGIN, OK, OK, OK, OK, OK, OK)),
    # Nobody here has an authenticator: nothing to verify, on to the landing page.
    "accounts:two_factor_verify": Row(
        get=(LOGIN, *[goes(to("home"))] * 6),
        post=(LOGIN, *[goes(to("home"))] * 6)),
    "accounts:invitations": Row(
        get=(LOGIN, NF, OK, OK, NF, NF, OK),
        post=(LOGIN, NF, goes(NEW_BATCH), goes(NEW_BATCH), NF, NF, goes(NEW_BATCH))),
    # A batch is its requester's (Phường 1's coordinator asked for it).
    "accounts:invitation_batch": Row(lambda w: {"pk": w.invitation_batch.pk},
        get=(LOGIN, NF, OK, NF, NF, NF, OK)),
    "accounts:unit_people": Row(P1_UNIT,
        data=lambda w: {"username": "vanthu.p1", "full_name": "Văn Thư", "role": "staff"},
        get=(LOGIN, NF, OK, NF, NF, NF, OK),
        post=(LOGIN, NF, done(PEOPLE), NF, NF, NF, done(PEOPLE))),
    "accounts:person_invite": Row(NEWCOMER,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, done(PEOPLE), NF, NF, NF, done(PEOPLE))),
    "accounts:post_end": Row(NEWCOMER, data=lambda w: {"ended_on": _future()},
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, done(PEOPLE), NF, NF, NF, done(PEOPLE))),
}
# fmt: on

# --- appraisal parts (phân công thẩm định): for those who run the round's council only ----------
OBJECTS += ("parts_round", "part")


def PARTS_ROUND(w):
    return {"pk": w.parts_round.pk}


def PART(w):
    return {"pk": w.parts_round.pk, "part_pk": w.part.pk}


def _part_form(code: str, name: str):
    return lambda w: {
        "name": name,
        "appraiser": w.user("above").pk,
        "criteria": w.framework.criteria.get(code=code).pk,
    }


PARTS_PAGE = to("rounds:parts", PARTS_ROUND)
# fmt: off
MATRIX.update({
    "rounds:parts": Row(PARTS_ROUND, data=_part_form("3", "Lĩnh vực 3"),
        get=(LOGIN, NF, NF, NF, NF, NF, OK),
        post=(LOGIN, NF, NF, NF, NF, NF, done(PARTS_PAGE))),
    "rounds:part_edit": Row(PART, data=_part_form("2", "Lĩnh vực 2 – Phòng Tư pháp"),
        get=(LOGIN, NF, NF, NF, NF, NF, OK),
        post=(LOGIN, NF, NF, NF, NF, NF, done(PARTS_PAGE))),
    "rounds:part_remove": Row(PART,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, NF, NF, done(PARTS_PAGE))),
})
# fmt: on
# --- end of appraisal parts ----------------------------------------------------------------------

# --- survey and outside results of a round (issue 16): its council, appraisers included ------


def _survey_row(w, url: str) -> str:
    page = reverse("rounds:survey", kwargs=ROUND(w))
    return re.escape(f"{page}#unit-{w.p1_in_round.pk}")


# fmt: off
MATRIX.update({
    # The demo's framework has no survey criterion: the page says so; a row saves nothing.
    "rounds:survey": Row(ROUND, data=lambda w: {"row": str(w.p1_in_round.pk)},
        get=(LOGIN, NF, NF, NF, OK, NF, OK),
        post=(LOGIN, NF, NF, NF, done(_survey_row), NF, done(_survey_row))),
    "rounds:survey_download": Row(ROUND,
        get=(LOGIN, NF, NF, NF, OK, NF, OK)),
    # Posted without a file: the form comes back with what is missing.
    "rounds:survey_upload": Row(ROUND,
        get=(LOGIN, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
        post=(LOGIN, NF, NF, NF, Expect(400), NF, Expect(400))),
})
# fmt: on
# --- end of survey and outside results -------------------------------------------------------


# --- the URLs the project has ------------------------------------------------------------------


def _walk(patterns, namespace: str = "", prefix: str = ""):
    """(full name, route, pattern) of every URL pattern, includes and namespaces followed."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, route, entry


ALL_PATTERNS = list(_walk(get_resolver().url_patterns))
ADMIN_PATTERNS = [(n, r, p) for n, r, p in ALL_PATTERNS if r.startswith("admin/")]
APP_PATTERNS = [(n, r, p) for n, r, p in ALL_PATTERNS if not r.startswith("admin/")]


def test_every_url_has_an_entry_in_the_matrix():
    unnamed = [route for name, route, _ in APP_PATTERNS if not name]
    assert not unnamed, (
        f"URL patterns without a name (name them, then add them to MATRIX): {unnamed}"
    )
    names = {name for name, _, _ in APP_PATTERNS}
    missing = sorted(names - MATRIX.keys())
    assert not missing, (
        f"URLs without a row in the permission matrix; add them to MATRIX: {missing}"
    )


def test_every_matrix_entry_is_a_url_that_exists():
    names = {name for name, _, _ in APP_PATTERNS}
    stale = sorted(MATRIX.keys() - names)
    assert not stale, f"MATRIX rows for URLs that no longer exist; remove them: {stale}"


def test_every_row_gives_an_answer_for_every_persona():
    for name, row in MATRIX.items():
        assert row.get or row.post, name
        for cells in (row.get, row.post):
            assert cells is None or len(cells) == len(PERSONAS), name


def _cells():
    for name, row in MATRIX.items():
        for method in ("get", "post"):
            if getattr(row, method) is None:
                continue
            for persona in (*PERSONAS, *COUNCIL_PERSONAS):
                yield pytest.param(name, method, persona, id=f"{name}-{method}-{persona}")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The objects of the matrix, made once: making them for each of the 600-odd cells would
    take most of the module's time. Their files go to the module's own folder."""
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield World().build()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp(world):
    """Replaces conftest's per-test media folder, which would hide the world's files."""


@pytest.mark.parametrize(("name", "method", "persona"), list(_cells()))
def test_the_answer_is_as_the_matrix_says(client, world, name, method, persona):
    row = MATRIX[name]
    if persona in COUNCIL_PERSONAS:
        above = getattr(row, method)[PERSONAS.index("above")]
        expected = COUNCIL_EXCEPTIONS.get((name, method, persona), above)
    else:
        expected = getattr(row, method)[PERSONAS.index(persona)]
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    if row.query:
        url += row.query(world)
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, row.data(world) if row.data else {})
    expected.check(response, world, url, row.needle(world) if row.needle else "")
    if user is not None:  # unit data: never kept by a browser or a proxy (cchc.middleware)
        assert {"no-store", "private"} <= set(re.split(r",\s*", response["Cache-Control"]))


# (URL name, method, persona) → the answer, where it differs from the town's appraiser's.
COUNCIL_EXCEPTIONS: dict[tuple[str, str, str], Expect] = {
    # The secretary appraises nothing: lands on the summary, and the queue lists no unit.
    ("home", "get", "secretary"): goes(to("summary")),
    ("scoring:queue", "get", "secretary"): BLIND,
    # A bundle is its requester's (the town's appraiser asked for it).
    **{
        (name, "get", persona): NF
        for name in ("documents:bundle_detail", "documents:bundle_download")
        for persona in COUNCIL_PERSONAS
    },
    # The secretary runs the town's rounds: every round page answers her as the
    # administrator; the divided appraiser, like the town's appraiser, does not reach them.
    **{
        (name, method, "secretary"): getattr(row, method)[PERSONAS.index("admin")]
        for name, row in MATRIX.items()
        if name.startswith("rounds:")
        for method in ("get", "post")
        if getattr(row, method) is not None
    },
}


# --- the admin site, as a group ----------------------------------------------------------------


def _admin_url(route: str) -> str:
    """A concrete URL for an admin route: every argument filled with something plausible
    (the admin checks the user before it looks anything up)."""
    url = re.sub(r"\(\?P<app_label>[^)]*\)", "scoring", route)
    url = re.sub(r"<[^>]+>", "1", url)
    url = url.replace("(?P<url>.*)", "khong-co/").replace("([^/]+)", "1")
    return "/" + url.replace("^", "").replace("$", "")


ADMIN_URLS = sorted({_admin_url(r) for _, r, _ in ADMIN_PATTERNS})
ADMIN_LOGIN = reverse("admin:login")
ADMIN_LOGOUT = reverse("admin:logout")


def test_the_admin_urls_are_walked():
    """The group below reaches every admin pattern, the catch-all and the old-style redirects
    included: each concrete URL resolves back to its own pattern."""
    assert len(ADMIN_PATTERNS) > 100
    for _, route, pattern in ADMIN_PATTERNS:
        assert resolve(_admin_url(route)).func is pattern.callback, route


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_the_admin_site_sends_everyone_but_the_administrator_to_its_login(client, world, persona):
    user = world.user(persona)
    if user is not None:
        assert not user.is_staff
        client.force_login(user)
    wrong = []
    for url in ADMIN_URLS:
        response = client.get(url)
        if url == ADMIN_LOGIN:
            ok = response.status_code == 200
        elif url == ADMIN_LOGOUT:  # the admin sends a non-staff user from logout to its index
            ok = response.status_code == 302 and response["Location"] == reverse("admin:index")
        else:
            ok = (
                response.status_code == 302
                and response["Location"] == f"{ADMIN_LOGIN}?next={quote(url, safe='/')}"
            )
        if not ok:
            wrong.append((url, response.status_code, response.get("Location")))
    assert not wrong, wrong


def test_a_staff_flag_without_permissions_opens_no_changelist(client):
    clerk = get_user_model().objects.create_user("vanthu", full_name="Văn thư", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:index")).status_code == 200
    changelists = [
        reverse(f"admin:{p.name}")
        for _, _, p in ADMIN_PATTERNS
        if (p.name or "").endswith("_changelist")
    ]
    assert len(changelists) >= 15
    assert {url: client.get(url).status_code for url in changelists} == dict.fromkeys(
        changelists, 403
    )


def test_the_administrator_opens_the_admin_index_and_every_changelist(client, world):
    client.force_login(world.user("admin"))
    assert world.letter and world.task and world.record  # rows for those changelists to show
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:app_list", args=["scoring"])).status_code == 200
    changelists = [
        reverse(f"admin:{p.name}")
        for _, _, p in ADMIN_PATTERNS
        if (p.name or "").endswith("_changelist")
    ]
    assert {url: client.get(url).status_code for url in changelists} == dict.fromkeys(
        changelists, 200
    )
    assert (
        client.get(reverse("admin:scoring_unit_change", args=[world.p1_2026.unit_id])).status_code
        == 200
    )


# --- files straight from disk ------------------------------------------------------------------


def test_no_url_serves_files_straight_from_disk():
    """Static files come from WhiteNoise (middleware), uploads only through the views above,
    after their permission check: no URL pattern serves a folder."""
    serve = {"django.views.static.serve", "django.contrib.staticfiles.views.serve"}
    assert [route for _, route, p in ALL_PATTERNS if p.lookup_str in serve] == []


@pytest.mark.parametrize("persona", ["anon", "admin"])
def test_an_uploaded_file_is_not_reachable_by_its_storage_path(client, world, persona):
    stored = world.evidence.file.name
    if world.user(persona):
        client.force_login(world.user(persona))
    for prefix in ("/media/", "/", "/static/"):
        assert client.get(prefix + stored).status_code == 404, prefix
