"""`show_assessment` lets anyone check the numbers from a terminal."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _show(*args) -> str:
    out = StringIO()
    call_command("show_assessment", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_score_sheet_with_total_classification_rank_and_change():
    text = _show("TXQT-P1", "2023")
    assert "Phường 1 – Năm 2023" in text
    assert "Tổng điểm: 91,00/100,00 (91,00%)" in text
    assert "Xếp loại: Tốt" in text
    assert "Xếp hạng: thứ 3/5" in text
    assert "Tăng 9,18 điểm so với năm 2022 (81,82 điểm)" in text
    assert "Điểm bị trừ: 9,00" in text
    # a criterion row: code, maximum, self, appraised, lost
    line = next(line for line in text.splitlines() if line.lstrip().startswith("3.12.2 "))
    assert line.split()[-4:] == ["1,00", "1,00", "0,32", "0,68"]


def test_it_prints_only_the_lost_criteria_with_the_seed_totals_row():
    text = _show("TXQT-P1", "2023", "--lost-only")
    totals = next(line for line in text.splitlines() if line.startswith("Tổng cộng"))
    assert totals.split()[-4:] == ["20,00", "18,50", "11,00", "9,00"]
    assert sum(1 for line in text.splitlines() if line[:1].isdigit()) == 16


def test_an_unknown_unit_or_period_is_reported_plainly():
    with pytest.raises(CommandError, match="Không có đơn vị mã “XYZ”"):
        _show("XYZ", "2023")
    with pytest.raises(CommandError, match="chưa có bản đánh giá kỳ 6 tháng đầu năm 2023"):
        _show("TXQT-P1", "2023", "--mid-year")
