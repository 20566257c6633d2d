"""The council's board: one row per unit with its progress, sortable, filterable, exported,
and actions on the units ticked."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rounds import services as round_services
from scoring import services as scoring
from scoring.models import AppraisalPart, Assessment, AssessmentStatus, EvidenceStage, Round
from tests.factories import UnitFactory
from tests.helpers import fill_self_assessment, pdf, score_of
from tests.rounds.conftest import YEAR, days, vn

pytestmark = pytest.mark.django_db


def _of(round_: Round, code: str) -> Assessment:
    return Assessment.objects.select_related("unit").get(round=round_, unit__code=code)


@pytest.fixture
def progressed(round_, coordinator, appraiser):
    """Phường 1 submitted on time with one file; Phường 2 submitted and appraised in part with a
    cut; Phường 3 a draft past its deadline; An Đôn and Hải Lệ untouched drafts."""
    p1, p2, p3 = (_of(round_, c) for c in ("TXQT-P1", "TXQT-P2", "TXQT-P3"))
    for a in (p1, p2):
        fill_self_assessment(a, coordinator)
    scoring.evidence_add(
        score=score_of(p1, "1.7"), upload=pdf(), stage=EvidenceStage.SELF, user=coordinator
    )
    for a in (p1, p2):
        scoring.assessment_submit(assessment=a, user=coordinator)
    scoring.score_set_appraised(score=score_of(p2, "1.1.2"), value=Decimal("0"), comment="Thiếu")
    scoring.score_set_appraised(score=score_of(p2, "1.1.1"), value=score_of(p2, "1.1.1").maximum)
    scoring.score_set_self(score=score_of(p3, "1.1.2"), value=Decimal("0"), user=coordinator)
    Assessment.objects.filter(pk=p3.pk).update(self_deadline=days(-3))
    return round_


def _rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [r for r in body.split("<tr>")[1:]]


def _units(response) -> list[str]:
    return [r.split('class="unit">')[1].split(">")[1].split("<")[0] for r in _rows(response)]


def test_the_board_shows_each_units_progress(client, secretary, progressed):
    client.force_login(secretary)
    response = client.get(reverse("rounds:board", args=[progressed.pk]))
    assert response.status_code == 200
    rows = dict(zip(_units(response), _rows(response), strict=True))
    assert set(rows) == {"Phường 1", "Phường 2", "Phường 3", "Phường An Đôn", "Xã Hải Lệ"}
    p1 = rows["Phường 1"]
    leaves = _of(progressed, "TXQT-P1").scores.count()
    assert "Chờ thẩm định vòng 1" in p1 and "100%" in p1
    assert '<td class="num">1</td>' in p1  # one evidence file
    assert timezone.localdate().strftime("%d/%m/%Y") in p1  # submitted today
    assert f"0/{leaves}" in p1
    p2 = rows["Phường 2"]
    assert f"2/{leaves}" in p2  # criteria appraised so far
    maximum_12 = score_of(_of(progressed, "TXQT-P2"), "1.1.1").maximum
    assert f'<td class="num">{maximum_12:.2f}'.replace(".", ",") in p2
    p3 = rows["Phường 3"]
    assert '<td class="num late">3</td>' in p3  # three days past its own deadline
    assert "Đang tự đánh giá" in p3 and f"{round(100 / leaves)}%" in p3
    assert '<td class="num">—</td>' in rows["Phường An Đôn"]  # not late
    assert "<td>—</td>" in p1  # no appraisal parts: no appraisers named


def test_appraisers_come_from_the_rounds_parts(client, secretary, progressed, appraiser):
    AppraisalPart.objects.create(round=progressed, name="Lĩnh vực 1", appraiser=appraiser)
    client.force_login(secretary)
    response = client.get(reverse("rounds:board", args=[progressed.pk]))
    assert all("Phạm Văn Hùng" in row for row in _rows(response))


def test_the_board_sorts_by_each_column_both_ways(client, secretary, progressed):
    client.force_login(secretary)
    url = reverse("rounds:board", args=[progressed.pk])
    late = _units(client.get(url, {"sap_xep": "-tre-han"}))
    assert late[0] == "Phường 3"
    files = _units(client.get(url, {"sap_xep": "-tai-lieu"}))
    assert files[0] == "Phường 1"
    names = _units(client.get(url, {"sap_xep": "don-vi"}))
    assert names == sorted(names) and _units(client.get(url, {"sap_xep": "-don-vi"})) == names[::-1]
    by_self = _units(client.get(url, {"sap_xep": "-tu-danh-gia"}))
    assert set(by_self[:2]) == {"Phường 1", "Phường 2"} and by_self[2] == "Phường 3"
    assert _units(client.get(url, {"sap_xep": "-tham-dinh"}))[0] == "Phường 2"
    assert _units(client.get(url, {"sap_xep": "-diem"}))[0] == "Phường 2"
    assert _units(client.get(url, {"sap_xep": "ngay-gui"}))[:2] in (
        ["Phường 1", "Phường 2"],
        ["Phường 2", "Phường 1"],
    )
    by_group = _units(client.get(url, {"sap_xep": "-nhom"}))
    assert by_group[0] == "Xã Hải Lệ"
    by_status = _units(client.get(url, {"sap_xep": "-trang-thai"}))
    assert set(by_status[:2]) == {"Phường 1", "Phường 2"}
    header = client.get(url, {"sap_xep": "don-vi"}).content.decode()
    assert 'aria-sort="ascending"><a href="?sap_xep=-don-vi"' in header


def test_the_board_filters_by_group_status_and_lateness(client, secretary, progressed):
    client.force_login(secretary)
    url = reverse("rounds:board", args=[progressed.pk])
    communes = progressed.groups.get(name="Xã")
    assert _units(client.get(url, {"nhom": communes.pk})) == ["Xã Hải Lệ"]
    submitted = _units(client.get(url, {"trang_thai": AssessmentStatus.SUBMITTED}))
    assert sorted(submitted) == ["Phường 1", "Phường 2"]
    assert _units(client.get(url, {"tre_han": "1"})) == ["Phường 3"]
    assert (
        "Không có đơn vị nào khớp bộ lọc"
        in client.get(url, {"tre_han": "1", "nhom": communes.pk}).content.decode()
    )


def test_the_csv_and_xlsx_hold_the_board_as_filtered(client, secretary, progressed):
    client.force_login(secretary)
    leaves = _of(progressed, "TXQT-P1").scores.count()
    response = client.get(
        reverse("rounds:board_csv", args=[progressed.pk]), {"trang_thai": "submitted"}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Đơn vị", "Nhóm", "Trạng thái"]
    assert sorted(r[0] for r in rows[1:]) == ["Phường 1", "Phường 2"]
    p1 = next(r for r in rows if r[0] == "Phường 1")
    assert p1[3] == f"{leaves}/{leaves} (100%)" and p1[4] == "1" and p1[6] == ""
    response = client.get(reverse("rounds:board_xlsx", args=[progressed.pk]), {"tre_han": "1"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == progressed.name
    assert [c.value for c in sheet[4]][:3] == ["Đơn vị", "Nhóm", "Trạng thái"]
    assert (sheet["A5"].value, sheet["G5"].value, sheet["A6"].value) == ("Phường 3", 3, None)


def test_a_unit_name_that_looks_like_a_formula_stays_text(client, secretary, town, round_):
    unit = UnitFactory(code="TXQT-EVIL", name='=HYPERLINK("http://x","y")', kind="phuong")
    unit.parent = town
    unit.save()
    scoring.round_open(round_=round_)
    client.force_login(secretary)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("rounds:board_xlsx", args=[round_.pk])).content)
    ).active
    cell = next(c for c in sheet["A"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix
    text = client.get(reverse("rounds:board_csv", args=[round_.pk])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def _act(client, round_, action, codes, **extra):
    data = {"action": action, "chon": [_of(round_, c).pk for c in codes], **extra}
    return client.post(reverse("rounds:board_action", args=[round_.pk]), data, follow=True)


def test_remind_mails_each_units_coordinator_and_chairperson_with_its_deadline(
    client, secretary, round_, coordinator, chairperson
):
    coordinator.email, chairperson.email = "cchc.p1@example.vn", "chutich.p1@example.vn"
    coordinator.save()
    chairperson.save()
    client.force_login(secretary)
    response = _act(client, round_, "nhac", ["TXQT-P1", "TXQT-P3"])
    body = response.content.decode()
    assert "Đã gửi thư nhắc 1 đơn vị (2 người nhận)." in body
    assert "chưa có địa chỉ email): Phường 3." in body
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["cchc.p1@example.vn", "chutich.p1@example.vn"]
    deadline = timezone.localtime(_of(round_, "TXQT-P1").self_deadline)
    assert f"{deadline:%H:%M ngày %d/%m/%Y}" in message.body and "Phường 1" in message.subject


def test_extend_gives_the_ticked_units_the_same_new_deadline_and_reason(client, secretary, round_):
    client.force_login(secretary)
    missing = _act(client, round_, "gia-han", ["TXQT-P1"], until="", reason="")
    assert "Hãy ghi ngày gia hạn đến." in missing.content.decode()
    response = _act(
        client, round_, "gia-han", ["TXQT-P1", "TXQT-P2"], until=vn(days(40)), reason="Bão lũ"
    )
    assert f"Đã gia hạn cho 2 đơn vị đến hết ngày {vn(days(40))}." in response.content.decode()
    for code in ("TXQT-P1", "TXQT-P2"):
        a = _of(round_, code)
        assert timezone.localdate(a.self_deadline) == timezone.localdate(days(40))
        assert a.deadline_extensions.get().reason == "Bão lũ"
    assert timezone.localdate(_of(round_, "TXQT-P3").self_deadline) == timezone.localdate(days(10))


def test_an_extension_refused_for_one_unit_extends_none(client, secretary, round_):
    client.force_login(secretary)
    _of(round_, "TXQT-P2").__class__.objects.filter(round=round_, unit__code="TXQT-P2").update(
        self_deadline=days(60)
    )
    response = _act(
        client, round_, "gia-han", ["TXQT-P1", "TXQT-P2"], until=vn(days(40)), reason="Bão lũ"
    )
    assert "Chưa gia hạn đơn vị nào: Hạn mới phải sau hạn hiện tại" in response.content.decode()
    assert not _of(round_, "TXQT-P1").deadline_extensions.exists()


def test_accept_and_return_does_the_units_the_council_cut_nothing_from_and_says_why_not(
    client, secretary, progressed
):
    client.force_login(secretary)
    response = _act(client, progressed, "chap-nhan", ["TXQT-P1", "TXQT-P2", "TXQT-P3"])
    body = response.content.decode()
    assert "Đã chấp nhận điểm tự đánh giá và gửi kết quả vòng 1: Phường 1." in body
    assert (
        "Phường 2: chưa làm được – hội đồng đã chấm khác điểm tự đánh giá ở tiêu chí 1.1.2" in body
    )
    assert "Phường 3: chưa làm được – đang ở trạng thái “Đang tự đánh giá”" in body
    p1, p2 = _of(progressed, "TXQT-P1"), _of(progressed, "TXQT-P2")
    assert p1.status == AssessmentStatus.RETURNED
    assert not p1.scores.filter(appraised_value__isnull=True).exists()
    assert p1.response_deadline == progressed.response_deadline
    assert p2.status == AssessmentStatus.SUBMITTED
    assert p2.scores.filter(appraised_value__isnull=False).count() == 2  # untouched


def test_ticking_no_unit_or_a_unit_of_another_round_is_refused(
    client, secretary, round_, current_p1
):
    client.force_login(secretary)
    url = reverse("rounds:board_action", args=[round_.pk])
    none = client.post(url, {"action": "nhac"}, follow=True)
    assert "Hãy đánh dấu ít nhất một đơn vị." in none.content.decode()
    other = client.post(url, {"action": "nhac", "chon": [current_p1.pk]}, follow=True)
    assert "Có đơn vị không thuộc đợt đánh giá này." in other.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("extra_units", [0, 45])
def test_the_board_costs_the_same_queries_for_5_units_as_for_50(
    client, secretary, town, framework, groups, extra_units, django_assert_max_num_queries
):
    for i in range(extra_units):
        UnitFactory(code=f"TXQT-X{i:02d}", name=f"Phường Thử {i:02d}", kind="phuong", parent=town)
    round_, report = round_services.round_create_and_open(
        council_unit=town,
        framework=framework,
        year=YEAR,
        period_kind="annual",
        name="Đợt thử",
        groups=groups,
        self_deadline=days(10),
    )
    assert len(report.created) == 5 + extra_units
    AppraisalPart.objects.create(round=round_, name="Phần 1", appraiser=secretary)
    client.force_login(secretary)
    url = reverse("rounds:board", args=[round_.pk])
    with django_assert_max_num_queries(9):
        response = client.get(url, {"sap_xep": "-tre-han"})
    assert len(_rows(response)) == 5 + extra_units
    with django_assert_max_num_queries(8):
        client.get(reverse("rounds:board_xlsx", args=[round_.pk]))
    with django_assert_max_num_queries(11):  # 10, and 1 for its framework changes
        client.get(reverse("rounds:detail", args=[round_.pk]))
    with django_assert_max_num_queries(7):
        client.get(reverse("rounds:index"))
