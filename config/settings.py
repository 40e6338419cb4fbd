"""The one settings module. Environment variables are listed in `.env.example`."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from config.env import EnvironmentError_, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# A development-only key is allowed only while DEBUG is on; production must set its own.
_DEV_SECRET = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-true"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise EnvironmentError_(
        "DJANGO_SECRET_KEY must be set to a real secret when DJANGO_DEBUG is off")

# Encryption at rest of victims' contact details (victimjourney/core/crypto.py): Fernet keys,
# newest first, and the key of the blind indexes. Fixed development keys only while DEBUG is
# on. Without DEBUG they must come from the environment: a missing key fails loudly at the
# first read or write of a contact detail, and in `victimjourney check --deploy`.
_DEV_FIELD_KEY = "ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktLTMyYiE="  # base64 of a plain label
_DEV_BLIND_INDEX_KEY = "development-only-blind-index-key"
VJ_FIELD_KEYS = env_list("VJ_FIELD_KEYS", default=[_DEV_FIELD_KEY] if DEBUG else [])
VJ_BLIND_INDEX_KEY = env_str("VJ_BLIND_INDEX_KEY",
                             default=_DEV_BLIND_INDEX_KEY if DEBUG else "")
# Only while `victimjourney rotate_keys --blind-index` runs: the blind-index keys being replaced.
VJ_BLIND_INDEX_OLD_KEYS = env_list("VJ_BLIND_INDEX_OLD_KEYS", default=[])
if not DEBUG and (_DEV_FIELD_KEY in VJ_FIELD_KEYS or VJ_BLIND_INDEX_KEY == _DEV_BLIND_INDEX_KEY):
    raise EnvironmentError_(
        "VJ_FIELD_KEYS and VJ_BLIND_INDEX_KEY must not use the development keys when "
        "DJANGO_DEBUG is off")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "govuk_frontend_django",
    "crispy_forms",
    "crispy_forms_gds",
    "ninja",  # the API docs from ninja's bundled Swagger UI, not a CDN (core/security.py)
    "victimjourney.core",
    "victimjourney.accounts",
    "victimjourney.audit",
    "victimjourney.organisations",
    "victimjourney.cases",
    "victimjourney.victims",
    "victimjourney.journey",
    "victimjourney.duties",
    "victimjourney.web",
    "victimjourney.letters",
    "victimjourney.inspection",
    "victimjourney.api",
    "victimjourney.notifications",
    "victimjourney.linkage",
    "victimjourney.workspace",
    "victimjourney.portal",
    "victimjourney.privacy",
    "victimjourney.synthetic",  # `victimjourney generate` (the synthetic national year)
    "victimjourney.realdata",  # `victimjourney policeuk_import` (data.police.uk CSVs)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "victimjourney.core.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "victimjourney.workspace.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "victimjourney" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "victimjourney.workspace.context_processors.staff_navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# DATABASE_URL selects the database; the default is an embedded SQLite file for the demo.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'victimjourney.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a writer takes the lock when its transaction begins, so two writers queue
    # (for `timeout` seconds) instead of one failing with "database is locked" on upgrade.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
# All datetimes are stored aware in UTC; local dates (deadlines, display) are Europe/London.
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# GOV.UK Frontend from npm (`scripts/bootstrap` installs it). Its CSS asks for fonts and images
# at /assets/, served from GOVUK_ASSETS (config/urls.py).
GOVUK_FRONTEND = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
GOVUK_ASSETS = GOVUK_FRONTEND / "assets"
STATICFILES_DIRS = [("govuk", GOVUK_FRONTEND)] if GOVUK_FRONTEND.exists() else []

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# OpenID Connect sign-in for production identity providers: off unless OIDC_ENABLED. Only
# staff an administrator has already created (matched by email) can sign in this way.
OIDC_ENABLED = env_bool("OIDC_ENABLED", default=False)
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(0, "victimjourney.accounts.oidc.StaffOIDCBackend")
    OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_CREATE_USER = False

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "my-duties"
LOGOUT_REDIRECT_URL = "sign-in"
# Staff sessions end after two hours of inactivity and when the browser closes.
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# HTTPS: on by default whenever DEBUG is off (`check --deploy` clean, tests/security). A demo
# with DEBUG off over plain http://127.0.0.1 sets DJANGO_HTTPS=false. Behind a proxy that
# terminates TLS, DJANGO_SECURE_PROXY_SSL_HEADER names the header it sets (else the redirect
# to HTTPS loops).
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=HTTPS)
_proxy_header = env_str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _proxy_header:
    _name, _, _value = _proxy_header.partition("=")
    if not (_name.strip() and _value.strip()):
        raise EnvironmentError_("DJANGO_SECURE_PROXY_SSL_HEADER must look like "
                                f"HTTP_X_FORWARDED_PROTO=https, got {_proxy_header!r}")
    SECURE_PROXY_SSL_HEADER = (_name.strip(), _value.strip())
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Django's SecurityMiddleware headers (these are its defaults, stated here on purpose); the CSP,
# Permissions-Policy and Cache-Control come from victimjourney/core/security.py.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOCALE_PATHS = [BASE_DIR / "victimjourney" / "locale"]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Retention periods a force sets for itself (docs/PRIVACY.md): "kind=period" pairs, e.g.
# "journey.group3=7y,portal.codes=90d". Checked at start-up (privacy.E001).
PRIVACY_RETENTION_OVERRIDES = env_list("PRIVACY_RETENTION_OVERRIDES", default=[])

# Notifications (docs/NOTIFICATIONS.md). Email goes by SMTP; texts and letters by GOV.UK
# Notify. Unset variables keep the notifications app's local defaults
# (victimjourney/notifications/conf.py); the Notify key and callback token are secrets.
# The portal's sign-in codes go through Django's EMAIL_BACKEND (SMTP); scripts/demo sets the
# console backend, so that a demo's codes appear in the server's output.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10)
for _name in ("NOTIFICATIONS_FROM_EMAIL", "NOTIFICATIONS_MESSAGE_ID_DOMAIN",
              "NOTIFICATIONS_PORTAL_URL", "NOTIFY_API_KEY", "NOTIFY_BASE_URL",
              "NOTIFY_SMS_TEMPLATE_ID", "NOTIFY_LETTER_TEMPLATE_ID", "NOTIFY_CALLBACK_TOKEN",
              "NOTIFY_TEMPLATE_PORTAL_CODE"):
    if env_str(_name, default=""):
        globals()[_name] = env_str(_name)
if env_str("NOTIFY_TIMEOUT", default=""):
    NOTIFY_TIMEOUT = float(env_int("NOTIFY_TIMEOUT", default=10))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="WARNING")},
}
