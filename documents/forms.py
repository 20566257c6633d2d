"""Forms of the letter composer: the header fields, the body's texts, issuing."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxLengthValidator

from cchc.dates import DayInput, parse_day
from cchc.text import CONTROL_CHARACTERS, control_character_problem
from documents.drafting import signer_posts
from documents.formatting import grouped
from documents.models import Letter, LetterKind

DATE_INPUT = DayInput()
HEADER_TEXT_MAX = 3_000  # characters of one header field (trích yếu, căn cứ, nơi nhận…)


class LetterCreateForm(forms.Form):
    kind = forms.ChoiceField(label="Loại văn bản", choices=LetterKind.choices)


class LetterHeaderForm(forms.ModelForm):
    class Meta:
        model = Letter
        fields = [
            "parent_body",
            "issuing_body",
            "symbol",
            "place",
            "date",
            "subject",
            "recipients",
            "bases",
            "grouping",
            "with_appendix",
            "receivers",
            "signing_authority",
            "signer",
            "signing_form",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "date": DATE_INPUT,
            "issuing_body": forms.Textarea(attrs={"rows": 2}),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "bases": forms.Textarea(attrs={"rows": 3}),
            "receivers": forms.Textarea(attrs={"rows": 5}),
            "signing_authority": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="h", **kwargs)
        self.fields["signing_authority"].widget = forms.Textarea(attrs={"rows": 2})
        # The header's long texts are unbounded in the database; a page of them is plenty.
        for name in ("issuing_body", "subject", "recipients", "bases", "receivers"):
            field = self.fields[name]
            field.max_length = HEADER_TEXT_MAX
            field.widget.attrs["maxlength"] = str(HEADER_TEXT_MAX)
            limit = grouped(HEADER_TEXT_MAX)
            message = f"Tối đa {limit} ký tự (đang có %(show_value)s); hãy rút gọn."
            field.validators.append(MaxLengthValidator(HEADER_TEXT_MAX, message))
        # The signer is one of the unit's current chairperson and deputies.
        signer = self.fields["signer"]
        signer.queryset = signer_posts(self.instance.issuing_unit)
        signer.label_from_instance = lambda o: f"{o.user} – {o.title or o.get_role_display()}"
        signer.empty_label = "(chọn người ký)"
        signer.help_text = (
            "Người duyệt ký văn bản. Đổi người ký hoặc hình thức ký thì khối chữ ký được viết "
            "lại theo lựa chọn."
        )


class BodyForm:
    """The edited texts of a draft's body, read from the editor's POST.

    Field names carry the ids: `p-<id>` for a paragraph, `d-<id>-reason|action|deadline` for a
    direction, `g-<n>-old` / `g-<n>-new` for a group heading. Only ids of this letter count.
    Read by hand, not by a Django form, so the control-character check is made here.
    """

    def __init__(self, letter: Letter, data):
        self.letter = letter
        self.data = data
        self.errors: list[str] = []
        self.paragraphs: dict[int, str] = {}
        self.directions: dict[int, dict] = {}
        self.group_names: dict[str, str] = {}

    def is_valid(self) -> bool:
        for paragraph in self.letter.paragraphs.all():
            key = f"p-{paragraph.pk}"
            if key in self.data:
                self.paragraphs[paragraph.pk] = self._text(key, f"Đoạn thứ {paragraph.position}")
        for direction in self.letter.directions.all():
            prefix = f"d-{direction.pk}-"
            if prefix + "action" not in self.data:
                continue
            code = direction.criterion_code
            # An empty action is the drafted one of a criterion without a task: the
            # introduction's general request covers it.
            action = self._text(prefix + "action", f"Tiêu chí {code} (nhiệm vụ)").strip()
            self.directions[direction.pk] = {
                "reason": self._text(prefix + "reason", f"Tiêu chí {code} (lý do bị trừ điểm)"),
                "action": action,
                "deadline": self._date(prefix + "deadline", code),
            }
        index = 0
        while f"g-{index}-old" in self.data:
            new = self._text(f"g-{index}-new", f"Tên nhóm {index + 1}")
            self.group_names[self.data[f"g-{index}-old"]] = new
            index += 1
        return not self.errors

    def keep_typed(self, paragraphs, directions) -> None:
        """Show a refused page's texts as typed, not as stored (nothing of it was saved)."""
        for paragraph in paragraphs:
            paragraph.text = self.paragraphs.get(paragraph.pk, paragraph.text)
        for direction in directions:
            typed = self.directions.get(direction.pk, {})
            direction.reason = typed.get("reason", direction.reason)
            direction.action = typed.get("action", direction.action)

    def _text(self, key: str, label: str) -> str:
        """The text typed in field `key`; a control character in it is an error naming `label`."""
        text = self.data.get(key, "")
        problem = control_character_problem(text, label)
        if problem:
            self.errors.append(problem)
        return text

    def _date(self, key: str, code: str) -> date | None:
        raw = self._text(key, f"Tiêu chí {code} (thời hạn)").strip()
        if not raw or CONTROL_CHARACTERS.search(raw):
            return None
        try:
            return parse_day(raw)
        except ValueError:
            self.errors.append(
                f"Tiêu chí {code}: thời hạn “{raw}” không phải là ngày; "
                "hãy ghi dạng ngày/tháng/năm, ví dụ 31/10/2024."
            )
            return None


class CommentForm(forms.Form):
    """The comment of a step of trình ký: optional when submitting or approving, required
    when the signer sends the letter back (the view says so)."""

    comment = forms.CharField(
        label="Ý kiến", required=False, max_length=2_000, widget=forms.Textarea(attrs={"rows": 2})
    )


class IssueForm(forms.Form):
    number = forms.IntegerField(
        label="Số văn bản",
        min_value=1,
        required=False,
        help_text="Để trống để lấy số tiếp theo của đơn vị trong năm.",
    )
    date = forms.DateField(label="Ngày ban hành", widget=DATE_INPUT, required=False)


class SignedPdfForm(forms.Form):
    """A PDF to check, or to keep as a letter's signed version (checked in the service)."""

    file = forms.FileField(
        label="Tệp PDF",
        error_messages={"required": "Chưa chọn tệp; hãy chọn tệp PDF để tải lên."},
    )
