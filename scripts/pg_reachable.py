"""Exit 0 when the PostgreSQL server named by the URL in argv[1] answers, else 1."""

import sys

import environ
import psycopg

config = environ.Env.db_url_config(sys.argv[1])
try:
    psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=3,
    ).close()
except psycopg.Error:
    sys.exit(1)
