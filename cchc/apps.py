from django.apps import AppConfig


class CchcConfig(AppConfig):
    name = "cchc"
    verbose_name = "Người dùng"

    def __init__(self, app_name, app_module):
        super().__init__(app_name, app_module)
        from cchc.text import install_form_check

        # Every form text field refuses control characters. Done here, before any app is
        # ready: the admin's autodiscovery (the first app's ready) already creates form fields.
        install_form_check()

    def ready(self) -> None:
        # The deploy checks register themselves; the session clocks start at sign-in.
        from cchc import checks, middleware  # noqa: F401
