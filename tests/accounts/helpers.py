"""Reading the links out of the e-mails the tests receive (Django's locmem backend)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail

LINK = re.compile(r"https?://\S+")


def links_to(address: str) -> list[str]:
    """The paths of the links in every e-mail sent to `address` so far, oldest first."""
    return [
        urlsplit(link).path
        for message in mail.outbox
        if address in message.to
        for link in LINK.findall(message.body)
    ]


def last_link_to(address: str) -> str:
    found = links_to(address)
    assert found, f"no e-mail with a link went to {address}"
    return found[-1]
