import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
application = get_asgi_application()

from cchc.deploy import assert_ready_to_serve  # noqa: E402  (needs settings loaded)

assert_ready_to_serve()
