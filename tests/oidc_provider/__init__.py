"""A small OpenID Connect provider for the single sign-on tests (django-oauth-toolkit with
OIDC on), run as its own process on its own SQLite database: the app signs in against it
over HTTP exactly as against a province's provider (tests/accounts/test_oidc.py)."""
