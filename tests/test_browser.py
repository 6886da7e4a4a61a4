"""The built site in a real browser: Debian's chromium driven by Playwright (sync API).

The fixture site is built once and served from 127.0.0.1; every request to another host is blocked and
reported, and every console error, page error or dialog fails the test that caused it. Screenshots go to
site-screenshots/ in the test output folder (pytest-playwright's --output, by default test-results/, which
it empties when a session starts).

Without /usr/bin/chromium (or $CHROMIUM_PATH) these tests are skipped, except on CI (env var CI set), where
they fail.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from awesome_lora.catalog import load_catalog
from awesome_lora.site import SiteModel, build_site, page_url, paper_anchor

from . import site_fixtures as fx

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))  # Debian's chromium by default
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 15_000


def _require_chromium() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        reason = f"playwright is not installed ({error})"
    else:
        if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
            return
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run on CI: {reason}")
    pytest.skip(reason)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    root = fx.make_project(tmp_path_factory.mktemp("browser") / "project")
    yield from _serve(build_site(root))


LARGE_COUNT = 2_000  # more rows than papers.js draws at once; some sections split (default threshold)


@dataclass
class Large:
    url: str
    catalog: object


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Large]:
    _require_chromium()
    root = fx.make_synthetic_project(tmp_path_factory.mktemp("browser-large") / "project", LARGE_COUNT)
    catalog = load_catalog(root)
    site = build_site(root, catalog=catalog)
    for url in _serve(site):
        yield Large(url, catalog)


@pytest.fixture(scope="module")
def chromium(base_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """What went wrong while a test drove the page."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def screenshots(pytestconfig: pytest.Config) -> Path:
    try:
        output = Path(pytestconfig.getoption("--output"))
    except ValueError:  # pytest-playwright is not installed
        output = Path("test-results")
    return (output if output.is_absolute() else Path.cwd() / output) / "site-screenshots"


@dataclass
class Browser:
    page: object
    base_url: str
    watch: Watch
    screenshots: Path

    def open(self, path: str = "") -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")

    def screenshot(self, name: str) -> Path:
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"\nscreenshot: {path}")
        return path


def _browser(chromium, base_url: str, screenshots: Path, viewport: dict, scheme: str = "light") -> Iterator[Browser]:
    context = chromium.new_context(viewport=viewport, color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    # Anything the page would run from a hostile record sets this flag or opens a dialog.
    context.add_init_script("window.__pwned = false; window.alert = function () { window.__pwned = true; };")
    watch = Watch()
    host = urlsplit(base_url).netloc

    def route(route_request) -> None:
        url = route_request.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != host:
            watch.remote_requests.append(url)
            route_request.abort()
        else:
            route_request.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console",
        lambda message: message.type == "error" and watch.console_errors.append(f"{page.url}: {message.text}"),
    )
    page.on("pageerror", lambda error: watch.page_errors.append(f"{page.url}: {error}"))
    page.on("framenavigated", lambda frame: frame == page.main_frame and watch.visited.append(frame.url))

    def on_dialog(dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield Browser(page, base_url, watch, screenshots)
        assert not page.evaluate("window.__pwned"), "a record ran script"
    finally:
        context.close()
    assert watch.console_errors == [], watch.console_errors
    assert watch.page_errors == [], watch.page_errors
    assert watch.remote_requests == [], watch.remote_requests
    assert watch.dialogs == [], watch.dialogs


@pytest.fixture
def desktop(chromium, base_url: str, screenshots: Path) -> Iterator[Browser]:
    yield from _browser(chromium, base_url, screenshots, DESKTOP)


@pytest.fixture
def phone(chromium, base_url: str, screenshots: Path) -> Iterator[Browser]:
    yield from _browser(chromium, base_url, screenshots, PHONE, scheme="dark")


@pytest.fixture
def large_desktop(chromium, large: Large, screenshots: Path) -> Iterator[Browser]:
    yield from _browser(chromium, large.url, screenshots, DESKTOP)


def records_where(predicate) -> list[dict]:
    return [record for record in fx.RECORDS if predicate(record)]


def table_ready(browser: Browser) -> None:
    """Wait until the All-papers table has drawn its rows from the data file."""
    browser.page.wait_for_selector("#al-papers-table[aria-busy=false]", state="attached")


def visible_rows(browser: Browser) -> list[str]:
    table_ready(browser)
    return browser.page.eval_on_selector_all(
        "#al-papers-table tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.id)"
    )


def heading(locator) -> str:
    """A heading's text without the permalink sign."""
    return locator.inner_text().strip().removesuffix("¶").strip()


def query(browser: Browser) -> dict[str, list[str]]:
    return parse_qs(urlsplit(browser.page.url).query)


# --- tests -------------------------------------------------------------------------------------------


def test_home_page(desktop: Browser) -> None:
    desktop.open()
    page = desktop.page
    assert "Awesome LoRA" in page.title()
    assert heading(page.locator("article h1")) == "Awesome LoRA"
    assert f"{len(fx.RECORDS)} papers" in page.locator("article").inner_text()
    assert page.locator("#latest-additions + ul li").count() == len(fx.RECORDS)
    desktop.screenshot("home-desktop")


def test_category_page_through_the_navigation(desktop: Browser) -> None:
    desktop.open()
    page = desktop.page
    page.locator(".md-tabs").get_by_role("link", name="Categories").click()
    page.wait_for_url("**/categories/low-rank-adaptation/")
    page.locator(".md-nav--primary").get_by_role("link", name="Efficiency Improving").click()
    page.wait_for_url("**/categories/efficiency-improving/")
    title = page.locator(f"#{paper_anchor('ptq-based-methods', 'quantised-preprint')}")
    assert heading(title) == "Quantised Adapters Without Tears"
    assert heading(page.locator("article h1")) == "Efficiency Improving"
    desktop.screenshot("category-desktop")


def test_pages_fit_a_phone(phone: Browser) -> None:
    for path, name in (
        ("", "home-phone"),
        ("categories/cross-task-generalization/", "category-phone"),
        ("papers/", "papers-phone"),
        ("statistics/", "statistics-phone"),
    ):
        phone.open(path)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path or 'home'} scrolls sideways on a phone ({width}px)"
        phone.screenshot(name)


def _search(browser: Browser, text: str) -> None:
    page = browser.page
    page.locator("label.md-search__icon, .md-search__input").first.wait_for()
    page.locator(".md-search__input").click()
    page.keyboard.type(text, delay=20)


def test_search_finds_a_paper_by_title_and_by_author(desktop: Browser) -> None:
    desktop.open()
    page = desktop.page
    _search(desktop, "Serving a Thousand Adapters")
    result = page.locator(".md-search-result__item", has_text="Serving a Thousand Adapters").first
    result.wait_for()
    page.locator(".md-search__input").fill("")
    page.keyboard.type("Liskov", delay=20)
    section = page.locator(".md-search-result__link", has=page.locator("h2", has_text="Serving a Thousand Adapters"))
    section.first.click()
    anchor = paper_anchor("parallel-inference", "serving-many")
    page.wait_for_url(
        lambda url: (
            urlsplit(url).path.endswith("/categories/efficiency-improving/") and urlsplit(url).fragment == anchor
        )
    )
    assert heading(page.locator(f"#{anchor}")) == "Serving a Thousand Adapters"


def test_filter_by_year_updates_count_and_url_and_survives_a_reload(desktop: Browser) -> None:
    desktop.open("papers/")
    page = desktop.page
    assert len(visible_rows(desktop)) == len(fx.RECORDS)
    assert not page.locator("#al-more").is_visible()  # every row is drawn: no "Show more"
    expected = sorted(r["id"] for r in records_where(lambda r: str(r["date"]).startswith("2024")))
    page.select_option("select[name=year]", "2024")
    assert sorted(visible_rows(desktop)) == expected
    assert page.locator("#al-count").inner_text() == f"Showing {len(expected)} of {len(fx.RECORDS)} papers"
    assert query(desktop) == {"year": ["2024"]}
    page.reload()
    assert page.locator("select[name=year]").input_value() == "2024"
    assert sorted(visible_rows(desktop)) == expected
    assert page.locator("#al-count").inner_text() == f"Showing {len(expected)} of {len(fx.RECORDS)} papers"


def test_text_category_venue_and_badge_filters(desktop: Browser) -> None:
    desktop.open("papers/?text=jose%20muller")  # accents and case do not matter
    page = desktop.page
    assert visible_rows(desktop) == ["hostile-title"]
    page.fill("input[name=text]", "")
    page.select_option("select[name=category]", "downstream-adaptation-improving")
    assert visible_rows(desktop) == ["two-leaves-one-section"]
    page.select_option("select[name=category]", "")
    page.select_option("select[name=venue]", "NeurIPS")
    assert visible_rows(desktop) == ["two-leaves-one-section"]
    page.select_option("select[name=venue]", "")
    page.select_option("select[name=badge]", "LLM")
    assert sorted(visible_rows(desktop)) == sorted(r["id"] for r in records_where(lambda r: r.get("size") == "LLM"))
    assert query(desktop) == {"badge": ["LLM"]}
    page.fill("input[name=text]", "no such paper anywhere")
    assert visible_rows(desktop) == []
    assert page.locator("#al-empty").is_visible()
    page.click("#al-filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('#al-papers-table tbody tr:not([hidden])').length > 1")
    assert len(visible_rows(desktop)) == len(fx.RECORDS)
    assert query(desktop) == {}


def test_sort_by_title_is_kept_in_the_url(desktop: Browser) -> None:
    desktop.open("papers/")
    page = desktop.page
    page.click("#al-papers-table th[data-sort-key=title]")
    by_title = [r["id"] for r in sorted(fx.RECORDS, key=lambda r: r["title"].lower())]
    assert visible_rows(desktop) == by_title
    assert query(desktop) == {"sort": ["title-ascending"]}
    page.click("#al-papers-table th[data-sort-key=title]")
    assert visible_rows(desktop) == by_title[::-1]
    page.reload()
    assert visible_rows(desktop) == by_title[::-1]
    assert page.locator("th[data-sort-key=title]").get_attribute("aria-sort") == "descending"


def test_filters_work_after_instant_navigation(desktop: Browser) -> None:
    desktop.open()
    page = desktop.page
    page.locator(".md-tabs").get_by_role("link", name="All papers").click()
    page.wait_for_url("**/papers/")
    page.select_option("select[name=year]", "2021")
    assert visible_rows(desktop) == ["lora"]
    assert query(desktop) == {"year": ["2021"]}


def test_hostile_record_is_text_and_runs_nothing(desktop: Browser) -> None:
    record = next(r for r in fx.RECORDS if r["id"] == "hostile-title")
    leaf = record["categories"][0]
    desktop.open(f"categories/efficiency-improving/#{paper_anchor(leaf, record['id'])}")
    page = desktop.page
    assert heading(page.locator(f"#{paper_anchor(leaf, record['id'])}")) == record["title"]
    assert page.locator(".al-paper__authors", has_text="José").inner_text() == ", ".join(record["authors"])
    assert page.locator("article img[src=x]").count() == 0
    desktop.open("papers/")
    table_ready(desktop)
    assert page.locator("#paper-hostile-title .al-table__title").inner_text() == record["title"]
    _search(desktop, "script alert")
    found = page.locator(".md-search-result__link h2").first
    assert heading(found) == record["title"]
    assert page.evaluate("window.__pwned") is False


def test_palette_toggle_switches_to_dark(desktop: Browser) -> None:
    desktop.open()
    page = desktop.page
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
    page.locator("label.md-header__button[for^=__palette]:visible").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    desktop.screenshot("home-desktop-dark")


def test_bibtex_button_copies_the_papers_entry(desktop: Browser) -> None:
    record = next(r for r in fx.RECORDS if r.get("arxiv") and len(r["categories"]) == 1)
    leaf = record["categories"][0]
    anchor = paper_anchor(leaf, record["id"])
    desktop.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=desktop.base_url.rstrip("/"))
    desktop.open("")
    desktop.page.get_by_role("link", name="Categories").first.click()  # instant navigation, no reload
    desktop.page.goto(desktop.base_url + f"categories/{_section_of(leaf)}/#{anchor}")
    button = desktop.page.locator(f"[id='{anchor}']").locator("xpath=..").locator(".al-bibtex")
    key = button.get_attribute("data-bibtex-key")
    button.click()
    desktop.page.wait_for_function("b => b.textContent === 'Copied'", arg=button.element_handle())
    copied = desktop.page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@") and f"{{{key},\n" in copied and copied.rstrip().endswith("}")
    assert record["title"].split(":")[0] in copied
    assert "\n@" not in copied  # one entry, not the whole file


def _section_of(leaf: str) -> str:
    from awesome_lora.taxonomy import Taxonomy

    return Taxonomy.load(fx.REPO / "taxonomy.yaml")[leaf].section.id


# --- the table drawn from its data file, at a size where it matters ------------------------------------


BATCH = 50  # rows papers.js draws at once (a list of more than 250 papers)


def drawn_rows(browser: Browser) -> list[dict[str, str]]:
    table_ready(browser)
    return browser.page.eval_on_selector_all(
        "#al-papers-table tbody tr",
        "rows => rows.map(r => ({id: r.dataset.id, date: r.querySelector('time').getAttribute('datetime')}))",
    )


def test_large_list_filter_by_year_counts_the_records_and_draws_a_batch(large_desktop: Browser, large: Large) -> None:
    browser, page = large_desktop, large_desktop.page
    papers = large.catalog.papers
    browser.open("papers/")
    assert page.locator("#al-count").inner_text() == f"{len(papers):,} papers"
    assert [row["id"] for row in drawn_rows(browser)] == [p.id for p in papers[:BATCH]]  # newest first
    assert page.locator("#al-more").inner_text() == f"Show {BATCH} more ({len(papers) - BATCH:,} not shown)"
    year = max({p.year for p in papers}, key=lambda y: (sum(p.year == y for p in papers), y))
    expected = [p.id for p in papers if p.year == year]
    assert len(expected) > BATCH
    page.select_option("select[name=year]", str(year))
    assert page.locator("#al-count").inner_text() == f"Showing {len(expected):,} of {len(papers):,} papers"
    rows = drawn_rows(browser)
    assert [row["id"] for row in rows] == expected[:BATCH]
    assert all(row["date"].startswith(str(year)) for row in rows)
    assert query(browser) == {"year": [str(year)]}
    page.click("#al-more")
    assert [row["id"] for row in drawn_rows(browser)] == expected[: 2 * BATCH]
    page.reload()
    assert page.locator("select[name=year]").input_value() == str(year)
    assert [row["id"] for row in drawn_rows(browser)] == expected[:BATCH]
    assert page.locator("#al-count").inner_text() == f"Showing {len(expected):,} of {len(papers):,} papers"
    browser.screenshot("papers-large-desktop")


def test_large_list_text_filter_and_sort_by_title(large_desktop: Browser, large: Large) -> None:
    browser, page = large_desktop, large_desktop.page
    papers = large.catalog.papers
    browser.open("papers/?text=zhang&sort=title-ascending")
    expected = sorted(
        (p for p in papers if any("zhang" in author.lower() for author in p.authors)), key=lambda p: p.title.lower()
    )
    assert page.locator("#al-count").inner_text() == f"Showing {len(expected):,} of {len(papers):,} papers"
    assert [row["id"] for row in drawn_rows(browser)] == [p.id for p in expected[:BATCH]]
    assert page.locator("th[data-sort-key=title]").get_attribute("aria-sort") == "ascending"


def test_large_list_title_links_land_on_the_entry(large_desktop: Browser, large: Large) -> None:
    browser, page = large_desktop, large_desktop.page
    model = SiteModel(large.catalog)
    assert model.split_sections, "the large list splits some sections"
    view = next(v for v in model.views.values() if model.is_split(v.primary.section))
    browser.open("papers/?" + urlencode({"text": view.paper.title}))
    table_ready(browser)
    page.locator(f"#paper-{view.paper.id} .al-table__title").click()  # instant navigation to the leaf page
    page.wait_for_url(f"**/{page_url(view.primary.page)}#{view.primary.anchor}")
    assert heading(page.locator(f"[id='{view.primary.anchor}']")) == view.paper.title


def test_without_javascript_the_papers_page_points_to_the_categories(chromium, base_url: str) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "papers/")
        note = page.locator(".al-papers__noscript")
        assert note.is_visible() and "needs JavaScript" in note.inner_text()
        assert note.locator("a").count() >= 7
        assert not page.locator("#al-filters").is_visible()
        assert not page.locator("#al-papers-table").is_visible()
    finally:
        context.close()


def test_sort_by_stars_and_citations(desktop: Browser) -> None:
    desktop.open("papers/?sort=stars-descending")
    assert visible_rows(desktop)[:2] == ["lora", "two-sections"]  # 10,400 then 87 stars; unknown last
    desktop.page.get_by_role("columnheader", name="Cited by").click()
    assert visible_rows(desktop)[:2] == ["lora", "two-sections"]
    assert query(desktop)["sort"] == ["citations-descending"]
