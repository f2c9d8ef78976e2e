"""The reports as a reader opens them: headless Chromium (Debian's ``chromium``, installed by .ci/run),
with the network cut off, loads the index, a partner's scorecard and the quarterly review and its
slides; nothing fails to load, no console error, the charts are drawn; screenshots are kept."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def reports(rendered) -> Path:
    out, result = rendered
    assert result.ok, result.summary()
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield launched
        launched.close()


def open_offline(browser, path: Path, screenshot: Path, full_page: bool = True):
    """Open ``path`` with every request but local files refused; returns the page, console errors and
    the requests that failed or were refused."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    page = context.new_page()
    errors, failed = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else (failed.append(route.request.url), route.abort()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.screenshot(path=str(screenshot), full_page=full_page)
    return page, errors, failed


def drawn_images(page) -> int:
    """Images that decoded to a real picture."""
    return page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth > 50).length")


def test_index_scorecard_and_review_open_offline_with_charts(reports, browser, tmp_path):
    index, errors, failed = open_offline(browser, reports / "index.html", tmp_path / "index.png")
    assert errors == [] and failed == []
    links = index.eval_on_selector_all("a[href$='.html']", "els => els.map(e => e.getAttribute('href'))")
    assert any("70_partner_scorecard" in link for link in links) and any(link.endswith(".slides.html") for link in links)
    for link in links:
        assert (reports / link).exists(), f"the index links {link}, which is not there"

    scorecard = next(reports.glob("*/70_partner_scorecard/*.html"))
    page, errors, failed = open_offline(browser, scorecard, tmp_path / "scorecard.png")
    assert errors == [] and failed == [] and drawn_images(page) >= 4
    assert "prepared for you" in page.inner_text("header").lower()

    review = next(reports.glob("*/80_quarterly_business_review/program.html"))
    page, errors, failed = open_offline(browser, review, tmp_path / "review.png")
    assert errors == [] and failed == [] and drawn_images(page) >= 4
    assert page.locator(".pa-headline").count() >= 1 and page.locator("code, pre.highlight").count() == 0


def test_the_review_deck_presents_offline(reports, browser, tmp_path):
    deck = next(reports.glob("*/80_quarterly_business_review/program.slides.html"))
    page, errors, failed = open_offline(browser, deck, tmp_path / "slide-1.png", full_page=False)
    assert errors == [] and failed == []
    assert page.evaluate("typeof Reveal !== 'undefined' && Reveal.isReady()")
    total = page.evaluate("Reveal.getTotalSlides()")
    assert total >= 8
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(200)
    assert page.evaluate("Reveal.getIndices().h") == 1
    page.screenshot(path=str(tmp_path / "slide-2.png"))
