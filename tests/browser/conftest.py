"""Browser tests: the app served on a local port, driven by Playwright in Debian's Chromium."""
from pathlib import Path

import pytest

from ideas.extensions import db
from tests.conftest import need
from tests.support.server import serving

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    need(None if CHROMIUM.exists() else f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test's app served on 127.0.0.1; yields its base URL."""
    with serving(app) as url:
        yield url
    db.session.remove()


# Every CSP violation the page meets, reported by the browser's own event (the console does not
# always say: a refused inline style attribute set by script can pass without a console line).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Page:
    """A browser tab that records console errors, failed requests and CSP violations."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url, self.problems = page, base_url, []
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", lambda m: self.problems.append(m.text) if m.type in {"error", "warning"} else None)
        page.on("pageerror", lambda e: self.problems.append(str(e)))

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        # Hiding the caret leaves style="" on inputs; htmx must not copy it onto swapped elements.
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        """No CSP violation, script error or failed request (a refused form's 422 is expected)."""
        problems = [p for p in self.problems if "status of 422" not in p]
        assert not [p for p in problems if "Content Security Policy" in p], problems
        assert not problems, problems


@pytest.fixture
def new_page(chromium, live_server):
    """Factory: a fresh browser context (own cookies) at a given viewport."""
    contexts, pages = [], []

    def factory(width: int = 1280, height: int = 800) -> Page:
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        pages.append(Page(context.new_page(), live_server))
        return pages[-1]

    yield factory
    for context in contexts:
        context.close()
    # Whatever the test checked, a CSP violation on any of its pages fails it.
    assert not [p for page in pages for p in page.problems if "Content Security Policy" in p]
