"""Reads: the score sheet and results of an assessment, rankings, framework checks.

Each costs a fixed number of queries whatever the number of criteria or units; the numbers
themselves come from `scoring.engine`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum

from scoring import engine
from scoring.models import (
    Assessment,
    AssessmentStatus,
    Criterion,
    Framework,
    Official,
    Period,
    PeriodKind,
    Score,
    Unit,
)


def framework_problems(framework: Framework, pending: Criterion | None = None) -> list[str]:
    """Everything that keeps a framework from being put in force (2 queries).

    `pending` is a criterion being edited and not yet saved: the check sees the tree as it
    would be after the edit, so an edit that would break an active framework can be refused.
    """
    criteria = [c for c in framework.criteria.all() if pending is None or c.pk != pending.pk]
    if pending is not None:
        criteria.append(pending)
    code_by_id = {c.id: c.code for c in criteria}
    has_children = {c.parent_id for c in criteria if c.parent_id}
    problems = []
    for c in criteria:
        if c.id not in has_children and not c.method:
            problems.append(
                f"Tiêu chí {c.code}: không có tiêu chí con nên phải có phương pháp chấm."
            )
        elif c.id in has_children and c.method:
            problems.append(
                f"Tiêu chí {c.code}: có tiêu chí con nên không có phương pháp chấm riêng."
            )
        elif c.method:
            problems.extend(
                engine.params_problems(c.code, c.method, c.params or {}, maximum=c.maximum)
            )
        problems.extend(engine.item_method_problems(c.code, c.kind, c.method))
    nodes = [engine.Node(c.code, c.maximum, code_by_id.get(c.parent_id), c.kind) for c in criteria]
    if not framework.classification_bands.exists():
        problems.append("Bộ chỉ số chưa có mức xếp loại nào.")
    return problems + engine.tree_problems(
        nodes,
        framework.max_total,
        bonus_cap=framework.bonus_cap,
        penalty_cap=framework.penalty_cap,
    )


@dataclass
class SheetRow:
    """One line of a score sheet: a field, a criterion or a component criterion."""

    criterion: Criterion
    is_leaf: bool
    maximum: Decimal
    self_value: Decimal | None
    appraised: Decimal | None
    lost: Decimal | None
    cut: Decimal | None
    score: Score | None = None
    # For ratio criteria: the value the counts give, where it differs from the entered one.
    counts_suggest: Decimal | None = None

    @property
    def depth(self) -> int:
        return self.criterion.depth


@dataclass
class Results:
    maximum: Decimal
    self_total: Decimal
    appraised_total: Decimal
    total: Decimal
    percentage: Decimal
    classification: str | None
    points_lost: Decimal
    cut_by_appraisal: Decimal
    appraised_count: int
    leaf_count: int
    rank: int | None = None
    rank_of: int | None = None
    # The total converted to the framework's (điểm quy đổi) when criteria were not assessed on
    # a rescaling framework; the percentage, classification and rank follow it.
    rescaled: Decimal | None = None
    not_assessed_count: int = 0
    previous_total: Decimal | None = None
    change: Decimal | None = None
    # The period of the result compared with ("so với năm 2022"); None without one.
    previous_period: Period | None = None
    # Only a published result has a classification and a rank; before that the total is
    # provisional ("tạm tính") and rank and classification read "chưa công bố".
    published: bool = False
    # Bonus and penalty items (the framework lists them): what they add and take away once
    # held to the framework's caps, and their sums before (`items` is False without any).
    items: bool = False
    bonus_added: Decimal = engine.ZERO
    penalty_taken: Decimal = engine.ZERO
    bonus_items: Decimal = engine.ZERO
    penalty_items: Decimal = engine.ZERO


@dataclass
class Sheet:
    assessment: Assessment
    rows: list[SheetRow]
    results: Results
    lost_rows: list[SheetRow] = field(default_factory=list)
    # The codes of the bonus and penalty items and of the contents made of them.
    adjustments: set[str] = field(default_factory=set)

    @property
    def fields(self) -> list[SheetRow]:
        return [row for row in self.rows if row.depth == 0]

    @property
    def scored_fields(self) -> list[SheetRow]:
        """The fields that add up to the framework's total (not the bonus and penalty content)."""
        return [row for row in self.fields if row.criterion.code not in self.adjustments]


def _counts_suggestion(score: Score, rounding: str) -> Decimal | None:
    criterion = score.criterion
    if criterion.method not in engine.COUNTED_METHODS or score.appraised_b is None:
        return None
    try:
        suggested = engine.suggested_score(
            criterion.method,
            criterion.maximum,
            criterion.params,
            rounding,
            b=score.appraised_b,
            a=score.appraised_a,
        )
    except engine.ScoringError:
        return None
    return suggested if suggested != score.appraised_value else None


def assessment_sheet(assessment: Assessment, *, with_evidence: bool = False) -> Sheet:
    """The full score sheet of an assessment with its results (2 queries for a published one,
    which reads its frozen results, 3 before; two more with evidence: the files uploaded for
    each criterion and those shared with it)."""
    framework = assessment.framework
    criteria = list(framework.criteria.all())
    score_rows = assessment.scores.select_related(
        "criterion", "responsible_department", "updated_by"
    )
    if with_evidence:
        score_rows = score_rows.prefetch_related("evidence", "linked_evidence")
    scores = {s.criterion_id: s for s in score_rows}
    code_by_id = {c.id: c.code for c in criteria}
    nodes = [engine.Node(c.code, c.maximum, code_by_id.get(c.parent_id), c.kind) for c in criteria]
    leaf_ids = set(code_by_id) - {c.parent_id for c in criteria}
    lines = {c.code: scores[c.id].line() for c in criteria if c.id in scores}
    self_sums = engine.rollup(nodes, {code: ln.self_value for code, ln in lines.items()})
    appraised_sums = engine.rollup(nodes, {code: ln.appraised for code, ln in lines.items()})
    lost_sums = engine.rollup(nodes, {code: ln.lost for code, ln in lines.items()})
    cut_sums = engine.rollup(nodes, {code: ln.cut for code, ln in lines.items()})
    rows = []
    for c in criteria:
        score = scores.get(c.id)
        rows.append(
            SheetRow(
                criterion=c,
                is_leaf=c.id in leaf_ids,
                maximum=c.maximum,
                self_value=self_sums[c.code],
                appraised=appraised_sums[c.code],
                lost=lost_sums[c.code],
                cut=cut_sums[c.code],
                score=score,
                counts_suggest=_counts_suggestion(score, framework.rounding) if score else None,
            )
        )
    not_assessed = [s for s in scores.values() if not_assessed_score(s)]
    items = sum(1 for c in criteria if c.id in leaf_ids and c.kind in engine.ITEM_KINDS)
    results = _results(assessment, list(lines.values()), len(leaf_ids) - items, not_assessed)
    lost_rows = [row for row in rows if row.is_leaf and row.lost]
    return Sheet(
        assessment=assessment,
        rows=rows,
        results=results,
        lost_rows=lost_rows,
        adjustments=engine.adjustment_codes(nodes),
    )


# --- the sheet's filters (?loc=…): which criteria the page lists; totals always count all ---


@dataclass(frozen=True)
class SheetFilter:
    key: str  # in the URL
    label: str
    hint: str


SHEET_FILTERS = (
    SheetFilter("tat-ca", "Tất cả", "Mọi tiêu chí"),
    SheetFilter("bi-tru", "Bị trừ điểm", "Điểm thẩm định (hoặc vòng 1) thấp hơn điểm tối đa"),
    SheetFilter("giai-trinh", "Có giải trình", "Đơn vị đã giải trình"),
    SheetFilter("chua-nhap", "Chưa nhập", "Chưa có giá trị ở cột bạn đang nhập"),
    SheetFilter("thay-doi", "Có thay đổi", "Điểm thẩm định khác điểm tự đánh giá hoặc khác vòng 1"),
)
FILTER_ALL, FILTER_LOST = "tat-ca", "bi-tru"
# Which value a page enters, for "chưa nhập": "self", "appraised" or "response".
ENTERED_FIELD = {"self": "self_value", "appraised": "appraised_value"}


def _lost(score: Score) -> bool:
    return any(score.loses_points(value) for value in (score.appraised_value, score.round1_value))


def _not_entered(score: Score, entering: str) -> bool:
    if entering == "response":  # a criterion that lost points and is not explained yet
        return _lost(score) and not score.response.strip()
    if entering == "self" and not score.criterion.is_self_assessed:
        return False  # the council's to enter, not the unit's
    reported = score.self_not_assessed if entering == "self" else score.appraised_not_assessed
    return getattr(score, ENTERED_FIELD[entering]) is None and not reported


def _changed(score: Score) -> bool:
    """The council changed the unit's value, or round 2 changed round 1's."""
    if score.appraised_value is None:
        return False
    if score.appraised_value != score.self_value:
        return True
    return score.round1_value is not None and (
        score.appraised_value != score.round1_value
        or score.appraisal_comment != score.round1_comment
    )


def sheet_filter_matches(key: str, score: Score, entering: str) -> bool:
    if key == "bi-tru":
        return _lost(score)
    if key == "giai-trinh":
        return bool(score.response.strip())
    if key == "chua-nhap":
        return _not_entered(score, entering)
    if key == "thay-doi":
        return _changed(score)
    return True


def sheet_filter_counts(sheet: Sheet, entering: str) -> dict[str, int]:
    """How many criteria each filter lists (no query: the sheet's scores are loaded)."""
    scores = [row.score for row in sheet.rows if row.is_leaf and row.score is not None]
    return {
        f.key: sum(1 for score in scores if sheet_filter_matches(f.key, score, entering))
        for f in SHEET_FILTERS
    }


def sheet_default_filter(assessment: Assessment, counts: dict[str, int]) -> str:
    """The giải trình and round-2 pages open on the criteria that lost points."""
    explaining = assessment.status in (AssessmentStatus.RETURNED, AssessmentStatus.ROUND_2)
    return FILTER_LOST if explaining and counts[FILTER_LOST] else FILTER_ALL


def _results(
    assessment: Assessment,
    lines: list[engine.Line],
    leaf_count: int,
    not_assessed: Iterable[Score] = (),
) -> Results:
    framework = assessment.framework
    not_assessed = list(not_assessed)
    scored = [line for line in lines if line.kind not in engine.ITEM_KINDS]
    appraised_total = engine.total(line.appraised for line in scored)
    bonus_items, penalty_items = engine.item_sums(lines)
    result = _assessment_outcome(
        assessment,
        appraised_total,
        sum((s.maximum for s in not_assessed), Decimal(0)),
        bonus_items,
        penalty_items,
    )
    total, percent = result.total, result.percentage
    results = Results(
        maximum=framework.max_total,
        self_total=engine.total(line.self_value for line in scored),
        appraised_total=appraised_total,
        total=total,
        percentage=percent,
        classification=None,
        points_lost=engine.points_lost(lines),
        cut_by_appraisal=engine.cut_by_appraisal(lines),
        appraised_count=sum(1 for line in scored if line.appraised is not None) + len(not_assessed),
        leaf_count=leaf_count,
        rescaled=result.rescaled,
        not_assessed_count=len(not_assessed),
        items=len(scored) < len(lines),
        bonus_added=min(bonus_items, framework.bonus_cap),
        penalty_taken=min(penalty_items, framework.penalty_cap),
        bonus_items=bonus_items,
        penalty_items=penalty_items,
    )
    if assessment.status == AssessmentStatus.PUBLISHED and assessment.result_total is not None:
        return _frozen(assessment, results)
    if assessment.status == AssessmentStatus.PUBLISHED:  # published before results were frozen
        results.published = True
        results.classification = engine.classify(percent, framework.bands())
        peers = _totals(  # ranked within its group (None: recorded before rounds)
            _published(
                framework_id=framework.id,
                period_id=assessment.period_id,
                ranking_group_id=assessment.ranking_group_id,
            )
        )
        results.rank = engine.rank({a.id: r.basis for a, r in peers}).get(assessment.id)
        results.rank_of = len(peers)
    previous = _totals(_previous_published(assessment.period, [assessment.unit_id]))
    if previous:
        results.previous_period = previous[0][0].period
        results.previous_total = previous[0][1].basis
        results.change = engine.change(result.basis, results.previous_total)
    return results


def _frozen(assessment: Assessment, results: Results) -> Results:
    """A published result's classification, rank and change as its publication froze them
    (changed only by a re-publication); the total stays the sum of the scores on the page."""
    results.published = True
    results.classification = assessment.result_classification or None
    results.rank = assessment.result_rank
    results.rank_of = assessment.result_rank_of
    results.change = assessment.result_change
    if results.change is not None:
        basis = assessment.result_rescaled
        results.previous_total = (basis or assessment.result_total) - results.change
        # Named in the text ("so với năm 2022"): the unit's latest earlier published result
        # of the same kind, as the change was computed against (one query).
        previous = (
            _previous_published(assessment.period, [assessment.unit_id])
            .select_related("period")
            .first()
        )
        results.previous_period = previous.period if previous else None
    return results


def not_assessed_score(score: Score) -> bool:
    """The council found nothing arose and the criterion leaves the sum (no appraised value)."""
    return score.appraised_not_assessed and score.appraised_value is None


def _assessment_outcome(
    assessment: Assessment,
    appraised_sum: Decimal | None,
    not_assessed_max: Decimal | None,
    bonus_items: Decimal | None = None,
    penalty_items: Decimal | None = None,
) -> engine.Outcome:
    """The result from the scored criteria's sum (rescaled where the framework says so), plus
    bonus and minus penalty: the framework's items (`bonus_items` won, `penalty_items` taken,
    ≥ 0) or the assessment's lump sums, held to the caps."""
    framework = assessment.framework
    return engine.outcome(
        appraised_sum,
        framework_max=framework.max_total,
        not_assessed_max=not_assessed_max,
        rescales=framework.rescales,
        rounding=framework.rounding,
        bonus=assessment.bonus + (bonus_items or 0),
        penalty=assessment.penalty + (penalty_items or 0),
        bonus_cap=framework.bonus_cap,
        penalty_cap=framework.penalty_cap,
    )


def appraised_sums(prefix: str = "") -> dict:
    """Aggregates of the appraised values: the scored criteria's sum, the bonus items' and the
    points the penalty items took (≥ 0), and the maxima of the criteria not assessed, for
    `_assessment_outcome`; `prefix` leads from the rows aggregated to the scores ("scores__")."""
    value = f"{prefix}appraised_value"
    kind = f"{prefix}criterion__kind"
    return {
        "appraised_sum": Sum(value, filter=~Q(**{f"{kind}__in": list(engine.ITEM_KINDS)})),
        "bonus_items": Sum(value, filter=Q(**{kind: engine.Kind.BONUS})),
        "penalty_items": -Sum(value, filter=Q(**{kind: engine.Kind.PENALTY})),
        "not_assessed_max": Sum(
            f"{prefix}maximum",
            filter=Q(
                **{
                    f"{prefix}appraised_not_assessed": True,
                    f"{prefix}appraised_value__isnull": True,
                }
            ),
        ),
    }


def _totals(queryset) -> list[tuple[Assessment, engine.Outcome]]:
    """Each assessment of `queryset` with its result, summed by the database (1 query)."""
    rows = queryset.annotate(**appraised_sums("scores__")).select_related(
        "framework", "unit", "period"
    )
    return [
        (
            a,
            _assessment_outcome(
                a, a.appraised_sum, a.not_assessed_max, a.bonus_items, a.penalty_items
            ),
        )
        for a in rows
    ]


def _published(**filters):
    return Assessment.objects.filter(status=AssessmentStatus.PUBLISHED, **filters)


def _previous_published(period: Period, unit_ids: Iterable[int]):
    """Each unit's previous published result: its latest published assessment of the same kind
    of period in an earlier year, however far back (see `scoring.periods`), in one query."""
    earlier = _published(period__kind=period.kind, period__year__lt=period.year)
    latest = earlier.filter(unit_id=OuterRef("unit_id")).order_by("-period__year").values("pk")[:1]
    return earlier.filter(unit_id__in=unit_ids, pk=Subquery(latest))


def previous_periods(period: Period, unit_ids: Iterable[int]) -> dict[int, Period]:
    """The period each unit's result of `period` is compared with, by unit id (1 query)."""
    rows = _previous_published(period, unit_ids).select_related("period")
    return {a.unit_id: a.period for a in rows}


def _by_group(rows: list[tuple[Assessment, Decimal]]) -> dict:
    """Rows split by ranking group (None: results recorded before rounds, ranked together)."""
    groups: dict = {}
    for a, total in rows:
        groups.setdefault(a.ranking_group_id, []).append((a, total))
    return groups


def unit_for_code(code: str) -> Unit | None:
    return Unit.objects.filter(code__iexact=code.strip()).first()


def assessment_for_code(unit_code: str, year: int, *, mid_year: bool = False) -> Assessment:
    """A unit's assessment of one round, for the command line.

    Raises LookupError with a Vietnamese message naming what is missing.
    """
    unit = unit_for_code(unit_code)
    if unit is None:
        raise LookupError(f"Không có đơn vị mã “{unit_code}”.")
    kind = PeriodKind.MID_YEAR if mid_year else PeriodKind.ANNUAL
    assessment = (
        Assessment.objects.filter(unit=unit, period__year=year, period__kind=kind)
        .select_related("unit", "period", "framework")
        .first()
    )
    if assessment is None:
        raise LookupError(f"{unit} chưa có bản đánh giá kỳ {kind.label.lower()} {year}.")
    return assessment


@dataclass
class RankingRow:
    assessment: Assessment
    total: Decimal
    percentage: Decimal
    classification: str | None
    rank: int
    change: Decimal | None
    # How many units share the row's ranking group: "thứ {rank}/{rank_of}".
    rank_of: int = 0
    # The period `change` is against: the unit's previous published result of the same kind.
    previous_period: Period | None = None
    # Điểm quy đổi: the total converted to the framework's, which the rank follows; None
    # where no criterion was left out (or the framework does not rescale).
    rescaled: Decimal | None = None

    @property
    def group(self):
        return self.assessment.ranking_group


def period_results(framework: Framework, period: Period) -> list[RankingRow]:
    """Every published assessment of a framework and period as its publication froze it (total,
    percentage, classification, rank "x/y" within its ranking group, change), groups in their
    order, each by rank (2 queries, whatever the number of units: nothing is summed again).

    Results published before publication froze them are computed as `period_totals` does."""
    published = list(
        _published(framework=framework, period=period).select_related(
            "framework", "unit", "period", "ranking_group"
        )
    )
    if any(a.result_total is None or a.result_rank is None for a in published):
        return period_totals(framework, period)
    before = previous_periods(period, [a.unit_id for a in published]) if published else {}
    rows = [
        RankingRow(
            assessment=a,
            total=a.result_total,
            percentage=a.result_percentage,
            classification=a.result_classification or None,
            rank=a.result_rank,
            change=a.result_change,
            rank_of=a.result_rank_of,
            previous_period=before.get(a.unit_id) if a.result_change is not None else None,
            rescaled=a.result_rescaled,
        )
        for a in published
    ]
    return sorted(rows, key=_ranking_order)


def period_totals(framework: Framework, period: Period) -> list[RankingRow]:
    """Every published assessment of a framework and period with its results summed from the
    scores now, ranked within its ranking group, with change: what publication freezes
    (3 queries)."""
    current = _totals(
        _published(framework=framework, period=period).select_related("ranking_group")
    )
    previous = {
        a.unit_id: (a.period, result.basis)
        for a, result in _totals(_previous_published(period, [a.unit_id for a, _ in current]))
    }
    bands = framework.bands()
    rows = []
    for members in _by_group(current).values():
        ranks = engine.rank({a.id: result.basis for a, result in members})
        for a, result in members:
            before, before_total = previous.get(a.unit_id, (None, None))
            rows.append(
                RankingRow(
                    assessment=a,
                    total=result.total,
                    percentage=result.percentage,
                    classification=engine.classify(result.percentage, bands),
                    rank=ranks[a.id],
                    change=engine.change(result.basis, before_total),
                    rank_of=len(members),
                    previous_period=before,
                    rescaled=result.rescaled,
                )
            )
    return sorted(rows, key=_ranking_order)


def _ranking_order(row: RankingRow) -> tuple:
    group = row.assessment.ranking_group
    place = (0, 0, "") if group is None else (1, group.position, group.name)
    return (*place, row.rank, row.assessment.unit.name)


def units_in_view(user) -> set[int]:
    """Ids of the units a user works in and the units directly below them."""
    own = set(Official.objects.current().filter(user=user).values_list("unit_id", flat=True))
    below = set(Unit.objects.filter(parent_id__in=own).values_list("id", flat=True))
    return own | below


def home_results(user, periods: int = 4) -> list[tuple[Framework, object, list[RankingRow]]]:
    """The rankings of the latest published periods that involve the user's units."""
    units = units_in_view(user)
    published = _published()
    if not user.is_superuser:
        published = published.filter(unit_id__in=units)
    groups = (
        published.values_list("framework_id", "period_id")
        .order_by("-period__year", "period__kind")
        .distinct()[:periods]
    )
    frameworks = {f.id: f for f in Framework.objects.filter(id__in=[g[0] for g in groups])}
    period_by_id = Period.objects.in_bulk([g[1] for g in groups])
    sections = []
    for framework_id, period_id in groups:
        framework, period = frameworks[framework_id], period_by_id[period_id]
        sections.append((framework, period, period_results(framework, period)))
    return sections
