from django.apps import AppConfig


class RemediationConfig(AppConfig):
    """Remediation tasks after publication: who fixes which lost points by when.

    Its models arrive with the remediation issue; the app is installed from the start so
    that its migrations slot in after scoring's.
    """

    name = "remediation"
    verbose_name = "Khắc phục tồn tại"
