"""Headless Chromium (the Debian package, never a downloaded one) for the browser tests,
through Playwright's sync API: one helper for every suite that drives a browser."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _running_chromium() -> Any:
    """The connected Chromium that another suite in this process launched, or None.

    Playwright's sync API runs one event loop per thread and refuses to start a second while
    the first is alive, and tests/browser keeps its browser for the whole session; so a suite
    collected after it uses the same browser (with contexts of its own: no cookies or pages are
    shared) rather than import anything from that suite."""
    import gc

    from playwright.sync_api import Browser

    for obj in gc.get_objects():
        if isinstance(obj, Browser) and obj.is_connected():
            return obj
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A Chromium browser for a fixture to yield: launched here and closed on leaving, or the
    one already running in this process. Skips the test if the machine has no Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import Error, sync_playwright

    try:
        playwright = sync_playwright().start()
    except Error:
        shared = _running_chromium()
        if shared is None:
            raise
        yield shared
        return
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
