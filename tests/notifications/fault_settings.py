"""Settings of the fault test's processes: the project's settings, the test's SMTP server,
and short leases so a killed worker's delivery is recovered within seconds."""

import os

from config.settings import *  # noqa: F403

EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("FAULT_SMTP_PORT", "25"))
EMAIL_TIMEOUT = 2
NOTIFICATIONS_CLAIM_SECONDS = 3.0
NOTIFICATIONS_REQUEUE_SECONDS = 3.0
NOTIFICATIONS_RETRY_BASE_SECONDS = 0.05
NOTIFICATIONS_RETRY_CAP_SECONDS = 0.5
NOTIFICATIONS_MAX_ATTEMPTS = 100
NOTIFICATIONS_EVIDENCE_BATCH = 50
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Take the write lock when a transaction starts: a read that later writes would otherwise
    # fail at once ("database is locked") when another process is writing.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "ERROR"}}
