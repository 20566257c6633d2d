"""Moving an open round to a framework issued in its place within the year (Sơn La issued two
2025 decisions two months apart).

Every score row of the round is sorted into one of three:

- **carried**: the new framework has a leaf with the same code and the same method (and
  source), and every value fits its new maximum and parameters. The row itself is re-pointed
  at the new criterion, so its values, counts, notes, comments, response, department,
  round-1 values, evidence files and links stay exactly as they were;
- **reset**: a leaf of the same code exists but the method changed, or a value does not fit
  (over the new maximum, a level that no longer exists…). The row is re-pointed at the new
  leaf with its entries cleared; its evidence files stay on it;
- **removed**: the code is gone, or is no longer a leaf. The row is deleted; its evidence files
  and links move to a "home" score of the same assessment: the first leaf (in code order)
  under the closest code that still exists, else the framework's first leaf. No file is lost.

What was entered on a reset or removed row is listed, with its old values, in
`RoundFrameworkChange.not_carried`, and the history keeps every row as it was ("~" for a
re-pointed row, "-" for a deleted one). The new framework's leaves no row was re-pointed to get
new empty scores. Assessments keep their status.

Everything is set-based: a fixed number of statements whatever the number of units or criteria
(chunks of `CHUNK` rows on very large rounds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from scoring import engine
from scoring.models import (
    AppraisalPart,
    Assessment,
    AssessmentStatus,
    Criterion,
    Department,
    Evidence,
    Framework,
    GroupPublication,
    Round,
    RoundFrameworkChange,
    RoundStatus,
    Score,
    Source,
    WhenNone,
)
from scoring.signals import round_framework_changed

CHUNK = 4000
HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}
VALUE_FIELDS = ("self_value", "appraised_value", "round1_value")
VALUE_LABELS = {
    "self_value": "điểm tự đánh giá",
    "appraised_value": "điểm thẩm định",
    "round1_value": "điểm thẩm định vòng 1",
}
COUNT_PAIRS = (("self_b", "self_a"), ("appraised_b", "appraised_a"))
# What a user enters on a score, cleared on a row that is not carried (the department is an
# assignment of the unit's work, not an entry, and stays).
ENTERED: dict[str, Any] = {
    "self_value": None,
    "self_b": None,
    "self_a": None,
    "self_measure": None,
    "self_not_assessed": False,
    "self_note": "",
    "appraised_value": None,
    "appraised_b": None,
    "appraised_a": None,
    "appraised_measure": None,
    "appraised_not_assessed": False,
    "appraisal_comment": "",
    "round1_value": None,
    "round1_comment": "",
    "response": "",
}


@dataclass
class FrameworkChangeReport:
    """What a change does (or, in a dry run, would do)."""

    round: Round
    old_framework: Framework
    new_framework: Framework
    assessments: int = 0
    carried: int = 0
    created: int = 0
    not_carried: list[dict] = field(default_factory=list)
    same_codes: list[str] = field(default_factory=list)
    changed_codes: list[str] = field(default_factory=list)
    removed_codes: list[str] = field(default_factory=list)
    added_codes: list[str] = field(default_factory=list)
    change: RoundFrameworkChange | None = None
    dry_run: bool = False

    def summary_lines(self) -> list[str]:
        """The change in a few sentences (the page's preview, the command's output)."""
        lines = [
            f"Đợt “{self.round}”: từ “{self.old_framework}” sang “{self.new_framework}”.",
            f"{self.assessments} bản đánh giá; {self.carried} điểm tiêu chí chuyển sang "
            f"nguyên vẹn; {self.created} điểm tiêu chí mới (để trống).",
            f"Tiêu chí giữ nguyên mã và phương pháp: {len(self.same_codes)}; đổi phương pháp "
            f"hoặc nguồn điểm: {len(self.changed_codes)}; không còn: {len(self.removed_codes)}; "
            f"mới: {len(self.added_codes)}.",
            f"Không chuyển được: {len(self.not_carried)} mục.",
        ]
        for entry in self.not_carried:
            unit = f"{entry['unit']} – " if entry.get("unit") else ""
            lines.append(f"  - {unit}{entry['code']}: {entry['reason']}")
        return lines


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


def eligible_frameworks(round_: Round) -> list[Framework]:
    """Active frameworks of the round's unit level that apply to its year, other than its own."""
    year = round_.period.year
    candidates = Framework.objects.filter(
        is_active=True, unit_level=round_.framework.unit_level, year_from__lte=year
    ).exclude(pk=round_.framework_id)
    return [f for f in candidates.order_by("-year_from", "name") if f.applies_to_year(year)]


def _refusal(round_: Round, framework: Framework) -> str | None:
    old = round_.framework
    year = round_.period.year
    if round_.status != RoundStatus.OPEN:
        return f"Đợt “{round_}” đã đóng; hãy mở lại đợt trước khi đổi bộ chỉ số."
    published = (
        GroupPublication.objects.filter(round=round_).select_related("group").first()
        or Assessment.objects.filter(round=round_, status=AssessmentStatus.PUBLISHED).first()
    )
    if published is not None:
        return (
            f"Đợt “{round_}” đã công bố kết quả; không thể đổi bộ chỉ số sau khi công bố "
            "(hãy mở đợt mới theo bộ chỉ số mới)."
        )
    if framework.pk == old.pk:
        return f"Đợt “{round_}” đang dùng bộ chỉ số “{framework}”; hãy chọn một bộ chỉ số khác."
    if not framework.is_active:
        return (
            f"Bộ chỉ số “{framework}” chưa được đưa vào áp dụng; hãy kích hoạt bộ chỉ số "
            "trước khi chuyển đợt sang."
        )
    if framework.unit_level != old.unit_level:
        return (
            f"Bộ chỉ số “{framework}” áp dụng cho {framework.get_unit_level_display().lower()}, "
            f"còn đợt “{round_}” đánh giá {old.get_unit_level_display().lower()}; hãy chọn bộ "
            "chỉ số cùng cấp."
        )
    if not framework.applies_to_year(year):
        return (
            f"Bộ chỉ số “{framework}” không áp dụng cho năm {year}; hãy chọn bộ chỉ số áp "
            f"dụng cho năm {year}."
        )
    other = (
        Round.objects.filter(
            council_unit_id=round_.council_unit_id, framework=framework, period_id=round_.period_id
        )
        .exclude(pk=round_.pk)
        .first()
    )
    if other is not None:
        return (
            f"{round_.council_unit} đã có đợt “{other}” theo bộ chỉ số “{framework}” cho "
            f"{round_.period}; hãy dùng đợt đó hoặc chọn bộ chỉ số khác."
        )
    return None


# --- the plan: which row goes where (reads only) ------------------------------------------------


@dataclass
class _Plan:
    carried: list[tuple[Score, Criterion]] = field(default_factory=list)
    reset: list[tuple[Score, Criterion]] = field(default_factory=list)
    removed: list[tuple[Score, Criterion | None]] = field(default_factory=list)  # with home
    created: list[Score] = field(default_factory=list)
    over_caps: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    part_links: list[tuple[int, int]] = field(default_factory=list)  # part → new criterion
    has_parts: bool = False


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _misfit(score: Score, new: Criterion) -> str | None:
    """Why a score of the same code and method cannot keep its values under `new`."""
    params = new.params or {}
    for name in VALUE_FIELDS:
        value = getattr(score, name)
        if value is None:
            continue
        if new.maximum < 0:
            problems = (
                []
                if new.maximum <= value <= 0
                else [
                    f"Tiêu chí {new.code}: {VALUE_LABELS[name]} {engine.vn_number(value)} nằm "
                    f"ngoài khoảng {engine.vn_number(new.maximum)} đến 0; hãy chấm lại."
                ]
            )
        else:
            problems = engine.value_problems(
                new.code, new.method, new.maximum, params, value, label=VALUE_LABELS[name]
            )
        if problems:
            return problems[0]
    for b_name, a_name in COUNT_PAIRS:
        b, a = getattr(score, b_name), getattr(score, a_name)
        if b is None and a is None:
            continue
        problems = engine.counts_problems(b, a, method=new.method, params=params)
        if problems:
            return (
                f"Tiêu chí {new.code}: số liệu b = {b}, a = {a} không dùng được theo bộ chỉ số "
                f"mới ({problems[0].rstrip('.')}); hãy nhập lại."
            )
    flagged = score.self_not_assessed or score.appraised_not_assessed
    if flagged and new.when_none == WhenNone.REFUSE:
        return (
            f"Tiêu chí {new.code}: bộ chỉ số mới không chấp nhận “không phát sinh”; hãy nhập "
            "số liệu."
        )
    return None


def _why_not(score: Score, new: Criterion | None, new_by_code: dict) -> str | None:
    old = score.criterion
    code = old.code
    if new is None:
        if code in new_by_code:
            return (
                f"Tiêu chí {code}: trong bộ chỉ số mới đã chia thành tiêu chí con; hãy chấm "
                "lại các tiêu chí con."
            )
        return (
            f"Tiêu chí {code}: bộ chỉ số mới không còn tiêu chí này; hãy nhập lại vào tiêu chí "
            "tương ứng của bộ chỉ số mới."
        )
    if new.method != old.method:
        return (
            f"Tiêu chí {code}: phương pháp chấm đổi từ “{old.get_method_display()}” sang "
            f"“{new.get_method_display()}”; hãy chấm lại theo bộ chỉ số mới."
        )
    if new.source != old.source:
        return (
            f"Tiêu chí {code}: nguồn điểm đổi từ “{Source(old.source).label}” sang "
            f"“{Source(new.source).label}”; hãy nhập lại theo bộ chỉ số mới."
        )
    return _misfit(score, new)


def _entered(score: Score, files: int) -> bool:
    return files > 0 or any(getattr(score, name) not in (None, "", False) for name in ENTERED)


def _entry(score: Score, unit, reason: str, files: int, home: Criterion | None) -> dict:
    old = score.criterion
    entry = {
        "unit": str(unit),
        "assessment": score.assessment_id,
        "code": old.code,
        "title": old.title,
        "method": old.method,
        "maximum": str(score.maximum),
        "reason": reason,
    }
    entry.update({name: _text(getattr(score, name)) for name in ENTERED})
    if files:
        entry["files"] = files
        entry["files_kept_at"] = home.code if home else old.code
    return entry


def _home(code: str, new_by_code: dict, leaves: list[Criterion]) -> Criterion | None:
    """Where a removed row's files go: the first leaf under the closest code that still
    exists (the code itself when it became a parent), else the framework's first leaf."""
    parts = code.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in new_by_code:
            under = [c for c in leaves if c.code == prefix or c.code.startswith(prefix + ".")]
            if under:
                return under[0]
    return leaves[0] if leaves else None


def _plan(
    round_: Round, new: Framework, assessments: list[Assessment], report: FrameworkChangeReport
) -> _Plan:
    criteria = list(Criterion.objects.filter(framework=new).order_by("sort_key"))
    parents = {c.parent_id for c in criteria if c.parent_id}
    leaves = [c for c in criteria if c.pk not in parents]
    new_by_code = {c.code: c for c in criteria}
    leaf_by_code = {c.code: c for c in leaves}
    scores = list(
        Score.objects.filter(assessment__round=round_)
        .select_related("criterion")
        .order_by("assessment_id", "criterion__sort_key")
    )
    files = dict(
        Evidence.objects.filter(score__assessment__round=round_)
        .values_list("score_id")
        .annotate(n=Count("id"))
    )
    units = {a.pk: a.unit for a in assessments}
    plan = _Plan()
    kept: dict[int, set[int]] = defaultdict(set)  # assessment → new criteria its rows now hold
    homes: dict[str, Criterion | None] = {}  # a removed code → where its files go
    for score in scores:
        target = leaf_by_code.get(score.criterion.code)
        reason = _why_not(score, target, new_by_code)
        if target is not None:
            kept[score.assessment_id].add(target.pk)
            (plan.reset if reason else plan.carried).append((score, target))
            home = target
        else:
            code = score.criterion.code
            if code not in homes:
                homes[code] = _home(code, new_by_code, leaves)
            home = homes[code]
            plan.removed.append((score, home))
        n = files.get(score.pk, 0)
        if reason and _entered(score, n):
            report.not_carried.append(_entry(score, units[score.assessment_id], reason, n, home))
    departments = {
        (d.unit_id, d.name): d.pk
        for d in Department.objects.filter(
            unit_id__in=[a.unit_id for a in assessments], is_active=True
        ).only("id", "unit_id", "name")
    }
    for assessment in assessments:
        for leaf in leaves:
            if leaf.pk not in kept[assessment.pk]:
                plan.created.append(
                    Score(
                        assessment_id=assessment.pk,
                        criterion_id=leaf.pk,
                        maximum=leaf.maximum,
                        responsible_department_id=departments.get(
                            (assessment.unit_id, leaf.default_department)
                        ),
                    )
                )
        _plan_caps(assessment, new, plan, report)
    _describe_codes(scores, leaf_by_code, new_by_code, leaves, report)
    _plan_parts(round_, new_by_code, plan, report)
    report.assessments = len(assessments)
    report.carried = len(plan.carried)
    report.created = len(plan.created)
    return plan


def _plan_caps(
    assessment: Assessment, new: Framework, plan: _Plan, report: FrameworkChangeReport
) -> None:
    """Bonus or penalty points over the new framework's caps are not carried (set to 0)."""
    for name, cap, label in (
        ("bonus", new.bonus_cap, "Điểm thưởng"),
        ("penalty", new.penalty_cap, "Điểm trừ"),
    ):
        value = getattr(assessment, name)
        if value > cap:
            plan.over_caps.setdefault(assessment.pk, {})[name] = value
            report.not_carried.append(
                {
                    "unit": str(assessment.unit),
                    "assessment": assessment.pk,
                    "code": label,
                    "title": getattr(assessment, f"{name}_note"),
                    "reason": f"{label} {engine.vn_number(value)} vượt mức tối đa "
                    f"{engine.vn_number(cap)} của bộ chỉ số mới; hãy nhập lại.",
                    name: str(value),
                }
            )


def _describe_codes(scores, leaf_by_code, new_by_code, leaves, report) -> None:
    old_leaves = {s.criterion.code: s.criterion for s in scores}
    for code, old in sorted(old_leaves.items(), key=lambda item: item[1].sort_key):
        new = leaf_by_code.get(code)
        if new is None:
            report.removed_codes.append(code)
        elif new.method != old.method or new.source != old.source:
            report.changed_codes.append(code)
        else:
            report.same_codes.append(code)
    report.added_codes = [c.code for c in leaves if c.code not in old_leaves]


# --- the writes ---------------------------------------------------------------------------------


def _chunks(items: Sequence, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _history_copy(model, ids: Sequence[int], *, kind: str, user, reason: str, when) -> None:
    """One history row per row of `ids`, as the row now is, copied by the database (what
    `bulk_history_create` writes, without building an instance per row)."""
    history = model.history.model
    quote = connection.ops.quote_name
    copied = [quote(f.column) for f in history._meta.concrete_fields if f.name not in HISTORY_OWN]
    own = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    params = [
        connection.ops.adapt_datetimefield_value(when),
        reason[:100],
        kind,
        user.pk if user is not None else None,
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(list(ids)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(copied + own)}) "
                f"SELECT {', '.join(copied)}, %s, %s, %s, %s "
                f"FROM {quote(model._meta.db_table)} WHERE id IN ({marks})",
                params + list(chunk),
            )


def _repoint(pairs: list[tuple[Score, Criterion]], *, clear: bool, user, when) -> None:
    """Point each row at its new criterion (and maximum); `clear` empties its entries."""
    if not pairs:
        return
    targets = {score.criterion_id: new for score, new in pairs}
    criterion = Case(
        *[When(criterion_id=old, then=Value(new.pk)) for old, new in targets.items()],
        output_field=IntegerField(),
    )
    maximum = Case(
        *[When(criterion_id=old, then=Value(new.maximum)) for old, new in targets.items()],
        output_field=Score._meta.get_field("maximum"),
    )
    also = dict(ENTERED) if clear else {}
    for chunk in _chunks([score.pk for score, _ in pairs]):
        # Both CASEs read the row's old criterion id (SQL evaluates every SET on the old row).
        Score.objects.filter(pk__in=chunk).update(
            maximum=maximum,
            criterion_id=criterion,
            version=F("version") + 1,
            updated_by=user,
            updated_at=when,
            **also,
        )


def _move_files(plan: _Plan, round_: Round) -> None:
    """Evidence of a removed row, and the links to it, go to its home score."""
    removed = {score.pk: (score.assessment_id, home) for score, home in plan.removed}
    if not removed:
        return
    homes = {
        (assessment_id, criterion_id): pk
        for pk, assessment_id, criterion_id in Score.objects.filter(
            assessment__round=round_,
            criterion_id__in={home.pk for _, home in removed.values() if home},
        ).values_list("pk", "assessment_id", "criterion_id")
    }
    target = {
        pk: homes[(assessment_id, home.pk)]
        for pk, (assessment_id, home) in removed.items()
        if home is not None
    }
    files = list(Evidence.objects.filter(score_id__in=list(removed)))
    for evidence in files:
        evidence.score_id = target[evidence.score_id]
    Evidence.objects.bulk_update(files, ["score"], batch_size=CHUNK)
    # Every many-to-many link to a score: evidence shared with other criteria, remediation
    # tasks naming the criterion.
    for relation in Score._meta.related_objects:
        if relation.many_to_many:
            _move_links(relation.through, relation.related_model, target)


def _move_links(through, owner_model, target: dict[int, int]) -> None:
    columns = {f.related_model: f.attname for f in through._meta.fields if f.is_relation}
    owner, score = columns[owner_model], columns[Score]
    linked = through.objects.filter(**{f"{score}__in": list(target)})
    links = list(linked.values_list(owner, score))
    if not links:
        return
    linked.delete()
    through.objects.bulk_create(
        [through(**{owner: o, score: target[s]}) for o, s in links], ignore_conflicts=True
    )


def _delete_removed(plan: _Plan, *, user, when, reason: str) -> None:
    """Delete the removed rows, their history saying so ("-"). A raw DELETE: Django's would
    write the history one row at a time; the rows' files and links have moved already."""
    ids = [score.pk for score, _ in plan.removed]
    if not ids:
        return
    _history_copy(Score, ids, kind="-", user=user, reason=reason, when=when)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {quote(Score._meta.db_table)} WHERE id IN ({marks})", list(chunk)
            )


def _plan_parts(round_: Round, new_by_code: dict, plan: _Plan, report) -> None:
    """The round's appraisal parts will cover the same codes in the new framework; a code that
    is gone is listed as not carried."""
    links = list(
        AppraisalPart.criteria.through.objects.filter(appraisalpart__round=round_).values_list(
            "appraisalpart_id", "appraisalpart__name", "criterion__code"
        )
    )
    plan.part_links = [
        (part, new_by_code[code].pk) for part, _, code in links if code in new_by_code
    ]
    plan.has_parts = bool(links)
    for _, name, code in links:
        if code not in new_by_code:
            report.not_carried.append(
                {
                    "unit": "",
                    "code": code,
                    "title": f"Phân công thẩm định “{name}”",
                    "reason": f"Tiêu chí {code}: bộ chỉ số mới không còn tiêu chí này; hãy "
                    f"phân công lại phần việc “{name}”.",
                }
            )


def _remap_parts(round_: Round, plan: _Plan) -> None:
    if not plan.has_parts:
        return
    through = AppraisalPart.criteria.through
    through.objects.filter(appraisalpart__round=round_).delete()
    through.objects.bulk_create(
        [through(appraisalpart_id=part, criterion_id=c) for part, c in plan.part_links],
        ignore_conflicts=True,
    )


def _apply(
    round_: Round, new: Framework, assessments: list[Assessment], plan: _Plan, report, user
) -> None:
    when = timezone.now()
    reason = f"Chuyển sang bộ chỉ số “{new}”"
    _repoint(plan.carried, clear=False, user=user, when=when)
    _repoint(plan.reset, clear=True, user=user, when=when)
    moved = [score.pk for score, _ in plan.carried + plan.reset]
    _history_copy(Score, moved, kind="~", user=user, reason=reason, when=when)
    bulk_create_with_history(
        plan.created,
        Score,
        batch_size=CHUNK,
        default_user=user,
        default_change_reason=reason,
        default_date=when,
    )
    _move_files(plan, round_)
    _delete_removed(plan, user=user, when=when, reason=reason)
    ids = [a.pk for a in assessments]
    Assessment.objects.filter(pk__in=ids).update(framework=new, updated_at=when)
    for name in ("bonus", "penalty"):
        over = [pk for pk, caps in plan.over_caps.items() if name in caps]
        if over:
            Assessment.objects.filter(pk__in=over).update(**{name: 0})
    _history_copy(Assessment, ids, kind="~", user=user, reason=reason, when=when)
    _remap_parts(round_, plan)
    round_.framework = new
    round_._history_user = user
    round_._change_reason = reason[:100]
    round_.save(update_fields=["framework"])


@transaction.atomic
def round_change_framework(
    *, round: Round, framework: Framework, user=None, dry_run: bool = False
) -> FrameworkChangeReport:
    """Move an open round, none of whose groups is published, to another active framework of
    the same unit level for the same year, carrying every score whose criterion keeps its code
    and method (see the module's docstring). `dry_run` says what would happen and changes
    nothing. Refused, with nothing changed, for a closed or published round, a framework not
    active, of another level or year, or the round's own."""
    user = _user_or_none(user)
    # A dry run (the page's preview) reads without locking: it holds no one's edits back.
    rounds = Round.objects if dry_run else Round.objects.select_for_update(of=("self",))
    locked = rounds.select_related("framework", "period", "council_unit").get(pk=round.pk)
    framework = Framework.objects.get(pk=framework.pk)
    refusal = _refusal(locked, framework)
    if refusal:
        raise ValidationError(refusal)
    rows = Assessment.objects if dry_run else Assessment.objects.select_for_update(of=("self",))
    assessments = list(rows.filter(round=locked).select_related("unit").order_by("unit__name"))
    report = FrameworkChangeReport(
        round=locked, old_framework=locked.framework, new_framework=framework, dry_run=dry_run
    )
    plan = _plan(locked, framework, assessments, report)
    if dry_run:
        return report
    old = locked.framework
    _apply(locked, framework, assessments, plan, report, user)
    report.change = RoundFrameworkChange.objects.create(
        round=locked,
        old_framework=old,
        new_framework=framework,
        carried=report.carried,
        not_carried=report.not_carried,
        changed_by=user,
    )
    round_framework_changed.send(
        Round, round=locked, change=report.change, assessments=assessments, user=user
    )
    round.framework = framework
    return report
