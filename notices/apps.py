from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """In-app notices (the bell on every page) and their e-mails: a round opened, an
    assessment submitted, returned for explanations, in round 2, published, a deadline near."""

    name = "notices"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from notices import signals  # noqa: F401 (connects the receivers)
