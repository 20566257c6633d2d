from django.apps import AppConfig


class RemediationConfig(AppConfig):
    """Remediation after publication: who fixes which lost points by when (tasks, progress,
    evidence, commitments, reminders), and the chairperson's dashboard built on it."""

    name = "remediation"
    verbose_name = "Khắc phục tồn tại"
