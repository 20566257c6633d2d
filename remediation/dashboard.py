"""The chairperson's dashboard and the ranking of a parent unit's units: what they show, read in
a fixed number of queries whatever the number of periods, criteria, tasks or units.

Published results are read as frozen at publication (`Assessment.result_*`); everything else
is summed with `scoring.engine` and `remediation.numbers`, and drawn by `remediation.charts`.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from remediation import charts, numbers
from remediation.models import FINISHED_STATUSES, OPEN_STATUSES, Task
from remediation.selectors import TaskSummary, summarize, with_details
from scoring import access as scoring_access
from scoring import engine, periods
from scoring.engine import loses_points
from scoring.models import (
    Assessment,
    AssessmentStatus,
    Criterion,
    Period,
    PeriodKind,
    Score,
    Unit,
)
from scoring.models.assessments import losing_points
from scoring.selectors import assessment_sheet, previous_periods

ZERO = Decimal("0")
TOP_LOST = 8


@dataclass
class Headline:
    assessment: Assessment
    total: Decimal
    percentage: Decimal
    classification: str
    rank: int | None
    rank_of: int | None
    change: Decimal | None
    published: bool
    # What the change is against, as running text ("năm 2022"); empty without a change.
    compared_with: str = ""
    # Điểm quy đổi, which the percentage, classification and rank follow; None without one.
    rescaled: Decimal | None = None


@dataclass
class HistoryRow:
    """One published result in the dashboard's history: the unit's own, or one of the units
    it was formed from (labelled as such, never counted as its own)."""

    assessment: Assessment
    label: str  # "Phường 1 (trước sáp nhập)" for a predecessor, the unit's name otherwise
    own: bool
    compared_with: str = ""


@dataclass
class LostCriterion:
    """One criterion of the focus assessment that lost points or was cut by the council."""

    score_id: int
    code: str
    title: str
    maximum: Decimal
    self_value: Decimal | None
    appraised: Decimal
    lost: Decimal
    cut: Decimal | None
    comment: str
    owner: str


@dataclass
class Repeated:
    code: str
    title: str
    periods: list[str]
    lost_now: Decimal | None


@dataclass
class Projection:
    current: numbers.Projected
    if_done: numbers.Projected
    if_all: numbers.Projected
    recovered_done: Decimal
    recovered_all: Decimal
    tasks_counted: int


@dataclass
class Dashboard:
    unit: Unit
    focus: Assessment | None
    headlines: list[Headline]
    in_progress: Assessment | None
    points_lost: Decimal = ZERO
    fields: list[tuple[str, str, Decimal]] = field(default_factory=list)
    field_chart: str = ""
    top_lost: list[LostCriterion] = field(default_factory=list)
    lost_count: int = 0
    owners: list[tuple[str, Decimal]] = field(default_factory=list)
    owner_chart: str = ""
    over_claimed: list[LostCriterion] = field(default_factory=list)
    cut_total: Decimal = ZERO
    repeated: list[Repeated] = field(default_factory=list)
    trend_chart: str = ""
    field_trend: list[tuple[str, str, str]] = field(default_factory=list)
    tasks: TaskSummary | None = None
    projection: Projection | None = None
    focus_has_tasks: bool = False
    # The period selector: (period pk, label) of every published result, newest first.
    choices: list[tuple[int, str]] = field(default_factory=list)
    is_latest: bool = True
    history: list[HistoryRow] = field(default_factory=list)
    # Breaks in the focus kind's series, "2023 → 2026 (không có kết quả 2024–2025)".
    gaps: list[str] = field(default_factory=list)
    predecessors: list[Unit] = field(default_factory=list)
    # The focus is the unit's first result of its kind and the unit was formed by merging.
    first_after_merger: bool = False


class PeriodNotPublished(LookupError):
    """The period asked for has no published result of the unit."""


def running_label(period: Period) -> str:
    """ "năm 2023" or "6 tháng đầu năm 2024", as a sentence writes a period."""
    text = str(period)
    return text[0].lower() + text[1:]


def _compared_with(assessment: Assessment, published: list[Assessment]) -> str:
    """The period a published result's change is against: the unit's previous published
    result of the same kind (`scoring.periods.previous_year`)."""
    if assessment.result_change is None:
        return ""
    kind = assessment.period.kind
    same_kind = {a.period.year: a.period for a in published if a.period.kind == kind}
    year = periods.previous_year(same_kind, assessment.period.year)
    return running_label(same_kind[year]) if year is not None else ""


def _headline(assessment: Assessment) -> Headline:
    if assessment.status == AssessmentStatus.PUBLISHED:
        return Headline(
            assessment=assessment,
            total=assessment.result_total,
            percentage=assessment.result_percentage,
            classification=assessment.result_classification,
            rank=assessment.result_rank,
            rank_of=assessment.result_rank_of,
            change=assessment.result_change,
            published=True,
            rescaled=assessment.result_rescaled,
        )
    results = assessment_sheet(assessment).results
    return Headline(
        assessment=assessment,
        total=results.total,
        percentage=results.percentage,
        classification=results.classification or "",
        rank=None,
        rank_of=None,
        change=results.change,
        published=False,
        compared_with=running_label(results.previous_period) if results.previous_period else "",
        rescaled=results.rescaled,
    )


def _pick(assessments: list[Assessment], period_id: int | None):
    """The focus (the chosen period's published result; by default the latest published annual
    one), the current mid-year round (shown beside the default focus only), and the round in
    progress, from the unit's assessments in period order."""
    published = [a for a in assessments if a.status == AssessmentStatus.PUBLISHED]
    annual = [a for a in published if a.period.kind == PeriodKind.ANNUAL]
    latest = (annual or published or [None])[-1]
    focus = latest
    if period_id is not None:
        focus = next((a for a in published if a.period_id == period_id), None)
        if focus is None:
            raise PeriodNotPublished(period_id)
    mid_year = [
        a
        for a in assessments
        if a.period.kind == PeriodKind.MID_YEAR
        and a.status != AssessmentStatus.DRAFT
        and focus is latest
        and (focus is None or a.period.year >= focus.period.year)
    ]
    in_progress = [a for a in assessments if a.status != AssessmentStatus.PUBLISHED]
    return focus, (mid_year[-1] if mid_year else None), (in_progress[-1] if in_progress else None)


def unit_dashboard(unit: Unit, *, today: datetime.date, period_id: int | None = None) -> Dashboard:
    """Everything on a unit's dashboard, for the published result of `period_id` (by default
    the latest published annual one); raises PeriodNotPublished when the unit has no published
    result in that period. About 10 queries; 1 more for a merged unit's predecessors' results,
    5 more while a mid-year round is appraised but not published (its provisional result)."""
    assessments = list(
        Assessment.objects.filter(unit=unit)
        .select_related("period", "framework")
        .order_by("period__year", "-period__kind")
    )
    focus, mid_year, in_progress = _pick(assessments, period_id)
    published = [a for a in assessments if a.status == AssessmentStatus.PUBLISHED]
    headlines = [_headline(a) for a in (focus, mid_year) if a is not None]
    for h in headlines:
        if h.published:
            h.compared_with = _compared_with(h.assessment, published)
    board = Dashboard(unit=unit, focus=focus, headlines=headlines, in_progress=in_progress)
    board.choices = [(a.period_id, str(a.period)) for a in reversed(published)]
    board.is_latest = period_id is None or focus is _pick(assessments, None)[0]
    _fill_history(board, published)
    tasks = list(with_details(Task.objects.filter(assessment__unit=unit)))
    board.tasks = summarize(tasks, today)
    if focus is None:
        return board
    rows = list(
        Score.objects.filter(assessment__in=published).values_list(
            "assessment_id", "criterion__code", "maximum", "appraised_value", "criterion__kind"
        )
    )
    details = _focus_details(focus)
    lost_codes = {
        code for _, code, maximum, value, kind in rows if loses_points(value, maximum, kind)
    }
    titles = _titles({a.framework_id for a in published}, lost_codes)
    _fill_focus(board, focus, rows, details, titles)
    _fill_repeated(board, published, rows, titles, details)
    _fill_trend(board, published, rows, titles)
    focus_tasks = [t for t in tasks if t.assessment_id == focus.pk]
    board.focus_has_tasks = bool(focus_tasks)
    board.projection = _projection(focus, focus_tasks, details)
    return board


def _fill_history(board: Dashboard, published: list[Assessment]) -> None:
    """The unit's published results, newest first, then those of the units it was formed from
    (1 query, 2 for a merged unit), and the gaps in the focus kind's series."""
    board.predecessors = list(board.unit.merged_from.order_by("name"))
    board.history = [
        HistoryRow(a, board.unit.name, True, _compared_with(a, published))
        for a in reversed(published)
    ]
    if board.predecessors:
        earlier = (
            Assessment.objects.filter(
                unit__in=board.predecessors, status=AssessmentStatus.PUBLISHED
            )
            .select_related("period", "unit")
            .order_by("-period__year", "period__kind", "unit__name")
        )
        board.history += [HistoryRow(a, f"{a.unit.name} (trước sáp nhập)", False) for a in earlier]
    focus = board.focus
    if focus is None:
        return
    same_kind = [a.period.year for a in published if a.period.kind == focus.period.kind]
    board.gaps = [str(gap) for gap in periods.gaps(same_kind)]
    first_year = min(same_kind)
    board.first_after_merger = bool(board.predecessors) and focus.period.year == first_year


def _focus_details(focus: Assessment) -> list[LostCriterion]:
    """The focus assessment's criteria that lost points or were cut (1 query)."""
    scores = (
        Score.objects.filter(assessment=focus, appraised_value__isnull=False)
        .filter(losing_points() | Q(self_value__gt=F("appraised_value")))
        .select_related("criterion", "responsible_department")
        .order_by("criterion__sort_key")
    )
    details = []
    for score in scores:
        line = score.line()
        owner = (
            score.responsible_department.name
            if score.responsible_department
            else score.responsible_note or "Chưa xác định"
        )
        details.append(
            LostCriterion(
                score_id=score.pk,
                code=score.criterion.code,
                title=score.criterion.title,
                maximum=score.maximum,
                self_value=score.self_value,
                appraised=score.appraised_value,
                lost=line.lost,
                cut=line.cut,
                comment=score.appraisal_comment,
                owner=owner,
            )
        )
    return details


def _titles(framework_ids: set[int], codes: set[str]) -> dict[tuple[int, str], str]:
    """Titles of the fields and of the given criteria in these frameworks (1 query)."""
    criteria = Criterion.objects.filter(framework_id__in=framework_ids).filter(
        Q(parent__isnull=True) | Q(code__in=codes)
    )
    return {
        (fw, code): title
        for fw, code, title in criteria.values_list("framework_id", "code", "title")
    }


def _fill_focus(board: Dashboard, focus: Assessment, rows, details, titles) -> None:
    leaves = [
        (code, engine.Line(maximum, None, value, kind))
        for assessment_id, code, maximum, value, kind in rows
        if assessment_id == focus.pk
    ]
    sums = numbers.field_sums(leaves)
    board.points_lost = engine.points_lost(line for _, line in leaves)
    board.fields = [
        (code, titles.get((focus.framework_id, code), ""), s.lost) for code, s in sums.items()
    ]
    field_bars = [charts.Bar(f"{code}. {title}", lost) for code, title, lost in board.fields]
    field_label = f"Điểm bị trừ theo lĩnh vực – {focus.period}"
    board.field_chart = charts.wide_and_narrow(
        charts.bar_chart(field_bars, label=field_label, css_class="chart bars fields"),
        charts.stacked_bar_chart(field_bars, label=field_label),
    )
    lost = [d for d in details if d.lost]
    board.lost_count = len(lost)
    board.top_lost = sorted(lost, key=lambda d: (-d.lost, engine.sort_key(d.code)))[:TOP_LOST]
    board.owners = numbers.grouped_lost((d.owner, d.lost) for d in lost)
    owner_bars = [charts.Bar(owner, value) for owner, value in board.owners]
    owner_label = "Điểm bị trừ theo bộ phận, người phụ trách"
    board.owner_chart = charts.wide_and_narrow(
        charts.bar_chart(
            owner_bars, label=owner_label, label_width=230, css_class="chart bars owners"
        ),
        charts.stacked_bar_chart(owner_bars, label=owner_label),
    )
    board.over_claimed = sorted(
        (d for d in details if d.cut and d.cut > 0),
        key=lambda d: (-d.cut, engine.sort_key(d.code)),
    )
    board.cut_total = engine.cut_by_appraisal(
        engine.Line(d.maximum, d.self_value, d.appraised) for d in details
    )


def _series_periods(focus: Assessment, published: list[Assessment]) -> list[Assessment]:
    return [a for a in published if a.period.kind == focus.period.kind]


def _fill_repeated(board: Dashboard, published, rows, titles, details) -> None:
    """Criteria that lost points in consecutive published results of the focus's kind, up to
    the focus (consecutive as `scoring.periods` defines it: a missing year breaks the run)."""
    series = [
        a
        for a in _series_periods(board.focus, published)
        if a.period.year <= board.focus.period.year
    ]
    framework_of = {a.pk: a.framework_id for a in series}
    lost_in: dict[str, set[int]] = defaultdict(set)
    for assessment_id, code, maximum, value, kind in rows:
        if assessment_id in framework_of and loses_points(value, maximum, kind):
            lost_in[code].add(assessment_id)
    streaks = numbers.loss_streaks(
        [a.pk for a in series], lost_in, year_of={a.pk: a.period.year for a in series}
    )
    label = {a.pk: str(a.period.year) for a in series}
    lost_now = {d.code: d.lost for d in details if d.lost}
    board.repeated = [
        Repeated(
            code=code,
            title=titles.get((framework_of[run[-1]], code), ""),
            periods=[label[pk] for pk in run],
            lost_now=lost_now.get(code),
        )
        for code, run in streaks.items()
    ]


def _fill_trend(board: Dashboard, published, rows, titles) -> None:
    """Totals over every year from the first published result to the last: a year without a
    published result is on the axis with no point, so the line breaks there."""
    years = periods.year_axis(a.period.year for a in published)
    labels = [str(year) for year in years]
    by_kind: dict[str, dict[int, Assessment]] = defaultdict(dict)
    for a in published:
        by_kind[a.period.kind][a.period.year] = a
    series = [
        charts.Series(
            name=PeriodKind(kind).label,
            values=[a.result_total if (a := by_kind[kind].get(y)) else None for y in years],
        )
        for kind in (PeriodKind.ANNUAL, PeriodKind.MID_YEAR)
        if by_kind.get(kind)
    ]
    trend_label = "Tổng điểm qua các kỳ"
    board.trend_chart = charts.wide_and_narrow(
        charts.line_chart(labels, series, label=trend_label, css_class="chart lines totals"),
        charts.line_chart(labels, series, label=trend_label, width=charts.NARROW, height=200),
    )
    annual = _series_periods(board.focus, published)
    per_assessment: dict[int, list] = defaultdict(list)
    for assessment_id, code, maximum, value, kind in rows:
        per_assessment[assessment_id].append((code, engine.Line(maximum, None, value, kind)))
    sums = {a.pk: numbers.field_sums(per_assessment[a.pk]) for a in annual}
    focus = board.focus
    field_codes = list(sums.get(focus.pk, {}))
    by_year = {a.period.year: a for a in annual}
    axis = periods.year_axis(by_year)
    x_labels = [str(year) for year in axis]
    for code in field_codes:
        values, notes = [], []
        for year in axis:
            a = by_year.get(year)
            s = sums[a.pk].get(code) if a else None
            share = numbers.share_of(s.appraised, s.maximum) if s else None
            values.append(share)
            notes.append(
                f"{engine.vn_number(s.appraised)}/{engine.vn_number(s.maximum)} điểm" if s else ""
            )
        title = titles.get((focus.framework_id, code), "")
        svg = charts.line_chart(
            x_labels,
            [charts.Series(name=f"Lĩnh vực {code}", values=values, notes=notes)],
            label=f"Lĩnh vực {code}: tỷ lệ điểm đạt (%) qua các kỳ",
            width=260,
            height=120,
            y_min=0,
            y_max=100,
            value_labels="last",
            css_class="chart lines field",
        )
        board.field_trend.append((code, title, svg))


def _projection(focus: Assessment, tasks: list[Task], details) -> Projection | None:
    """The total and rank the unit would reach: with the finished tasks' points, and with
    every task's points (1 query, the other units' published totals)."""
    if focus.result_total is None:
        return None
    lost_by_score = {d.score_id: d.lost for d in details if d.lost}
    stakes = [
        numbers.Stake(
            points=t.points,
            score_ids=frozenset(s.pk for s in t.scores.all()),
            done=t.status in FINISHED_STATUSES,
        )
        for t in tasks
    ]
    totals = dict(
        Assessment.objects.filter(
            framework_id=focus.framework_id,
            period_id=focus.period_id,
            status=AssessmentStatus.PUBLISHED,
        )
        # Ranked as published: by the converted total where there is one.
        .annotate(basis=Coalesce("result_rescaled", "result_total"))
        .values_list("id", "basis")
    )
    done = numbers.recoverable([s for s in stakes if s.done], lost_by_score)
    everything = numbers.recoverable(stakes, lost_by_score)
    return Projection(
        current=numbers.project(unit=focus.pk, totals=totals, recovered=ZERO),
        if_done=numbers.project(unit=focus.pk, totals=totals, recovered=done),
        if_all=numbers.project(unit=focus.pk, totals=totals, recovered=everything),
        recovered_done=done,
        recovered_all=everything,
        tasks_counted=len(stakes),
    )


# --- the ranking of a parent unit's units ---------------------------------------------------


@dataclass
class RankingRow:
    assessment: Assessment
    open_tasks: int
    overdue_tasks: int
    finished_tasks: int
    compared_with: str = ""  # the period the change is against, "năm 2022"


@dataclass
class Ranking:
    choices: list[tuple[str, str]]  # "period-framework-group" key, label
    key: str | None
    framework_name: str
    rows: list[RankingRow]  # the page shown
    chart: str = ""
    # The period most rows' change is against ("năm 2022"); the others name their own.
    compared_with: str = ""
    group_name: str = ""  # the ranking group ("Phường"); "" for results ranked before groups
    count: int = 0  # units in the ranking, on every page
    page: int = 1
    pages: int = 1


CHART_UP_TO = 40
PAGE_SIZE = 100  # a province's group has up to ~170 units; 3 300 make 33 pages


def ranking_unit_ids(user) -> set[int] | None:
    """Units whose ranking the user sees: those below the units where they supervise; None
    (all) for a superuser who supervises nothing in particular."""
    below = scoring_access.supervised_unit_ids(user)
    if not below and user.is_superuser:
        return None
    return below


def _round_label(year: int, kind: str) -> str:
    return f"Năm {year}" if kind == PeriodKind.ANNUAL else f"6 tháng đầu năm {year}"


def _ranking_choices(published) -> tuple[list[tuple[str, str]], dict[str, tuple[str, str]]]:
    """One choice per period, framework and ranking group the user has published results in,
    latest first (1 query): key "<period>-<framework>-<group or 0>"."""
    found = list(
        published.values_list(
            "period_id",
            "framework_id",
            "ranking_group_id",
            "period__year",
            "period__kind",
            "framework__name",
            "ranking_group__name",
            "ranking_group__position",
        )
        .order_by("-period__year", "period__kind", "framework__name", "ranking_group__position")
        .distinct()
    )
    frameworks_in = defaultdict(set)
    for period_id, framework_id, *_ in found:
        frameworks_in[period_id].add(framework_id)
    choices, names = [], {}
    for period_id, framework_id, group_id, year, kind, framework, group, _ in found:
        label = _round_label(year, kind)
        if len(frameworks_in[period_id]) > 1:
            label = f"{label} – {framework}"
        if group:
            label = f"{label} – {group}"
        key = f"{period_id}-{framework_id}-{group_id or 0}"
        choices.append((key, label))
        names[key] = (framework, group or "")
    return choices, names


def _ranking_key(key: str | None, choices: list[tuple[str, str]]) -> str | None:
    """The full key for what the URL asked: "<period>" and "<period>-<framework>" (older
    bookmarks) mean their first group; None means the latest."""
    if key is None:
        return choices[0][0] if choices else None
    if key.count("-") < 2:
        return next((k for k, _ in choices if k.startswith(f"{key}-")), key)
    return key


def ranking(user, *, key: str | None, today: datetime.date, page: int = 1) -> Ranking:
    """Published results of the units below the user's, one period, framework and ranking
    group at a time (units of different frameworks or groups are not ranked together), best
    first, as their publication froze them, with each unit's remediation in figures and the
    period its change is against; a page of PAGE_SIZE units at a time (6 queries for any
    number of units).

    `key` is "<period pk>-<framework pk>-<group pk or 0>" (or a shorter key, see
    `_ranking_key`). A key the user has no published result for raises PeriodNotPublished;
    a page past the last shows the last."""
    published = Assessment.objects.filter(status=AssessmentStatus.PUBLISHED)
    if not user.is_superuser or ranking_unit_ids(user) is not None:
        published = published.filter(scoring_access.supervised_q(user, prefix="unit__"))
    choices, names = _ranking_choices(published)
    key = _ranking_key(key, choices)
    if key is None:
        return Ranking(choices=[], key=None, framework_name="", rows=[])
    if key not in names:
        raise PeriodNotPublished(key)
    period_id, framework_id, group_id = (int(part) for part in key.split("-"))
    members = published.filter(
        period_id=period_id, framework_id=framework_id, ranking_group_id=group_id or None
    )
    count = members.count()
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(page, 1), pages)
    assessments = list(
        members.select_related("unit", "period", "framework").order_by(
            "result_rank", "unit__name", "pk"
        )[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    )
    counts = _task_counts([a.pk for a in assessments], today)
    before = previous_periods(assessments[0].period, [a.unit_id for a in assessments])
    rows = [
        RankingRow(
            a,
            *counts.get(a.pk, (0, 0, 0)),
            compared_with=running_label(before[a.unit_id])
            if a.result_change is not None and a.unit_id in before
            else "",
        )
        for a in assessments
    ]
    framework_name, group_name = names[key]
    result = Ranking(
        choices=choices,
        key=key,
        framework_name=framework_name,
        rows=rows,
        group_name=group_name,
        count=count,
        page=page,
        pages=pages,
    )
    labels = Counter(row.compared_with for row in rows if row.compared_with)
    result.compared_with = labels.most_common(1)[0][0] if labels else ""
    if count <= CHART_UP_TO:
        bars = [
            charts.Bar(
                f"{r.assessment.result_rank}. {r.assessment.unit.name}",
                r.assessment.result_total
                if r.assessment.result_rescaled is None
                else r.assessment.result_rescaled,
                note=r.assessment.result_classification,
            )
            for r in rows
        ]
        drawing = {
            "label": "Tổng điểm Chỉ số CCHC của các đơn vị",
            "max_value": rows[0].assessment.framework.max_total if rows else None,
            "color": "#1f5fbf",
        }
        result.chart = charts.wide_and_narrow(
            charts.bar_chart(bars, css_class="chart bars ranking", **drawing),
            charts.stacked_bar_chart(bars, **drawing),
        )
    return result


def _task_counts(assessment_ids: list[int], today: datetime.date) -> dict[int, tuple]:
    """Per assessment: open, overdue and finished tasks (1 query)."""
    assigned = Q(assigned_at__isnull=False)
    rows = (
        Task.objects.filter(assessment_id__in=assessment_ids)
        .values("assessment_id")
        .annotate(
            open=Count("pk", filter=assigned & Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=assigned & Q(status__in=OPEN_STATUSES, deadline__lt=today)),
            finished=Count("pk", filter=Q(status__in=FINISHED_STATUSES)),
        )
    )
    return {r["assessment_id"]: (r["open"], r["overdue"], r["finished"]) for r in rows}
