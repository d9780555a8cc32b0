"""Django settings, driven entirely by the environment (see docs/operations.md)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from wuxing.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("WUXING_VAR_DIR", str(Path.cwd() / "var"))).resolve()
TESTING = "pytest" in sys.modules or env_bool("WUXING_TESTING", False)

DEBUG = env_bool("DEBUG", False)
_INSECURE_KEY = "wuxing-insecure-development-key-change-me-0123456789abcdef"
_RELAXED = DEBUG or TESTING or env_bool("WUXING_DEMO", False)
SECRET_KEY = env_str("SECRET_KEY", _INSECURE_KEY if _RELAXED else "")
if not SECRET_KEY or (SECRET_KEY == _INSECURE_KEY and not _RELAXED):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value (or DEBUG=true on a development machine)"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Widgets render through the project's TEMPLATES, so a widget of ours (orgs/widgets/) lives with the other templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the built-in widget templates, found through TEMPLATES with our own (FORM_RENDERER)
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "captcha",
    "wuxing.core",
    "wuxing.orgs",
    "wuxing.messaging",
    "wuxing.standards",
    "wuxing.campaigns",
    "wuxing.creation",
    "wuxing.evaluation",
    "wuxing.weekly",
    "wuxing.contest",
    "wuxing.activities",
    "wuxing.casefiles",
    "wuxing.rollups",
    "wuxing.workbench",
    "wuxing.seed",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    *(["wuxing.core.replica.ReplicaMiddleware"] if env_str("DATABASE_REPLICA_URL", "") else []),
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Runs after the view (inside SessionMiddleware's response handling), so the touch is saved.
    "wuxing.core.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wuxing.core.middleware.SecurityHeadersMiddleware",
    "wuxing.core.middleware.PasswordChangeRequiredMiddleware",
    "wuxing.core.middleware.ExportAuditMiddleware",
    # Axes goes last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wuxing.urls"
WSGI_APPLICATION = "wuxing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wuxing.core.context_processors.navigation",
            ],
        },
    },
    {
        # The largest tables (a branch's weekly history, an office's week and gap matrices), rendered into the
        # Django page as one fragment: Jinja2 compiles them to Python and renders them several times faster.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "wuxing.core.jinja.environment", "autoescape": True},
    },
]

# --- database -------------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'wuxing.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_sqlite),
        # Persistent connections: a new connection per request costs ~6x throughput here.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
# A streaming replica (docs/operations.md): GET requests read from it, writes and the writer's next reads go
# to the primary (wuxing.core.replica). Needs REDIS_URL, which carries the writer's mark across app servers.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(env_str("DATABASE_REPLICA_URL", ""),
                                                 conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
                                                 conn_health_checks=True)
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["wuxing.core.replica.Router"]
WUXING_READ_HEADER = env_bool("WUXING_READ_HEADER", False)  # X-Wuxing-Read: replica|primary, for the checks
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    if env_str("WUXING_TEST_DB_FILE", ""):
        # Browser tests: a file-backed test database waits on locks like a real deployment, where
        # the in-memory shared-cache default answers "table is locked" to concurrent requests.
        DATABASES["default"]["TEST"] = {"NAME": env_str("WUXING_TEST_DB_FILE")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth and security ----------------------------------------------------------------------------
AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the signed-in user with their grants and unread count in one query.
    "wuxing.orgs.auth.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "wuxing.orgs.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "wuxing.orgs.validators.LettersAndDigitsValidator"},
]
if TESTING:
    # Hashing cost is not what the tests measure.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 2 * 3600, minimum=60)
# The age above is an idle timeout, refreshed by SessionIdleMiddleware at most once a minute.
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The audit chain's key (HMAC), kept outside the database: AUDIT_KEY, or the first line of AUDIT_KEY_FILE;
# without either it is derived from SECRET_KEY (docs/operations.md: keep one of them off the database host's
# backups, and keep it — events sealed under a lost key can no longer be verified).
def _audit_key() -> bytes:
    import hashlib
    import hmac

    path = env_str("AUDIT_KEY_FILE", "")
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.readline().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"AUDIT_KEY_FILE cannot be read: {exc}") from None
        if len(text) < 32:
            raise ImproperlyConfigured("AUDIT_KEY_FILE must hold a key of at least 32 characters")
        return text.encode()
    text = env_str("AUDIT_KEY", "")
    if text:
        if len(text) < 32:
            raise ImproperlyConfigured("AUDIT_KEY must be at least 32 characters")
        return text.encode()
    return hmac.new(SECRET_KEY.encode(), b"wuxing-audit-chain", hashlib.sha256).hexdigest().encode()


AUDIT_KEY = _audit_key()

# How many reverse proxies in front of the app to believe for the client address (X-Forwarded-For); 0 =
# the socket address. Behind the shipped nginx (which overwrites the header): 1.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
# Lock the account from the address the failures come from: a stranger who guesses at a name locks it for
# themselves, not for its owner elsewhere; a whole 办事处 behind one NAT address is not shut out by one
# colleague's typos on another account. Spraying many names from one address is met by the proxy's
# limit_req zones (deploy/nginx.conf) and the token throttle, both keyed on the real client address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "wuxing.core.net.client_ip"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# --- i18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
try:  # WhiteNoise warns at every start when the collectstatic target is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package when collectstatic was not run
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# A list export longer than this many rows is built outside the request (`wuxing exports run`) and kept this long.
EXPORT_INLINE_ROWS = env_int("EXPORT_INLINE_ROWS", 20_000, minimum=1)
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7, minimum=1)
# Scanned case-file dossiers: one upload (PDF or image), one page of it, a bulk zip and what it may unpack to.
SCAN_MAX_BYTES = env_int("SCAN_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
SCAN_MAX_PAGE_BYTES = env_int("SCAN_MAX_PAGE_BYTES", 10 * 1024 * 1024, minimum=1024)
SCAN_MAX_ZIP_BYTES = env_int("SCAN_MAX_ZIP_BYTES", 100 * 1024 * 1024, minimum=1024)
SCAN_MAX_UNZIPPED = env_int("SCAN_MAX_UNZIPPED", 200 * 1024 * 1024, minimum=1024 * 1024)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 20, minimum=1)  # files in one upload
# Statutory time limits: count from the day after the start day (False) or from the start day (True).
WORKDAY_COUNT_START = env_bool("WORKDAY_COUNT_START", False)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# What an uploaded workbook may unpack to, checked from the zip directory before it is opened: in all, and
# per member compression ratio (a real sheet compresses 5-20 times; a bomb hundreds of times).
IMPORT_MAX_UNZIPPED = env_int("IMPORT_MAX_UNZIPPED", 100 * 1024 * 1024, minimum=1024 * 1024)
IMPORT_MAX_RATIO = env_int("IMPORT_MAX_RATIO", 100, minimum=10)
# Data rows one import may carry (a district's tree or people fit many times over; split larger files).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000, minimum=100)
# Errors listed in full; beyond them one line says how many more there are.
IMPORT_ERRORS_SHOWN = 200

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wuxing.core.credentials.GuardedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies only; endpoints that take files declare multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["wuxing.core.api.ObjectJSONParser"],
    "EXCEPTION_HANDLER": "wuxing.core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "wuxing.api.pagination.KeysetPagination",
    "DEFAULT_SCHEMA_CLASS": "wuxing.api.schema.WuxingAutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token": "20/minute"},
    # The client address for throttles: only TRUSTED_PROXY_COUNT proxies are believed (wuxing.core.net).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wuxing API",
    "DESCRIPTION": "五星支部创建与行政许可案卷评查平台接口",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and its Swagger UI: for signed-in users unless API_DOCS_PUBLIC=true.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny" if env_bool("API_DOCS_PUBLIC", False)
                          else "rest_framework.permissions.IsAuthenticated"],
}

# --- caches and logging ---------------------------------------------------------------------------
_redis = env_str("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "wuxing.core.rediscache.RedisCache", "LOCATION": _redis}
        if _redis
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Pages drawn from the rollups are cached under their version stamp, which is a database row every write
# moves in its own transaction: any cache is safe, Redis (shared by the app processes) or each process's own.
WUXING_PAGE_CACHE = env_bool("PAGE_CACHE", True)
if _redis:
    # Sessions read from Redis, written through to the database: every app server sees a sign-in at once,
    # and a session read never lands on a lagging replica.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# The public objection form's captcha (django-simple-captcha): drawn by the app itself, no outside service.
# Tests type "PASSED".
CAPTCHA_TEST_MODE = "pytest" in sys.modules  # never from an environment variable
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_FONT_SIZE = 28

# --- telling people outside the app (messaging) ------------------------------------------------------
# E-mail through Django's SMTP backend; the server and its account come from the environment.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wuxing@localhost")
# Links in messages point here (the address people open the site at).
NOTIFY_SITE_URL = env_str("NOTIFY_SITE_URL", "http://127.0.0.1:8000")
# The server posts to group-robot webhooks: only to these hosts (the local stand-in only where relaxed).
NOTIFY_WEBHOOK_HOSTS = env_list("NOTIFY_WEBHOOK_HOSTS", ["qyapi.weixin.qq.com"] + (["127.0.0.1"] if _RELAXED else []))
NOTIFY_TIMEOUT = env_int("NOTIFY_TIMEOUT", 10, minimum=1)  # seconds per webhook or SMS request
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8, minimum=1)  # then the row is marked failed for good
NOTIFY_DIGEST_HOUR = env_int("NOTIFY_DIGEST_HOUR", 17, minimum=0)  # the daily digest leaves at this local hour
NOTIFY_SMS_BACKEND = env_str("NOTIFY_SMS_BACKEND", "wuxing.messaging.backends.HttpSmsGateway")
NOTIFY_SMS_URL = env_str("NOTIFY_SMS_URL", "")
NOTIFY_SMS_TOKEN = env_str("NOTIFY_SMS_TOKEN", "")
NOTIFY_SMS_SIGN = env_str("NOTIFY_SMS_SIGN", "五星支部创建")
# The demo's group robot points at the local stand-in `wuxing demo` starts on this port.
NOTIFY_DEMO_SINK_PORT = env_int("NOTIFY_DEMO_SINK_PORT", 8025, minimum=1)
