"""Forms of the letter composer: the header fields, the body's texts, issuing."""

from __future__ import annotations

from datetime import date

from django import forms

from documents.models import Letter, LetterKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


class BodyForm:
    """The edited texts of a draft's body, read from the editor's POST.

    Field names carry the ids: `p-<id>` for a paragraph, `d-<id>-reason|action|deadline` for a
    direction, `g-<n>-old` / `g-<n>-new` for a group heading. Only ids of this letter count.
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
                self.paragraphs[paragraph.pk] = self.data[key]
        for direction in self.letter.directions.all():
            prefix = f"d-{direction.pk}-"
            if prefix + "action" not in self.data:
                continue
            action = self.data[prefix + "action"].strip()
            if not action:
                self.errors.append(
                    f"Nhiệm vụ của tiêu chí {direction.criterion_code} đang để trống: hãy ghi việc "
                    "phải làm, hoặc xóa nhiệm vụ này."
                )
            self.directions[direction.pk] = {
                "reason": self.data.get(prefix + "reason", ""),
                "action": action,
                "deadline": self._date(prefix + "deadline", direction.criterion_code),
            }
        index = 0
        while f"g-{index}-old" in self.data:
            self.group_names[self.data[f"g-{index}-old"]] = self.data.get(f"g-{index}-new", "")
            index += 1
        return not self.errors

    def _date(self, key: str, code: str) -> date | None:
        raw = (self.data.get(key) or "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors.append(
                f"Thời hạn “{raw}” của tiêu chí {code} không phải là ngày (ví dụ: 2024-10-31)."
            )
            return None


class IssueForm(forms.Form):
    number = forms.IntegerField(
        label="Số văn bản",
        min_value=1,
        required=False,
        help_text="Để trống để lấy số tiếp theo của đơn vị trong năm.",
    )
    date = forms.DateField(label="Ngày ban hành", widget=DATE_INPUT, required=False)
