from django.apps import AppConfig


class CchcConfig(AppConfig):
    name = "cchc"
    verbose_name = "Người dùng"

    def ready(self) -> None:
        from cchc import checks  # noqa: F401  (registers the deploy checks)
