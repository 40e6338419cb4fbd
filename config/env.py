"""Environment variables, read through small helpers that fail loudly.

Every variable the project reads is listed in `.env.example` with a safe local default.
A value that is present but malformed is an error naming the variable, never a silent fallback.
"""

from __future__ import annotations

import os


class EnvironmentError_(RuntimeError):
    """A setting in the environment is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise EnvironmentError_(f"environment variable {name} is required and not set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise EnvironmentError_(f"environment variable {name} must be true or false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise EnvironmentError_(
            f"environment variable {name} must be an integer, got {value!r}"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
