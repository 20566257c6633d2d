"""The council's results for a whole round at once: survey percentages and outside indices of
every unit (an imported sheet of units × criteria).

One transaction and a fixed number of queries whatever the number of units: the round's
assessments and the scores written are locked in one query each, every result is checked
(version, state, the round's parts, 0–100 %) before anything is written, and the scores are
written with their history in bulk. The first refusal refuses all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from scoring import engine
from scoring.models import AppraisalPart, Assessment, AssessmentStatus, Round, Score
from scoring.parts import parts_leaf_ids
from scoring.services.scores import is_measure_reason, measure_reason

MAX_LISTED = 15


@dataclass(frozen=True)
class SurveyResult:
    """One unit's result for one criterion, with the score's version it was read at."""

    score_id: int
    version: int
    measure: Decimal | None


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _allowed_leaves(round_: Round, user) -> set[int] | None:
    """The criteria the user may appraise in a round divided into parts (None: all)."""
    user = _user(user)
    if user is None or user.is_superuser:
        return None
    parts = list(AppraisalPart.objects.filter(round=round_).select_related("round"))
    if not parts:
        return None
    leaves = parts_leaf_ids(parts)
    return set().union(*(leaves[p.pk] for p in parts if p.appraiser_id == user.pk))


def _refusal(score: Score, result: SurveyResult, allowed: set[int] | None) -> str | None:
    assessment, criterion = score.assessment, score.criterion
    where = f"Tiêu chí {criterion.code} của {assessment.unit}"
    if assessment.status == AssessmentStatus.PUBLISHED:
        return f"{where}: kết quả đã công bố, không sửa được; hãy bỏ đơn vị này khỏi tệp."
    if score.version != result.version:
        who = score.updated_by or "người khác"
        now = score.appraised_measure
        shown = "(để trống)" if now is None else engine.vn_percent(now)
        return (
            f"{where}: vừa được {who} sửa sau khi xem trước (kết quả hiện là {shown}); "
            "hãy tải tệp lên lại để xem trước lần nữa."
        )
    if not criterion.is_measured or criterion.is_self_assessed:
        return f"{where}: không phải tiêu chí hội đồng nhập kết quả (%) cho cả đợt."
    if allowed is not None and criterion.pk not in allowed:
        return f"{where}: không thuộc phần việc thẩm định của bạn; hãy để người phụ trách nhập."
    if result.measure is not None:
        problems = engine.measure_problems(criterion.code, result.measure)
        if problems:
            return f"{where}: {problems[0].split(': ', 1)[1]}"
    return None


def _apply(score: Score, measure: Decimal | None, rounding: str) -> None:
    criterion = score.criterion
    value = None
    if measure is not None:
        value = engine.measured_score(
            criterion.method, criterion.maximum, criterion.params or {}, rounding, measure
        )
    score.appraised_measure, score.appraised_value = measure, value
    score.appraised_b = score.appraised_a = None
    if not score.appraisal_comment or is_measure_reason(score.appraisal_comment):
        lost = value is not None and value < score.maximum
        score.appraisal_comment = measure_reason(criterion, measure) if lost else ""


@transaction.atomic
def survey_results_set(
    *, round_: Round, results: list[SurveyResult], user=None, reason: str | None = None
) -> int:
    """Write the council's results (%) for the round's units, all or none; each score's
    points follow from its criterion's rule and the framework's rounding. Returns how many
    scores were written. Raises ValidationError listing every refusal."""
    if not results:
        return 0
    by_id = {result.score_id: result for result in results}
    assessment_ids = Score.objects.filter(pk__in=by_id).values("assessment_id")
    # Locked in one order (by id), so two imports into the same round take turns.
    locked = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(pk__in=assessment_ids)
        .order_by("pk")
        .values_list("pk", "round_id")
    )
    if any(round_id != round_.pk for _, round_id in locked):
        raise ValidationError("Có đơn vị không thuộc đợt đánh giá này; hãy tải tệp lên lại.")
    scores = list(
        Score.objects.select_for_update(of=("self",))
        .filter(pk__in=by_id)
        .select_related("criterion", "assessment__unit", "updated_by")
        .order_by("pk")
    )
    if len(scores) != len(by_id):
        raise ValidationError("Có tiêu chí không còn trong đợt đánh giá; hãy tải tệp lên lại.")
    allowed = _allowed_leaves(round_, user)
    problems = [p for s in scores if (p := _refusal(s, by_id[s.pk], allowed))]
    if problems:
        shown = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            shown.append(f"… và {len(problems) - MAX_LISTED} mục khác.")
        raise ValidationError([f"Chưa nhập gì: {len(problems)} kết quả bị từ chối.", *shown])
    now, who = timezone.now(), _user(user)
    for score in scores:
        _apply(score, by_id[score.pk].measure, round_.framework.rounding)
        score.version += 1
        score.updated_by, score.updated_at = who, now
    _write(scores, who, now)
    Score.history.bulk_history_create(
        scores, update=True, default_user=who, default_change_reason=reason, default_date=now
    )
    return len(scores)


def _write(scores: list[Score], who, now) -> None:
    """One UPDATE for what every row gets alike, and one for each row's own result, points and
    reason, as a plain CASE on the id: Django's bulk_update builds one expression per row and
    field, which took 5 s for a province's 510 results; this takes milliseconds. Split only
    where the database caps a statement's parameters (SQLite)."""
    ids = [score.pk for score in scores]
    Score.objects.filter(pk__in=ids).update(
        appraised_b=None, appraised_a=None, version=F("version") + 1, updated_by=who, updated_at=now
    )
    table = connection.ops.quote_name(Score._meta.db_table)
    key = connection.ops.quote_name(Score._meta.pk.column)
    columns = ("appraised_measure", "appraised_value", "appraisal_comment")
    per_row = 2 * len(columns) + 1
    batch = (connection.features.max_query_params or len(scores) * per_row) // per_row
    for start in range(0, len(scores), batch):
        chunk = scores[start : start + batch]
        sets, params = [], []
        for column in columns:
            whens = " ".join(["WHEN %s THEN %s"] * len(chunk))
            sets.append(f"{connection.ops.quote_name(column)} = CASE {key} {whens} END")
            for score in chunk:
                params += [score.pk, getattr(score, column)]
        marks = ", ".join(["%s"] * len(chunk))
        params += [score.pk for score in chunk]
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {key} IN ({marks})", params)
