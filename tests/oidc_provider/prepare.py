"""Set up the test provider's database: its tables, its people, the app as a client.

    python -m tests.oidc_provider.prepare <client id> <client secret> <redirect uri>

People (password "provider-pass"): "cchc.p1" (the same user name as the app's coordinator of
Phường 1), "ha.vanphong" whose e-mail is that of the app's Phường 2 chairperson in the
test, and "nguoi.la", whom the app does not know.
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

PEOPLE = [
    ("cchc.p1", "cchc.p1@sso.quangtri.gov.vn"),
    ("ha.vanphong", "hang.p2@quangtri.gov.vn"),
    ("nguoi.la", "nguoi.la@quangtri.gov.vn"),
]


def main(client_id: str, client_secret: str, redirect_uri: str) -> None:
    call_command("migrate", verbosity=0)
    for username, email in PEOPLE:
        User.objects.create_user(username, email=email, password="provider-pass")
    Application.objects.create(
        name="Chỉ số CCHC",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
