from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Accounts for a whole province: invitations, forgotten and changed passwords, the
    profile, two-factor sign-in, single sign-on, and the record of what happened to each."""

    name = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from accounts import checks, signals  # noqa: F401 (deploy checks; records sign-ins)
