"""A throwaway database for child processes (workers that can be killed), on the server the
test suite uses: a fresh PostgreSQL database when DATABASE_URL is PostgreSQL, else a SQLite
file (in /dev/shm when there is one). Used by the fault test and the benchmark."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


class Scratch:
    def __init__(self, name: str, folder: Path, extra_env: dict[str, str] | None = None):
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(base)
            self.admin = urlunsplit(parts._replace(path="/postgres"))
            self.url = urlunsplit(parts._replace(path=f"/{name}"))
            self.name = name
            self._admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        else:
            shm = Path("/dev/shm")
            where = shm if shm.is_dir() and os.access(shm, os.W_OK) else folder
            self.path = where / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        self.env = {**os.environ, "DATABASE_URL": self.url,
                    "DJANGO_SETTINGS_MODULE": "tests.notifications.fault_settings",
                    "PYTHONPATH": str(ROOT), **(extra_env or {})}

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def run(self, *args: str, timeout: float = 300) -> None:
        subprocess.run([sys.executable, *args], cwd=ROOT, env=self.env, check=True,
                       timeout=timeout)

    def popen(self, *args: str, pipes: bool = False) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=self.env,
                                stdin=subprocess.PIPE if pipes else None,
                                stdout=subprocess.PIPE if pipes else subprocess.DEVNULL,
                                text=pipes)

    def migrate(self) -> None:
        self.run("-m", "victimjourney", "migrate", "-v0")

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return list(conn.execute(query).fetchall())  # type: ignore[arg-type]
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            return list(conn.execute(query).fetchall())
        finally:
            conn.close()

    def drop(self) -> None:
        if self.postgres:
            self._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()",
                        f'DROP DATABASE IF EXISTS "{self.name}"')
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
