"""Who may see and do what with remediation tasks and commitments. Every view goes through here.

Scope follows the assessments (`scoring.access`): a unit's officials see its tasks and
commitments, officials of the units above see them read-only, superusers see everything.
Objects outside a user's scope answer 404, never 403.

- The unit's CCHC coordinator and chairperson manage tasks: create them from the lost
  criteria, edit, merge, assign, verify, delete drafts; they also settle commitments.
- The people a task is given to (lead, other assignees, members of its department) report
  progress: status up to "hoàn thành", notes and evidence files.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from remediation.models import Commitment, Task, TaskFile
from scoring import access as scoring_access
from scoring.models import Role, Unit

MANAGING_ROLES = (Role.COORDINATOR, Role.CHAIRPERSON)


def _in_scope(queryset: QuerySet, user, unit_field: str) -> QuerySet:
    """`queryset` narrowed to the units the user may see; `unit_field` leads to the unit
    ("id" for units themselves, "assessment__unit_id" for tasks)."""
    prefix = "" if unit_field == "id" else f"{unit_field.removesuffix('_id')}__"
    scope = scoring_access.in_scope_q(user, prefix)
    return queryset if scope is None else queryset.filter(scope)


def visible_units(user) -> QuerySet[Unit]:
    return _in_scope(Unit.objects.all(), user, "id")


def get_unit_for_user(user, pk: int) -> Unit:
    try:
        return visible_units(user).select_related("parent").get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404("Không tìm thấy đơn vị.") from None


def visible_tasks(user) -> QuerySet[Task]:
    queryset = Task.objects.select_related(
        "assessment__unit", "assessment__period", "lead__user", "department"
    )
    return _in_scope(queryset, user, "assessment__unit_id")


def get_task_for_user(user, pk: int) -> Task:
    """The task if the user may see it; 404 otherwise, whatever the reason."""
    try:
        return visible_tasks(user).select_related("verified_by", "created_by").get(pk=pk)
    except Task.DoesNotExist:
        raise Http404("Không tìm thấy việc khắc phục.") from None


def get_task_file_for_user(user, task_pk: int, pk: int) -> TaskFile:
    task = get_task_for_user(user, task_pk)
    found = TaskFile.objects.filter(pk=pk, task=task).select_related("task").first()
    if found is None:
        raise Http404("Không tìm thấy tài liệu.")
    return found


def visible_commitments(user) -> QuerySet[Commitment]:
    queryset = Commitment.objects.select_related("unit", "official__user", "official__department")
    return _in_scope(queryset, user, "unit_id")


def get_commitment_for_user(user, pk: int) -> Commitment:
    try:
        return visible_commitments(user).get(pk=pk)
    except Commitment.DoesNotExist:
        raise Http404("Không tìm thấy cam kết.") from None


def may_manage_unit(user, unit_id: int) -> bool:
    """The unit's CCHC coordinator or chairperson (superusers too)."""
    return user.is_superuser or unit_id in scoring_access.own_unit_ids(user, MANAGING_ROLES)


def may_manage(user, task: Task) -> bool:
    return may_manage_unit(user, task.assessment.unit_id)


def is_assigned_to(user, task: Task) -> bool:
    """Whether the user is the task's lead, another assignee or a member of its department."""
    posts = scoring_access.officials_of(user)
    mine = {o.pk for o in posts}
    departments = {o.department_id for o in posts if o.department_id}
    if task.lead_id in mine or (task.department_id and task.department_id in departments):
        return True
    return any(a.pk in mine for a in task.assignees.all())


def may_report(user, task: Task) -> bool:
    """May change the task's progress (not verify it), add notes and files."""
    return may_manage(user, task) or is_assigned_to(user, task)


def may_register_commitment(user, unit_id: int) -> bool:
    """Any of the unit's own officials registers for their area (superusers too)."""
    return user.is_superuser or unit_id in scoring_access.own_unit_ids(user)
