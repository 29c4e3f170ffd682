"""Steps in the real app in Chromium: see a text, no traceback, upload, choose, the overview."""

from __future__ import annotations

import re
from urllib.parse import quote

from tests.support.databases import DEPARTMENT

TIMEOUT = 60_000  # generous: CI machines may be busy


def see(page: object, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=TIMEOUT)


def no_traceback(page: object) -> None:
    assert page.get_by_text("Traceback").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def upload(page: object, key: str, *files: tuple[str, bytes, str]) -> None:
    page.locator(f".st-key-{key} input[type=file]").set_input_files(
        [{"name": n, "mimeType": m, "buffer": b} for n, b, m in files]
    )


def choose(page: object, key: str, option: re.Pattern[str]) -> None:
    """Open the selectbox `key` and pick `option`. A click that lands while the page is still
    rerendering leaves the list shut, so the list is opened again until the option shows."""
    wanted = page.get_by_role("option", name=option)
    for _ in range(5):
        page.locator(f".st-key-{key}").click()
        try:
            wanted.wait_for(timeout=5_000)
            break
        except Exception:  # playwright's TimeoutError: open it again
            page.keyboard.press("Escape")
    wanted.click()


def overview_shows(page: object, url: str, *texts: str) -> None:
    page.goto(f"{url}/?department={quote(DEPARTMENT)}&year=2020")
    for text in texts:
        see(page, text)
    no_traceback(page)
