"""Writes: every change to tasks, commitments and reminders goes through these functions."""

from remediation.services.commitments import (
    commitment_delete,
    commitment_register,
    commitment_set_status,
)
from remediation.services.reminders import ReminderReport, reminders_send
from remediation.services.tasks import (
    AssignReport,
    PastDeadline,
    lost_scores,
    takes_tasks,
    task_assign,
    task_create,
    task_delete,
    task_drafts_create,
    task_file_add,
    task_file_delete,
    task_merge,
    task_note_add,
    task_set_status,
    task_update,
    tasks_assign,
)

__all__ = [
    "AssignReport",
    "PastDeadline",
    "ReminderReport",
    "commitment_delete",
    "commitment_register",
    "commitment_set_status",
    "lost_scores",
    "reminders_send",
    "takes_tasks",
    "task_assign",
    "task_create",
    "task_delete",
    "task_drafts_create",
    "task_file_add",
    "task_file_delete",
    "task_merge",
    "task_note_add",
    "task_set_status",
    "task_update",
    "tasks_assign",
]
