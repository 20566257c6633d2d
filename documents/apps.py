from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The documents the app prints: phụ lục tables, directive letters, reports (Nghị định 30)."""

    name = "documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from documents import signals  # noqa: F401  (receivers: pre-render published results)
