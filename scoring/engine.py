"""The numbers of the CCHC index, in one place.

Plain functions over plain values: Decimal in, Decimal out, no Django import. Views, exports,
PDFs, the dashboard and the command line all call these; nothing else derives a score, a
total, points lost, a classification or a rank on its own.

Vocabulary (see shared/docs/domain.md):
- points lost (điểm bị trừ) = maximum − appraised, over appraised criteria only;
- cut by appraisal = self-assessed − appraised, where both exist (how far a unit over-claimed).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise
from typing import Any, TypeVar

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
# No score, maximum, count or percentage has this many digits before the decimal point.
MAX_DIGITS = 15

K = TypeVar("K", bound=Hashable)


class Rounding(StrEnum):
    HALF_UP = "half_up"
    CUT = "cut"


class Method(StrEnum):
    JUDGEMENT = "judgement"
    YES_NO = "yes_no"
    LEVELS = "levels"
    RATIO = "ratio"
    RATIO_FLOOR = "ratio_floor"
    RATIO_TARGET = "ratio_target"
    RATIO_STEPS = "ratio_steps"
    DEDUCTION = "deduction"
    # A measured percentage (survey result, an outside index) turned into points.
    PERCENT = "percent"
    PERCENT_STEPS = "percent_steps"


# What each method is called wherever a user picks or reads one (framework page, workbook).
METHOD_LABELS = {
    Method.JUDGEMENT: "Hội đồng đánh giá (0 đến điểm tối đa)",
    Method.YES_NO: "Đạt / không đạt",
    Method.LEVELS: "Theo mức",
    Method.RATIO: "Theo tỷ lệ b/a",
    Method.RATIO_FLOOR: "Theo tỷ lệ b/a, dưới ngưỡng được 0 điểm",
    Method.RATIO_TARGET: "Theo tỷ lệ b/a so với chỉ tiêu",
    Method.RATIO_STEPS: "Theo tỷ lệ b/a, theo bậc",
    Method.DEDUCTION: "Trừ điểm theo số trường hợp",
    Method.PERCENT: "Theo kết quả % (điểm = điểm tối đa × % / 100)",
    Method.PERCENT_STEPS: "Theo kết quả %, theo bậc",
}
# Methods that take the counts b of a and score their ratio.
RATIO_METHODS = frozenset(
    {Method.RATIO, Method.RATIO_FLOOR, Method.RATIO_TARGET, Method.RATIO_STEPS}
)
# Methods whose score follows from counts typed by the unit or the council: the ratios, and
# deductions, which take one count (the number of cases, kept in b).
COUNTED_METHODS = RATIO_METHODS | {Method.DEDUCTION}


class ScoringError(ValueError):
    """Bad input to a scoring function; the message is Vietnamese and shown to users."""


def vn_number(value: Decimal | int | None, places: int = 2) -> str:
    """Format a number the Vietnamese way, with a decimal comma: Decimal("91") -> "91,00"."""
    if value is None:
        return ""
    return f"{Decimal(value):.{places}f}".replace(".", ",")


def parse_number(text: object) -> Decimal:
    """A number as people type it: "0,5", "0.5", "- 0,5", " 2,00 ", "1.234,5", "1.000.000".

    With both a comma and a dot, the last one is the decimal separator and the other groups
    thousands; one of them used more than once groups thousands ("1.000.000"); used once, it
    is the decimal separator ("1.000" is one, as a score is typed). Thousands groups must be
    of three digits: "1,2.5" or "1.2.3" is refused rather than guessed at.
    Raises ScoringError with a Vietnamese message for anything that is not a number.
    """
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int | float) and not isinstance(text, bool):
        return Decimal(str(text))
    raw = str(text or "").strip()
    cleaned = raw.replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    not_a_number = ScoringError(f"“{raw}” không phải là số (ví dụ hợp lệ: 0,5 hoặc 0.5).")
    if "," in cleaned and "." in cleaned:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        whole, _, fraction = cleaned.rpartition(decimal_sep)
        thousands = "." if decimal_sep == "," else ","
        cleaned = f"{_ungrouped(whole, thousands, not_a_number)}.{fraction}"
    else:
        for sep in ",.":
            if cleaned.count(sep) > 1:
                cleaned = _ungrouped(cleaned, sep, not_a_number)
    cleaned = cleaned.replace(",", ".")
    if not cleaned or cleaned.count(".") > 1:
        raise not_a_number
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise not_a_number from None
    if not value.is_finite():
        raise not_a_number
    if value and value.adjusted() >= MAX_DIGITS:
        # "1e999999999" is a valid Decimal; printing it in a message would take gigabytes.
        raise ScoringError(f"Số “{raw if len(raw) <= 40 else raw[:40] + '…'}” quá lớn.")
    return value


def _ungrouped(text: str, sep: str, refusal: ScoringError) -> str:
    """ "1.000.000" → "1000000"; refuses groups that are not of three digits."""
    head, *groups = text.split(sep)
    digits = head.lstrip("+-")
    if not (1 <= len(digits) <= 3 and digits.isdecimal()):
        raise refusal
    if not all(len(group) == 3 and group.isdecimal() for group in groups):
        raise refusal
    return head + "".join(groups)


def round_score(value: Decimal, rounding: Rounding | str) -> Decimal:
    """Two decimals, either rounded half up or cut off (truncated), as the framework says."""
    mode = ROUND_HALF_UP if Rounding(rounding) == Rounding.HALF_UP else ROUND_DOWN
    return value.quantize(CENT, rounding=mode)


# --- one criterion ------------------------------------------------------------------------


def may_pass_whole(method: Method | str, params: Mapping[str, Any]) -> bool:
    """Whether b may exceed a: only for a rule that itself speaks of 100 % or more (a target
    of 100 %, a step at ≥ 100 %), such as budget revenue against the estimate. Elsewhere a
    ratio is a share of a whole (files paid online of all files) and b > a is a mistake,
    typically the two counts swapped."""
    if method == Method.RATIO_TARGET:
        target = _param_or_none(params, "target")
        return target is not None and target >= 1
    if method == Method.RATIO_STEPS:
        try:
            return any(at_least >= HUNDRED for at_least, _ in steps_of(params))
        except ScoringError:
            return False
    return False


def counts_problems(
    b: int | None,
    a: int | None,
    *,
    method: Method | str = Method.RATIO,
    params: Mapping[str, Any] | None = None,
) -> list[str]:
    """What is wrong with the counts a criterion of `method` (and `params`) is given.

    Ratios need b of a, a > 0, and b ≤ a unless the rule passes 100 % (`may_pass_whole`); a
    deduction needs the number of cases in b and no a; other methods take no counts at all.
    """
    method = Method(method)
    if method == Method.DEDUCTION:
        if b is None:
            return ["Cần nhập số trường hợp."]
        problems = []
        if b < 0:
            problems.append("Số trường hợp không được âm.")
        if a is not None:
            problems.append(
                "Tiêu chí trừ điểm theo số trường hợp chỉ nhập số trường hợp, không nhập số a."
            )
        return problems
    if method not in RATIO_METHODS:
        return [
            f"Phương pháp chấm “{METHOD_LABELS[method]}” không dùng số b, a; hãy chọn hoặc "
            "nhập điểm."
        ]
    if b is None or a is None:
        return ["Cần nhập đủ hai số b và a."]
    problems = []
    if b < 0 or a < 0:
        problems.append("Số b và a không được âm.")
    if a == 0:
        problems.append("Số a (tổng số) phải lớn hơn 0.")
    if b > a and not may_pass_whole(method, params or {}):
        problems.append(f"Số b ({b}) không được lớn hơn số a ({a}).")
    return problems


def ratio_score(
    maximum: Decimal,
    b: int,
    a: int,
    *,
    rounding: Rounding | str,
    floor: Decimal | None = None,
    target: Decimal | None = None,
) -> Decimal:
    """max × b/a; 0 below `floor`; with `target`, the ratio is divided by it and capped at max.

    3.12.2, 73 of 757 files against a 30 % target: 1 × (73/757)/0.30 = 0.3214… → 0.32.
    """
    if target is not None:
        problems = counts_problems(b, a, method=Method.RATIO_TARGET, params={"target": target})
    else:
        problems = counts_problems(b, a)
    if problems:
        raise ScoringError(" ".join(problems))
    if floor is not None and Decimal(b) < floor * a:
        return round_score(ZERO, rounding)
    if target is not None:
        if target <= 0:
            raise ScoringError("Chỉ tiêu (mục tiêu tỷ lệ) phải lớn hơn 0.")
        return round_score(min(maximum, maximum * b / (a * target)), rounding)
    return round_score(maximum * b / a, rounding)


def steps_of(params: Mapping[str, Any]) -> list[tuple[Decimal, Decimal]]:
    """The steps of a stepped ratio as (at least this percent, points), as the framework
    lists them (highest first once `params_problems` passed)."""
    try:
        steps = [
            (Decimal(str(step["at_least"])), Decimal(str(step["points"])))
            for step in params.get("steps") or []
        ]
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise ScoringError("Thiếu hoặc sai tham số “steps” của phương pháp chấm.") from exc
    if not all(at_least.is_finite() and points.is_finite() for at_least, points in steps):
        raise ScoringError("Thiếu hoặc sai tham số “steps” của phương pháp chấm.")
    return steps


def steps_score(
    maximum: Decimal, b: int, a: int, params: Mapping[str, Any], *, rounding: Rounding | str
) -> Decimal:
    """The points of the highest step whose percentage b/a reaches (≥); 0 below every step.

    b > a is allowed where a step is at ≥ 100 %: revenue at 105 % of the estimate reaches it.
    """
    problems = counts_problems(b, a, method=Method.RATIO_STEPS, params=params)
    if problems:
        raise ScoringError(" ".join(problems))
    for at_least, points in steps_of(params):
        # Compared without dividing, so that 9 of 10 is exactly 90 %, not 89,999…
        if b * HUNDRED >= at_least * a:
            return round_score(max(ZERO, min(points, maximum)), rounding)
    return round_score(ZERO, rounding)


def step_reached(b: int, a: int, params: Mapping[str, Any]) -> str:
    """Which step the ratio b/a reaches, in words: "bậc ≥70%", or "dưới bậc thấp nhất"."""
    for at_least, _ in steps_of(params):
        if b * HUNDRED >= at_least * a:
            return f"bậc ≥{vn_percent(at_least)}"
    return "dưới bậc thấp nhất"


# --- measured percentages (survey results, outside indices) --------------------------------

# Methods whose score follows from a measured percentage the council enters for the round.
MEASURED_METHODS = frozenset({Method.PERCENT, Method.PERCENT_STEPS})
# A survey result is kept to four decimals (87,3512 %), as the survey reports it.
MEASURE_PLACES = Decimal("0.0001")


def parse_measure(text: object) -> Decimal:
    """A percentage as people type it: "87,35", "87,35 %", "87.3512"; the % sign is optional.
    Raises ScoringError (Vietnamese) for anything that is not a number."""
    if isinstance(text, str):
        text = text.strip().removesuffix("%").strip()
    return parse_number(text)


def measure_problems(code: str, measure: Decimal) -> list[str]:
    """Why `measure` cannot be criterion `code`'s percentage: outside 0–100, or more than
    four decimals."""
    shown = vn_percent(measure)
    if not ZERO <= measure <= HUNDRED:
        return [f"Tiêu chí {code}: kết quả {shown} nằm ngoài 0–100%; hãy nhập từ 0 đến 100."]
    if measure != measure.quantize(MEASURE_PLACES, rounding=ROUND_DOWN):
        return [
            f"Tiêu chí {code}: kết quả {shown} có quá bốn chữ số thập phân; hãy nhập, ví dụ, "
            f"{vn_percent(measure.quantize(MEASURE_PLACES, rounding=ROUND_DOWN))}."
        ]
    return []


def percent_score(measure: Decimal, maximum: Decimal, rounding: Rounding | str) -> Decimal:
    """maximum × % / 100: 87,3512 % of 2 points is 1,747024 → 1,75 (half up) or 1,74 (cut)."""
    problems = measure_problems("", measure)
    if problems:
        raise ScoringError(problems[0].removeprefix("Tiêu chí : "))
    return round_score(maximum * measure / HUNDRED, rounding)


def percent_steps_score(
    measure: Decimal, maximum: Decimal, params: Mapping[str, Any], rounding: Rounding | str
) -> Decimal:
    """The points of the highest step the percentage reaches (≥); 0 below every step."""
    problems = measure_problems("", measure)
    if problems:
        raise ScoringError(problems[0].removeprefix("Tiêu chí : "))
    for at_least, points in steps_of(params):
        if measure >= at_least:
            return round_score(max(ZERO, min(points, maximum)), rounding)
    return round_score(ZERO, rounding)


def measured_score(
    method: Method | str,
    maximum: Decimal,
    params: Mapping[str, Any],
    rounding: Rounding | str,
    measure: Decimal,
) -> Decimal:
    """The points a measured percentage gives under a PERCENT or PERCENT_STEPS rule."""
    if Method(method) == Method.PERCENT_STEPS:
        return percent_steps_score(measure, maximum, params, rounding)
    return percent_score(measure, maximum, rounding)


def _percent_params_problems(
    code: str, method: Method, params: Mapping[str, Any], maximum: Decimal | None
) -> list[str]:
    if method == Method.PERCENT:
        return []
    problems = _steps_problems(code, params, maximum)
    if not problems and any(at_least > HUNDRED for at_least, _ in steps_of(params)):
        problems.append(
            f"Tiêu chí {code}: bậc của kết quả % phải từ 0 đến 100; hãy sửa tỷ lệ của bậc."
        )
    return problems


def _percent_rule_text(method: Method, maximum: Decimal, params: Mapping[str, Any]) -> str:
    if method == Method.PERCENT:
        return f"Điểm = {vn_number(maximum)} × kết quả (%) / 100."
    steps = steps_of(params)
    reached = "; ".join(
        f"từ {vn_percent(at_least)} được {vn_number(points)}" for at_least, points in steps
    )
    lowest = steps[-1][0] if steps else ZERO
    below = f"; dưới {vn_percent(lowest)} được 0" if lowest > 0 else ""
    return f"Theo kết quả (%) — {reached}{below}."


def deduction_score(
    maximum: Decimal, cases: int, per_case: Decimal, *, rounding: Rounding | str
) -> Decimal:
    """maximum − cases × per_case, never below 0: "trừ 0,25 điểm mỗi văn bản trễ hạn"."""
    problems = counts_problems(cases, None, method=Method.DEDUCTION)
    if problems:
        raise ScoringError(" ".join(problems))
    if per_case <= 0:
        raise ScoringError("Số điểm trừ mỗi trường hợp phải lớn hơn 0.")
    return round_score(max(ZERO, maximum - cases * per_case), rounding)


def level_choices(maximum: Decimal, params: Mapping[str, Any]) -> list[tuple[str, Decimal]]:
    """The named levels of a "levels" criterion with the points each is worth."""
    return [
        (str(level["label"]), maximum * Decimal(str(level["percent"])) / HUNDRED)
        for level in params.get("levels", [])
    ]


def suggested_score(
    method: Method | str,
    maximum: Decimal,
    params: Mapping[str, Any],
    rounding: Rounding | str,
    *,
    b: int | None = None,
    a: int | None = None,
    level: str | None = None,
    measure: Decimal | None = None,
) -> Decimal | None:
    """The score a criterion's method gives for its inputs, or None when it takes a plain value.

    For ratio criteria this is a suggestion: the entered value is what counts, and the app
    points out where the two differ (rounding in published tables is not uniform).
    """
    method = Method(method)
    if method in MEASURED_METHODS:
        return (
            None if measure is None else measured_score(method, maximum, params, rounding, measure)
        )
    if method == Method.RATIO_STEPS:
        return steps_score(maximum, b, a, params, rounding=rounding)
    if method == Method.DEDUCTION:
        if a is not None:
            raise ScoringError(" ".join(counts_problems(b, a, method=method)))
        return deduction_score(maximum, b, _param(params, "per_case"), rounding=rounding)
    if method in RATIO_METHODS:
        return ratio_score(
            maximum,
            b,
            a,
            rounding=rounding,
            floor=_param(params, "floor") if method == Method.RATIO_FLOOR else None,
            target=_param(params, "target") if method == Method.RATIO_TARGET else None,
        )
    if method == Method.LEVELS and level is not None:
        for label, points in level_choices(maximum, params):
            if label == level:
                return round_score(points, rounding)
        raise ScoringError(f"Mức “{level}” không có trong tiêu chí này.")
    return None


def _param(params: Mapping[str, Any], name: str) -> Decimal:
    try:
        return Decimal(str(params[name]))
    except (KeyError, InvalidOperation) as exc:
        raise ScoringError(f"Thiếu hoặc sai tham số “{name}” của phương pháp chấm.") from exc


def params_problems(
    code: str,
    method: Method | str,
    params: Mapping[str, Any],
    *,
    maximum: Decimal | None = None,
) -> list[str]:
    """What is missing or wrong in the parameters a leaf's method needs; with `maximum`, the
    points of stepped ratios are checked against it too."""
    try:
        method = Method(method)
    except ValueError:
        return [f"Tiêu chí {code}: phương pháp chấm “{method}” không được hỗ trợ."]
    if method == Method.RATIO_STEPS:
        return _steps_problems(code, params, maximum)
    if method in MEASURED_METHODS:
        return _percent_params_problems(code, method, params, maximum)
    if method == Method.DEDUCTION:
        per_case = _param_or_none(params, "per_case")
        if per_case is None or not per_case.is_finite() or per_case <= 0 or _past_cents(per_case):
            return [
                f"Tiêu chí {code}: số điểm trừ mỗi trường hợp (per_case) phải lớn hơn 0, tối "
                "đa hai chữ số thập phân, ví dụ 0.25."
            ]
    if method == Method.RATIO_FLOOR:
        floor = _param_or_none(params, "floor")
        if floor is None or not ZERO < floor <= 1:
            return [f"Tiêu chí {code}: ngưỡng (floor) phải là tỷ lệ từ 0 đến 1, ví dụ 0.70."]
    if method == Method.RATIO_TARGET:
        target = _param_or_none(params, "target")
        if target is None or not ZERO < target <= 1:
            return [f"Tiêu chí {code}: chỉ tiêu (target) phải là tỷ lệ từ 0 đến 1, ví dụ 0.30."]
    if method == Method.LEVELS:
        levels = params.get("levels") or []
        percents = [_param_or_none(level, "percent") for level in levels if isinstance(level, dict)]
        labels = [level.get("label") for level in levels if isinstance(level, dict)]
        if (
            len(levels) < 2
            or len(percents) != len(levels)
            or any(p is None or not ZERO <= p <= HUNDRED for p in percents)
            or not all(labels)
            or len(set(labels)) != len(labels)
        ):
            return [
                f"Tiêu chí {code}: chấm theo mức cần ít nhất hai mức, mỗi mức có tên riêng và "
                "tỷ lệ phần trăm từ 0 đến 100."
            ]
    return []


def _steps_problems(code: str, params: Mapping[str, Any], maximum: Decimal | None) -> list[str]:
    try:
        steps = steps_of(params)
    except ScoringError:
        steps = []
    if not steps:
        return [
            f"Tiêu chí {code}: chấm theo bậc cần ít nhất một bậc, mỗi bậc có tỷ lệ tối thiểu "
            "(%) và số điểm, ví dụ “≥90%: 1; ≥70%: 0,5”."
        ]
    problems = []
    percents = [at_least for at_least, _ in steps]
    if any(p < 0 for p in percents) or any(
        later >= earlier for earlier, later in pairwise(percents)
    ):
        problems.append(
            f"Tiêu chí {code}: các bậc phải xếp từ tỷ lệ cao xuống thấp, mỗi bậc thấp hơn bậc "
            "trước và không âm."
        )
    for at_least, points in steps:
        if points < 0 or _past_cents(points) or (maximum is not None and points > maximum):
            top = f" đến {vn_number(maximum)} (điểm tối đa)" if maximum is not None else ""
            problems.append(
                f"Tiêu chí {code}: bậc ≥{vn_percent(at_least)} cho {vn_number(points)} điểm; "
                f"điểm của một bậc phải từ 0{top}, tối đa hai chữ số thập phân."
            )
    return problems


def _past_cents(value: Decimal) -> bool:
    return value != value.quantize(CENT, rounding=ROUND_DOWN)


def vn_percent(value: Decimal) -> str:
    """A percentage without trailing zeros, with a decimal comma: 90 -> "90%", 72.5 -> "72,5%"."""
    text = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{text}%"


def _param_or_none(params: Mapping[str, Any], name: str) -> Decimal | None:
    try:
        return _param(params, name)
    except ScoringError:
        return None


def rule_text(
    method: Method | str, maximum: Decimal, params: Mapping[str, Any], *, kind: str = ""
) -> str:
    """The scoring rule in words, as shown next to a criterion's input."""
    if kind in ITEM_KINDS or maximum < 0:
        return item_rule_text(method, maximum, kind=kind)
    if not method:
        return "Tổng điểm các tiêu chí con."
    method = Method(method)
    top = vn_number(maximum)
    if method == Method.JUDGEMENT:
        return f"Chấm từ 0 đến {top} điểm."
    if method == Method.YES_NO:
        return f"Đạt: {top} điểm; không đạt: 0 điểm."
    if method == Method.LEVELS:
        levels = "; ".join(
            f"{label}: {vn_number(points)}" for label, points in level_choices(maximum, params)
        )
        return f"Theo mức — {levels}."
    if method in MEASURED_METHODS:
        return _percent_rule_text(method, maximum, params)
    if method == Method.RATIO:
        return f"Điểm = {top} × b/a."
    if method == Method.RATIO_STEPS:
        steps = steps_of(params)
        reached = "; ".join(
            f"từ {vn_percent(at_least)} được {vn_number(points)}" for at_least, points in steps
        )
        lowest = steps[-1][0] if steps else ZERO
        below = f"; dưới {vn_percent(lowest)} được 0" if lowest > 0 else ""
        return f"Theo tỷ lệ b/a — {reached}{below}."
    if method == Method.DEDUCTION:
        per_case = _param(params, "per_case")
        return f"Điểm = {top} − {vn_number(per_case)} × số trường hợp, không dưới 0."
    if method == Method.RATIO_FLOOR:
        floor = _param(params, "floor")
        return f"Điểm = {top} × b/a; tỷ lệ dưới {vn_number(floor * HUNDRED)}% được 0 điểm."
    target = _param(params, "target")
    return f"Điểm = {top} × (b/a) / {vn_number(target * HUNDRED)}%, không quá {top} điểm."


def value_problems(
    code: str,
    method: Method | str,
    maximum: Decimal,
    params: Mapping[str, Any],
    value: Decimal,
    *,
    label: str = "điểm",
) -> list[str]:
    """Why `value` cannot be a score of criterion `code` (empty if it can), each message as
    every refusal reads: "Tiêu chí 1.2.2: what is wrong; what to do". `label` names the value
    ("điểm thẩm định")."""
    if maximum < 0:
        return penalty_value_problems(code, method, maximum, value, label=label)
    top = vn_number(maximum)
    if value < 0:
        return [
            f"Tiêu chí {code}: {label} {vn_number(value)} không được âm; hãy nhập từ 0 đến {top}."
        ]
    if value > maximum:
        return [
            f"Tiêu chí {code}: {label} {vn_number(value)} vượt quá điểm tối đa {top}; hãy nhập "
            f"từ 0 đến {top}."
        ]
    if value != value.quantize(CENT, rounding=ROUND_DOWN):
        return [
            f"Tiêu chí {code}: {label} chỉ có tối đa hai chữ số thập phân; hãy nhập, ví dụ, "
            f"{vn_number(value.quantize(CENT, rounding=ROUND_DOWN))}."
        ]
    method = Method(method)
    if method == Method.YES_NO and value not in (ZERO, maximum):
        return [
            f"Tiêu chí {code}: chấm đạt/không đạt, {label} chỉ là 0 hoặc {top}; hãy chọn "
            "Đạt hoặc Không đạt."
        ]
    if method == Method.LEVELS:
        allowed = [points for _, points in level_choices(maximum, params)]
        if allowed and value not in allowed:
            listed = "; ".join(vn_number(p) for p in allowed)
            return [
                f"Tiêu chí {code}: chấm theo mức, {label} chỉ là một trong {listed}; hãy chọn "
                "một mức."
            ]
    if method in (Method.RATIO_STEPS, Method.PERCENT_STEPS):
        allowed = sorted({ZERO, *(min(p, maximum) for _, p in steps_of(params))}, reverse=True)
        if value not in allowed:
            listed = "; ".join(vn_number(p) for p in allowed)
            return [
                f"Tiêu chí {code}: chấm theo bậc, {label} chỉ là một trong {listed}; hãy nhập "
                f"{'kết quả (%)' if method == Method.PERCENT_STEPS else 'số b và a'} để tính điểm."
            ]
    if method == Method.DEDUCTION:
        per_case = _param(params, "per_case")
        if value and (maximum - value) % per_case:
            return [
                f"Tiêu chí {code}: {label} {vn_number(value)} không phải {top} trừ một số lần "
                f"{vn_number(per_case)} điểm; hãy nhập số trường hợp để tính điểm."
            ]
    return []


# --- the tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One criterion of a framework as the engine sees it."""

    code: str
    maximum: Decimal
    parent_code: str | None = None
    kind: str = ""  # Kind: a scored criterion, or a bonus or penalty item


def code_parts(code: str) -> tuple[int, ...]:
    """ "3.12.2" -> (3, 12, 2); refuses anything that is not numbers joined by dots."""
    parts = code.strip().split(".")
    if not all(part.isdigit() for part in parts):
        raise ScoringError(
            f"Mã tiêu chí “{code}” không hợp lệ: mã gồm các số cách nhau bởi dấu chấm, "
            "ví dụ 3.12.2."
        )
    return tuple(int(part) for part in parts)


def sort_key(code: str) -> str:
    """A string that sorts codes numerically: 3.2 before 3.12."""
    return ".".join(f"{part:04d}" for part in code_parts(code))


def tree_problems(
    nodes: Sequence[Node],
    max_total: Decimal,
    *,
    bonus_cap: Decimal | None = None,
    penalty_cap: Decimal | None = None,
) -> list[str]:
    """Everything that makes a framework's tree unusable, each message naming the node.

    A parent's maximum must equal the sum of its children's, and the framework's total the
    sum of its fields. Bonus and penalty items, and the contents made of them, stand outside
    both sums (`adjustment_codes`); `items_problems` checks them, against the caps if given.
    """
    problems: list[str] = []
    by_code: dict[str, Node] = {}
    for node in nodes:
        try:
            code_parts(node.code)
        except ScoringError as exc:
            problems.append(str(exc))
            continue
        if node.code in by_code:
            problems.append(
                f"Tiêu chí {node.code}: mã xuất hiện hai lần; mỗi tiêu chí chỉ ghi một lần."
            )
        by_code[node.code] = node
    children: dict[str | None, list[Node]] = {}
    for node in by_code.values():
        children.setdefault(node.parent_code, []).append(node)
        if node.parent_code is not None:
            if node.parent_code not in by_code:
                problems.append(
                    f"Tiêu chí {node.code}: thuộc tiêu chí {node.parent_code}, nhưng tiêu chí "
                    "đó không có trong bộ chỉ số; hãy thêm tiêu chí cha hoặc sửa mã."
                )
            elif code_parts(node.code)[:-1] != code_parts(node.parent_code):
                problems.append(
                    f"Tiêu chí {node.code}: mã không nối tiếp mã tiêu chí cha "
                    f"{node.parent_code}; hãy sửa lại mã."
                )
        elif len(code_parts(node.code)) != 1:
            problems.append(f"Tiêu chí {node.code}: phải nằm trong một lĩnh vực hoặc tiêu chí cha.")
        if node.maximum is None or (node.maximum < 0 and node.kind != Kind.PENALTY):
            problems.append(f"Tiêu chí {node.code}: điểm tối đa không được âm.")
    adjustments = adjustment_codes(by_code.values())
    problems += items_problems(
        by_code.values(), adjustments, bonus_cap=bonus_cap, penalty_cap=penalty_cap
    )
    for node in by_code.values():
        kids = children.get(node.code)
        if node.code in adjustments:
            continue
        if not kids:
            if node.maximum is not None and node.maximum <= 0:
                problems.append(f"Tiêu chí {node.code}: phải có điểm tối đa lớn hơn 0.")
            continue
        total = sum((kid.maximum for kid in kids if kid.code not in adjustments), ZERO)
        if total != node.maximum:
            problems.append(
                f"Tiêu chí {node.code}: điểm tối đa {vn_number(node.maximum)} khác tổng điểm "
                f"tối đa các tiêu chí con {vn_number(total)}."
            )
    fields = [node for node in children.get(None, []) if node.code not in adjustments]
    fields_total = sum((node.maximum for node in fields), ZERO)
    if fields_total != max_total:
        problems.append(
            f"Tổng điểm tối đa các lĩnh vực là {vn_number(fields_total)}, khác điểm tối đa "
            f"của bộ chỉ số {vn_number(max_total)}."
        )
    return problems


def rollup(nodes: Iterable[Node], leaf_values: Mapping[str, Decimal | None]) -> dict:
    """Sum leaf values up the tree: every node's subtotal, None where no leaf below has one."""
    parent_of = {node.code: node.parent_code for node in nodes}
    sums: dict[str, Decimal | None] = dict.fromkeys(parent_of)
    for code, value in leaf_values.items():
        if value is None:
            continue
        current: str | None = code
        while current is not None:
            sums[current] = (sums.get(current) or ZERO) + value
            current = parent_of.get(current)
    return sums


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One leaf criterion's numbers in one assessment."""

    maximum: Decimal
    self_value: Decimal | None
    appraised: Decimal | None
    kind: str = ""  # Kind

    @property
    def lost(self) -> Decimal | None:
        """Points lost; for items, what a penalty took (a bonus not won is no loss)."""
        if self.appraised is None or self.kind == Kind.BONUS:
            return None
        if self.kind == Kind.PENALTY:
            return -self.appraised
        return self.maximum - self.appraised

    @property
    def cut(self) -> Decimal | None:
        if self.appraised is None or self.self_value is None:
            return None
        return self.self_value - self.appraised


def points_lost(lines: Iterable[Line]) -> Decimal:
    """Maximum − appraised, summed over appraised criteria only."""
    return sum((line.lost for line in lines if line.lost is not None), ZERO)


def cut_by_appraisal(lines: Iterable[Line]) -> Decimal:
    """Self-assessed − appraised, summed where both exist."""
    return sum((line.cut for line in lines if line.cut is not None), ZERO)


def total(
    appraised: Iterable[Decimal | None],
    *,
    bonus: Decimal = ZERO,
    penalty: Decimal = ZERO,
    bonus_cap: Decimal | None = None,
    penalty_cap: Decimal | None = None,
) -> Decimal:
    """Sum of appraised scores, plus bonus and minus penalty, each held to its cap."""
    if bonus_cap is not None:
        bonus = min(bonus, bonus_cap)
    if penalty_cap is not None:
        penalty = min(penalty, penalty_cap)
    return sum((v for v in appraised if v is not None), ZERO) + bonus - penalty


def percentage(value: Decimal, maximum: Decimal) -> Decimal:
    """`value` as a percentage of `maximum`, two decimals, half up."""
    if maximum <= 0:
        raise ScoringError("Điểm tối đa phải lớn hơn 0.")
    return (value * HUNDRED / maximum).quantize(CENT, rounding=ROUND_HALF_UP)


def classify(percent: Decimal, bands: Iterable[tuple[str, Decimal]]) -> str | None:
    """The label of the highest band whose lower bound (a percentage) the result reaches."""
    reached = [(lower, label) for label, lower in bands if percent >= lower]
    return max(reached)[1] if reached else None


def rank(totals: Mapping[K, Decimal]) -> dict[K, int]:
    """Competition ranking, highest first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    first_place = {}
    for position, value in enumerate(ordered, start=1):
        first_place.setdefault(value, position)
    return {key: first_place[value] for key, value in totals.items()}


def change(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """Points gained (+) or lost (−) against the previous period; None without one."""
    return None if previous is None else current - previous


# --- nothing arose (không phát sinh) and rescaling (điểm quy đổi) ---------------------------
#
# A framework says, per criterion, what a unit gets when there was nothing to measure (a ratio
# with a = 0, no case arose): nothing (refused: the unit must give figures), full points, or
# "not assessed": the criterion leaves the sum, and a framework that rescales (Hanoi QĐ
# 3199/2024) converts the result to its total, so that a unit is neither helped nor hurt by
# criteria that did not apply to it. A framework that does not rescale keeps the raw total
# against its full maximum, as its decision prints it.


class NoneRule(StrEnum):
    """What a criterion gets when nothing arose; the values of `Criterion.when_none`."""

    REFUSE = "refuse"
    FULL = "full"
    NOT_ASSESSED = "not_assessed"


NONE_RULE_LABELS = {
    NoneRule.REFUSE: "Không chấp nhận",
    NoneRule.FULL: "Đạt điểm tối đa",
    NoneRule.NOT_ASSESSED: "Không đánh giá",
}
# What a unit types in a sheet's value cell to report that nothing arose.
NONE_WORDS = frozenset({"kps", "không phát sinh", "khong phat sinh", "k.p.s", "kps."})


def none_rule_text(rule: NoneRule | str, *, rescales: bool = False) -> str:
    """The rule in words, as shown next to a criterion's input and in the Excel template."""
    rule = NoneRule(rule or NoneRule.REFUSE)
    if rule == NoneRule.FULL:
        return "Khi không phát sinh: đạt điểm tối đa."
    if rule == NoneRule.NOT_ASSESSED:
        after = "kết quả được quy đổi về tổng điểm tối đa" if rescales else "không quy đổi"
        return f"Khi không phát sinh: không đánh giá, tiêu chí ra khỏi tổng điểm ({after})."
    return "Khi không phát sinh: không chấp nhận, phải có số liệu."


def is_none_word(text: object) -> bool:
    """Whether a typed value means "nothing arose": "KPS", "Không phát sinh"."""
    return " ".join(str(text or "").split()).lower() in NONE_WORDS


def nothing_arose(b: int | None, a: int | None) -> bool:
    """Counts that say nothing arose: a ratio's a = 0 (with b = 0 or left empty)."""
    return a == 0 and not b


def none_score(code: str, rule: NoneRule | str, maximum: Decimal) -> Decimal | None:
    """The score of a criterion where nothing arose: its maximum (FULL), None (NOT_ASSESSED:
    it leaves the sum); REFUSE raises the refusal a ratio with a = 0 always had."""
    rule = NoneRule(rule or NoneRule.REFUSE)
    if rule == NoneRule.FULL:
        return maximum
    if rule == NoneRule.NOT_ASSESSED:
        return None
    raise ScoringError(
        f"Tiêu chí {code}: số a (tổng số) phải lớn hơn 0; tiêu chí này không chấp nhận "
        "“không phát sinh”, hãy nhập số liệu."
    )


def rescale(
    total: Decimal,
    framework_max: Decimal,
    not_assessed_max: Decimal,
    *,
    rounding: Rounding | str = Rounding.HALF_UP,
) -> Decimal | None:
    """total × framework_max / (framework_max − not_assessed_max), two decimals as the
    framework rounds; None when every criterion was not assessed (nothing to convert).

    60 of the 80 points assessed, on a framework of 100: 60 × 100 / 80 = 75,00.
    """
    if not_assessed_max < 0 or framework_max <= 0:
        raise ScoringError("Điểm tối đa phải lớn hơn 0 và điểm không đánh giá không được âm.")
    assessed = framework_max - not_assessed_max
    if assessed <= 0:
        return None
    return round_score(total * framework_max / assessed, rounding)


@dataclass(frozen=True)
class Outcome:
    """One assessment's result: the raw total (assessed criteria, bonus, penalty), the total
    converted to the framework's (None when nothing was converted), and the percentage,
    classification and rank basis, which is the converted total where there is one."""

    total: Decimal
    rescaled: Decimal | None
    percentage: Decimal

    @property
    def basis(self) -> Decimal:
        return self.total if self.rescaled is None else self.rescaled


def outcome(
    appraised_sum: Decimal | None,
    *,
    framework_max: Decimal,
    not_assessed_max: Decimal | None = None,
    rescales: bool = False,
    rounding: Rounding | str = Rounding.HALF_UP,
    bonus: Decimal = ZERO,
    penalty: Decimal = ZERO,
    bonus_cap: Decimal | None = None,
    penalty_cap: Decimal | None = None,
) -> Outcome:
    """The result of an assessment from the sum of its appraised criteria.

    Only a rescaling framework with criteria not assessed converts: the criteria's sum is
    rescaled, then bonus and penalty (outside the framework's total) are added as they are.
    Without rescaling the raw total is taken against the full maximum.
    """
    caps = {"bonus": bonus, "penalty": penalty, "bonus_cap": bonus_cap, "penalty_cap": penalty_cap}
    raw = total([appraised_sum], **caps)
    rescaled = None
    if rescales and not_assessed_max:
        converted = rescale(
            appraised_sum or ZERO, framework_max, not_assessed_max, rounding=rounding
        )
        rescaled = None if converted is None else total([converted], **caps)
    basis = raw if rescaled is None else rescaled
    return Outcome(total=raw, rescaled=rescaled, percentage=percentage(basis, framework_max))


# --- bonus and penalty items (điểm thưởng, điểm trừ) --------------------------------------
#
# A framework may list its bonus and penalty as items (Hanoi QĐ 5666/2025, content 9): leaves
# of kind BONUS (maximum > 0) or PENALTY (maximum < 0: the most it takes away), scored by the
# council's judgement (0 to the item's maximum) or all or nothing. A node every leaf below
# which is an item is an adjustment content: it stands outside the framework's total, and its
# own maximum is not checked against its items. The items of a result add up to at most the
# framework's bonus cap and take away at most its penalty cap. An empty item counts as 0.


class Kind(StrEnum):
    SCORED = ""
    BONUS = "bonus"
    PENALTY = "penalty"


ITEM_KINDS = frozenset({Kind.BONUS, Kind.PENALTY})
ITEM_METHODS = frozenset({Method.JUDGEMENT, Method.YES_NO})
# As the framework workbook's "Loại" column reads.
KIND_LABELS = {Kind.SCORED: "Tiêu chí", Kind.BONUS: "Điểm thưởng", Kind.PENALTY: "Điểm trừ"}


def adjustment_codes(nodes: Iterable[Node]) -> set[str]:
    """The items and the nodes every leaf below which is an item (bottom-up, no recursion)."""
    nodes = list(nodes)
    kids: dict[str | None, list[Node]] = {}
    for node in nodes:
        kids.setdefault(node.parent_code, []).append(node)
    found: set[str] = set()
    # Deepest codes first, so that children are settled before their parents.
    for node in sorted(nodes, key=lambda n: -n.code.count(".")):
        below = kids.get(node.code)
        if below is None:
            if node.kind in ITEM_KINDS:
                found.add(node.code)
        elif all(kid.code in found for kid in below):
            found.add(node.code)
    return found


def items_problems(
    nodes: Iterable[Node],
    adjustments: set[str],
    *,
    bonus_cap: Decimal | None = None,
    penalty_cap: Decimal | None = None,
) -> list[str]:
    """A bonus item's maximum must be > 0 and a penalty item's < 0; an item cannot sit in a
    field that also has scored criteria; with items of a kind, the framework's cap for that
    kind must be > 0 (a cap of 0 would make every item worth nothing)."""
    nodes = list(nodes)
    parents = {node.parent_code for node in nodes}
    problems = []
    for node in nodes:
        is_leaf = node.code not in parents
        if node.kind == Kind.BONUS and is_leaf and not node.maximum > 0:
            problems.append(
                f"Tiêu chí {node.code}: mục điểm thưởng phải có điểm tối đa lớn hơn 0; hãy "
                "nhập số dương, ví dụ 0,5."
            )
        if node.kind == Kind.PENALTY and (not is_leaf or not node.maximum < 0):
            problems.append(
                f"Tiêu chí {node.code}: mục điểm trừ phải là tiêu chí không có tiêu chí con, "
                "với điểm tối đa âm; hãy nhập, ví dụ, −0,5."
            )
        parent = node.parent_code
        if node.code in adjustments and parent is not None and parent not in adjustments:
            problems.append(
                f"Tiêu chí {node.code}: mục điểm thưởng, điểm trừ nằm chung với tiêu chí chấm "
                f"điểm trong {parent}; hãy đưa các mục thưởng, trừ vào một nội dung riêng."
            )
    kinds = {node.kind for node in nodes if node.code not in parents}
    for kind, cap, name in (
        (Kind.BONUS, bonus_cap, "thưởng"),
        (Kind.PENALTY, penalty_cap, "trừ"),
    ):
        if kind in kinds and cap is not None and cap <= 0:
            problems.append(
                f"Bộ chỉ số có mục điểm {name} nhưng điểm {name} tối đa là "
                f"{vn_number(cap)}; hãy nhập điểm {name} tối đa lớn hơn 0."
            )
    return problems


def item_method_problems(code: str, kind: str, method: Method | str) -> list[str]:
    """Items are scored by judgement (0 to the item's maximum) or all or nothing."""
    if kind in ITEM_KINDS and method and method not in ITEM_METHODS:
        return [
            f"Tiêu chí {code}: mục điểm thưởng, điểm trừ chỉ chấm theo “"
            f"{METHOD_LABELS[Method.JUDGEMENT]}” hoặc “{METHOD_LABELS[Method.YES_NO]}”; hãy "
            "đổi phương pháp chấm."
        ]
    return []


def signed_value(maximum: Decimal, value: Decimal | None) -> Decimal | None:
    """A penalty item's value as stored, ≤ 0: a clerk types the points taken ("0,5") or the
    signed value ("−0,5"), both meaning −0,5. Any other criterion's value is unchanged."""
    if value is not None and maximum < 0 and value > 0:
        return -value
    return value


def penalty_value_problems(
    code: str, method: Method | str, maximum: Decimal, value: Decimal, *, label: str = "điểm"
) -> list[str]:
    """Why `value` (≤ 0 once `signed_value` turned it) cannot be taken by penalty item `code`."""
    top = vn_number(-maximum)
    if value > 0 or value < maximum:
        return [
            f"Tiêu chí {code}: {label} trừ {vn_number(abs(value))} vượt quá mức trừ tối đa "
            f"{top}; hãy nhập từ 0 đến {top} (số điểm bị trừ)."
        ]
    if value != value.quantize(CENT, rounding=ROUND_DOWN):
        return [
            f"Tiêu chí {code}: {label} chỉ có tối đa hai chữ số thập phân; hãy nhập, ví dụ, "
            f"{vn_number(abs(value).quantize(CENT, rounding=ROUND_DOWN))}."
        ]
    if method == Method.YES_NO and value not in (ZERO, maximum):
        return [
            f"Tiêu chí {code}: trừ cả mức hoặc không trừ, {label} chỉ là 0 hoặc −{top}; hãy "
            "chọn Có vi phạm hoặc Không."
        ]
    return []


def yes_no_labels(maximum: Decimal) -> tuple[str, str]:
    """The two choices of an all-or-nothing criterion: "Đạt" / "Không đạt"; for a penalty
    item "Có vi phạm" (its maximum taken) / "Không"."""
    return ("Có vi phạm", "Không") if maximum < 0 else ("Đạt", "Không đạt")


def item_rule_text(method: Method | str, maximum: Decimal, *, kind: str = "") -> str:
    """The rule of a bonus or penalty item in words."""
    if maximum < 0 or kind == Kind.PENALTY:
        top = vn_number(abs(maximum))
        if method == Method.YES_NO:
            return f"Điểm trừ: có vi phạm trừ {top} điểm; không có: 0; để trống là 0."
        return (
            f"Điểm trừ: trừ từ 0 đến {top} điểm (nhập 0,5 hay −0,5 đều là trừ 0,5 điểm); "
            "để trống là 0."
        )
    top = vn_number(maximum)
    if not method:
        return "Các mục điểm thưởng, điểm trừ, ngoài tổng điểm."
    if method == Method.YES_NO:
        return f"Điểm thưởng: đạt được {top} điểm; không đạt: 0; để trống là 0."
    return f"Điểm thưởng: từ 0 đến {top} điểm; để trống là 0."


def item_sums(lines: Iterable[Line], value: str = "appraised") -> tuple[Decimal, Decimal]:
    """(bonus won, points taken by penalties ≥ 0) of the items among `lines`, before caps;
    `value` names the Line field summed ("appraised" or "self_value")."""
    bonus = penalty = ZERO
    for line in lines:
        amount = getattr(line, value)
        if amount is None:
            continue
        if line.kind == Kind.BONUS:
            bonus += amount
        elif line.kind == Kind.PENALTY:
            penalty -= amount
    return bonus, penalty


def lines_total(
    lines: Iterable[Line],
    value: str = "appraised",
    *,
    bonus: Decimal = ZERO,
    penalty: Decimal = ZERO,
    bonus_cap: Decimal | None = None,
    penalty_cap: Decimal | None = None,
) -> Decimal:
    """A result's total: the scored criteria, plus bonus items (or the lump `bonus`) and minus
    penalty items (or the lump `penalty`), each side held to the framework's cap. A framework
    has items or lump sums, never both, so adding them changes nothing for either."""
    lines = list(lines)
    won, taken = item_sums(lines, value)
    return total(
        (getattr(line, value) for line in lines if line.kind not in ITEM_KINDS),
        bonus=bonus + won,
        penalty=penalty + taken,
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
    )


def loses_points(value: Decimal | None, maximum: Decimal, kind: str = "") -> bool:
    """Whether a value loses points, and so needs the council's reason: below the maximum;
    for a penalty item, any point taken; a bonus item not won loses nothing."""
    if value is None or kind == Kind.BONUS:
        return False
    if kind == Kind.PENALTY or maximum < 0:
        return value < 0
    return value < maximum
