"""Who may move what through Excel. Builds on `scoring.access`; out of scope is 404.

- Appraisal tables: users who may appraise the assessment (`access.may_appraise`), while the
  council is appraising it (round 1 or round 2). They never write the unit's self-assessment.
- The offline self-assessment upload: users who may enter the self-assessment
  (`access.may_enter_self`), while the assessment is a draft. Its download: anyone who sees it.
- Frameworks, units and officials: superusers and administrator officials. An administrator's
  units and officials imports and exports reach their own units and those below them; so does
  copying a framework as next year's (which may end the old one): only frameworks issued by
  those units.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from exchange.models import ImportKind, ImportRecord
from rounds.access import may_enter_survey
from scoring import access
from scoring.models import Assessment, AssessmentStatus, Framework, Role


def is_exchange_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or bool(access.own_unit_ids(user, (Role.ADMINISTRATOR,)))
    )


def admin_unit_ids(user) -> set[int] | None:
    """Units an administrator manages (theirs and below); None means all (superuser)."""
    if user.is_superuser:
        return None
    own = access.own_unit_ids(user, (Role.ADMINISTRATOR,))
    return own | access.descendant_ids(own)


def copyable_frameworks(user) -> QuerySet[Framework]:
    """Frameworks the administrator may copy as next year's and end: those issued by the units
    they manage (all for a superuser), not another district's or the province's."""
    allowed = admin_unit_ids(user)
    frameworks = Framework.objects.all()
    return frameworks if allowed is None else frameworks.filter(issuing_unit_id__in=allowed)


def self_upload_refusal(assessment: Assessment) -> str | None:
    """Why a self-assessment sheet cannot be uploaded now (None: it can)."""
    if assessment.status != AssessmentStatus.DRAFT:
        return (
            f"Bản đánh giá đang ở trạng thái “{assessment.get_status_display()}”: chỉ nhập "
            "bảng tự đánh giá khi bản đánh giá còn đang tự đánh giá."
        )
    return None


def appraisal_upload_refusal(assessment: Assessment) -> str | None:
    """Why an appraisal table cannot be imported now (None: it can).

    The same rule as the appraisal grid (`Assessment.appraisal_open`): only while the council
    is appraising, in round 1 or round 2. Not into a draft (the unit is still scoring itself),
    nor while the unit explains, nor once the results are finalized or published.
    """
    if assessment.appraisal_open():
        return None
    return (
        f"Bản đánh giá đang ở trạng thái “{assessment.get_status_display()}”: chỉ nhập bảng "
        "thẩm định khi hội đồng đang thẩm định (trạng thái "
        f"“{AssessmentStatus.SUBMITTED.label}” hoặc “{AssessmentStatus.ROUND_2.label}”), "
        "cũng là lúc trang thẩm định cho sửa điểm; kết quả đã chốt hoặc đã công bố thì không "
        "nhập lại được."
    )


def may_import(
    user, kind: str, assessment: Assessment | None = None, options: dict | None = None
) -> bool:
    """Whether the user may upload (and confirm) this kind of import at all; a round's survey
    sheet names its round in `options` ("round_id")."""
    if kind == ImportKind.SURVEY:
        return may_enter_survey(user, (options or {}).get("round_id"))
    if kind == ImportKind.APPRAISAL:
        return assessment is not None and access.may_appraise(user, assessment)
    if kind == ImportKind.SELF_ASSESSMENT:
        return assessment is not None and access.may_enter_self(user, assessment)
    return is_exchange_admin(user)


def get_record_for_user(user, pk: int) -> ImportRecord:
    """An import the user made and may still make (superusers: any); 404 otherwise."""
    try:
        record = ImportRecord.objects.select_related(
            "assessment__unit", "assessment__period", "assessment__framework", "uploaded_by"
        ).get(pk=pk)
    except ImportRecord.DoesNotExist:
        raise Http404("Không tìm thấy lần nhập.") from None
    if not user.is_superuser and record.uploaded_by_id != user.id:
        raise Http404("Không tìm thấy lần nhập.")
    if not may_import(user, record.kind, record.assessment, record.options):
        raise Http404("Không tìm thấy lần nhập.")
    return record


def require_admin(user) -> None:
    if not is_exchange_admin(user):
        raise Http404("Không tìm thấy trang.")
