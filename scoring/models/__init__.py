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
from scoring.models.units import Department, Official, Role, Unit, UnitKind, UnitLevel

__all__ = [
    "Assessment",
    "AssessmentStatus",
    "ClassificationBand",
    "Criterion",
    "Department",
    "Evidence",
    "EvidenceStage",
    "Framework",
    "Official",
    "Period",
    "PeriodKind",
    "Role",
    "Score",
    "Unit",
    "UnitKind",
    "UnitLevel",
]
