"""medcenter settings: one file, every deploy value from the environment.

Safe local defaults run the embedded demo (SQLite under var/, in-process cache). With
MEDCENTER_PRODUCTION=true the secrets and hosts have no default, so a missing one fails at start.
Every variable is documented in .env.example.
"""

import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

PRODUCTION = env.bool("MEDCENTER_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    # Only ever used on a developer's or a demo machine; production refuses to start without one.
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-embedded-demo-key-not-for-production"
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# Older secret keys still accepted (sessions, signed links, documents without their own key)
# while SECRET_KEY is rotated; see docs/operations.md.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# The keys that outlive SECRET_KEY: the audit chain's HMAC key (rotating it makes `verify_audit`
# report every older row) and the document vault's AES key (url-safe base64 of 32 bytes; losing
# it loses every stored document). Production requires both, so rotating SECRET_KEY never
# touches either; the demo derives them from SECRET_KEY. Keep them apart from the backups.
if PRODUCTION:
    AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY")
    DOCUMENT_ENCRYPTION_KEY = env.str("DOCUMENT_ENCRYPTION_KEY")
else:
    AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", default=SECRET_KEY)
    DOCUMENT_ENCRYPTION_KEY = env.str("DOCUMENT_ENCRYPTION_KEY", default="")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "medcenter.core",
    "medcenter.accounts",
    "medcenter.pages",
    "medcenter.patients",
    "medcenter.directory",
    "medcenter.oncology",
    "medcenter.scheduling",
    "medcenter.trials",
    "medcenter.portal",
    "medcenter.international",
    "medcenter.messaging",
    "medcenter.results",
    "medcenter.questionnaires",
    "medcenter.giving",
    "medcenter.events",
    "medcenter.research",
    "medcenter.careplans",
    "medcenter.tumorboards",
    "medcenter.content",
    "medcenter.quality",
    "medcenter.fhir",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_countries",
    "phonenumber_field",
    "django_guid",
    # Wagtail (the content app's pages; ADR 0010). wagtail_localize.locales replaces
    # wagtail.locales.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.images",
    "wagtail.documents",  # imported by Wagtail's admin; editors get no document links
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "medcenter.core.middleware.request_context_middleware",
    "medcenter.core.middleware.request_log_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "medcenter.pages.staticfiles.StaticFilesMiddleware",  # whitenoise, one-year hashed files
    # Pages compressed (static files come compressed already); Django pads each response
    # against BREACH, since pages carry CSRF tokens.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known, so that these refusals speak it; before anything reads a body.
    "medcenter.core.middleware.reject_nul_bytes_middleware",
    "medcenter.core.middleware.body_limit_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "medcenter.accounts.middleware.SessionTimeoutMiddleware",
    "medcenter.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "medcenter.core.middleware.security_headers_middleware",
    "medcenter.core.middleware.AuditFailureMiddleware",
]

ROOT_URLCONF = "medcenter.urls"
WSGI_APPLICATION = "medcenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "medcenter" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medcenter.pages.context_processors.shell",
            ],
        },
    }
]

# --- Databases ------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'medcenter.sqlite3'}"),
}
# Persistent connections for every backend, SQLite included: a new connection per request
# costs more than the home page itself.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers run during a write; IMMEDIATE takes the write lock at BEGIN so two
            # writers queue on the busy timeout instead of failing with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Tests use a file, not shared-cache memory: concurrent tests (R25, R26) need SQLite's real
    # locking, which shared-cache memory databases replace with immediate "table is locked".
    DATABASES["default"]["TEST"] = {
        # One file per test process, so two test runs on one machine never share a database.
        "NAME": env.str("SQLITE_TEST_NAME", default=str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))
    }

# Independent audit hash chains (core.audit): a connection appends to chain 1 + its backend
# pid modulo this, so concurrent transactions rarely queue on one chain head's row lock. SQLite
# has one writer at a time and always writes chain 1.
AUDIT_CHAINS = env.int(
    "AUDIT_CHAINS", default=8 if DATABASES["default"]["ENGINE"].endswith("postgresql") else 1
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In-process default: room for every doctor's "next available" (two entries each) besides the
# pages; Django's default of 300 entries would evict them faster than a search page reads them.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://medcenter?max_entries=50000")}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "pages:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ADMIN_URL = env.str("ADMIN_URL", default="staff-admin/")
OTP_TOTP_ISSUER = env.str("CENTER_SHORT_NAME", default="Aster Valley")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
PHONENUMBER_DEFAULT_REGION = env.str("CENTER_COUNTRY", default="US")

# --- Sessions, cookies, transport -----------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Automatic log-off (HIPAA 164.312(a)(2)(iii)): idle limits by audience, one absolute limit.
SESSION_IDLE_PORTAL = env.int("SESSION_IDLE_PORTAL", default=30 * 60)
SESSION_IDLE_STAFF = env.int("SESSION_IDLE_STAFF", default=15 * 60)
SESSION_ABSOLUTE = env.int("SESSION_ABSOLUTE", default=12 * 60 * 60)
SESSION_WARNING_SECONDS = 120
SESSION_COOKIE_AGE = SESSION_ABSOLUTE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

TLS = env.bool("MEDCENTER_TLS", default=PRODUCTION)
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
LANGUAGE_COOKIE_SECURE = TLS
SECURE_SSL_REDIRECT = TLS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000) if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
SECURE_HSTS_PRELOAD = TLS and env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours (load balancers) stand in front and append to X-Forwarded-For: the
# client address that throttles and the audit use is the one the outermost of them saw
# (core.clientaddr). 0: no proxy, the header is ignored and the connection's address is used.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

# Content Security Policy: no inline script, no inline style, nothing from another origin.
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

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt-br", _("Brazilian Portuguese")),
    ("zh-hans", _("Simplified Chinese")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "medcenter" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "medcenter" / "static"]
# Collected (production, `make demo`): hashed names, gzip and brotli copies, a one-year
# immutable cache (pages/staticfiles.py). Not collected (tests, a fresh checkout): whitenoise
# serves the source files from the finders, so nothing needs collectstatic first.
STATIC_COLLECTED = env.bool("STATIC_COLLECTED", default=PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@aster-valley.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The center this installation runs (fictional in the demo) ------------------------------
CENTER = {
    # A demo installation says on every page that the center is fictional.
    "is_demo": env.bool("CENTER_IS_DEMO", default=True),
    "name": env.str("CENTER_NAME", default="Aster Valley Comprehensive Cancer Center"),
    "short_name": env.str("CENTER_SHORT_NAME", default="Aster Valley"),
    "logo_text": env.str("CENTER_LOGO_TEXT", default="Aster Valley Cancer Center"),
    "parent": env.str("CENTER_PARENT", default="Aster Valley University Hospital"),
    "street": env.str("CENTER_STREET", default="1200 Example Parkway"),
    # The one address: the footer, the contact page and the main campus's location page
    # (seeded from here by the directory's demo data) all show it.
    "city": env.str("CENTER_CITY", default="Boston"),
    "region": env.str("CENTER_REGION", default="MA"),
    "postal_code": env.str("CENTER_POSTAL_CODE", default="02115"),
    "country": env.str("CENTER_COUNTRY", default="US"),
    "phone": env.str("CENTER_PHONE", default="+1 555 010 0100"),
    "tty": env.str("CENTER_TTY", default="711"),
    "email": env.str("CENTER_EMAIL", default="help@aster-valley.example"),
    "language_line": env.str("CENTER_LANGUAGE_LINE", default="+1 555 010 0199"),
    "privacy_email": env.str("CENTER_PRIVACY_EMAIL", default="privacy@aster-valley.example"),
    "civil_rights_email": env.str(
        "CENTER_CIVIL_RIGHTS_EMAIL", default="civil-rights@aster-valley.example"
    ),
}

# --- Scheduling -----------------------------------------------------------------------------
# The address links in emails and calendar invitations point to.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SCHEDULING_HOLD_MINUTES = env.int("SCHEDULING_HOLD_MINUTES", default=10)
SCHEDULING_OFFER_MINUTES = env.int("SCHEDULING_OFFER_MINUTES", default=120)
# How long Find a Doctor's "next available" is cached per clinician at most (bookings and
# availability changes renew it at once; this bounds a hold that runs out between sweeps).
NEXT_AVAILABLE_CACHE_SECONDS = env.int("NEXT_AVAILABLE_CACHE_SECONDS", default=600)
# Reminders go out this many hours before a visit ("168,24" = 7 days and 1 day).
SCHEDULING_REMINDER_HOURS = env.list("SCHEDULING_REMINDER_HOURS", cast=int, default=[168, 24])
# Text messages: a class with send(*, to, body, idempotency_key) -> str (the gateway's id).
SMS_GATEWAY = env.str("SMS_GATEWAY", default="medcenter.core.outbox.sms.ConsoleGateway")
# Outbox (core.outbox): whether a message may go now (per-category preferences, quiet hours),
# a function (notification) -> Decision; and after how long another worker takes over a claim.
OUTBOX_POLICY = env.str(
    "OUTBOX_POLICY", default="medcenter.core.outbox.preferences.decide_by_preferences"
)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
# Public appointment requests and referrals accepted from one address per hour (R29).
REFERRALS_PER_HOUR = env.int("REFERRALS_PER_HOUR", default=5)
# Where referral documents are kept, encrypted (R19).
DOCUMENT_ROOT = env.path("DOCUMENT_ROOT", default=VAR_DIR / "documents")
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Where `manage.py check` looks for the Noto fonts PDFs embed (Debian's fonts-noto-core and
# fonts-noto-cjk; ADR 0008). WeasyPrint finds them through fontconfig, as Debian installs them.
PDF_FONT_DIRS = env.list(
    "PDF_FONT_DIRS", default=["/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto"]
)

# --- Clinical trials ---------------------------------------------------------------------------
# Pre-screen contact requests accepted per hour from one connection, and from one address.
TRIAL_REQUESTS_PER_HOUR = env.int("TRIAL_REQUESTS_PER_HOUR", default=5)

# --- Patient Gateway --------------------------------------------------------------------------
# E-check-in opens this many days before a visit; the video visit provider (dotted path).
PORTAL_CHECKIN_DAYS = env.int("PORTAL_CHECKIN_DAYS", default=3)
PORTAL_VIDEO_PROVIDER = env.str(
    "PORTAL_VIDEO_PROVIDER", default="medcenter.portal.video.LocalVideoRoom"
)
# --- Give Now (docs/domains/giving.md, ADR 0011) ----------------------------------------------
# stripe (real money, hosted checkout) or sandbox (offline demo and tests; refused in production).
GIVING_GATEWAY = env.str("GIVING_GATEWAY", default="stripe" if PRODUCTION else "sandbox")
# Production takes real gifts through Stripe: its keys have no default there.
STRIPE_SECRET_KEY = (
    env.str("STRIPE_SECRET_KEY") if PRODUCTION else env.str("STRIPE_SECRET_KEY", default="")
)
STRIPE_WEBHOOK_SECRET = (
    env.str("STRIPE_WEBHOOK_SECRET") if PRODUCTION else env.str("STRIPE_WEBHOOK_SECRET", default="")
)
GIVING_SANDBOX_WEBHOOK_SECRET = env.str(
    "GIVING_SANDBOX_WEBHOOK_SECRET", default="whsec_sandbox_demo_only"
)
# Empty: the sandbox hands its signed events to the webhook entry point in process.
GIVING_SANDBOX_WEBHOOK_URL = env.str("GIVING_SANDBOX_WEBHOOK_URL", default="")
# The gateway's fee a donor may cover: basis points plus a fixed part in minor units.
GIVING_FEE_PERCENT_BP = env.int("GIVING_FEE_PERCENT_BP", default=290)
GIVING_FEE_FIXED_MINOR = env.int("GIVING_FEE_FIXED_MINOR", default=30)
GIVING_GIFTS_PER_HOUR = env.int("GIVING_GIFTS_PER_HOUR", default=10)
GIVING_DONOR_LINK_HOURS = env.int("GIVING_DONOR_LINK_HOURS", default=24)
# IRS Publication 1771: the legal name and EIN printed on every receipt.
GIVING_LEGAL_NAME = env.str(
    "GIVING_LEGAL_NAME", default="Aster Valley Comprehensive Cancer Center Foundation"
)
GIVING_EIN = env.str("GIVING_EIN", default="00-0000000")
# --- Editorial pages (Wagtail, the content app; ADR 0010) ----------------------------------
WAGTAIL_SITE_NAME = CENTER["name"]
WAGTAILADMIN_BASE_URL = SITE_URL
# The editors' admin, outside the language prefix; staff with a verified second factor only.
WAGTAILADMIN_URL = env.str("WAGTAILADMIN_URL", default="cms/")
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = False
# Passwords and their reset belong to accounts (throttled, MFA), never to Wagtail's forms.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILIMAGES_IMAGE_MODEL = "content.CenterImage"
# Keeps the chosen file when an image is refused (no alt text): content/forms.py.
WAGTAILIMAGES_IMAGE_FORM_BASE = "medcenter.content.forms.CenterImageForm"
WAGTAILIMAGES_EXTENSIONS = ["png", "jpg", "jpeg", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Images editors upload (and their renditions): public files, kept under var/ by default.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"

# Anonymous pages that are the same for every visitor are cached this long (seconds).
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

# --- Logging: JSON lines with the request id, never patient data ----------------------------
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "RETURN_HEADER": True, "VALIDATE_GUID": True}
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "correlation_id": "request_id",
            },
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # django.request would log tracebacks with request data; our own request log covers it.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "propagate": False},
        "django_guid": {"level": "WARNING"},
        # Django logs a body over the limit as an ERROR with a traceback; anyone can send one.
        # The 413 is logged once as a WARNING by core.middleware.too_large instead.
        "django.security.RequestDataTooBig": {"level": "CRITICAL"},
        # WeasyPrint logs each step of every PDF, and fontTools each table it subsets.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
