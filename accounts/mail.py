"""The e-mails that carry a set-password link: forgotten password and invitation."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tokens import TimedTokenGenerator, invitation_tokens, lifetime_vi, reset_tokens

SIGNATURE = "Thư này được gửi tự động từ hệ thống Chỉ số CCHC; xin đừng trả lời thư này."


def _link(base_url: str, name: str, user, tokens: TimedTokenGenerator) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return base_url.rstrip("/") + reverse(name, args=[uid, tokens.make_token(user)])


def reset_message(user, base_url: str) -> EmailMessage:
    link = _link(base_url, "accounts:reset_confirm", user, reset_tokens)
    body = (
        f"Kính gửi {user.get_full_name() or user.username},\n\n"
        f"Có yêu cầu đặt lại mật khẩu cho tài khoản “{user.username}” trên hệ thống Chỉ số "
        "CCHC. Mở liên kết sau để đặt mật khẩu mới (dùng được một lần, trong "
        f"{lifetime_vi(reset_tokens.timeout)}):\n\n{link}\n\n"
        "Nếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu hiện tại vẫn giữ nguyên.\n\n"
        + SIGNATURE
    )
    return EmailMessage("[Chỉ số CCHC] Đặt lại mật khẩu", body, to=[user.email])


def invitation_message(user, base_url: str, inviter=None) -> EmailMessage:
    link = _link(base_url, "accounts:invitation", user, invitation_tokens)
    posts = [
        f"- {o.title or o.get_role_display()}, {o.unit.name}"
        for o in user.officials.current().select_related("unit")
    ]
    body = (
        f"Kính gửi {user.get_full_name() or user.username},\n\n"
        "Bạn được mời dùng hệ thống Chỉ số CCHC"
        + (f" (người mời: {inviter.get_full_name() or inviter.username})" if inviter else "")
        + ".\n\n"
        f"Tên đăng nhập: {user.username}\n"
        + ("\n".join(posts) + "\n" if posts else "")
        + "\nMở liên kết sau để đặt mật khẩu của bạn (dùng được một lần, trong "
        f"{lifetime_vi(invitation_tokens.timeout)}); sau đó đăng nhập bằng tên đăng nhập trên và "
        f"mật khẩu vừa đặt:\n\n{link}\n\n"
        "Nếu liên kết đã hết hạn, hãy dùng “Quên mật khẩu?” ở trang đăng nhập hoặc nhờ "
        "quản trị hệ thống gửi lời mời mới.\n\n" + SIGNATURE
    )
    return EmailMessage("[Chỉ số CCHC] Lời mời sử dụng hệ thống", body, to=[user.email])
