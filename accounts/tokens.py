"""One-time links that set a password: the forgotten-password link and the invitation.

Both are Django's password-reset tokens: signed with SECRET_KEY over the account's password
hash and last sign-in, so a link stops working once it has set a password. They differ in
salt (an invitation link is no reset link, nor the other way round) and in lifetime.
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class TokenState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"  # genuine, but older than its lifetime
    INVALID = "invalid"  # used already (the password changed), or never genuine


class TimedTokenGenerator(PasswordResetTokenGenerator):
    timeout_setting = "PASSWORD_RESET_TIMEOUT"

    @property
    def timeout(self) -> int:
        return getattr(settings, self.timeout_setting)

    def state(self, user, token: str | None) -> TokenState:
        """Whether `token` opens `user`'s link, and if not, whether it only ran out of time
        (the page then says so, rather than "already used")."""
        if not (user and token):
            return TokenState.INVALID
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return TokenState.INVALID
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, s), token)
            for s in secrets
        ):
            return TokenState.INVALID
        if self._num_seconds(self._now()) - ts > self.timeout:
            return TokenState.EXPIRED
        return TokenState.VALID

    def check_token(self, user, token) -> bool:
        return self.state(user, token) is TokenState.VALID


class InvitationTokenGenerator(TimedTokenGenerator):
    key_salt = "accounts.tokens.InvitationTokenGenerator"
    timeout_setting = "INVITATION_TIMEOUT"


def lifetime_vi(seconds: int) -> str:
    """ "7 ngày", "24 giờ": how long a link works, in the e-mail and on its page."""
    if seconds % 86400 == 0 and seconds >= 2 * 86400:
        return f"{seconds // 86400} ngày"
    return f"{seconds // 3600} giờ" if seconds % 3600 == 0 else f"{seconds // 60} phút"


reset_tokens = TimedTokenGenerator()
invitation_tokens = InvitationTokenGenerator()
