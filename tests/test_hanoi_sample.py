"""The sample framework shaped like Hanoi QĐ 5666/2025 (fixtures/sample/), end to end.

Contents 1–7 are criteria the units score themselves (yes/no, levels, ratios, stepped ratios,
deductions, "không phát sinh" rules); content 8 is scored by the council from a sociological
survey and an outside index; content 9 lists bonus and penalty items. The framework rescales
(điểm quy đổi) when a criterion is not assessed.

One commune is followed through the round: its self-assessment leaves the survey to the
council, the council imports the survey for the round's 10 communes, appraises, one criterion
is not assessed, and the result is rescaled. Every figure below is computed by hand.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from exchange import exports
from exchange import services as exchange
from exchange.models import ImportKind
from scoring import services
from scoring.models import Framework, Role, Unit
from scoring.selectors import assessment_sheet
from tests.factories import UnitFactory
from tests.helpers import score_of
from tests.survey.conftest import _user, make_round

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "sample"
SURVEY_FIRST_ROW = 7  # the survey sheet's first unit row (see tests/survey/test_survey_import.py)
SURVEY_CODES = ("8.1", "8.2", "8.3")


def _import_framework() -> Framework:
    admin = get_user_model().objects.create_superuser("quantri.hn", password="x")
    data = (SAMPLE / "hanoi_shaped_communes_sample.xlsx").read_bytes()
    record = exchange.import_record_create(
        kind=ImportKind.FRAMEWORK, name="bo-chi-so-mau.xlsx", data=data, user=admin
    )
    assert record.get_preview().errors == []
    exchange.import_record_apply(record=record, user=admin)
    return Framework.objects.get(name__contains="QĐ 5666/QĐ-UBND Hà Nội (mẫu minh họa)")


def test_the_sample_workbook_is_the_sample_data_and_labelled_as_a_sample():
    framework = _import_framework()
    assert framework.is_active and framework.rescales
    assert "mẫu minh họa" in framework.name and "không phải văn bản chính thức" in (
        framework.decision
    )
    criteria = {c.code: c for c in framework.criteria.all()}
    source = json.loads((SAMPLE / "hanoi_shaped_communes_sample.json").read_text())

    def leaves(nodes):
        for node in nodes:
            yield from leaves(node["children"]) if node.get("children") else [node]

    for leaf in leaves(source["criteria"]):
        criterion = criteria[leaf["code"]]
        assert (criterion.method, criterion.maximum) == (leaf["method"], D(leaf["maximum"]))
        assert criterion.source == leaf.get("source", "self")
        assert criterion.when_none == leaf.get("when_none", "refuse")
        assert criterion.kind == leaf.get("kind", "")
    assert [c.code for c in criteria.values() if c.source != "self"] == list(SURVEY_CODES)
    assert criteria["9.3"].maximum == D("-2.00") and criteria["9.3"].kind == "penalty"


def _survey_sheet(round_, results: dict[str, tuple[str, str, str]]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(exports.export_survey(round_).content))
    ws = workbook["Kết quả điều tra"]
    for row in range(SURVEY_FIRST_ROW, ws.max_row + 1):
        for col, value in enumerate(results.get(ws.cell(row, 1).value, ()), start=4):
            ws.cell(row, col).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _full_marks(assessment, user) -> None:
    for score in assessment.scores.select_related("criterion", "assessment__framework"):
        if score.criterion.is_self_assessed and not score.is_item:
            services.score_set_self(
                score=score, value=score.maximum, note="Đã thực hiện đầy đủ", user=user
            )


def test_one_commune_through_the_round_to_a_rescaled_result_classification_and_rank():
    framework = _import_framework()
    province = UnitFactory(code="HN", name="Thành phố Mẫu", kind="tinh")
    UnitFactory(code="HN-X1", name="Xã Mẫu 001", kind="xa", parent=province)
    round_ = make_round(province, framework, 10)
    assert round_.assessments.count() == 10
    x1 = round_.assessments.select_related("unit", "framework").get(unit__code="HN-X1")
    office = _user("cchc.hn.x1", x1.unit, Role.COORDINATOR, "Công chức CCHC xã")
    council = _user("thamdinh.hn", province, Role.APPRAISER, "Thành viên hội đồng")
    secretary = _user("thuky.hn", province, Role.SECRETARY, "Thư ký hội đồng")

    # Self-assessment: full marks except a stepped ratio at 95 % (1,50 of 2), two late replies
    # (2 − 2 × 0,25 = 1,50), nothing to issue under 2.1 (not assessed), a bonus claimed.
    _full_marks(x1, office)
    services.score_set_self(score=score_of(x1, "1.1.2"), value=None, b=95, a=100, user=office)
    services.score_set_self(score=score_of(x1, "3.6"), value=None, b=2, user=office)
    services.score_set_self(
        score=score_of(x1, "2.1"),
        value=None,
        nothing_arose=True,
        note="Năm 2026 xã không phải ban hành văn bản quy phạm pháp luật nào.",
        user=office,
    )
    services.score_set_self(
        score=score_of(x1, "9.1"), value=D("0.5"), note="Mô hình “Một cửa thân thiện”", user=office
    )
    assert services.self_assessment_missing(x1) == []  # the survey is the council's
    services.assessment_submit(assessment=x1, user=office)
    assert score_of(x1, "1.1.2").self_value == D("1.50")
    assert score_of(x1, "3.6").self_value == D("1.50")
    others = list(round_.assessments.exclude(pk=x1.pk).select_related("unit", "framework"))
    for assessment in others:
        _full_marks(assessment, None)
        services.assessment_submit(assessment=assessment)

    # The council's survey sheet for the 10 communes: satisfaction %, officials' view %, index.
    results = {"HN-X1": ("87,35", "82,5", "75,4")}
    for assessment in others:
        i = int(assessment.unit.code.rsplit("X", 1)[1])
        results[assessment.unit.code] = (str(80 + i), "85", "80")
    record = exchange.import_record_create(
        kind=ImportKind.SURVEY,
        name="ket-qua-dieu-tra-2026.xlsx",
        data=_survey_sheet(round_, results),
        user=secretary,
        options={"round_id": round_.pk},
    )
    assert record.get_preview().errors == []
    exchange.import_record_apply(record=record, user=secretary)
    # 20 × 87,35 % = 17,47; 82,5 % is in the 80–90 % step: 8; 6 × 75,4 % = 4,524 → 4,52.
    assert [score_of(x1, code).appraised_value for code in SURVEY_CODES] == [
        D("17.47"),
        D("8.00"),
        D("4.52"),
    ]

    # Appraisal: the council accepts the unit's figures and its report under 2.1, awards the
    # commendation (9.2, +1) and takes 0,5 for a late report (9.4).
    for assessment in [x1, *others]:
        services.assessment_accept_self_values(assessment=assessment, user=council)
    services.score_set_appraised(
        score=score_of(x1, "9.2"), value=D("1"), comment="Bằng khen năm 2026", user=council
    )
    services.score_set_appraised(
        score=score_of(x1, "9.4"), value=D("0.5"), comment="Báo cáo quý III chậm", user=council
    )
    assert score_of(x1, "9.4").appraised_value == D("-0.50")
    assert score_of(x1, "2.1").appraised_not_assessed
    for assessment in [x1, *others]:
        assert services.appraisal_missing(assessment) == []
        services.assessment_return(assessment=assessment, response_deadline=None)
        services.assessment_start_round_2(assessment=assessment)
        services.assessment_finalize(assessment=assessment)
    services.group_publish(
        round_=round_,
        group=round_.groups.get(),
        decision="Quyết định số 12/QĐ-UBND",
        decided_on=datetime.date.today(),
        user=secretary,
    )

    # Contents 1–7: 64 − 3 (2.1 not assessed) − 0,50 − 0,50 = 60,00; content 8: 29,99.
    # Scored 89,99 of the 97 assessed → 89,99 × 100 / 97 = 92,77; bonus +1,50 (cap 2),
    # penalty −0,50 (cap 3): total 90,99, rescaled 93,77 → 93,77 %, Xuất sắc.
    x1.refresh_from_db()
    assert x1.result_total == D("90.99")
    assert x1.result_rescaled == D("93.77")
    assert x1.result_percentage == D("93.77")
    assert x1.result_classification == "Xuất sắc"
    # The others: 64 + 20 × (80 + i) % + 8 + 4,80 = 92,80 + 0,2 i, i = 2…10: 93,20 … 94,80.
    # Six of them (i = 5…10, from 93,80) rank above 93,77; on the raw 90,99 it would be last.
    assert (x1.result_rank, x1.result_rank_of) == (7, 10)
    x5 = round_.assessments.get(unit__code="HN-X5")
    assert (x5.result_total, x5.result_rescaled, x5.result_rank) == (D("93.80"), None, 6)
    assert Unit.objects.get(code="HN-X10").assessments.get().result_rank == 1

    sheet = assessment_sheet(x1)
    assert (sheet.results.total, sheet.results.rescaled) == (D("90.99"), D("93.77"))
    assert sheet.results.not_assessed_count == 1
