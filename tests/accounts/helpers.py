"""Reading the links out of the e-mails the tests receive (Django's locmem backend)."""

from __future__ import annotations

import re
import smtplib
from urllib.parse import urlsplit

from django.core import mail
from django.core.mail.backends import locmem

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


class RefusingBackend(locmem.EmailBackend):
    """Django's test mailbox, except that the mail server refuses addresses at "hong."."""

    def send_messages(self, messages):
        for message in messages:
            if any("@hong." in address for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)
