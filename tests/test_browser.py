"""The built book in a real browser (headless Debian Chromium driven by Playwright), offline.

Every page is loaded with all requests blocked except loopback: no console errors, no failed
requests, math typeset, figures loaded, search and dark mode working, launch buttons right.
Screenshots of the intro, a chapter and an exercise go to _build/screenshots/ for review.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from .repo import CHAPTERS, EXERCISES, ROOT

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(book):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed and could not be installed (see `make system-deps`): "
                    "browser tests SKIPPED")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page visit that records console errors, failed and blocked requests."""

    def __init__(self, browser, url: str, color_scheme: str = "light"):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.blocked: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def wait_for_math(self):
        """Wait until MathJax has typeset the page (pages without math do not load MathJax)."""
        if self.page.locator('script[src*="mathjax"]').count() == 0:
            return
        self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
        self.page.evaluate("() => MathJax.startup.promise")


def _pages():
    pages = ["intro", "setup", "instructors", "references"]
    pages += [f"chapters/{c.name}" for c in CHAPTERS] + [f"exercises/{e.name}" for e in EXERCISES]
    return pages


@pytest.mark.parametrize("page", _pages())
def test_page_loads_offline_cleanly(browser, server, page):
    v = Visit(browser, f"{server}/{page}.html")
    v.wait_for_math()
    v.page.wait_for_load_state("networkidle")
    assert v.errors == [], f"console errors on {page}: {v.errors}"
    assert v.blocked == [], f"{page} reached for the network: {v.blocked}"
    assert v.failed == [], f"failed requests on {page}: {v.failed}"
    text = v.page.inner_text("main")
    assert "$$" not in text, f"{page}: raw $$ math left untypeset"
    if page.startswith("chapters/"):
        assert v.page.locator("mjx-container").count() > 0, f"{page}: no typeset math"
        widths = v.page.eval_on_selector_all("main figure img, main .cell_output img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        assert widths and all(w > 0 for w in widths), f"{page}: a figure did not load: {widths}"
        alts = v.page.eval_on_selector_all("main figure img, main .cell_output img", "imgs => imgs.map(i => i.alt)")
        assert all(len(a) > 20 for a in alts), f"{page}: figure without alt text: {alts}"
        assert "runs in about" in text, f"{page}: no measured run-time line"
    v.page.close()


def test_search_finds_a_known_term(browser, server):
    v = Visit(browser, f"{server}/search.html?q=cross-entropy")
    v.page.wait_for_selector("#search-results li", timeout=20000)
    hits = v.page.locator("#search-results li").all_inner_texts()
    assert any("Loss functions" in h for h in hits), hits
    v.page.close()


def test_dark_mode_toggle_switches_theme(browser, server):
    v = Visit(browser, f"{server}/intro.html")
    before = v.page.get_attribute("html", "data-theme")
    button = v.page.locator(".theme-switch-button").first
    for _ in range(3):  # the toggle cycles light -> dark -> auto
        button.click()
        if v.page.get_attribute("html", "data-theme") != before:
            break
    assert {before, v.page.get_attribute("html", "data-theme")} == {"light", "dark"}
    v.page.close()


def test_launch_buttons_open_the_notebooks_in_colab_and_binder(browser, server):
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")
    org_repo = repo.split("github.com/")[1]
    for page in [f"chapters/{CHAPTERS[0].name}", f"exercises/{EXERCISES[0].name}"]:
        v = Visit(browser, f"{server}/{page}.html")
        links = v.page.eval_on_selector_all("a", "as => as.map(a => a.href)")
        assert f"https://colab.research.google.com/github/{org_repo}/blob/main/{page}.ipynb" in links, page
        assert any(l.startswith(f"https://mybinder.org/v2/gh/{org_repo}/main?") and page in l for l in links), page
        v.page.close()


def test_screenshots_for_review(browser, server):
    out = ROOT / "_build" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for name, page in [("intro", "intro"), ("chapter", f"chapters/{CHAPTERS[0].name}"), ("exercise", f"exercises/{EXERCISES[0].name}")]:
        v = Visit(browser, f"{server}/{page}.html")
        v.wait_for_math()
        v.page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        assert (out / f"{name}.png").stat().st_size > 10_000
        v.page.close()
