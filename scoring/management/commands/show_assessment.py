import textwrap

from django.core.management.base import BaseCommand, CommandError

from scoring import engine
from scoring.engine import vn_number
from scoring.selectors import assessment_for_code, assessment_sheet

TITLE_WIDTH = 58


def _line(code: str, title: str, *numbers) -> str:
    maximum, self_value, appraised, lost = (vn_number(n) for n in numbers)
    return f"{code:<12}{title:<{TITLE_WIDTH}}{maximum:>8}{self_value:>8}{appraised:>10}{lost:>8}"


class Command(BaseCommand):
    help = (
        "In bảng điểm của một đơn vị trong một kỳ: mã, nội dung, điểm tối đa, tự đánh giá, "
        "thẩm định, bị trừ; kèm tổng điểm, xếp loại và xếp hạng."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("unit_code", help="Mã đơn vị, ví dụ TXQT-P1")
        parser.add_argument("year", type=int, help="Năm đánh giá, ví dụ 2023")
        parser.add_argument(
            "--mid-year", action="store_true", help="Kỳ đánh giá 6 tháng đầu năm thay vì cả năm"
        )
        parser.add_argument(
            "--lost-only", action="store_true", help="Chỉ in các tiêu chí bị trừ điểm"
        )

    def handle(self, *args, unit_code, year, mid_year, lost_only, **options) -> None:
        try:
            assessment = assessment_for_code(unit_code, year, mid_year=mid_year)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        unit = assessment.unit
        sheet = assessment_sheet(assessment)
        out = self.stdout.write
        out(f"{unit} – {assessment.period} – {assessment.framework}")
        out(f"Trạng thái: {assessment.get_status_display()}")
        header = (
            f"{'Mã':<12}{'Nội dung':<{TITLE_WIDTH}}{'Tối đa':>8}{'Tự ĐG':>8}"
            f"{'Thẩm định':>10}{'Bị trừ':>8}"
        )
        out(header)
        out("-" * len(header))
        rows = sheet.lost_rows if lost_only else sheet.rows
        for row in rows:
            indent = "" if lost_only else "  " * row.depth
            title = textwrap.shorten(row.criterion.title, TITLE_WIDTH - 2, placeholder="…")
            out(
                _line(
                    indent + row.criterion.code,
                    title,
                    row.maximum,
                    row.self_value,
                    row.appraised,
                    row.lost,
                )
            )
        out("-" * len(header))
        leaves = [row for row in rows if row.is_leaf]
        out(
            _line(
                "Tổng cộng",
                "",
                engine.total(row.maximum for row in leaves),
                engine.total(row.self_value for row in leaves),
                engine.total(row.appraised for row in leaves),
                engine.total(row.lost for row in leaves),
            )
        )
        self._results(sheet.results, assessment)

    def _results(self, r, assessment) -> None:
        out = self.stdout.write
        out("")
        out(f"Tổng điểm: {vn_number(r.total)}/{vn_number(r.maximum)} ({vn_number(r.percentage)}%)")
        if r.rescaled is not None:
            out(
                f"  điểm quy đổi {vn_number(r.rescaled)}/{vn_number(r.maximum)} "
                f"({r.not_assessed_count} tiêu chí không đánh giá)"
            )
        if r.items:
            out(
                f"  gồm điểm các tiêu chí {vn_number(r.appraised_total)}, điểm thưởng "
                f"+{vn_number(r.bonus_added)}, điểm trừ −{vn_number(r.penalty_taken)} (trong "
                "mức tối đa của bộ chỉ số)"
            )
        elif assessment.bonus or assessment.penalty:
            out(
                f"  gồm điểm thưởng {vn_number(assessment.bonus)}, "
                f"điểm trừ ngoài bộ tiêu chí {vn_number(assessment.penalty)}"
            )
        out(f"Xếp loại: {r.classification or '—'}")
        if r.rank is not None:
            out(f"Xếp hạng: thứ {r.rank}/{r.rank_of}")
        else:
            out("Xếp hạng: chưa có (bản đánh giá chưa công bố)")
        if r.change is not None:
            direction = "Tăng" if r.change >= 0 else "Giảm"
            out(
                f"{direction} {vn_number(abs(r.change))} điểm so với "
                f"{str(r.previous_period).lower()} ({vn_number(r.previous_total)} điểm)"
            )
        out(
            f"Điểm bị trừ: {vn_number(r.points_lost)} "
            f"({r.appraised_count}/{r.leaf_count} tiêu chí đã thẩm định)"
        )
        out(f"Điểm tự đánh giá bị cắt khi thẩm định: {vn_number(r.cut_by_appraisal)}")
