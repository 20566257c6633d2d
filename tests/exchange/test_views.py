"""The Excel pages: each walks anonymous (→ login), outsider (→ 404) and allowed (→ 200)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from exchange.exports import XLSX, export_self_sheet, export_units
from exchange.models import ImportKind, ImportRecord, ImportStatus
from scoring.models import Framework, Official, Role, Unit
from tests.exchange.helpers import D, appraisal, scores_by_code, snapshot
from tests.exchange.workbooks import seed002_xlsx
from tests.helpers import run_jobs

pytestmark = pytest.mark.django_db


def _file(data=None, name="phu_luc.xlsx"):
    return SimpleUploadedFile(name, data if data is not None else seed002_xlsx(), XLSX)


def _login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def record(appraising, appraiser):
    return appraisal(seed002_xlsx(), appraising, appraiser)


def _get_walk(client, url, outsider, allowed):
    assert _login_redirect(client.get(url))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(allowed)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_excel_page_needs_a_login_and_shows_only_what_the_user_may_reach(
    client, chairperson, outsider
):
    url = reverse("exchange:index")
    assert _login_redirect(client.get(url))
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "Bạn chưa xem được bản đánh giá nào." in page and "Danh mục đơn vị" not in page
    client.force_login(chairperson)
    page = client.get(url).content.decode()
    assert "Phường 1" in page and "Phường 2" not in page
    assert "Nhập bộ chỉ số mới" not in page  # not an administrator


def test_the_excel_page_costs_a_fixed_number_of_queries(
    client, appraiser, record, django_assert_max_num_queries
):
    client.force_login(appraiser)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("exchange:index")).status_code == 200


def test_the_assessment_page_shows_the_uploads_each_person_may_use(
    client, fresh, outsider, chairperson, appraiser, coordinator
):
    url = reverse("exchange:assessment", args=[fresh.pk])
    page = _get_walk(client, url, outsider, chairperson).content.decode()
    assert "Tải lên bảng tự đánh giá đã điền" in page
    assert "Nhập bảng kết quả thẩm định" not in page
    client.force_login(appraiser)
    page = client.get(url).content.decode()
    assert "Nhập bảng kết quả thẩm định" not in page  # a draft: the unit is still scoring
    assert "chỉ nhập bảng thẩm định khi hội đồng đang thẩm định" in page
    assert "Tải lên bảng tự đánh giá đã điền" not in page


def test_the_council_gets_the_appraisal_upload_while_it_appraises(client, appraising, appraiser):
    client.force_login(appraiser)
    page = client.get(reverse("exchange:assessment", args=[appraising.pk])).content.decode()
    assert "Nhập bảng kết quả thẩm định" in page
    assert "chỉ nhập bảng thẩm định" not in page


def test_the_assessment_page_costs_a_fixed_number_of_queries(
    client, fresh, appraiser, django_assert_max_num_queries
):
    client.force_login(appraiser)
    with django_assert_max_num_queries(10):
        client.get(reverse("exchange:assessment", args=[fresh.pk]))


def test_the_admin_lists_imports_without_letting_anyone_edit_them(admin_client, record):
    page = admin_client.get(reverse("admin:exchange_importrecord_changelist")).content.decode()
    assert record.original_name in page
    url = reverse("admin:exchange_importrecord_change", args=[record.pk])
    assert admin_client.post(url, {"status": "applied"}).status_code == 403
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED


@pytest.mark.parametrize(
    ("name", "query", "filename"),
    [
        ("exchange:self_sheet_download", "", "tu-danh-gia-txqt-p1-2023.xlsx"),
        ("exchange:appraisal_download", "", "phu-luc-bi-tru-diem-txqt-p1-2023.xlsx"),
        ("exchange:appraisal_download", "?tat-ca=1", "phu-luc-ket-qua-tham-dinh-txqt-p1-2023.xlsx"),
    ],
)
def test_assessment_downloads_are_xlsx_files_for_those_who_see_it(
    client, phuong1_2023, outsider, chairperson, name, query, filename
):
    url = reverse(name, args=[phuong1_2023.pk]) + query
    response = _get_walk(client, url, outsider, chairperson)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(b"PK")


def test_uploading_an_appraisal_table_shows_its_preview_and_changes_nothing(
    client, appraising, appraiser, outsider, chairperson
):
    url = reverse("exchange:assessment_upload", args=[appraising.pk, "appraisal"])
    assert _login_redirect(client.post(url, {"file": _file()}))
    for user, status in ((outsider, 404), (chairperson, 403)):  # she sees it, does not appraise
        client.force_login(user)
        assert client.post(url, {"file": _file()}).status_code == status
    before = snapshot()
    client.force_login(appraiser)
    with run_jobs():
        response = client.post(url, {"file": _file()})
    record = ImportRecord.objects.get()
    assert response["Location"] == reverse("exchange:record", args=[record.pk])
    assert snapshot() == before
    page = client.get(response["Location"]).content.decode()
    assert "Xác nhận nhập 16 thay đổi" in page
    assert "Dòng 17: Điểm thẩm định 0,87 khác điểm tính từ số liệu 782/903" in page


def test_uploading_a_self_assessment_sheet_needs_a_place_in_the_unit(
    client, fresh, coordinator, appraiser, outsider
):
    url = reverse("exchange:assessment_upload", args=[fresh.pk, "self"])
    assert url.endswith("/tu-danh-gia/nhap/")
    data = export_self_sheet(fresh).content
    assert _login_redirect(client.post(url, {"file": _file(data, "tu.xlsx")}))
    # an outsider does not see it; the appraiser sees it but may not enter its self-assessment
    for user, status in ((outsider, 404), (appraiser, 403)):
        client.force_login(user)
        assert client.post(url, {"file": _file(data, "tu.xlsx")}).status_code == status
    client.force_login(coordinator)
    response = client.post(url, {"file": _file(data, "tu.xlsx")})
    assert response.status_code == 302
    assert ImportRecord.objects.get().kind == ImportKind.SELF_ASSESSMENT


def test_an_old_xls_file_is_refused_on_the_page_with_what_to_do(client, appraising, appraiser):
    client.force_login(appraiser)
    url = reverse("exchange:assessment_upload", args=[appraising.pk, "appraisal"])
    response = client.post(url, {"file": _file(b"\xd0\xcf\x11\xe0", "phu_luc.xls")})
    assert response.status_code == 400
    assert "Tệp là định dạng Excel cũ (.xls)" in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_the_preview_page_is_only_for_its_uploader(
    client, record, outsider, chairperson, appraiser, django_assert_max_num_queries
):
    url = reverse("exchange:record", args=[record.pk])
    assert _login_redirect(client.get(url))
    for user in (outsider, chairperson):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(appraiser)
    with django_assert_max_num_queries(7):
        page = client.get(url).content.decode()
    assert "16</strong> dòng thay đổi" in page


def test_confirming_applies_the_stored_preview_and_ignores_anything_posted(
    client, record, appraising, appraiser, outsider
):
    url = reverse("exchange:record_apply", args=[record.pk])
    assert _login_redirect(client.post(url))
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(appraiser)
    assert client.get(url).status_code == 405
    with run_jobs():
        response = client.post(url, {"ops": "[]", "appraised": "2", "code": "1.6"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert scores_by_code(appraising)["1.6"].appraised_value == D("0.80")
    page = client.get(response["Location"]).content.decode()
    assert "Đã cập nhật 16 tiêu chí" in page


def test_cancelling_keeps_the_file_and_changes_nothing(client, record, appraiser, outsider):
    url = reverse("exchange:record_cancel", args=[record.pk])
    assert _login_redirect(client.post(url))
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    before = snapshot()
    client.force_login(appraiser)
    assert client.post(url).status_code == 302
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
    assert snapshot() == before
    assert client.post(reverse("exchange:record_apply", args=[record.pk])).status_code == 302
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED


def test_the_kept_file_can_be_downloaded_by_its_uploader(client, record, outsider, appraiser):
    url = reverse("exchange:record_file", args=[record.pk])
    response = _get_walk(client, url, outsider, appraiser)
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == record.sha256
    assert response["Content-Disposition"] == 'attachment; filename="tep.xlsx"'


def test_every_post_needs_the_csrf_token(appraising, appraiser, record):
    client = Client(enforce_csrf_checks=True)
    client.force_login(appraiser)
    upload = reverse("exchange:assessment_upload", args=[appraising.pk, "appraisal"])
    assert client.post(upload, {"file": _file()}).status_code == 403
    assert client.post(reverse("exchange:record_apply", args=[record.pk])).status_code == 403


def test_a_framework_downloads_for_those_who_use_it(client, phuong1_2023, outsider, chairperson):
    url = reverse("exchange:framework_download", args=[phuong1_2023.framework_id])
    response = _get_walk(client, url, outsider, chairperson)
    assert response["Content-Type"] == XLSX


def test_administrators_upload_frameworks_units_and_officials(
    client, admin_user, chairperson, outsider
):
    url = reverse("exchange:admin_upload", args=["don-vi"])
    data = export_units(None).content
    assert _login_redirect(client.post(url, {"file": _file(data, "dv.xlsx")}))
    for user in (outsider, chairperson):
        client.force_login(user)
        assert client.post(url, {"file": _file(data, "dv.xlsx")}).status_code == 404
    client.force_login(admin_user)
    response = client.post(url, {"file": _file(data, "dv.xlsx")})
    assert response.status_code == 302
    assert ImportRecord.objects.get().kind == ImportKind.UNITS


@pytest.mark.parametrize("kind", ["don-vi", "can-bo"])
def test_lists_download_for_administrators_only(client, admin_user, chairperson, kind):
    url = reverse("exchange:list_download", args=[kind])
    response = _get_walk(client, url, chairperson, admin_user)
    assert response["Content-Type"] == XLSX


def test_copying_a_framework_is_an_administrator_action(
    client, phuong1_2023, admin_user, chairperson
):
    url = reverse("exchange:framework_copy", args=[phuong1_2023.framework_id])
    page = _get_walk(client, url, chairperson, admin_user).content.decode()
    assert 'value="2027"' in page  # the year after the last one its assessments use (2026)
    response = client.post(
        url, {"name": "Bộ chỉ số cấp xã 2027", "year_from": 2027, "close_source": "on"}
    )
    assert response.status_code == 302
    assert Framework.objects.get(name="Bộ chỉ số cấp xã 2027").year_from == 2027


def test_an_administrator_of_another_district_neither_copies_nor_ends_its_framework(
    client, phuong1_2023, django_user_model
):
    """Thị xã Quảng Trị issued the framework its communes use; Hải Lăng's administrator may
    download it, but copying it as next year's would end it for Thị xã Quảng Trị."""
    district = Unit.objects.create(
        code="HLA", name="Huyện Hải Lăng", kind="huyen", parent=Unit.objects.get(code="QTRI")
    )
    other_admin = django_user_model.objects.create_user("quantri.hla", full_name="Quản trị HL")
    Official.objects.create(user=other_admin, unit=district, role=Role.ADMINISTRATOR)
    framework = phuong1_2023.framework
    client.force_login(other_admin)
    assert "Sao chép thành bộ chỉ số năm sau" not in client.get(reverse("exchange:index")).text
    url = reverse("exchange:framework_copy", args=[framework.pk])
    assert client.get(url).status_code == 404
    form = {"name": "Bộ chỉ số cấp xã 2030", "year_from": 2030, "close_source": "on"}
    assert client.post(url, form).status_code == 404
    framework.refresh_from_db()
    assert framework.year_to is None
    assert not Framework.objects.filter(name="Bộ chỉ số cấp xã 2030").exists()
    download = reverse("exchange:framework_download", args=[framework.pk])
    assert client.get(download).status_code == 200


def test_a_refused_copy_says_why_and_creates_nothing(client, phuong1_2023, admin_user):
    client.force_login(admin_user)
    url = reverse("exchange:framework_copy", args=[phuong1_2023.framework_id])
    response = client.post(url, {"name": "Bộ mới", "year_from": 2021})
    assert response.status_code == 400
    assert "phải sau năm bắt đầu áp dụng" in response.content.decode()
    assert not Framework.objects.filter(name="Bộ mới").exists()
