from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from documents.content import LetterContent, build_content, letter_content
from documents.models import Letter, LetterKind, LetterStatus
from documents.render import docx, pdf, xlsx
from documents.services import letter_create
from documents.tables import lost_criteria_table, ranking_table, score_sheet_table
from scoring.models import Assessment
from scoring.selectors import assessment_for_code, assessment_sheet, period_results

TABLE_KINDS = {
    "phu-luc": "phụ lục các nội dung bị trừ điểm",
    "bang-diem": "bảng điểm đầy đủ theo lĩnh vực",
    "xep-hang": "xếp hạng các đơn vị cùng kỳ",
}
LETTER_KINDS = {
    "cong-van": LetterKind.CONG_VAN,
    "bao-cao": LetterKind.BAO_CAO,
    "chi-thi": LetterKind.CHI_THI,
}


class Command(BaseCommand):
    help = (
        "Xuất một văn bản của một đơn vị trong một kỳ ra tệp PDF, XLSX hoặc DOCX (theo đuôi tệp). "
        "Loại: phu-luc, bang-diem, xep-hang (PDF, XLSX); cong-van, bao-cao, chi-thi (PDF, DOCX; "
        "XLSX là phụ lục kèm theo). Với văn bản: lấy văn bản đã ban hành mới nhất cùng loại, nếu "
        "chưa có thì dự thảo mới nhất, nếu chưa có thì soạn dự thảo mặc định (không lưu)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=[*TABLE_KINDS, *LETTER_KINDS])
        parser.add_argument("unit_code", help="Mã đơn vị, ví dụ TXQT-P1")
        parser.add_argument("year", type=int, help="Năm đánh giá, ví dụ 2023")
        parser.add_argument("-o", "--output", required=True, help="Tệp kết quả: .pdf, .xlsx, .docx")
        parser.add_argument(
            "--mid-year", action="store_true", help="Kỳ đánh giá 6 tháng đầu năm thay vì cả năm"
        )

    def handle(self, *args, kind, unit_code, year, output, mid_year, **options) -> None:
        target = Path(output)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in ("pdf", "xlsx", "docx"):
            raise CommandError(f"Tệp {output} phải có đuôi .pdf, .xlsx hoặc .docx.")
        assessment = self._assessment(unit_code, year, mid_year)
        if kind in TABLE_KINDS:
            if fmt == "docx":
                raise CommandError("Phụ lục xuất ra .pdf hoặc .xlsx.")
            table = self._table(kind, assessment)
            data = pdf.table_pdf(table) if fmt == "pdf" else xlsx.table_xlsx(table)
        else:
            content = self._letter(LETTER_KINDS[kind], assessment)
            if fmt == "pdf":
                data = pdf.letter_pdf(content)
            elif fmt == "docx":
                data = docx.letter_docx(content)
            elif content.appendix is None:
                raise CommandError("Văn bản này không kèm phụ lục nên không có tệp .xlsx.")
            else:
                data = xlsx.table_xlsx(content.appendix)
        target.write_bytes(data)
        self.stdout.write(f"Đã ghi {target} ({len(data):,} byte).".replace(",", "."))

    def _assessment(self, unit_code: str, year: int, mid_year: bool) -> Assessment:
        try:
            return assessment_for_code(unit_code, year, mid_year=mid_year)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc

    def _table(self, kind: str, assessment: Assessment):
        if kind == "xep-hang":
            framework, period = assessment.framework, assessment.period
            return ranking_table(framework, period, period_results(framework, period))
        sheet = assessment_sheet(assessment)
        return lost_criteria_table(sheet) if kind == "phu-luc" else score_sheet_table(sheet)

    def _letter(self, kind: str, assessment: Assessment) -> LetterContent:
        letters = assessment.letters.filter(kind=kind)
        letter = (
            letters.filter(status=LetterStatus.ISSUED).order_by("-issued_at").first()
            or letters.order_by("-updated_at").first()
        )
        if letter is not None:
            self.stderr.write(f"Dùng {letter} (mã {letter.pk}).")
            return letter_content(letter)
        self.stderr.write("Chưa có văn bản loại này: dùng dự thảo mặc định soạn từ kết quả.")
        return _default_draft(kind, assessment)


def _default_draft(kind: str, assessment: Assessment) -> LetterContent:
    """A draft laid out in memory and thrown away: nothing is written to the database."""
    with transaction.atomic():
        letter = letter_create(assessment=assessment, kind=kind)
        content = build_content(Letter.objects.get(pk=letter.pk))
        transaction.set_rollback(True)
    return content
