"""Writes: every change to frameworks, assessments and scores goes through these functions.

Each takes keyword arguments, runs in one transaction and validates before it saves, so a
refused call leaves the database exactly as it was.
"""

from scoring.services.cycle import (
    appraisal_missing,
    assessment_accept_self_values,
    assessment_create,
    assessment_finalize,
    assessment_publish,
    assessment_results_freeze,
    assessment_return,
    assessment_start_round_2,
    assessment_submit,
    score_set_response,
    self_assessment_gaps,
    self_assessment_missing,
)
from scoring.services.evidence import (
    evidence_add,
    evidence_add_many,
    evidence_delete,
    evidence_link,
    evidence_unlink,
)
from scoring.services.framework_change import (
    FrameworkChangeReport,
    eligible_frameworks,
    round_change_framework,
)
from scoring.services.frameworks import criteria_tree_problems, framework_activate, framework_create
from scoring.services.grid import GridRefused, score_grid_save
from scoring.services.locks import assessment_lock, ranking_lock
from scoring.services.parts import part_create, part_delete, part_update
from scoring.services.publication import group_publish, group_republish
from scoring.services.rounds import (
    OpenReport,
    deadline_extend,
    round_close,
    round_create,
    round_open,
    round_reopen,
    round_units,
)
from scoring.services.scores import (
    ConcurrentEdit,
    measure_reason,
    score_set_appraised,
    score_set_measure,
    score_set_self,
)
from scoring.services.survey import SurveyResult, survey_results_set

__all__ = [
    "ConcurrentEdit",
    "FrameworkChangeReport",
    "GridRefused",
    "OpenReport",
    "SurveyResult",
    "appraisal_missing",
    "assessment_accept_self_values",
    "assessment_create",
    "assessment_finalize",
    "assessment_lock",
    "assessment_publish",
    "assessment_results_freeze",
    "assessment_return",
    "assessment_start_round_2",
    "assessment_submit",
    "criteria_tree_problems",
    "deadline_extend",
    "eligible_frameworks",
    "evidence_add",
    "evidence_add_many",
    "evidence_delete",
    "evidence_link",
    "evidence_unlink",
    "framework_activate",
    "framework_create",
    "group_publish",
    "group_republish",
    "measure_reason",
    "part_create",
    "part_delete",
    "part_update",
    "ranking_lock",
    "round_change_framework",
    "round_close",
    "round_create",
    "round_open",
    "round_reopen",
    "round_units",
    "score_grid_save",
    "score_set_appraised",
    "score_set_measure",
    "score_set_response",
    "score_set_self",
    "self_assessment_gaps",
    "self_assessment_missing",
    "survey_results_set",
]
