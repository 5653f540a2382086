"""Settings for the 文昌湖 poverty-alleviation case-management system.

Everything that differs between the embedded default (`make run`), CI and production comes from the
environment (django-environ). With nothing set, the app runs on SQLite with Celery tasks executed in-process,
in debug mode, on 127.0.0.1. `make run` sets DJANGO_EMBEDDED=true: the same, but with DEBUG off, so a user sees
the Chinese 403/404/500 pages (see EMBEDDED below). Production sets DJANGO_DEBUG=false and must then also set
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (checked below), DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# The embedded default as `make run` serves it: runserver on this machine, over plain HTTP. DEBUG is off there
# (unless DJANGO_DEBUG=true is asked for), so users get the friendly Chinese 403/404/500 pages rather than
# Django's English debug pages, which list every URL pattern and, on an error, the settings. DEBUG off is
# chosen over custom handlers with DEBUG on: with DEBUG on Django ignores handler404/handler500 by design, and
# the embedded default holds the same personal data as production. What production adds on top of DEBUG off
# (HTTPS-only cookies and redirect, a secret key and host names of its own, hashed static file names after
# collectstatic) does not apply to a server only this machine can reach, so this mode leaves it out.
EMBEDDED = env.bool("DJANGO_EMBEDDED", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not EMBEDDED)
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

if DEBUG:
    # Development key: never used in production, where the check below demands a real one.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-for-the-embedded-default")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[*LOCAL_HOSTS, "testserver"])
elif EMBEDDED:
    # The development key is safe only because nothing but this machine can reach the server: the host names
    # are the loopback ones whatever DJANGO_ALLOWED_HOSTS says, and the cookies travel over plain HTTP.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-for-the-embedded-default")
    ALLOWED_HOSTS = LOCAL_HOSTS
    # whitenoise serves static/ straight from the finders, without collectstatic (runserver's own static
    # handler is off: whitenoise.runserver_nostatic).
    WHITENOISE_USE_FINDERS = True
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_DEBUG=false 时必须设置 DJANGO_SECRET_KEY（至少 50 个字符的随机串）。")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_DEBUG=false 时必须设置 DJANGO_ALLOWED_HOSTS（逗号分隔的主机名）。")

INSTALLED_APPS = [
    "wenchanghu.admin.DistrictAdminConfig",  # the admin, entered by permission (wenchanghu/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "accounts",
    "households",
    # Sector apps (DESIGN §3): each registers its facts provider, panels, ledger columns, navigation and demo
    # from its AppConfig.ready(); households imports none of them.
    "assistance",
    "healthcare",
    "education",
    "housing",
    "funds",
    "reports",  # reads the registry and every sector app; nothing depends on it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a logged-in user unless its view is marked @login_not_required (the login page).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.audit.AuditRequestMiddleware",
    "accounts.middleware.SessionPolicyMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Lets django-simple-history attribute admin edits to the logged-in user; services pass actor= explicitly.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wenchanghu.urls"
WSGI_APPLICATION = "wenchanghu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.nav.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set; otherwise every task runs eagerly in the calling process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The schedule, defined once (DESIGN §7), in CELERY_TIMEZONE (Asia/Shanghai): the recompute at 02:00, and
# every hour the sweep of uploads abandoned for 24 hours.
CELERY_BEAT_SCHEDULE = {
    "recompute-status-nightly": {
        "task": "households.tasks.recompute_status_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "sweep-abandoned-uploads": {
        "task": "households.tasks.sweep_uploads_task",
        "schedule": crontab(minute=17),
    },
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked account before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A sector officer's rights to write: those of the sector on the account (accounts/roles.py).
    "accounts.roles.SectorPermissionBackend",
]

# 等保2.0 身份鉴别: at least 10 characters, 3 of 4 character classes, not common, not like the username.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.password_validation.UsernameNotContainedValidator"},
]

# Login lockout (django-axes). Per ACCOUNT, never per address: a whole township office sits behind one address.
# Several of axes' defaults are unsafe here (3 failures, by IP, no cool-off), so every one is set.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_ENABLE_ADMIN = False  # the lockouts page is the security role's, not the admin's
# The address is rate-limited separately, at a higher threshold, in the login view.
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)
LOGIN_IP_WINDOW_SECONDS = 30 * 60
# axes warns that locking by username alone lets an attacker spread guesses over addresses; here the
# per-address limit is the login view's own (above), so the warning is answered, not ignored.
# HSTS preload (security.W021) is for public sites on the browsers' list; the district's intranet host is not.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]

# Audit log retention; accounts.checks refuses less than six months.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or EMBEDDED
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sessions (等保2.0): end after 30 minutes idle (the expiry moves with every request) and 8 hours after login
# whatever the activity (accounts.middleware); logout deletes the session on the server.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Headers on every response. The Content-Security-Policy is enforced, not report-only: everything the pages
# use is served from the app itself, with no inline script or style.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG and not EMBEDDED:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False

# Uploaded ledgers wait here between check and import; nothing under it is served to browsers.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
LEDGER_UPLOAD_MAX_BYTES = env.int("LEDGER_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Zip-bomb limits checked before an .xlsx is parsed (households/ledger/safety.py). A 100,000-person ledger
# unpacks to about 60 MB in some 10 parts.
LEDGER_XLSX_MAX_UNPACKED_BYTES = env.int("LEDGER_XLSX_MAX_UNPACKED_BYTES", default=300 * 1024 * 1024)
LEDGER_XLSX_MAX_MEMBERS = 200
LEDGER_XLSX_MAX_RATIO = 100
# Uploads never confirmed are removed after this long (households.tasks.sweep_uploads_task, hourly).
LEDGER_UPLOAD_KEEP_HOURS = 24
# Visit photos (走访照片) are stored under MEDIA_ROOT/visits and served only through a scoped view.
VISIT_PHOTO_MAX_BYTES = env.int("VISIT_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
# Exit-step evidence (minutes, signed confirmations, 公示 photos: PDF/JPG/PNG) under MEDIA_ROOT/exit, served
# only through the household's scope.
EXIT_EVIDENCE_MAX_BYTES = env.int("EXIT_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)

# The admin's import/export of reference tables (areas, standards) needs the change permission of the table,
# which only the district office holds (DESIGN §4).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "change"
# All or nothing: a sheet with any bad row writes no row (the admin then shows every problem).
IMPORT_EXPORT_USE_TRANSACTIONS = True

# Households per page on the registry list.
HOUSEHOLDS_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # One line per finished task drowns everything else (the demo alone runs hundreds); failures still show.
    "loggers": {"celery.app.trace": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
