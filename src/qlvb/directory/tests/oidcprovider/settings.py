"""Settings of the test OpenID Connect provider (django-oauth-toolkit), run in its own process by
:func:`qlvb.directory.tests.oidcprovider.start_provider`. Everything comes from the environment the
fixture gives it: its folder (database, RSA key), its issuer and the ID token's lifetime."""

from __future__ import annotations

import os
from pathlib import Path

WORKDIR = Path(os.environ["OIDCP_WORKDIR"])
SECRET_KEY = "test-oidc-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "qlvb.directory.tests.oidcprovider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(WORKDIR / "provider.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test accounts only
TEMPLATES: list[dict[str, object]] = []
USE_TZ = True
LOGIN_URL = "/login/"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": (WORKDIR / "oidc.key").read_text(),
    "OIDC_ISS_ENDPOINT": os.environ["OIDCP_ISSUER"],
    "ID_TOKEN_EXPIRE_SECONDS": int(os.environ.get("OIDCP_ID_TOKEN_SECONDS", "300")),
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "email": "Địa chỉ thư"},
    "OAUTH2_VALIDATOR_CLASS": "qlvb.directory.tests.oidcprovider.urls.EmailClaims",
}
