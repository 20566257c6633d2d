"""Plans check a parsed table against a framework and the current scores. Pure: no database."""

from decimal import Decimal as D

from exchange.parsing.appendix import find_appendix
from exchange.parsing.grid import grid_from_rows
from exchange.plans import CriterionSpec, FrameworkSpec, ScoreState
from exchange.plans.appraisal import plan_appraisal
from exchange.preview import Preview

HEADER = ["Mục", "Nội dung", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định", "Số điểm bị trừ"]


def _framework() -> FrameworkSpec:
    """1 (3 points) = 1.1 judgement (1) + 1.2 ratio (2); 2 (1 point) yes/no."""
    specs = [
        CriterionSpec("1", "Lĩnh vực một", D("3"), "", {}, None, False),
        CriterionSpec("1.1", "Chất lượng", D("1"), "judgement", {}, "1", True),
        CriterionSpec("1.2", "Tỷ lệ", D("2"), "ratio", {}, "1", True),
        CriterionSpec("2", "Lĩnh vực hai", D("1"), "yes_no", {}, None, True),
    ]
    return FrameworkSpec("Bộ nhỏ", "half_up", {s.code: s for s in specs})


SELF_ASSESSED = {"1.1": D("1"), "1.2": D("2"), "2": D("1")}  # the unit claims full marks


def _states(self_values=SELF_ASSESSED, **appraised) -> dict[str, ScoreState]:
    return {
        code: ScoreState(
            score_id=n,
            version=0,
            self_value=self_values.get(code),
            appraised=appraised.get(code.replace(".", "_")),
        )
        for n, code in enumerate(("1.1", "1.2", "2"), start=1)
    }


def _plan(rows, states=None, **options) -> Preview:
    table = find_appendix([grid_from_rows([HEADER, *rows])])
    return plan_appraisal(table, _framework(), states or _states(), **options)


def test_a_full_table_whose_parents_add_up_has_no_warning():
    preview = _plan(
        [
            ["1", "Lĩnh vực một", 3, 3, "2,5", "0,5"],
            ["1.1", "Chất lượng", 1, 1, "0,5", "0,5"],
            ["1.2", "Tỷ lệ", 2, 2, 2, 0],
            ["2", "Lĩnh vực hai", 1, 1, 1, 0],
            ["Tổng cộng", None, 4, 4, "3,5", "0,5"],
        ]
    )
    assert preview.all_problems() == []
    assert [(r.code, r.action) for r in preview.rows] == [
        ("1", "check_only"),
        ("1.1", "update"),
        ("1.2", "update"),
        ("2", "update"),
    ]
    assert [op["appraised"]["value"] for op in preview.payload["ops"]] == ["0.5", "2", "1"]


def test_a_parent_off_by_its_children_is_named_with_both_numbers():
    preview = _plan(
        [["1", "", 3, 3, 3, 0], ["1.1", "", 1, 1, "0,5", "0,5"], ["1.2", "", 2, 2, 2, 0]]
    )
    assert [(p.row, p.message) for p in preview.warnings] == [
        (2, "Tiêu chí 1: điểm thẩm định 3,00 khác tổng các tiêu chí con 2,50."),
        (2, "Tiêu chí 1: số điểm bị trừ 0,00 khác tổng các tiêu chí con 0,50."),
    ]


def test_the_totals_row_is_compared_with_the_top_rows_only():
    rows = [["1", "", 3, 3, "2,5", "0,5"], ["1.1", "", 1, 1, "0,5", "0,5"], ["1.2", "", 2, 2, 2, 0]]
    preview = _plan([*rows, ["Tổng cộng", None, 3, 3, "2,5", "0,5"]])
    assert preview.warnings == []  # 1 counts once, not again through 1.1 and 1.2


def test_an_empty_appraised_cell_leaves_the_value_as_it_was():
    preview = _plan([["1.1", "", 1, None, None, None]], _states(**{"1_1": D("0.75")}))
    assert preview.rows[0].action == "unchanged"
    assert preview.payload["ops"] == []


def test_a_yes_no_criterion_takes_only_nothing_or_everything():
    preview = _plan([["2", "", 1, 1, "0,5", "0,5"]])
    assert [p.message for p in preview.errors] == [
        "Tiêu chí 2: chấm đạt/không đạt, điểm thẩm định chỉ là 0 hoặc 1,00; hãy chọn Đạt "
        "hoặc Không đạt."
    ]
    assert preview.payload["ops"] == []


def test_full_marks_fill_only_what_the_table_leaves_out_and_is_still_empty():
    preview = _plan([["1.1", "", 1, 1, "0,5", "0,5"]], _states(**{"2": D("0")}), fill_unlisted=True)
    filled = [op for op in preview.payload["ops"] if op["row"] is None]
    assert [(op["code"], op["appraised"]["value"]) for op in filled] == [("1.2", "2")]


def test_a_preview_survives_being_stored_as_json():
    preview = _plan([["1.1", "", 1, 1, "1,5", None], ["1.2", "", 2, 2, 2, 0]])
    again = Preview.from_dict(preview.as_dict())
    assert again.as_dict() == preview.as_dict()
    assert [p.message for p in again.errors] == [p.message for p in preview.errors]
    assert again.change_count == preview.change_count == 1


def test_a_self_assessed_value_unlike_the_units_is_a_warning_and_never_written():
    preview = _plan([["1.1", "", 1, "0,5", "0,5", "0,5"]])
    assert [(p.row, p.message) for p in preview.warnings] == [
        (2, "Điểm tự đánh giá 0,50 trong tệp khác điểm đơn vị đã tự đánh giá 1,00; giữ điểm "
         "của đơn vị.")
    ]  # fmt: skip
    [op] = preview.payload["ops"]
    assert "self" not in op and op["appraised"]["value"] == "0.5"
    assert [c.label for c in preview.rows[0].changes] == ["Điểm thẩm định"]


def test_a_self_assessed_value_the_unit_never_gave_is_a_warning_and_stays_empty():
    preview = _plan([["1.1", "", 1, 1, 1, 0]], _states(self_values={}))
    assert [p.message for p in preview.warnings] == [
        "Tiêu chí 1.1: điểm tự đánh giá 1,00 trong tệp, nhưng đơn vị chưa tự đánh giá; bảng "
        "thẩm định không ghi điểm tự đánh giá: giữ điểm của đơn vị (để trống)."
    ]
    assert [set(op) for op in preview.payload["ops"]] == [
        {"score_id", "version", "code", "row", "appraised"}
    ]


def test_full_marks_for_what_the_table_leaves_out_leave_the_self_assessment_alone():
    preview = _plan([["1.1", "", 1, 1, "0,5", "0,5"]], _states(self_values={}), fill_unlisted=True)
    filled = [row for row in preview.rows if row.row is None]
    assert [(r.code, [c.label for c in r.changes]) for r in filled] == [
        ("1.2", ["Điểm thẩm định"]),
        ("2", ["Điểm thẩm định"]),
    ]
    assert all("self" not in op for op in preview.payload["ops"])
