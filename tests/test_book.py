"""The book builds strictly, and every page renders offline in a real browser.

The book is built once per session (fixture ``book`` in ``conftest.py``). Each page of the
built HTML is then opened from ``file://`` in headless Chromium: every request that would
leave the machine is blocked and recorded, and the test checks that math, plotly figures
and widgets were really drawn. Full-page screenshots go to ``_build/screenshots/``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# sphinx-thebe writes its configuration twice into every page (jupyter-book 1); harmless.
HARMLESS_PAGE_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared",)


def _toc_files(node) -> list[str]:
    files = []
    if isinstance(node, dict):
        for key in ("root", "file"):
            if key in node:
                files.append(node[key])
        for value in node.values():
            if isinstance(value, (dict, list)):
                files += _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            files += _toc_files(item)
    return files


PAGES = [f"{name}.html" for name in _toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))]
PAGES += ["genindex.html", "search.html"]


# --------------------------------------------------------------------------- the build

def test_book_builds_without_warnings(book):
    warnings = [line for line in book.log.splitlines()
                if re.search(r"\b(WARNING|ERROR|CRITICAL|SEVERE):", line)]
    assert not warnings, "the strict build warned:\n" + "\n".join(warnings)
    assert book.returncode == 0, book.log[-3000:]
    assert (book.html / "index.html").exists()


def test_every_toc_page_is_built(book):
    missing = [page for page in PAGES if not (book.html / page).exists()]
    assert not missing, f"pages in _toc.yml but not in _build/html: {missing}"


class _RemoteResources(HTMLParser):
    """Collect resources a page would load (not links a reader may click) from http(s)."""

    LOADING_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "manifest"}

    def __init__(self):
        super().__init__()
        self.remote: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = None
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed"):
            url = attrs.get("src")
        elif tag == "link" and self.LOADING_RELS & set((attrs.get("rel") or "").split()):
            url = attrs.get("href")
        if url and re.match(r"(https?:)?//", url):
            self.remote.append(f"<{tag}> {url}")


def _lacks_alt(alt: str | None, src: str | None) -> bool:
    """True for a missing or blank alt, and for docutils' fallback, which is the image's path."""
    alt = (alt or "").strip()
    return not alt or alt == (src or "").strip() or re.search(r"\.(png|jpe?g|svg|gif)$", alt) is not None


class _ImagesWithoutAlt(HTMLParser):
    """Collect <img> tags without a real alt text (missing, blank, or just the file name)."""

    def __init__(self):
        super().__init__()
        self.images = 0
        self.missing: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images += 1
            attrs = dict(attrs)
            if _lacks_alt(attrs.get("alt"), attrs.get("src")):
                self.missing.append(attrs.get("src") or "<no src>")


def test_every_image_has_alt_text(book):
    """Screen readers need a description of every figure (cell metadata mystnb.image.alt)."""
    missing, images = {}, 0
    for html in book.html.rglob("*.html"):
        if "_static" in html.parts or "_sources" in html.parts:
            continue
        parser = _ImagesWithoutAlt()
        parser.feed(html.read_text(encoding="utf-8"))
        images += parser.images
        if parser.missing:
            missing[str(html.relative_to(book.html))] = parser.missing
    assert images > 50, f"only {images} images in the built book: are the figures rendered?"
    assert not missing, f"<img> without alt text (set the cell's mystnb.image.alt metadata): {missing}"


def test_html_loads_no_remote_resources(book):
    found = {}
    for html in book.html.rglob("*.html"):
        if "_static" in html.parts or "_sources" in html.parts:
            continue
        parser = _RemoteResources()
        parser.feed(html.read_text(encoding="utf-8"))
        if parser.remote:
            found[str(html.relative_to(book.html))] = parser.remote
    assert not found, f"pages referencing remote scripts/styles: {found}"


# --------------------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


WAIT_MS = 30_000


@pytest.mark.parametrize("page_path", PAGES)
def test_page_renders_offline(book, browser, page_path):
    html = book.html / page_path
    assert html.exists(), f"{page_path} was not built"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    remote, page_errors, failed = [], [], []

    def block_remote(route, request):
        if request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            remote.append(request.url)
            route.abort()

    page.route("**/*", block_remote)
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    page.on("requestfailed", lambda req: req.url.startswith("file:") and failed.append(req.url))
    try:
        page.goto(html.as_uri(), wait_until="load")

        # math: MathJax typeset every math element, and no TeX source is left visible
        n_math = page.locator(".math").count()
        if n_math:
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=WAIT_MS)
            page.evaluate("() => MathJax.startup.promise")
            untypeset = page.locator(".math:not(:has(mjx-container))").count()
            assert untypeset == 0, f"{untypeset} of {n_math} math elements were not typeset"
            assert page.locator("mjx-container").count() >= n_math
        body_text = page.inner_text("body")
        assert "$$" not in body_text, "raw $$ visible in the page"

        # plotly: every figure drawn as SVG
        n_plotly = page.locator(".plotly-graph-div").count()
        if n_plotly:
            page.wait_for_function(
                "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
                arg=n_plotly, timeout=WAIT_MS)
            undrawn = page.locator(".plotly-graph-div:not(:has(.main-svg))").count()
            assert undrawn == 0, f"{undrawn} of {n_plotly} plotly figures not drawn"

        # widgets: every saved widget view rendered by the html-manager
        n_views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if n_views:
            page.wait_for_function(
                "n => document.querySelectorAll('.jupyter-widgets.widget-inline-hbox, "
                ".jupyter-widgets.widget-container, .jupyter-widgets.widget-box, "
                ".jupyter-widgets.widget-output, .jupyter-widgets.widget-html').length >= n",
                arg=n_views, timeout=WAIT_MS)
            assert "Error rendering Jupyter widget" not in page.inner_text("body")

        # images loaded
        broken = page.evaluate(
            "() => [...document.images].filter(i => i.complete && i.naturalWidth === 0)"
            ".map(i => i.src)")
        assert not broken, f"broken images: {broken}"

        # every image, as the browser sees it, has a non-empty alt text
        images = page.evaluate(
            "() => [...document.images].map(i => [i.getAttribute('alt'), i.getAttribute('src')])")
        no_alt = [src for alt, src in images if _lacks_alt(alt, src)]
        assert not no_alt, f"images without alt text (mystnb.image.alt metadata): {no_alt}"

        page.wait_for_timeout(300)  # let late scripts fire their requests
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / (page_path.replace("/", "__")[:-5] + ".png")),
                        full_page=True)
    finally:
        context.close()

    assert not remote, f"requests leaving file:// (blocked): {remote}"
    assert not failed, f"local files that failed to load: {failed}"
    errors = [e for e in page_errors if not any(h in e for h in HARMLESS_PAGE_ERRORS)]
    assert not errors, f"JavaScript errors: {errors}"
