"""What a new letter says before the office edits it: header, results paragraph, texts per kind.

The results paragraph is written from the numbers `assessment_sheet` gives (total,
classification, rank "thứ 3/5", change against the previous period, points lost); nothing
here computes a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from documents import formatting
from documents.directions import general_request, target_label
from documents.models import Grouping, LetterKind, ParagraphKind, SigningForm
from documents.tables import period_label
from scoring.engine import vn_number
from scoring.models import Assessment, Official, Role
from scoring.selectors import RankingRow, Sheet

SYMBOLS = {
    LetterKind.CONG_VAN: "UBND-VP",
    LetterKind.BAO_CAO: "BC-UBND",
    LetterKind.CHI_THI: "CT-UBND",
}


@dataclass
class Draft:
    """The starting content of a letter: header fields and body paragraphs (kind, text)."""

    fields: dict
    paragraphs: list[tuple[str, str]]


def results_text(sheet: Sheet, ranking: list[RankingRow], *, cite_decision: bool) -> str:
    """ "Kết quả Chỉ số CCHC năm 2023 của UBND phường đạt 91,00/100 điểm, xếp loại Tốt, đứng
    thứ 3/5 phường, xã trên địa bàn thị xã Quảng Trị (tăng 9,18 điểm so với năm 2022) …"."""
    assessment, r = sheet.assessment, sheet.results
    unit = assessment.unit
    own = f"UBND {unit.get_kind_display().lower()}"
    label = period_label(assessment.period)
    text = ""
    if cite_decision and assessment.published_decision:
        text = (
            f"Theo {assessment.published_decision} về việc công bố Chỉ số cải cách hành chính "
            f"{label}, "
        )
    text += (
        f"{'k' if text else 'K'}ết quả Chỉ số cải cách hành chính {label} của {own} đạt "
        f"{vn_number(r.total)}/{formatting.points(r.maximum)} điểm"
    )
    if r.rescaled is not None:
        text += f" (điểm quy đổi {vn_number(r.rescaled)}/{formatting.points(r.maximum)} điểm)"
    if r.classification:
        text += f", xếp loại {r.classification}"
    if r.rank:
        text += f", đứng thứ {r.rank}/{r.rank_of}"
        peers = formatting.peer_kinds(row.assessment.unit.get_kind_display() for row in ranking)
        if peers:
            text += f" {peers}"
        if unit.parent:
            text += f" trên địa bàn {formatting.running_name(unit.parent.name)}"
    # Against the unit's previous published result of the same kind, named ("so với năm 2022").
    previous = period_label(r.previous_period) if r.previous_period else ""
    change = formatting.change_phrase(r.change, previous)
    if change:
        text += f" ({change})"
    text += ". "
    lost_count = len(sheet.lost_rows)
    if lost_count:
        text += (
            f"Tổng số điểm bị trừ là {vn_number(r.points_lost)} điểm, ở {lost_count} tiêu chí, "
            "tiêu chí thành phần (chi tiết tại Phụ lục kèm theo)."
        )
    else:
        text += "Không có tiêu chí nào bị trừ điểm."
    if r.appraised_count < r.leaf_count:
        text += (
            f" Đến nay đã thẩm định {r.appraised_count}/{r.leaf_count} tiêu chí; điểm bị trừ "
            "tính trên các tiêu chí đã thẩm định."
        )
    return text


def signer_posts(unit):
    """Who may sign the unit's letters: its current chairperson and deputies (a queryset)."""
    return (
        Official.objects.current()
        .filter(unit=unit, role=Role.CHAIRPERSON, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def signers(unit) -> list[Official]:
    return list(signer_posts(unit))


def is_deputy(official: Official) -> bool:
    return "phó" in official.title.lower()


def signing_block(official: Official, form: str) -> dict:
    """The printed signing block of `official` signing in `form` (Nghị định 30, Điều 13 and
    Phụ lục I): for the committee (TM.), for the chairperson (KT. by a deputy), as acting
    chairperson (Q.), by order or by authority (TL., TUQ.), or directly."""
    title = "PHÓ CHỦ TỊCH" if is_deputy(official) else "CHỦ TỊCH"
    authority = {
        SigningForm.DIRECT: "",
        SigningForm.TM: "TM. ỦY BAN NHÂN DÂN",
        SigningForm.KT: "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
        SigningForm.Q: "TM. ỦY BAN NHÂN DÂN",
        SigningForm.TL: "TL. CHỦ TỊCH",
        SigningForm.TUQ: "TUQ. CHỦ TỊCH",
    }[form]
    if form == SigningForm.Q:
        title = "Q. CHỦ TỊCH"
    return {
        "signing_authority": authority,
        "signer_title": title,
        "signer_name": str(official.user),
    }


def default_form(official: Official) -> str:
    """A deputy signs for the chairperson (KT.), the chairperson for the committee (TM.)."""
    return SigningForm.KT if is_deputy(official) else SigningForm.TM


def signing_form_problem(form: str, authority: str, title: str) -> str:
    """What is wrong with a signing block that does not show its form, or "".

    The last line of the block that starts with a form ("TM.", "KT.", …) is the form the
    signer signs in; a direct signature has no such line."""
    lines = [line.strip().upper() for line in [*authority.splitlines(), title] if line.strip()]
    shown = ""
    for line in lines:
        for code in SigningForm.values:
            if code and line.startswith(f"{code}."):
                shown = code
    if shown == form:
        return ""
    label = SigningForm(form).label
    if not form:
        return (
            f"Hình thức ký là {label.lower()} nhưng khối chữ ký có dòng “{shown}. …”; hãy "
            "xóa dòng đó ở thẩm quyền ký hoặc chọn hình thức ký tương ứng."
        )
    return (
        f"Hình thức ký là {label} nhưng khối chữ ký không kết thúc bằng dòng “{form}. …”; "
        "hãy sửa thẩm quyền ký hoặc chọn lại hình thức ký."
    )


def signer_defaults(assessment: Assessment, user=None) -> dict:
    """The chairperson who signs: the user if they chair the unit, else its first chairperson."""
    chairs = signers(assessment.unit)
    signer = next((o for o in chairs if user is not None and o.user_id == user.pk), None)
    signer = signer or (chairs[0] if chairs else None)
    if signer is None:
        return {
            "signer": None,
            "signing_form": SigningForm.TM,
            "signer_name": "",
            "signer_title": "CHỦ TỊCH",
            "signing_authority": "TM. ỦY BAN NHÂN DÂN",
        }
    form = default_form(signer)
    return {"signer": signer, "signing_form": form, **signing_block(signer, form)}


@dataclass(frozen=True)
class _Words:
    """The phrases every kind of letter about one assessment is written with."""

    label: str  # the period assessed: "năm 2023"
    aim: str  # the period the directions aim at: "năm 2024"
    own: str  # the issuing committee in running text: "UBND phường"
    parent: str  # the committee above: "UBND thị xã Quảng Trị", or ""
    officials: str = "các bộ phận, công chức chuyên môn"


def _words(assessment: Assessment) -> _Words:
    unit, period = assessment.unit, assessment.period
    return _Words(
        label=period_label(period),
        aim=target_label(period.year, period.kind),
        own=f"UBND {unit.get_kind_display().lower()}",
        parent=f"UBND {formatting.running_name(unit.parent.name)}" if unit.parent else "",
    )


def draft_for(kind: str, sheet: Sheet, ranking: list[RankingRow], *, user=None) -> Draft:
    """Header fields and body paragraphs of a new letter of `kind` about `sheet`'s assessment."""
    assessment = sheet.assessment
    unit = assessment.unit
    fields = {
        "kind": kind,
        "issuing_body": f"ỦY BAN NHÂN DÂN\n{unit.name.upper()}",
        "symbol": SYMBOLS[kind],
        "place": unit.name,
        **signer_defaults(assessment, user),
    }
    words = _words(assessment)
    if kind == LetterKind.BAO_CAO:
        draft = _report(sheet, ranking, words)
    else:
        draft = _directive(kind, sheet, ranking, words)
    draft.fields = {**fields, **draft.fields}
    return draft


def _report(sheet: Sheet, ranking: list[RankingRow], w: _Words) -> Draft:
    """A báo cáo as seed 002: result, then tasks per department, phụ lục attached."""
    unit = sheet.assessment.unit
    fields = {
        "subject": (
            f"Đánh giá kết quả Chỉ số cải cách hành chính {w.label}, nhiệm vụ và giải pháp cải "
            f"thiện, nâng cao chỉ số CCHC của {w.own} {w.aim}"
        ),
        "grouping": Grouping.DEPARTMENT,
        "receivers": _lines(
            f"{w.parent} (b/c)" if w.parent else "",
            f"Phòng Nội vụ {formatting.running_name(unit.parent.name)}" if unit.parent else "",
            f"Đảng ủy, HĐND {unit.get_kind_display().lower()}",
            f"CT, các PCT {w.own}",
            "Lưu: VT",
        ),
    }
    paragraphs = [
        (ParagraphKind.HEADING, f"I. Kết quả Chỉ số cải cách hành chính đạt được {w.label}"),
        (ParagraphKind.RESULTS, results_text(sheet, ranking, cite_decision=True)),
        (
            ParagraphKind.HEADING,
            f"II. Nhiệm vụ và giải pháp cải thiện, nâng cao Chỉ số cải cách hành chính {w.aim}",
        ),
        (
            ParagraphKind.TEXT,
            "Để khắc phục những tồn tại, hạn chế trong thực hiện nhiệm vụ cải cách hành chính "
            f"{w.label} và nâng cao Chỉ số cải cách hành chính {w.aim}, {w.own} giao "
            f"{w.officials} {_remedy(sheet, w)}nhiệm vụ cụ thể như sau:",
        ),
        (ParagraphKind.DIRECTIONS, ""),
        (
            ParagraphKind.TEXT,
            f"Trên đây là báo cáo đánh giá kết quả Chỉ số cải cách hành chính {w.label}, nhiệm "
            f"vụ và giải pháp cải thiện, nâng cao Chỉ số cải cách hành chính của {w.own} "
            f"{w.aim}./.",
        ),
    ]
    return Draft(fields=fields, paragraphs=paragraphs)


def _directive(kind: str, sheet: Sheet, ranking: list[RankingRow], w: _Words) -> Draft:
    """A công văn (seeds 000 and 003) or chỉ thị: legal basis, result, directions by field."""
    decision = sheet.assessment.published_decision
    fields = {
        "bases": (
            f"Căn cứ {decision} về việc công bố Chỉ số cải cách hành chính {w.label};"
            if decision
            else ""
        ),
        "receivers": _lines(
            "Như trên" if kind == LetterKind.CONG_VAN else "",
            f"{w.parent} (b/c)" if w.parent else "",
            f"CT, các PCT {w.own}",
            "Lưu: VT, VP",
        ),
    }
    if kind == LetterKind.CONG_VAN:
        fields["subject"] = (
            f"khắc phục tồn tại, hạn chế trong công tác CCHC {w.label} và cải thiện, nâng "
            f"cao Chỉ số CCHC {w.aim}"
        )
        fields["recipients"] = f"Các bộ phận, công chức chuyên môn thuộc {w.own}"
        ask = (
            f"{w.own} yêu cầu {w.officials} {_remedy(sheet, w)}triển khai thực hiện các nội "
            "dung cụ thể như sau:"
        )
        close = f"{w.own} yêu cầu {w.officials} nghiêm túc triển khai thực hiện./."
    else:
        fields["subject"] = (
            f"Về việc khắc phục tồn tại, hạn chế và nâng cao Chỉ số cải cách hành chính {w.aim}"
        )
        ask = (
            f"Chủ tịch {w.own} chỉ thị {w.officials} {_remedy(sheet, w)}thực hiện tốt các nội "
            "dung cụ thể sau:"
        )
        close = f"Chủ tịch {w.own} yêu cầu {w.officials} nghiêm túc thực hiện Chỉ thị này./."
    paragraphs = [
        (ParagraphKind.RESULTS, results_text(sheet, ranking, cite_decision=False)),
        (
            ParagraphKind.TEXT,
            "Nhằm khắc phục những tồn tại, hạn chế trong công tác cải cách hành chính "
            f"{w.label} và cải thiện, nâng cao Chỉ số cải cách hành chính {w.aim}, {ask}",
        ),
        (ParagraphKind.DIRECTIONS, ""),
        (ParagraphKind.TEXT, close[0].upper() + close[1:]),
    ]
    return Draft(fields=fields, paragraphs=paragraphs)


def _remedy(sheet: Sheet, w: _Words) -> str:
    """The request every lost criterion shares, once, before the directions list them."""
    return f"{general_request(w.aim)}; " if sheet.lost_rows else ""


def _lines(*items: str) -> str:
    return "\n".join(item for item in items if item)
