from django import forms
from django.core.exceptions import ValidationError

from exchange.services import upload_check


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            upload_check(name=upload.name, size=upload.size)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return upload

    def options(self) -> dict:
        return {}


class AppraisalUploadForm(UploadForm):
    fill_unlisted = forms.BooleanField(
        label="Các tiêu chí không có trong bảng đạt điểm tối đa (bảng chỉ liệt kê tiêu chí bị "
        "trừ điểm)",
        required=False,
    )

    def options(self) -> dict:
        return {"fill_unlisted": self.cleaned_data.get("fill_unlisted", False)}


class FrameworkCopyForm(forms.Form):
    name = forms.CharField(label="Tên bộ chỉ số mới", max_length=300)
    year_from = forms.IntegerField(label="Áp dụng từ năm", min_value=2000, max_value=2100)
    close_source = forms.BooleanField(
        label="Kết thúc hiệu lực bộ chỉ số cũ vào năm trước đó", required=False, initial=True
    )
