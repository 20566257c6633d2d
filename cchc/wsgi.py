import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

from cchc.deploy import assert_ready_to_serve  # noqa: E402  (needs settings loaded)

assert_ready_to_serve()


def _warm_up() -> None:
    """Do at start-up what a worker would otherwise do on its first request (about 0,7 s
    here): import every view module with its libraries (WeasyPrint, openpyxl)
    through the URLconf, load the Vietnamese translations and compile the common templates.
    A fresh worker then answers its first user as fast as the others."""
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().resolve("/")  # loads the URLconf, so every view module
    translation.activate(settings.LANGUAGE_CODE)
    for name in ("base.html", "registration/login.html", "scoring/assessment_detail.html"):
        get_template(name)
    translation.deactivate()


_warm_up()
