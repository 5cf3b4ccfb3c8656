"""Settings shared by every environment, read from the process environment.

Every variable is documented in `.env.example` and read through `mentoring/settings/env.py`:
a malformed value raises ImproperlyConfigured at start-up, naming the variable. Reading
settings writes nothing to disk.
"""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mentoring.settings.env import (
    env,
    env_bool,
    env_domains,
    env_emails,
    env_fernet_keys,
    env_header_name,
    env_int,
    env_list,
    env_oidc_apps,
    env_saml_apps,
    env_secret_key,
    env_str,
    env_timezone,
    env_url,
    read_dotenv,
)

BASE_DIR = Path(__file__).resolve().parents[2]
read_dotenv(BASE_DIR / ".env")
# Database file, file broker, file cache, mail folder, static and media files. Nothing is
# created here: each folder is made by whoever first writes to it (see mentoring/celery.py).
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

# With DEBUG on, published development keys stand in for missing ones; production settings
# refuse them whatever DEBUG says.
SECRET_KEY = env_secret_key("DJANGO_SECRET_KEY", development=DEBUG)
# Private session notes are encrypted at rest with these (see sessions/crypto.py).
NOTES_ENCRYPTION_KEYS = env_fernet_keys(
    "NOTES_ENCRYPTION_KEYS", secret_key=SECRET_KEY, development=DEBUG
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = env_str("SITE_NAME", "Mentoring")
# Where `make run` serves: the Procfile binds runserver to WEB_HOST:WEB_PORT (same defaults).
WEB_HOST = env_str("WEB_HOST", "127.0.0.1")
WEB_PORT = env_int("WEB_PORT", 8000, minimum=1, maximum=65535)
# Absolute links in emails sent by workers, which have no request to read a host from.
SITE_URL = env_url("SITE_URL", f"http://{WEB_HOST}:{WEB_PORT}", {"http", "https"}).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    # Widget templates come through TEMPLATES (FORM_RENDERER below), so templates/ can adjust
    # one (the admin's date-and-time field); this app holds Django's own.
    "django.forms",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "users",
    "audit",
    "profiles",
    "programs",
    "matching",
    "flash",
    "relationships",
    "scheduling",
    "notifications",
    "jobs",
    "goals",
    "sessions.apps.MentoringSessionsConfig",
    "conversations",
    "reports",
    "api",
    "core",
    "portal",
    "governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.NullBytesRefusedMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view reads data: the pages' cached parts are filed under it (core/fragments.py).
    "core.middleware.DataVersionMiddleware",
    # Every view needs a signed-in user unless it says otherwise (login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "users.middleware.UserTimezoneMiddleware",
    "users.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: it tells the person why they were sent to set up two-factor.
    "users.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the CSP middleware: it widens form-action on the page that goes to the provider.
    "users.middleware.IdentityProviderFormActionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records downloads and report views, and lends the request to entries made deeper down.
    "audit.middleware.AuditMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    {"sqlite", "postgres", "postgresql", "pgsql", "psql"},
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside a writer, and
    # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
# The one thing kept in the cache is allauth's sign-in rate limits: security counters that must
# hold across processes and must not take signing in down with them. The database is already a
# dependency of every page, so it adds no failure of its own (a Redis cache made sign-in answer
# 500 whenever the broker was down, and a cache that ignores its errors switches the limits
# off, or, as allauth reads a failed lock, locks everybody out). Its table is made by
# `manage.py createcachetable`, run next to `migrate`.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cache",
    },
    # Parts of pages, filed under the data version (core/fragments.py): each process keeps its
    # own, as a stale entry is never read (its key holds an older version) and a lost one costs
    # one render.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 1000, minimum=1)},
    },
}

# --- Celery broker: Redis, or a folder --------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "") or None
if REDIS_URL is not None:
    REDIS_URL = env_url("REDIS_URL", REDIS_URL, {"redis", "rediss"})
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A broker that is down or stuck must cost a page about a second: not Celery's connection
    # retries (up to CELERY_BROKER_CONNECTION_TIMEOUT) times its four publish attempts, nor
    # forever on a connection that stopped answering (redis-py waits without limit). Every
    # message is a Dispatch row first, and the outbox scan hands rows nobody sent out again
    # once the broker is back (notifications/services.py), so publishing tries once and gives
    # up. Workers are unaffected: they reconnect under their own retry loop.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1,
        "socket_timeout": 1,
        "max_retries": 0,  # connecting for a publish: one attempt
    }
    CELERY_TASK_PUBLISH_RETRY = False
else:
    # No server needed: the broker is a folder that web, worker and beat all see. The Celery
    # app makes its folders (mentoring/celery.py).
    BROKER_DIR = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{BROKER_DIR / 'results'}"

# --- Celery ---------------------------------------------------------------------------------
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Tasks are written to be idempotent, so a task whose worker died is redelivered rather
# than lost; prefetching one at a time keeps a dying worker from taking others with it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Seconds after which a message handed to a worker but not sent is handed out again (the
# task was lost, or its worker died mid-send). Keep it above CELERY_TASK_TIME_LIMIT, so a send
# still running is never taken over.
NOTIFICATIONS_CLAIM_TIMEOUT = env_int("NOTIFICATIONS_CLAIM_TIMEOUT", 900, minimum=1)
# Seconds a running job may go without reporting before it counts as dead (its worker was
# killed) and is handed out again (jobs/services.py). Keep it above CELERY_TASK_TIME_LIMIT.
JOBS_STALE_AFTER = env_int("JOBS_STALE_AFTER", 360, minimum=1)

# --- Pair messages ----------------------------------------------------------------------------
# Seconds between the browser's checks for new messages (the unread count in the navigation,
# an open thread).
MESSAGES_POLL_SECONDS = env_int("MESSAGES_POLL_SECONDS", 20, minimum=1, maximum=3600)

# --- Reports ----------------------------------------------------------------------------------
# Any report figure computed over fewer people than this shows "fewer than K" instead.
REPORTS_MIN_GROUP_SIZE = env_int("REPORTS_MIN_GROUP_SIZE", 5, minimum=1)

# --- Audit log and retention -----------------------------------------------------------------
# Audit entries older than this many days are deleted by a daily task; 0 keeps them forever.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730, minimum=0)
# What was written in a pair (notes, goals, comments) is deleted this many months after the
# pair ended, by a daily task; the rows stay for the reports. 0 keeps it.
PAIR_CONTENT_RETENTION_MONTHS = env_int("PAIR_CONTENT_RETENTION_MONTHS", 0, minimum=0)
# --- API ------------------------------------------------------------------------------------
# Personal tokens (api.authentication) or the signed-in session; only coordinators, HR viewers
# and site admins get in, and each object is then scoped as on the pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.ApiUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.views.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "Programs, cohorts, enrolments, matching (run as jobs), pair activity and aggregate "
        "reports. "
        "Authenticate with a personal API token: `Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"JobStateEnum": "jobs.models.Job.State"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "users.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "users.adapters.SocialAccountAdapter"

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) and one-time recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Site admins, coordinators and HR viewers see everyone's data: with this on, they must set up
# an authenticator app before any page opens (the admin included). On in production.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)

# Sign-up is closed: people come from the HR import. Listing the organisation's email domains
# opens it to addresses at those domains only (by password, or through the identity provider).
SIGNUP_ALLOWED_EMAIL_DOMAINS = env_domains("SIGNUP_ALLOWED_EMAIL_DOMAINS")
# An identity provider's verified address signs in the person already imported with it, and
# links the identity to their account: never a second account for the same person.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# An identity provider that vouches for addresses at these domains (it owns them) without an
# `email_verified` claim, as Entra ID does: its addresses there count as verified.
SSO_TRUSTED_EMAIL_DOMAINS = env_domains("SSO_TRUSTED_EMAIL_DOMAINS")

# --- Single sign-on ---------------------------------------------------------------------------
# One OpenID Connect provider (SSO_OIDC_*) and one SAML 2.0 identity provider (SSO_SAML_*)
# from the environment, or any number added in the admin under Social applications. An OpenID
# provider calls back to SITE_URL/accounts/oidc/<provider id>/login/callback/, a SAML one posts
# to SITE_URL/accounts/saml/<organization>/acs/ (metadata at .../metadata/); the environment's
# have the id and organization "sso".
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": env_oidc_apps(provider_id="sso")},
    "saml": {"APPS": env_saml_apps(organization="sso")},
}
SOCIALACCOUNT_LOGIN_ON_GET = False
# Everyone signs in through the identity provider, except these site admins (addresses) who
# keep their password, for when the provider is down or misconfigured.
SSO_ONLY = env_bool("SSO_ONLY", False)
SSO_BREAK_GLASS_EMAILS = env_emails("SSO_BREAK_GLASS_EMAILS")
if SSO_ONLY:
    ACCOUNT_LOGIN_BY_CODE_ENABLED = False

# Sign-in rate limits count per client address and per account, in the cache configured above
# (so they hold across processes). Behind the TLS proxy every request arrives from the proxy's
# address: unless allauth is told where the client's address is, one person's failed sign-ins
# lock everybody out. Trust only what your own proxies write: TRUSTED_PROXY_COUNT is how many
# of them append to X-Forwarded-For (entries before theirs are whatever the client sent), or
# TRUSTED_CLIENT_IP_HEADER names a header the proxy sets to the client's address. Neither set:
# the connecting address (REMOTE_ADDR) counts and X-Forwarded-For is ignored.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_header_name("TRUSTED_CLIENT_IP_HEADER")
if ALLAUTH_TRUSTED_PROXY_COUNT and ALLAUTH_TRUSTED_CLIENT_IP_HEADER:
    raise ImproperlyConfigured(
        "Set TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER, not both: they are two ways of "
        "finding the client's address."
    )
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins. Per account (key): allauth's 5 in 5 minutes, which stops password
    # guessing. Per client address: 20 a minute, which stops one client trying many accounts;
    # twice allauth's 10, because an organisation's people often share one office address.
    # The account limit comes first: allauth stops at the first limit reached, so attempts at
    # an account that is already locked no longer count against the address, and one person
    # (or script) hammering their own account cannot lock out colleagues at that address.
    # An attacker spraying many accounts is still held by both, and by "login" (30 sign-in
    # requests a minute per address, allauth's default).
    "login_failed": "5/5m/key,20/m/ip",
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_URL = env_url(
    "EMAIL_URL",
    "consolemail://",
    {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "filemail", "memorymail", "dummymail"},
)
vars().update(env.email_url_config(EMAIL_URL))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F821
    # filemail://relative/path -> a folder of .eml files, one per message, named by its
    # Message-ID; a message sent twice (a worker died mid-send) stays one file.
    EMAIL_BACKEND = "notifications.mail.FileBackend"
    EMAIL_FILE_PATH = EMAIL_FILE_PATH or str(VAR_DIR / "mail")  # noqa: F821
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <mentoring@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation and time --------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The languages shipped, complete (tests/test_translations.py). A person's own setting wins,
# else the browser's Accept-Language, else LANGUAGE_CODE.
LANGUAGES = [
    ("en-gb", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "UTC")
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry (package.json); only their built files are
# published, under static/vendor/.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files (profile photos). Never published under a URL of their own: a view that checks
# who may see a photo serves it (relationships.views.member_photo, profiles.views.my_photo).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
PROFILE_PHOTO_MAX_BYTES = env_int("PROFILE_PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# Width times height: bigger images are refused from their header, before decoding.
PROFILE_PHOTO_MAX_PIXELS = env_int("PROFILE_PHOTO_MAX_PIXELS", 40_000_000, minimum=10_000)

# --- UI -------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_TAGS = {40: "danger"}

# --- Security headers -------------------------------------------------------------------------
# No inline scripts or styles anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOG_LEVEL = env_str("LOG_LEVEL", "INFO", choices={"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
