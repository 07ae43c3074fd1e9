#!/usr/bin/env python3
"""A minimal django-polaris site for the comparison in scripts/bench.sh.

  django_site.py create DIR      write the project (benchsite/) into DIR
  django_site.py seed DIR ACCOUNT [TOTAL] [OWNED]
                                 create the asset SRT and TOTAL transactions, OWNED
                                 of them SEP-24 transactions of ACCOUNT

`create` reads SIGNING_SEED, SERVER_JWT_KEY, HOST_URL and HORIZON_URI from the
environment and writes them into the settings, with SQLite, local mode and the SEPs
1, 6, 10 and 24 active. Run `manage.py migrate` between the two commands. Only the
configuration django-polaris documents is written here; django-polaris itself comes
from the package index (pip install django-polaris gunicorn).
"""

import os
import sys

SETTINGS = '''"""Settings of the benchmark's django-polaris site (generated)."""
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET_KEY = {secret_key!r}
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "polaris",
    "benchsite.apps.BenchSiteConfig",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "benchsite.urls"
WSGI_APPLICATION = "benchsite.wsgi.application"
TEMPLATES = [
    {{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {{
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        }},
    }}
]
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(BASE_DIR, "db.sqlite3"),
    }}
}}
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(BASE_DIR, "static")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
CORS_ALLOW_ALL_ORIGINS = True
SESSION_COOKIE_SECURE = False
# Server errors go to the gunicorn log (DEBUG is off, as in production).
LOGGING = {{
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
    "loggers": {{"django.request": {{"handlers": ["console"], "level": "ERROR"}}}},
}}

POLARIS_ACTIVE_SEPS = ["sep-1", "sep-10", "sep-6", "sep-24"]
POLARIS_SIGNING_SEED = {signing_seed!r}
POLARIS_SERVER_JWT_KEY = {jwt_key!r}
POLARIS_HOST_URL = {host_url!r}
POLARIS_LOCAL_MODE = True
POLARIS_STELLAR_NETWORK_PASSPHRASE = "Test SDF Network ; September 2015"
POLARIS_HORIZON_URI = {horizon_uri!r}
'''

URLS = '''from django.urls import include, path

urlpatterns = [path("", include("polaris.urls"))]
'''

# django-polaris asks every anchor for its SEP-6 /info fields: this one has none.
APPS = '''from django.apps import AppConfig


def sep6_info(request, asset, lang, exchange=False):
    return {}


class BenchSiteConfig(AppConfig):
    name = "benchsite"

    def ready(self):
        from polaris.integrations import register_integrations

        register_integrations(sep6_info=sep6_info)
'''

WSGI = '''import os
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
application = get_wsgi_application()
'''

MANAGE = '''#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
'''


def create(root: str) -> None:
    site = os.path.join(root, "benchsite")
    os.makedirs(site, exist_ok=True)
    settings = SETTINGS.format(
        secret_key=os.urandom(24).hex(),
        signing_seed=os.environ["SIGNING_SEED"],
        jwt_key=os.environ["SERVER_JWT_KEY"],
        host_url=os.environ["HOST_URL"],
        horizon_uri=os.environ["HORIZON_URI"],
    )
    files = {
        os.path.join(site, "__init__.py"): "",
        os.path.join(site, "settings.py"): settings,
        os.path.join(site, "urls.py"): URLS,
        os.path.join(site, "apps.py"): APPS,
        os.path.join(site, "wsgi.py"): WSGI,
        os.path.join(root, "manage.py"): MANAGE,
    }
    for path, text in files.items():
        with open(path, "w") as f:
            f.write(text)


def seed(root: str, account: str, total: int, owned: int) -> None:
    sys.path.insert(0, root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.db import connection, transaction
    from polaris.models import Asset, Transaction
    from stellar_sdk import Keypair

    issuer, distribution = Keypair.random(), Keypair.random()
    asset = Asset.objects.create(
        code="SRT",
        issuer=issuer.public_key,
        distribution_seed=distribution.secret,
        significant_decimals=2,
        deposit_enabled=True,
        deposit_fee_fixed=Decimal(1),
        deposit_fee_percent=Decimal(1),
        deposit_min_amount=Decimal(1),
        deposit_max_amount=Decimal(10000),
        withdrawal_enabled=True,
        withdrawal_fee_fixed=Decimal(1),
        withdrawal_fee_percent=Decimal(1),
        withdrawal_min_amount=Decimal(1),
        withdrawal_max_amount=Decimal(10000),
        sep6_enabled=True,
        sep24_enabled=True,
    )
    if total <= 0:
        return
    # One row made by the ORM is the template; SQL copies it TOTAL times, changing the
    # id, the owner, the kind, the protocol and the times (the same shape of data as
    # bench/seed_anchor.py writes for the reference anchor).
    template = Transaction.objects.create(
        stellar_account=account,
        asset=asset,
        kind="deposit",
        status="completed",
        protocol="sep24",
        amount_expected=Decimal("100.00"),
        amount_in=Decimal("100.00"),
        amount_out=Decimal("98.00"),
        amount_fee=Decimal("2.00"),
    )
    table = Transaction._meta.db_table
    step = total // owned
    overrides = {
        "id": "printf('%08x00004000800%013x', n, n)",
        "kind": "CASE WHEN n % 3 = 0 THEN 'withdrawal' ELSE 'deposit' END",
        "protocol": f"CASE WHEN n % {step} = 0 OR n % 2 = 0 THEN 'sep24' ELSE 'sep6' END",
        "stellar_account": f"CASE WHEN n % {step} = 0 THEN t.stellar_account "
        "ELSE printf('GBENCHOTHERACCOUNT%038d', n % 10000) END",
        "stellar_transaction_id": "printf('%064x', n)",
        "started_at": "datetime('2026-01-01 00:00:00', '+' || n || ' seconds')",
        "completed_at": "datetime('2026-01-01 00:00:00', '+' || (n + 60) || ' seconds')",
    }
    with connection.cursor() as cur:
        cur.execute(f"PRAGMA table_info({table})")
        columns = [row[1] for row in cur.fetchall()]
        select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
        with transaction.atomic():
            cur.execute(
                f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                f"WHERE n < {total}) INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {select} FROM seq, {table} AS t WHERE t.id = %s",
                [template.id.hex],
            )
            cur.execute(f"DELETE FROM {table} WHERE id = %s", [template.id.hex])
        cur.execute("ANALYZE")


def main(argv: list[str]) -> None:
    if argv[:1] == ["create"] and len(argv) == 2:
        create(argv[1])
    elif argv[:1] == ["seed"] and len(argv) >= 3:
        total = int(argv[3]) if len(argv) > 3 else 1_000_000
        owned = int(argv[4]) if len(argv) > 4 else 1_000
        seed(argv[1], argv[2], total, owned)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
