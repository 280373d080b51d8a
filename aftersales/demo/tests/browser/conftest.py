"""Playwright against Django's live server, driving Debian's Chromium (never a downloaded browser).

The live server runs in a thread of this process while Playwright's sync API runs an event loop in
the test thread; Django's "async unsafe" guard would refuse the ORM calls the tests make for their
set-up, hence DJANGO_ALLOW_ASYNC_UNSAFE for this folder only.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[4] / "test-results" / "screenshots"


def pytest_configure(config):
    # pytest-playwright's own base_url fixture trips a pytest deprecation warning; not ours to fix.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # English unless a test asks for another language; a desktop-sized window.
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")`` saves test-results/screenshots/name.png (git-ignored)."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(live_server):
    """``log_in(page, "advisor")`` fills the login form (password = user name unless given)."""

    def submit(page, username: str, password: str | None = None) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", username if password is None else password)
        page.click("form button[type=submit]")

    return submit
