from scoring.models.assessments import (
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceStage,
    Period,
    PeriodKind,
    Score,
)
from scoring.models.frameworks import ClassificationBand, Criterion, Framework
from scoring.models.rounds import (
    AppraisalPart,
    DeadlineExtension,
    DeadlineKind,
    GroupPublication,
    RankingGroup,
    Round,
    RoundStatus,
)
from scoring.models.units import Department, Official, Role, Unit, UnitKind, UnitLevel

__all__ = [
    "AppraisalPart",
    "Assessment",
    "AssessmentStatus",
    "ClassificationBand",
    "Criterion",
    "DeadlineExtension",
    "DeadlineKind",
    "Department",
    "Evidence",
    "EvidenceStage",
    "Framework",
    "GroupPublication",
    "Official",
    "Period",
    "PeriodKind",
    "RankingGroup",
    "Role",
    "Round",
    "RoundStatus",
    "Score",
    "Unit",
    "UnitKind",
    "UnitLevel",
]
