"""The division of a round's appraisal into parts (phân công thẩm định): list them with their
progress over every unit, add, edit and remove them. For those who run the round's council."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rounds.access import get_round_for_user
from scoring import services
from scoring.models import AppraisalPart, Criterion, Role, Round
from scoring.parts import leaves_below, part_totals, parts_leaf_ids, parts_progress
from scoring.parts import round_parts as parts_of_round


class AppraiserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.username})"


class PartForm(forms.Form):
    name = forms.CharField(
        label="Tên phần việc",
        max_length=200,
        error_messages={"required": "Hãy đặt tên cho phần việc."},
        help_text="Ví dụ: Lĩnh vực 2 – Sở Tư pháp",
    )
    appraiser = AppraiserChoice(
        label="Người thẩm định",
        queryset=get_user_model().objects.none(),
        error_messages={
            "required": "Hãy chọn người thẩm định.",
            "invalid_choice": "Người được chọn không thuộc hội đồng thẩm định của đợt.",
        },
    )
    criteria = forms.ModelMultipleChoiceField(
        label="Lĩnh vực, tiêu chí",
        queryset=Criterion.objects.none(),
        error_messages={
            "required": "Hãy chọn ít nhất một lĩnh vực hoặc tiêu chí.",
            "invalid_choice": "Có tiêu chí không thuộc bộ chỉ số của đợt.",
            "invalid_pk_value": "Có tiêu chí không hợp lệ.",
        },
    )

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        council = round_.council_unit
        units = [council.pk, *(u.pk for u in council.ancestors())]
        self.fields["appraiser"].queryset = (
            get_user_model()
            .objects.filter(
                officials__unit_id__in=units,
                officials__role=Role.APPRAISER,
                officials__is_active=True,
            )
            .distinct()
            .order_by("full_name", "username")
        )
        self.fields["criteria"].queryset = Criterion.objects.filter(framework=round_.framework)


@dataclass
class TreeNode:
    criterion: Criterion
    checked: bool
    taken_by: list[str]  # other parts covering leaves below
    children: list[TreeNode] = field(default_factory=list)

    @property
    def open(self) -> bool:
        """Shown unfolded when it or something below it is chosen."""
        return self.checked or any(child.open for child in self.children)


def _tree(round_: Round, chosen: set[int], parts, leaves, editing: AppraisalPart | None):
    """The framework as nested checkboxes; each node says which other parts cover it."""
    criteria = list(round_.framework.criteria.all())
    nodes = [(c.pk, c.parent_id) for c in criteria]
    others = [p for p in parts if editing is None or p.pk != editing.pk]
    by_id = {}
    roots = []
    for c in criteria:
        below = leaves_below(nodes, [c.pk])
        taken = [p.name for p in others if below & leaves[p.pk]]
        by_id[c.pk] = TreeNode(c, c.pk in chosen, taken)
        parent = by_id.get(c.parent_id)
        (parent.children if parent else roots).append(by_id[c.pk])
    return roots


def _chosen(form: PartForm, part: AppraisalPart | None) -> set[int]:
    if form.is_bound:
        return {int(v) for v in form.data.getlist("criteria") if v.isdigit()}
    return {c.pk for c in part.criteria.all()} if part else set()


@dataclass
class PartRow:
    part: AppraisalPart
    done: int
    total: int
    units_complete: int
    units: int
    slowest: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def _rows(parts, leaves) -> list[PartRow]:
    totals = part_totals(parts_progress(parts, leaves))
    rows = []
    for part in parts:
        sums, complete, units = totals.get(part.pk, (None, 0, 0))
        rows.append(
            PartRow(part, sums.done if sums else 0, sums.total if sums else 0, complete, units)
        )
    behind = [r for r in rows if r.done < r.total]
    if len(rows) > 1 and behind:
        min(behind, key=lambda r: r.percent).slowest = True
    return rows


def _unassigned(round_: Round, leaves) -> list[Criterion]:
    covered = set().union(*leaves.values()) if leaves else set()
    return list(
        round_.framework.criteria.filter(children__isnull=True)
        .exclude(pk__in=covered)
        .order_by("sort_key")
    )


def _render(request, round_: Round, form: PartForm, part: AppraisalPart | None, status=200):
    parts = parts_of_round(round_.pk)
    leaves = parts_leaf_ids(parts)
    context = {
        "round": round_,
        "form": form,
        "part": part,
        "tree": _tree(round_, _chosen(form, part), parts, leaves, part),
        "rows": _rows(parts, leaves) if part is None else [],
        "unassigned": _unassigned(round_, leaves) if parts and part is None else [],
    }
    return render(request, "rounds/parts.html", context, status=status)


def _save(request, round_: Round, part: AppraisalPart | None):
    form = PartForm(request.POST, round_=round_)
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "appraiser": data["appraiser"],
            "criteria": list(data["criteria"]),
            "user": request.user,
        }
        try:
            if part is None:
                saved = services.part_create(round_=round_, **fields)
            else:
                saved = services.part_update(part=part, **fields)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            what = "Đã thêm" if part is None else "Đã lưu"
            messages.success(request, f"{what} phần việc “{saved.name}” ({saved.appraiser}).")
            return redirect("rounds:parts", pk=round_.pk)
    return _render(request, round_, form, part, status=422)


def _get_part(round_: Round, part_pk: int) -> AppraisalPart:
    part = round_.parts.select_related("appraiser", "round").filter(pk=part_pk).first()
    if part is None:
        raise Http404("Không tìm thấy phần việc.")
    return part


@login_required
def round_parts(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's parts with their progress over every unit, and the form to add one."""
    round_ = get_round_for_user(request.user, pk)
    if request.method == "POST":
        return _save(request, round_, None)
    return _render(request, round_, PartForm(round_=round_), None)


@login_required
def part_edit(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    part = _get_part(round_, part_pk)
    if request.method == "POST":
        return _save(request, round_, part)
    initial = {"name": part.name, "appraiser": part.appraiser_id}
    return _render(request, round_, PartForm(initial=initial, round_=round_), part)


@login_required
@require_POST
def part_remove(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    part = _get_part(round_, part_pk)
    services.part_delete(part=part, user=request.user)
    messages.success(
        request, f"Đã xóa phần việc “{part.name}”; các tiêu chí của phần trở về hội đồng."
    )
    return redirect("rounds:parts", pk=round_.pk)
