"""Reading settings from the environment, one way.

Every value is read through the one django-environ reader below, and every helper turns a
value it cannot use into ImproperlyConfigured naming the variable: a service that refuses to
start is easier to debug than one that silently falls back to a default. An empty value counts
as unset, so `.env.example` can list every variable with nothing filled in.

Nothing here writes to disk: folders are made by whoever first needs them.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

# Published in this repository, so it protects nothing: `make run` may use it, production refuses
# it (and the notes key derived from it).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# A DNS name: dot-separated labels of letters, digits and inner hyphens.
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# RFC 9110 token characters: what a header name may contain.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def read_dotenv(path: Path) -> None:
    """Load a git-ignored `.env`; variables already in the environment win."""
    if path.is_file():
        environ.Env.read_env(path)


def _read(name: str) -> str | None:
    return env.str(name, default=None) or None


def env_str(name: str, default: str, *, choices: set[str] | None = None) -> str:
    value = _read(name) or default
    if choices is not None and value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {sorted(choices)}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    if _read(name) is None:
        return default
    return [item.strip() for item in env.list(name) if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    raw = _read(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no.")


def env_domains(name: str) -> list[str]:
    """Comma-separated email domains (example.org), lower-cased; a leading @ is allowed."""
    domains = [item.lower().removeprefix("@") for item in env_list(name, [])]
    for domain in domains:
        if not _DOMAIN.match(domain):
            raise ImproperlyConfigured(
                f"{name}: {domain!r} is not a domain name (e.g. example.org)."
            )
    return domains


def env_emails(name: str) -> list[str]:
    """Comma-separated email addresses, lower-cased."""
    emails = [item.lower() for item in env_list(name, [])]
    for email in emails:
        local, _, domain = email.rpartition("@")
        if not local or not _DOMAIN.match(domain):
            raise ImproperlyConfigured(f"{name}: {email!r} is not an email address.")
    return emails


def env_oidc_apps(*, provider_id: str) -> list[dict]:
    """The OpenID Connect provider given by SSO_OIDC_* as allauth's app entry, or none.

    The issuer URL and client id go together; the secret may be missing for a public client
    (PKCE is on either way)."""
    issuer = _read("SSO_OIDC_ISSUER_URL")
    client_id = _read("SSO_OIDC_CLIENT_ID")
    secret = env_secret("SSO_OIDC_CLIENT_SECRET")
    if not (issuer or client_id or secret):
        return []
    if not (issuer and client_id):
        raise ImproperlyConfigured(
            "Single sign-on needs SSO_OIDC_ISSUER_URL and SSO_OIDC_CLIENT_ID together "
            "(and SSO_OIDC_CLIENT_SECRET for a confidential client)."
        )
    issuer = env_url("SSO_OIDC_ISSUER_URL", issuer, {"https", "http"})
    return [
        {
            "provider_id": provider_id,
            "name": env_str("SSO_OIDC_NAME", "Single sign-on"),
            "client_id": client_id,
            "secret": secret or "",
            "settings": {"server_url": issuer},
        }
    ]


def env_saml_apps(*, organization: str) -> list[dict]:
    """The SAML identity provider given by SSO_SAML_* as allauth's app entry, or none: its
    metadata URL (certificate and sign-on address are read from there) and entity id."""
    metadata_url = _read("SSO_SAML_METADATA_URL")
    entity_id = _read("SSO_SAML_ENTITY_ID")
    if not (metadata_url or entity_id):
        return []
    if not (metadata_url and entity_id):
        raise ImproperlyConfigured(
            "SAML single sign-on needs SSO_SAML_METADATA_URL and SSO_SAML_ENTITY_ID together."
        )
    metadata_url = env_url("SSO_SAML_METADATA_URL", metadata_url, {"https", "http"})
    return [
        {
            "provider_id": f"{organization}-saml",
            "name": env_str("SSO_SAML_NAME", "Single sign-on (SAML)"),
            "client_id": organization,
            "settings": {"idp": {"metadata_url": metadata_url, "entity_id": entity_id}},
        }
    ]


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = _read(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at most {maximum}.")
    return value


def env_url(name: str, default: str, schemes: set[str]) -> str:
    raw = _read(name) or default
    if urlsplit(raw).scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a valid URL; the scheme must be one of {sorted(schemes)}."
        )
    return raw


def env_timezone(name: str, default: str) -> str:
    raw = _read(name) or default
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={raw!r} is not an IANA time zone.") from None
    return raw


def env_header_name(name: str) -> str | None:
    raw = _read(name)
    if raw is not None and not _HEADER_NAME.match(raw):
        raise ImproperlyConfigured(f"{name}={raw!r} is not an HTTP header name (e.g. X-Real-IP).")
    return raw


def env_secret(name: str) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (Docker secrets).

    Read raw: django-environ takes a value starting with `$` for a reference to another
    variable, and a generated key may well start with one."""
    value = env.ENVIRON.get(name) or None
    path = _read(f"{name}_FILE")
    if value is None and path:
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from None
    return value or None


def env_secret_key(name: str, *, development: bool) -> str:
    """Django's signing key. Only in development may it be missing (the published key
    stands in); anywhere else it must be set, and not to the published key."""
    value = env_secret(name)
    if value is None:
        if development:
            return DEVELOPMENT_SECRET_KEY
        raise ImproperlyConfigured(
            f"{name} must be set (or {name}_FILE) outside development: a long random string, "
            "e.g. from python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if value == DEVELOPMENT_SECRET_KEY and not development:
        raise ImproperlyConfigured(
            f"{name} is the development key published with the source code; set a real one."
        )
    return value


def development_notes_key(secret_key: str) -> str:
    """The Fernet key `make run` uses for private notes when none is set."""
    digest = hashlib.sha256(f"notes-encryption:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def env_fernet_keys(name: str, *, secret_key: str, development: bool) -> list[str]:
    """Comma-separated Fernet keys: the first encrypts, every one decrypts (key rotation).

    In development a missing value gets a key derived from the secret key, which keeps
    `make run` simple; anywhere else the keys must be set, and not to that published key."""
    from cryptography.fernet import Fernet

    raw = env_secret(name)
    if raw is None:
        if development:
            return [development_notes_key(secret_key)]
        raise ImproperlyConfigured(
            f"{name} must be set (or {name}_FILE) outside development: comma-separated Fernet "
            "keys; make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'."
        )
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured(f"{name} is empty; give at least one Fernet key.")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            # Never echo the value: it is a secret.
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)."
            ) from None
        if key == development_notes_key(DEVELOPMENT_SECRET_KEY) and not development:
            raise ImproperlyConfigured(
                f"{name}: key {position} is the development key derived from the published "
                "secret key; set a real one."
            )
    return keys
