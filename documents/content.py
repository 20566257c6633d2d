"""A letter as it prints: every line of text in order, ready for the PDF and Word renderers.

`letter_content(letter)` lays out a draft from its fields, paragraphs and directions (and the
phụ lục from the current scores); an issued letter is read back from the JSON frozen when it
was issued (`LetterContent.from_json`). Both renderers take only a LetterContent, so what an
issued letter shows cannot drift when scores or code change later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils import timezone

from documents import formatting
from documents.directions import group_items, item_text
from documents.models import Grouping, Letter, LetterKind, LetterStatus, ParagraphKind
from documents.tables import Table, is_draft, lost_criteria_table, unit_authority
from scoring.selectors import Sheet, assessment_sheet

TYPE_NAMES = {LetterKind.BAO_CAO: "BÁO CÁO", LetterKind.CHI_THI: "CHỈ THỊ"}
FINAL_MARK = "./."


@dataclass
class Block:
    style: str  # "heading", "paragraph", "group" (a group of directions) or "item"
    text: str


@dataclass
class LetterContent:
    kind: str
    kind_label: str  # "Công văn", "Báo cáo", "Chỉ thị"
    type_name: str  # "BÁO CÁO" / "CHỈ THỊ" centred above the subject; "" for a công văn
    parent_body: list[str]
    issuing_body: list[str]
    number: str  # "105/UBND-VP"; the number is blank in a draft
    place_date: str
    subject: str
    recipients: list[str]
    bases: list[str]
    body: list[Block]
    receivers: list[str]
    signing_authority: list[str]
    signer_title: str
    signer_name: str
    issued: bool = False
    appendix: Table | None = None
    title: str = ""  # the PDF's title
    # The assessment's results were not published when the letter was laid out: every
    # output carries DRAFT_MARK ("DỰ THẢO").
    provisional: bool = False

    def to_json(self) -> dict:
        data = asdict(self)
        data["appendix"] = self.appendix.to_json() if self.appendix else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> LetterContent:
        body = [Block(**b) for b in data["body"]]
        appendix = Table.from_json(data["appendix"]) if data.get("appendix") else None
        return cls(**{**data, "body": body, "appendix": appendix})


def letter_content(letter: Letter, sheet: Sheet | None = None) -> LetterContent:
    """The letter laid out: the frozen copy once issued, else built from the draft."""
    if letter.issued_content:
        return LetterContent.from_json(letter.issued_content)
    return build_content(letter, sheet)


def build_content(letter: Letter, sheet: Sheet | None = None) -> LetterContent:
    """Lay out a letter from its current fields (the issue service freezes this result)."""
    assessment = letter.assessment
    year = letter.date.year if letter.date else (letter.number_year or timezone.localdate().year)
    number = formatting.document_number(letter.number, letter.symbol)
    appendix = None
    if letter.with_appendix:
        sheet = sheet or assessment_sheet(assessment)
        kind_label = letter.get_kind_display()
        reference = (
            f"(Kèm theo {kind_label} số {number} {formatting.long_date(letter.date, year)} "
            f"của {unit_authority(assessment)})"
        )
        appendix = lost_criteria_table(sheet, reference=reference)
    return LetterContent(
        kind=letter.kind,
        kind_label=letter.get_kind_display(),
        type_name=TYPE_NAMES.get(letter.kind, ""),
        parent_body=formatting.lines(letter.parent_body.upper()),
        issuing_body=formatting.lines(letter.issuing_body.upper()),
        number=number,
        place_date=formatting.place_date(letter.place, letter.date, year),
        subject=" ".join(letter.subject.split()),
        recipients=formatting.recipients_lines(formatting.lines(letter.recipients)),
        bases=formatting.lines(letter.bases),
        body=_body(letter),
        receivers=formatting.listed(formatting.lines(letter.receivers)),
        signing_authority=formatting.lines(letter.signing_authority.upper()),
        signer_title=letter.signer_title.upper(),
        signer_name=letter.signer_name,
        issued=letter.status == LetterStatus.ISSUED,
        appendix=appendix,
        title=_title(letter),
        provisional=is_draft(assessment),
    )


def _title(letter: Letter) -> str:
    if letter.number is not None:
        return f"{letter.get_kind_display()} {letter.number:02d}-{letter.symbol}"
    return f"Dự thảo {letter.get_kind_display().lower()} {letter.assessment.unit.name}"


def _body(letter: Letter) -> list[Block]:
    blocks: list[Block] = []
    directions = list(letter.directions.all())
    for paragraph in letter.paragraphs.all():
        if paragraph.kind == ParagraphKind.DIRECTIONS:
            blocks.extend(direction_blocks(directions, letter.grouping))
        elif paragraph.text.strip():
            style = "heading" if paragraph.kind == ParagraphKind.HEADING else "paragraph"
            for text in formatting.lines(paragraph.text):
                blocks.append(Block(style, text))
    _end_with_final_mark(blocks)
    return blocks


def direction_blocks(directions, grouping: str) -> list[Block]:
    """Numbered group headings, each followed by its directions as "- " items."""
    blocks = []
    groups = group_items(directions, key=lambda d: d.group)
    for number, group in enumerate(groups, start=1):
        blocks.append(Block("group", f"{number}. {group.heading}"))
        for item in group.items:
            text = item_text(item, with_responsible=grouping == Grouping.FIELD)
            blocks.append(Block("item", f"- {text}"))
    return blocks


def _end_with_final_mark(blocks: list[Block]) -> None:
    """The body ends with "./." (Nghị định 30), whatever the office typed last."""
    for block in reversed(blocks):
        if block.style in ("paragraph", "item"):
            if not block.text.endswith(FINAL_MARK):
                block.text = block.text.rstrip(" .;,") + FINAL_MARK
            return
