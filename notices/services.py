"""Writes of notices: tell people, mark what they have read, their e-mail choice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notices.models import Notice


@dataclass
class News:
    """One piece of news for some people."""

    users: Iterable
    kind: str
    text: str
    url: str = ""
    assessment: object = None
    key: str = ""


def notify(**news) -> list[Notice]:
    """A notice for each of `users` (see `notify_many`)."""
    return notify_many([News(**news)])


def notify_many(items: Iterable[News]) -> list[Notice]:
    """A notice for each person of each piece of news (once each; inactive accounts skipped),
    counted on their bells at once: a fixed number of queries however many. With a `key`,
    someone who already had that notice gets no second one. Those who want e-mails get one,
    sent by the worker after the change has committed."""
    items = list(items)
    people = {}
    wanted: list[tuple[News, object]] = []
    for item in items:
        seen = set()
        for user in item.users:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            people[user.pk] = user
            wanted.append((item, user))
    keys = {item.key for item, _ in wanted if item.key}
    if keys:
        had = set(
            Notice.objects.filter(key__in=keys, user_id__in=list(people)).values_list(
                "key", "user_id"
            )
        )
        wanted = [(item, u) for item, u in wanted if (item.key, u.pk) not in had]
    if not wanted:
        return []
    notices = Notice.objects.bulk_create(
        Notice(
            user_id=user.pk,
            kind=item.kind,
            text=item.text[:500],
            url=item.url[:300],
            assessment=item.assessment,
            key=item.key,
        )
        for item, user in wanted
    )
    added = Counter(user.pk for _, user in wanted)
    for count in sorted(set(added.values())):
        get_user_model().objects.filter(
            pk__in=[pk for pk, n in added.items() if n == count]
        ).update(notices_unread=F("notices_unread") + count)
    mailed = [n.pk for n in notices if people[n.user_id].notice_emails and people[n.user_id].email]
    if mailed:
        from notices.tasks import send_notice_emails

        transaction.on_commit(lambda: send_notice_emails.delay(mailed))
    return notices


@transaction.atomic
def notices_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notices (all, or those of `ids`) read; return how many."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    marked = unread.update(read_at=timezone.now())
    left = Notice.objects.filter(user=user, read_at__isnull=True).count()
    get_user_model().objects.filter(pk=user.pk).update(notices_unread=left)
    user.notices_unread = left
    return marked


def notice_emails_set(*, user, enabled: bool) -> None:
    user.notice_emails = enabled
    user.save(update_fields=["notice_emails"])
