"""Forms of the account pages. Labels and messages in Vietnamese."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from cchc.dates import DayInput


class ResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Thư điện tử của tài khoản",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Hãy nhập địa chỉ thư điện tử của tài khoản.",
            "invalid": "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@quangtri.gov.vn).",
        },
    )


class ProfileForm(forms.Form):
    """The person's own details. A plain form: the service writes them (ProfileForm never
    touches the signed-in user object, which the page header still shows)."""

    full_name = forms.CharField(
        label="Họ và tên",
        max_length=150,
        error_messages={"required": "Hãy nhập họ và tên."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Thư điện tử",
        max_length=254,
        required=False,
        help_text="Để nhận lời mời, thư đặt lại mật khẩu và thư thông báo.",
        error_messages={
            "invalid": "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@quangtri.gov.vn)."
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Điện thoại",
        max_length=20,
        required=False,
        validators=get_user_model()._meta.get_field("phone").validators,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    notice_emails = forms.BooleanField(label="Nhận thông báo qua thư điện tử", required=False)


class PersonForm(forms.Form):
    """A new person of a unit, from its people page."""

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        help_text="Chữ không dấu, số và . @ + - _ (ví dụ: vanthu.pqt).",
        error_messages={"required": "Hãy nhập tên đăng nhập."},
    )
    full_name = forms.CharField(
        label="Họ và tên", max_length=150, error_messages={"required": "Hãy nhập họ và tên."}
    )
    email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        help_text="Để gửi lời mời đặt mật khẩu.",
        error_messages={
            "invalid": "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@quangtri.gov.vn)."
        },
    )
    role = forms.ChoiceField(label="Vai trò")
    department = forms.ModelChoiceField(
        label="Bộ phận", queryset=None, required=False, empty_label="(không thuộc bộ phận nào)"
    )
    title = forms.CharField(label="Chức vụ", max_length=200, required=False)
    invite = forms.BooleanField(label="Gửi lời mời ngay", required=False, initial=True)

    def __init__(self, *args, unit, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["department"].queryset = unit.departments.filter(is_active=True)


class PostEndForm(forms.Form):
    ended_on = forms.DateField(
        label="Làm việc đến hết ngày",
        widget=DayInput(),
        error_messages={
            "required": "Hãy ghi ngày làm việc cuối cùng (ngày/tháng/năm).",
            "invalid": "Ngày không hợp lệ (ví dụ: 31/12/2026).",
        },
    )
