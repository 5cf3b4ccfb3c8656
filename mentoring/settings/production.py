"""Production: HTTPS only, static files from whitenoise, secrets from the environment."""

from __future__ import annotations

from mentoring.settings.base import *  # noqa: F403
from mentoring.settings.env import env_bool, env_fernet_keys, env_int, env_secret_key

DEBUG = False

# Base let the published development keys stand in if DEBUG=1 was in the environment (as
# .env.example has it); here the keys must be real, whatever DEBUG says.
SECRET_KEY = env_secret_key("DJANGO_SECRET_KEY", development=False)
NOTES_ENCRYPTION_KEYS = env_fernet_keys(
    "NOTES_ENCRYPTION_KEYS", secret_key=SECRET_KEY, development=False
)

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind a TLS-terminating proxy, it tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# /healthz is probed over plain HTTP from inside the container network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True

# People who see everyone's data (site admins, coordinators, HR viewers) set up two-factor
# before anything else; TWO_FACTOR_REQUIRED=0 turns this off.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
CSRF_COOKIE_SECURE = True
