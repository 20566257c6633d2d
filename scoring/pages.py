"""What the assessment page shows for each criterion: plain objects the templates render.

Kept apart from the views so that the page and the live-preview fragment (htmx) describe the
same rows the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from scoring import access, engine
from scoring.grid import Entry, Mode
from scoring.models import Assessment, AssessmentStatus
from scoring.parts import Scope
from scoring.selectors import Sheet, SheetRow


def page_mode(user, assessment: Assessment) -> Mode:
    """What the user can enter on the assessment page right now."""
    if assessment.self_entry_open() and access.may_enter_self(user, assessment):
        return Mode.SELF
    if assessment.appraisal_open() and access.may_appraise(user, assessment):
        return Mode.APPRAISE
    if assessment.response_open() and access.may_enter_self(user, assessment):
        return Mode.RESPOND
    return Mode.READ


@dataclass
class Choice:
    value: str
    label: str
    selected: bool


@dataclass
class RowView:
    """One line of the page: a field, a parent criterion, or a leaf with its inputs."""

    row: SheetRow
    editable: bool = False
    entry: Entry | None = None
    errors: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    rule: str = ""
    mode: Mode = Mode.READ
    # In a round divided into parts: the part in charge of this criterion (who appraises it).
    owner: object = None
    folded: bool = False  # a field shown closed (none of its criteria is the user's to enter)

    @property
    def criterion(self):
        return self.row.criterion

    @property
    def score(self):
        return self.row.score

    @property
    def is_ratio(self) -> bool:
        return self.criterion.method in engine.RATIO_METHODS

    @property
    def is_deduction(self) -> bool:
        return self.criterion.method == engine.Method.DEDUCTION

    @property
    def is_measured(self) -> bool:
        """The council types a result (%) and the points follow (survey, outside index)."""
        return self.criterion.is_measured

    @property
    def entered_by_council(self) -> str:
        """On the self-assessment, what a survey or outside criterion says instead of an
        input ("" for the unit's own criteria)."""
        return self.criterion.entered_by_council_text() if self.mode == Mode.SELF else ""

    @property
    def input_measure(self) -> str:
        """The result (%) the council's input shows: as typed on a refused page, else saved."""
        if self.entry is not None:
            return self.entry.raw.get("measure", "")
        measure = self.score.appraised_measure
        return "" if measure is None else engine.vn_percent(measure).removesuffix("%")

    @property
    def is_counted(self) -> bool:
        """The score follows from counts typed on the row (b and a, or a number of cases)."""
        return self.criterion.method in engine.COUNTED_METHODS

    def _saved(self) -> tuple:
        s = self.score
        if self.mode == Mode.APPRAISE:
            return s.appraised_value, s.appraised_b, s.appraised_a, s.appraisal_comment
        if self.mode == Mode.RESPOND:
            return None, None, None, s.response
        return s.self_value, s.self_b, s.self_a, s.self_note

    def _typed(self, name: str, saved) -> str:
        """What an input shows: what the user typed if the page was refused, else the saved."""
        if self.entry is not None:
            return self.entry.raw.get(name, "")
        if isinstance(saved, Decimal):
            return engine.vn_number(saved)
        return "" if saved is None else str(saved)

    @property
    def input_value(self) -> str:
        value, b, a, _ = self._saved()
        if self.entry is None and self.is_counted and b is not None and value is not None:
            # A value the counts give is shown as computed, not as a typed override.
            criterion = self.criterion
            rounding = self.score.assessment.framework.rounding
            try:
                suggested = engine.suggested_score(
                    criterion.method, criterion.maximum, criterion.params, rounding, b=b, a=a
                )
            except engine.ScoringError:
                suggested = None
            if suggested == value:
                return ""
        return self._typed("value", value)

    @property
    def step_note(self) -> str:
        """For a stepped ratio with saved counts: the step they reach ("bậc ≥70%")."""
        _, b, a, _ = self._saved()
        if self.criterion.method != engine.Method.RATIO_STEPS or b is None or not a:
            return ""
        try:
            return engine.step_reached(b, a, self.criterion.params)
        except engine.ScoringError:
            return ""

    @property
    def input_b(self) -> str:
        return self._typed("b", self._saved()[1])

    @property
    def input_a(self) -> str:
        return self._typed("a", self._saved()[2])

    @property
    def input_text(self) -> str:
        return self._typed("text", self._saved()[3])

    @property
    def none_checked(self) -> bool:
        """The "Không phát sinh" box: as typed on a refused page, else as saved."""
        if self.entry is not None:
            return self.entry.nothing
        if self.mode == Mode.APPRAISE:
            return self.score.appraised_not_assessed
        return self.mode == Mode.SELF and self.score.self_not_assessed

    @property
    def evidence_count(self) -> int:
        """Files proving the criterion, its own and those shared from another criterion."""
        return len(self.score.all_evidence()) if self.score else 0

    @property
    def may_upload(self) -> bool:
        """Files can be added on the row itself: the unit's own entry or explanation."""
        return self.editable and self.mode in (Mode.SELF, Mode.RESPOND)


def _choices(row: SheetRow, current: Decimal | None, typed: str | None) -> list[Choice]:
    criterion = row.criterion
    if criterion.method == engine.Method.YES_NO:
        yes, no = engine.yes_no_labels(criterion.maximum)
        options = [(criterion.maximum, yes), (Decimal("0"), no)]
    elif criterion.method == engine.Method.LEVELS:
        options = [
            (points, label)
            for label, points in engine.level_choices(criterion.maximum, criterion.params)
        ]
    else:
        return []
    chosen = current
    if typed:
        # A refused page shows what was typed; text that is no number selects nothing.
        try:
            chosen = engine.parse_number(typed)
        except engine.ScoringError:
            chosen = None
    return [
        Choice(f"{points:.2f}", f"{label} ({engine.vn_number(points)})", chosen == points)
        for points, label in options
    ]


def row_views(
    sheet: Sheet,
    user,
    mode: Mode,
    entries: dict[int, Entry] | None = None,
    errors=None,
    scope: Scope | None = None,
) -> list[RowView]:
    """The page's rows; `scope` (appraisal mode in a round with parts) limits what is
    editable to the user's parts and names the part in charge of each criterion."""
    entries, errors = entries or {}, errors or {}
    views = []
    rescales = sheet.assessment.framework.rescales
    for row in sheet.rows:
        rule = " ".join(
            filter(
                None, [row.criterion.rule_text(), row.criterion.none_rule_text(rescales=rescales)]
            )
        )
        view = RowView(row=row, rule=rule, mode=mode)
        if row.is_leaf and row.score is not None:
            score = row.score
            view.editable = _editable(user, mode, score)
            if scope is not None and mode == Mode.APPRAISE:
                view.editable = view.editable and scope.allows(score.criterion_id)
                view.owner = scope.owner.get(score.criterion_id)
            view.entry = entries.get(score.pk)
            view.errors = errors.get(score.pk, [])
            current = score.appraised_value if mode == Mode.APPRAISE else score.self_value
            typed = view.entry.raw.get("value") if view.entry else None
            view.choices = _choices(row, current, typed)
        views.append(view)
    return views


def _editable(user, mode: Mode, score) -> bool:
    if mode == Mode.SELF:
        # Survey and outside criteria are entered by the council for the whole round.
        return score.criterion.is_self_assessed and access.may_enter_self_for(user, score)
    return mode in (Mode.APPRAISE, Mode.RESPOND)


def rows_shown(views: list[RowView], shown: set[int]) -> list[RowView]:
    """The rows a filtered page lists: the leaves in `shown` (score pks), and the fields and
    parent criteria above them."""
    codes = [v.criterion.code for v in views if v.row.is_leaf and v.score and v.score.pk in shown]
    kept = []
    for view in views:
        if view.row.is_leaf:
            if view.score and view.score.pk in shown:
                kept.append(view)
        elif any(code.startswith(view.criterion.code + ".") for code in codes):
            kept.append(view)
    return kept


def field_groups(views: list[RowView]) -> list[tuple[RowView, list[RowView]]]:
    """Rows grouped under their field (lĩnh vực), for the collapsible sections."""
    groups: list[tuple[RowView, list[RowView]]] = []
    for view in views:
        if view.row.depth == 0:
            groups.append((view, []))
        elif groups:
            groups[-1][1].append(view)
    return groups


STATUS_STEPS = [
    AssessmentStatus.DRAFT,
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.RETURNED,
    AssessmentStatus.ROUND_2,
    AssessmentStatus.APPRAISED,
    AssessmentStatus.PUBLISHED,
]


def status_steps(assessment: Assessment) -> list[tuple[str, str]]:
    """The cycle as steps: (label, "done" | "current" | "todo")."""
    index = STATUS_STEPS.index(assessment.status)
    return [
        (step.label, "done" if i < index else "current" if i == index else "todo")
        for i, step in enumerate(STATUS_STEPS)
    ]
