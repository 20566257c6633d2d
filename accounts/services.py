"""Every write about accounts: reset requests, invitations, profiles, ended posts."""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts import access, mail, throttle
from accounts.audit import event_record
from accounts.models import EventKind, InvitationBatch
from cchc import jobs
from cchc.jobs import JobStatus
from scoring.models import Official

log = logging.getLogger(__name__)

SENT, FAILED, NO_EMAIL = "sent", "failed", "no_email"


# --- forgotten password ------------------------------------------------------------------------


def users_for_email(email: str) -> QuerySet:
    """Active accounts with this e-mail address, with or without a password yet: an account
    made by an import may set its first password through "Quên mật khẩu?" as well."""
    return get_user_model().objects.filter(is_active=True, email__iexact=email.strip())


def password_reset_request(*, email: str, request: HttpRequest, base_url: str) -> None:
    """Record the request and, unless this address has had its share of e-mails, send each
    account of it a reset link (on the worker). Says nothing about what it found."""
    from accounts.tasks import send_reset_email

    event_record(kind=EventKind.RESET_REQUESTED, request=request, typed=email)
    if not throttle.email_may_receive(email):
        log.warning("Reset e-mails to %s held back: too many requests", email)
        return
    for user_id in users_for_email(email).values_list("pk", flat=True):
        transaction.on_commit(lambda user_id=user_id: send_reset_email.delay(user_id, base_url))


def password_reset_email(*, user_id: int, base_url: str) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    mail.reset_message(user, base_url).send()


# --- invitations -------------------------------------------------------------------------------


def without_password(users: QuerySet) -> QuerySet:
    """Those of `users` who have no password yet (made by an import, by the people page, or in
    the admin with password sign-in turned off)."""
    return users.filter(Q(password="") | Q(password__startswith=UNUSABLE_PASSWORD_PREFIX))


def invitation_send(*, user, base_url: str, inviter=None, connection=None) -> str:
    """E-mail `user` a one-time link to set their password: SENT, FAILED or NO_EMAIL."""
    if not user.email:
        return NO_EMAIL
    message = mail.invitation_message(user, base_url, inviter)
    if connection is not None:
        message.connection = connection
    try:
        message.send()
    except Exception as exc:  # the mail server refused it or is down: say so, keep going
        log.warning("Invitation to %s failed: %s", user.username, exc)
        event_record(
            kind=EventKind.INVITATION_FAILED,
            user=user,
            actor=inviter,
            typed=user.email,
            detail=str(exc)[:300],
        )
        return FAILED
    event_record(kind=EventKind.INVITATION_SENT, user=user, actor=inviter, typed=user.email)
    return SENT


def invitation_batch_start(*, requested_by, site_url: str) -> InvitationBatch:
    """Queue "gửi lời mời" to everyone the requester manages who has no password yet."""
    total = without_password(access.managed_users(requested_by)).count()
    batch = InvitationBatch.objects.create(
        requested_by=requested_by, site_url=site_url, total=total
    )
    from accounts.tasks import send_invitations

    jobs.enqueue(send_invitations, batch.pk)
    return batch


def invitation_batch_run(*, batch: InvitationBatch) -> InvitationBatch:
    """On a worker, after `jobs.claim`: one e-mail per account, counted as it goes.

    The accounts are those without a password *now*: one that set its password since the
    batch was asked for is not invited again, nor is one invited by a first, killed attempt
    and since signed up."""
    users = without_password(access.managed_users(batch.requested_by)).order_by("username")
    counts = {SENT: 0, FAILED: 0, NO_EMAIL: 0}
    connection = get_connection()
    try:
        for user in users.iterator():
            outcome = invitation_send(
                user=user,
                base_url=batch.site_url,
                inviter=batch.requested_by,
                connection=connection,
            )
            counts[outcome] += 1
            jobs.beat(batch, sent=counts[SENT], failed=counts[FAILED], no_email=counts[NO_EMAIL])
    finally:
        connection.close()
    batch.sent, batch.failed, batch.no_email = counts[SENT], counts[FAILED], counts[NO_EMAIL]
    batch.status = JobStatus.DONE
    batch.finished_at = timezone.now()
    batch.save()
    return batch


# --- the profile -------------------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *, user, full_name: str, email: str, phone: str, notice_emails: bool
) -> list[str]:
    """The person's own details; returns the names of the fields that changed."""
    new = {
        "full_name": full_name.strip(),
        "email": email.strip(),
        "phone": phone.strip(),
        "notice_emails": notice_emails,
    }
    changed = [name for name, value in new.items() if getattr(user, name) != value]
    if not changed:
        return []
    old_email = user.email
    for name, value in new.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=changed)
    if "email" in changed:
        # Reset links go to this address: a change is on record, with the old one.
        event_record(
            kind=EventKind.EMAIL_CHANGED,
            user=user,
            typed=user.email,
            detail=f"trước đây: {old_email or '(chưa có)'}",
        )
    return changed


# --- posts -------------------------------------------------------------------------------------


@transaction.atomic
def official_end(*, official: Official, ended_on: datetime.date, by) -> Official:
    """The post ends after `ended_on` (its last day): from the next day its holder no longer
    reaches the unit's pages. The post stays, and so does everything done in it."""
    if official.ended_on is not None and official.ended_on < timezone.localdate():
        raise ValidationError(
            f"Chức vụ này đã thôi từ sau ngày {official.ended_on:%d/%m/%Y}; không sửa được nữa."
        )
    official.ended_on = ended_on
    official.full_clean()
    official.save(update_fields=["ended_on"])
    event_record(
        kind=EventKind.POST_ENDED,
        user=official.user,
        actor=by,
        detail=f"{official.get_role_display()}, {official.unit.name}: "
        f"làm việc đến hết ngày {ended_on:%d/%m/%Y}",
    )
    return official


@transaction.atomic
def person_add(
    *,
    unit,
    username: str,
    full_name: str,
    email: str,
    role: str,
    department=None,
    title: str = "",
    by,
) -> Official:
    """A new account, without a password, holding a post in `unit` (the people page). The
    person sets a password through the invitation e-mail."""
    User = get_user_model()
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": f"Tên đăng nhập “{username}” đã có người dùng; hãy chọn tên khác."}
        )
    user = User(username=username, full_name=full_name.strip(), email=email.strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    official = Official(user=user, unit=unit, role=role, department=department, title=title)
    official.full_clean()
    official.save()
    return official
