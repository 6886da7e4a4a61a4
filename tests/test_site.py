"""The published site: pages generated from the records, built with MkDocs in strict mode.

The fixture project is built once for the module; the real project (papers/ of the repository) is built
too when it has records.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jinja2 import TemplateSyntaxError

from awesome_lora.catalog import load_catalog
from awesome_lora.site import (
    ANCHOR_SEPARATOR,
    ROWS_FILE,
    Bar,
    SiteBuildError,
    SiteModel,
    bar_chart_svg,
    build_site,
    date_label,
    leaf_page,
    markdown_literal,
    page_url,
    paper_anchor,
    relative_link,
    section_page,
    site_nav,
    site_pages,
    venue_family,
)

from . import site_fixtures as fx

# 404.html links are root-relative to the path of site_url (mkdocs.yml has python tags: read the one line).
_SITE_URL = re.search(r"^site_url:\s*(\S+)", (fx.REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
SITE_URL_PATH = urlsplit(_SITE_URL[1]).path if _SITE_URL else "/"


@pytest.fixture(scope="module")
def site_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fx.make_project(tmp_path_factory.mktemp("site") / "project")


@pytest.fixture(scope="module")
def built(site_project: Path) -> Path:
    start = time.monotonic()
    site = build_site(site_project)
    print(f"\nfixture site ({len(fx.RECORDS)} records) built in {time.monotonic() - start:.2f} s: {site}")
    return site


@pytest.fixture(scope="module")
def pages(built: Path) -> dict[Path, fx.PageParser]:
    return fx.html_pages(built)


@pytest.fixture(scope="module")
def catalog(site_project: Path):
    return load_catalog(site_project)


def section_html(site: Path, leaf_or_section: str, catalog) -> Path:
    section = catalog.taxonomy[leaf_or_section].section
    return site / "categories" / section.id / "index.html"


def built_page(site: Path, page: str) -> Path:
    """The HTML file MkDocs writes for a generated page (``categories/x.md`` → ``categories/x/index.html``)."""
    return site / page_url(page) / "index.html"


def assert_every_entry_is_on_its_page(site: Path, pages: dict[Path, fx.PageParser], model: SiteModel) -> None:
    """Each paper under each of its leaves has its titled heading on the page the model files it on, and the
    page(s) of each leaf list exactly the leaf's papers."""
    for view in model.views.values():
        for location in view.locations:
            parsed = pages[built_page(site, location.page)]
            assert parsed.heading_text(location.anchor) == view.paper.title, location
    for leaf in model.taxonomy.leaf_ids:
        paths = [page.path for page in model.leaf_pages.get(leaf, ())] or [model.leaf_link(leaf)[0]]
        prefix = leaf + ANCHOR_SEPARATOR
        found = [
            anchor.removeprefix(prefix)
            for path in paths
            for anchor in pages[built_page(site, path)].id_list
            if anchor.startswith(prefix)
        ]
        assert sorted(found) == sorted(p.id for p in model.catalog.by_category.get(leaf, [])), leaf


# --- pure functions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [fx.HOSTILE_TITLE, *fx.HOSTILE_AUTHORS, "a*b*c", "[x](y)", ":smile:"])
def test_markdown_literal_leaves_no_active_character(text: str) -> None:
    escaped = str(markdown_literal(text))
    assert not set(re.sub(r"&#\d+;", "", escaped)) & set("<>*_`[]()|:\\{}#!~&")
    assert html.unescape(escaped) == text


def test_markdown_literal_keeps_letters_and_accents() -> None:
    assert markdown_literal("Crème brûlée 2024") == "Crème brûlée 2024"


@pytest.mark.parametrize(("page", "url"), [
    ("index.md", ""), ("papers.md", "papers/"), ("categories/x.md", "categories/x/"),
])  # fmt: skip
def test_page_url_uses_directory_urls(page: str, url: str) -> None:
    assert page_url(page) == url


@pytest.mark.parametrize(("start", "to", "anchor", "link"), [
    ("papers.md", "categories/x.md", "a--b", "../categories/x/#a--b"),
    ("index.md", "papers.md", "", "papers/"),
    ("statistics.md", "papers.md", "", "../papers/"),
    ("categories/x.md", "categories/x.md", "leaf", "./#leaf"),
])  # fmt: skip
def test_relative_link_between_built_pages(start: str, to: str, anchor: str, link: str) -> None:
    assert relative_link(start, to, anchor) == link


@pytest.mark.parametrize(("venue", "family"), [
    ("NeurIPS 2023 Workshop", "NeurIPS Workshop"), ("ICLR 2024", "ICLR"), ("preprint", "preprint"),
    ("Findings of EMNLP 2023", "Findings of EMNLP"), ("2024", "2024"),
])  # fmt: skip
def test_venue_family_drops_the_year(venue: str, family: str) -> None:
    assert venue_family(venue) == family


def test_date_label() -> None:
    assert date_label("2024-02") == "Feb 2024"
    assert date_label("2021-12") == "Dec 2021"
    assert date_label("2023") == "2023"


def test_chart_labels_are_escaped() -> None:
    svg = str(bar_chart_svg("c", "<b>t</b>", [Bar("<script>x</script>", 3, "a?b=1&c=2"), Bar("y", 1)]))
    assert svg.count("<svg") == 2 and svg.count("<a ") == 1
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt;" in svg
    assert 'href="a?b=1&amp;c=2"' in svg


def test_nav_mirrors_the_taxonomy(catalog) -> None:
    nav = site_nav(catalog)
    assert nav[0] == {"Home": "index.md"}
    sections = nav[1]["Categories"]
    assert [next(iter(item)) for item in sections] == [s.title for s in catalog.taxonomy.sections]
    assert [next(iter(item.values())) for item in sections] == [section_page(s.id) for s in catalog.taxonomy.sections]


def test_site_pages_cover_every_section_and_are_not_committed(catalog) -> None:
    pages = site_pages(catalog)
    assert set(pages) == {"index.md", "papers.md", "statistics.md", "data.md"} | {
        section_page(s.id) for s in catalog.taxonomy.sections
    }
    committed = {p.relative_to(fx.REPO / "site").as_posix() for p in (fx.REPO / "site").rglob("*.md")}
    assert not committed & set(pages), "a generated page is committed under site/"


def test_paper_anchors_cannot_collide_with_taxonomy_ids(catalog) -> None:
    assert all(ANCHOR_SEPARATOR not in placed.node.id for placed in catalog.taxonomy)
    assert ANCHOR_SEPARATOR in paper_anchor("leaf", "paper")


# --- layout: when a section is split -----------------------------------------------------------------


def test_small_sections_keep_one_page_each(catalog) -> None:
    model = SiteModel(catalog)  # the default threshold: far more than the fixture's entries
    assert model.split_sections == frozenset() and model.leaf_pages == {}
    assert model.generated_pages == [section_page(s.id) for s in catalog.taxonomy.sections]


def test_a_section_over_the_threshold_gets_a_page_per_leaf(catalog) -> None:
    model = SiteModel(catalog, split_threshold=1)
    entries = {s.id: model.entry_count(s) for s in catalog.taxonomy.sections}
    assert model.split_sections == {section for section, count in entries.items() if count > 1}
    assert "low-rank-adaptation" not in model.split_sections  # one entry: stays one page
    assert "efficiency-improving" in model.split_sections
    leaves = [placed for placed in catalog.taxonomy if placed.node.is_leaf]
    for placed in leaves:
        pages = model.leaf_pages.get(placed.node.id)
        if placed.section.id not in model.split_sections:
            assert pages is None
            continue
        papers = catalog.by_category.get(placed.node.id, [])
        assert len(pages) == max(1, len(papers))  # at most one entry per page
        assert [paper for page in pages for paper in page.papers] == papers
        assert [page.number for page in pages] == list(range(1, len(pages) + 1))
    view = model.views["hostile-title"]
    assert view.primary.page == leaf_page("efficiency-improving", "parameter-pruning")
    assert view.primary.anchor == paper_anchor("parameter-pruning", "hostile-title")
    assert model.views["lora"].primary.page == section_page("low-rank-adaptation")
    efficiency = catalog.taxonomy["efficiency-improving"].node
    assert model.section_path(efficiency) == "categories/efficiency-improving/index.md"


def test_a_leaf_over_the_threshold_gets_numbered_pages(catalog, tmp_path: Path) -> None:
    model = SiteModel(catalog, split_threshold=1)
    pages = model.leaf_pages["svd-based-methods"]  # one paper: one page
    assert [p.path for p in pages] == ["categories/downstream-adaptation-improving/svd-based-methods.md"]
    more = [dict(fx.RECORDS[1], id=f"svd-{n}", title=f"SVD paper {n}", arxiv=f"2305.1000{n}",
                 categories=["svd-based-methods"]) for n in range(5)]  # fmt: skip
    bigger = load_catalog(fx.make_project(tmp_path / "project", fx.RECORDS + more))
    assert not bigger.problems, bigger.problems
    model = SiteModel(bigger, split_threshold=2)
    pages = model.leaf_pages["svd-based-methods"]
    assert [(p.path, p.number, p.of, len(p.papers)) for p in pages] == [
        ("categories/downstream-adaptation-improving/svd-based-methods/index.md", 1, 3, 2),
        ("categories/downstream-adaptation-improving/svd-based-methods/2.md", 2, 3, 2),
        ("categories/downstream-adaptation-improving/svd-based-methods/3.md", 3, 3, 2),
    ]
    located = {model.views[p.id].location("svd-based-methods").page for p in bigger.by_category["svd-based-methods"]}
    assert located == {p.path for p in pages}


def test_the_nav_of_a_split_section_mirrors_its_tree(catalog) -> None:
    model = SiteModel(catalog, split_threshold=1)
    nav = site_nav(catalog, split_threshold=1)[1]["Categories"]
    assert [next(iter(item)) for item in nav] == [s.title for s in catalog.taxonomy.sections]
    efficiency = next(item["Efficiency Improving"] for item in nav if "Efficiency Improving" in item)
    assert efficiency[0] == "categories/efficiency-improving/index.md"  # the group's own page
    subsections = [next(iter(item)) for item in efficiency[1:]]
    node = catalog.taxonomy["efficiency-improving"].node
    assert subsections == [child.title for child in node.children]
    reduction = efficiency[1]["Parameter Reduction"]
    assert reduction[1] == {"Parameter Pruning": "categories/efficiency-improving/parameter-pruning.md"}
    listed = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, str):
                listed.append(item)
            else:
                value = next(iter(item.values()))
                walk(value) if isinstance(value, list) else listed.append(value)

    walk(nav)
    assert listed == model.generated_pages, "every category page is in the navigation, in order"
    pages = site_pages(catalog, split_threshold=1)
    assert set(model.generated_pages) <= set(pages)


def test_a_split_threshold_below_one_is_refused(catalog) -> None:
    with pytest.raises(ValueError, match="split_threshold"):
        SiteModel(catalog, split_threshold=0)


# --- the built fixture site ----------------------------------------------------------------------------


def test_strict_build_writes_every_page(built: Path, pages, catalog) -> None:
    for page in (
        "index.html",
        "papers/index.html",
        "statistics/index.html",
        "404.html",
        "search/search_index.json",
        "sitemap.xml",
    ):
        assert (built / page).is_file(), page
    for section in catalog.taxonomy.sections:
        assert (built / "categories" / section.id / "index.html").is_file()
    assert not (built / "overrides").exists(), "theme overrides must not be published"
    assert (built / ROWS_FILE).is_file()
    # The table sorts itself (papers.js): no library is shipped or loaded for it.
    assert not (built / "assets/vendor/tablesort").exists()
    assert not any("tablesort" in ref.value.lower() for parsed in pages.values() for ref in parsed.refs)


def test_every_record_is_on_the_page_of_each_of_its_categories(built: Path, pages, catalog) -> None:
    assert len(catalog.records) == len(fx.RECORDS) and not catalog.problems
    for record in fx.RECORDS:
        for leaf in record["categories"]:
            parsed = pages[section_html(built, leaf, catalog)]
            anchor = paper_anchor(leaf, record["id"])
            assert anchor in parsed.ids, f"{record['id']} missing under {leaf}"
            assert parsed.heading_text(anchor) == record["title"]
            assert leaf in parsed.ids


def test_every_record_is_in_the_all_papers_data(built: Path, pages, catalog) -> None:
    data = fx.rows_file(built)
    assert data["format"] == 1
    leaves = [leaf["id"] for leaf in data["leaves"]]
    rows = {row["id"]: row for row in data["rows"]}
    assert sorted(rows) == sorted(r["id"] for r in fx.RECORDS)
    for record in fx.RECORDS:
        row = rows[record["id"]]
        assert row["title"] == record["title"] and row["authors"] == record["authors"]
        assert row["date"] == str(record["date"]) and row["venue"] == record["venue"]
        assert (row["family"] or row["venue"]) == venue_family(record["venue"])
        assert [leaves[number] for number in row["categories"]] == record["categories"]
        assert row["badges"] == [[k, record[k]] for k in ("architecture", "size") if record.get(k)]
        assert row["arxiv"] == record.get("arxiv", "")
        urls = [link[1] if len(link) > 1 else f"https://arxiv.org/abs/{row['arxiv']}" for link in row["links"]]
        assert urls == [*([record["pdf"]] if "pdf" in record else []),
                        *([f"https://arxiv.org/abs/{record['arxiv']}"] if "arxiv" in record else []),
                        *record.get("code", [])]  # fmt: skip
    for leaf in data["leaves"]:  # the category filter matches a node and everything under it
        placed = catalog.taxonomy[leaf["id"]]
        assert leaf["ids"] == [a.id for a in placed.ancestors] + [leaf["id"]]
    parsed = pages[built / "papers" / "index.html"]
    assert parsed.text_by_id["al-count"].strip() == f"{len(fx.RECORDS)} papers"
    assert parsed.rows() == [], "rows are drawn from the data file, not written into the page"


def test_all_papers_data_is_newest_first_and_its_links_land(built: Path, pages) -> None:
    data = fx.rows_file(built)
    dates = [row["date"] for row in data["rows"]]
    assert dates == sorted(dates, reverse=True)
    links = fx.row_links(built, data)
    assert len(links) == len(data["leaves"]) + len(fx.RECORDS)
    assert fx.broken_links(built, built / "papers" / "index.html", links, pages, SITE_URL_PATH) == []


def test_all_papers_page_without_javascript_points_to_the_category_pages(built: Path, pages, catalog) -> None:
    text = (built / "papers" / "index.html").read_text(encoding="utf-8")
    fallback = text[text.index("<noscript>") : text.index("</noscript>")]
    assert "needs JavaScript" in fallback
    for section in catalog.taxonomy.sections:
        assert f'href="../categories/{section.id}/"' in fallback, section.id
    assert '<link rel="preload" href="rows.json" as="fetch"' in text  # the data starts loading with the page


def test_paper_in_two_leaves_of_one_section_has_two_distinct_anchors(built: Path, pages, catalog) -> None:
    record = next(r for r in fx.RECORDS if r["id"] == "two-leaves-one-section")
    page_files = {section_html(built, leaf, catalog) for leaf in record["categories"]}
    assert len(page_files) == 1
    parsed = pages[page_files.pop()]
    anchors = [paper_anchor(leaf, record["id"]) for leaf in record["categories"]]
    assert all(parsed.id_list.count(anchor) == 1 for anchor in anchors)


def test_paper_in_two_sections_is_on_both_pages_and_links_across(built: Path, pages, catalog) -> None:
    record = next(r for r in fx.RECORDS if r["id"] == "two-sections")
    first, second = record["categories"]
    first_page = section_html(built, first, catalog)
    assert first_page != section_html(built, second, catalog)
    hrefs = [ref.value for ref in pages[first_page].refs if ref.tag == "a"]
    assert any(h.endswith(f"#{paper_anchor(second, record['id'])}") for h in hrefs), "no 'Also in' link"


def test_no_id_is_used_twice_on_a_page(built: Path, pages) -> None:
    assert fx.duplicate_ids(built, pages) == []


def test_no_internal_link_or_anchor_is_broken(built: Path, pages) -> None:
    assert fx.broken_references(built, pages, SITE_URL_PATH) == []


def test_the_link_checker_sees_a_broken_anchor(built: Path, pages, tmp_path: Path) -> None:
    copy = tmp_path / "public"
    shutil.copytree(built, copy)
    index = copy / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "</body>", '<a href="papers/#nowhere">x</a><a href="gone/">y</a></body>'
        ),
        encoding="utf-8",
    )
    problems = fx.broken_references(copy, fx.html_pages(copy), SITE_URL_PATH)
    assert any("nowhere" in p for p in problems) and any("gone" in p for p in problems)


def test_nothing_is_loaded_from_another_host(built: Path, pages) -> None:
    assert fx.remote_loads(built, pages) == []
    outbound = {ref.value for parsed in pages.values() for ref in parsed.refs if ref.tag == "a"}
    assert "https://github.com/microsoft/LoRA" in outbound  # plain outbound links are fine


def test_the_remote_load_check_sees_remote_assets(built: Path, tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text(
        '<script src="https://cdn.example.com/x.js"></script><link rel="stylesheet" '
        'href="//fonts.example.com/f.css"><img src="https://img.shields.io/b.svg">'
        '<div style="background: url(https://e.com/i.png)"></div><a href="https://ok.org">ok</a>'
    )
    problems = fx.remote_loads(tmp_path, fx.html_pages(tmp_path))
    assert len(problems) == 4, problems


def test_hostile_text_is_shown_literally_and_never_runs(built: Path, pages, catalog) -> None:
    record = next(r for r in fx.RECORDS if r["id"] == "hostile-title")
    for parsed in pages.values():
        assert not any("alert" in script for script in parsed.scripts)
        assert not any("onerror" in attrs for _, attrs in parsed.elements)
        assert not any(ref.value.lower().startswith("javascript:") for ref in parsed.refs)
    leaf = record["categories"][0]
    parsed = pages[section_html(built, leaf, catalog)]
    assert parsed.heading_text(paper_anchor(leaf, record["id"])) == record["title"]
    text = (section_html(built, leaf, catalog)).read_text(encoding="utf-8")
    assert "José &#42;Bold&#42; Müller" in text  # literal asterisks, no <em>
    assert "<em>Bold</em>" not in text and "<code>code</code>" not in text and "<em>z</em>" not in text
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "&#60;script&#62;alert&#40;1&#41;" in home


def test_search_index_finds_papers_by_title_and_author(built: Path, catalog) -> None:
    index = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    for record in fx.RECORDS:
        for leaf in record["categories"]:
            section = catalog.taxonomy[leaf].section.id
            location = f"categories/{section}/#{paper_anchor(leaf, record['id'])}"
            entry = next((d for d in index["docs"] if d["location"] == location), None)
            assert entry is not None, location
            assert html.unescape(entry["title"]) == record["title"]
            assert "<script" not in entry["title"] and "<img" not in entry["text"]
            assert "BibTeX" not in entry["text"], "buttons and 'Also in' links stay out of the index"
            for author in record["authors"]:
                assert html.escape(author, quote=False) in entry["text"]
    table = [d for d in index["docs"] if d["location"].startswith("papers/")]
    assert all("Seeing Through Low Ranks" not in d["text"] for d in table), "the table is indexed twice"


def test_home_page_counts_latest_additions_citation_and_contributing(built: Path, pages, catalog) -> None:
    parsed = pages[built / "index.html"]
    text = (built / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{len(fx.RECORDS)} papers</strong>" in text
    assert f"<strong>{len(catalog.taxonomy.leaf_ids)} categories</strong>" in text
    latest = [
        attrs["href"]
        for tag, attrs in parsed.elements
        if tag == "a" and ANCHOR_SEPARATOR in attrs.get("href", "") and "categories/" in attrs["href"]
    ]
    newest_first = sorted(fx.RECORDS, key=lambda r: (r["added"], r["date"]), reverse=True)
    assert [urlsplit(h).fragment.split(ANCHOR_SEPARATOR)[1] for h in latest[:3]] == [r["id"] for r in newest_first[:3]]
    assert "2407.11046" in text and "A Survey on LoRA of Large Language Models" in text
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert "awesome-lora add 2106.09685" in plain and "papers/<id>.yaml" in plain
    for anchor in ("latest-additions", "how-to-cite", "how-to-contribute"):
        assert anchor in parsed.ids


def test_category_pages_have_taxonomy_headings_and_buttons(built: Path, pages, catalog) -> None:
    for section in catalog.taxonomy.sections:
        parsed = pages[built / "categories" / section.id / "index.html"]
        for placed in catalog.taxonomy:
            if placed.section.id == section.id and placed.depth > 1:
                assert placed.node.id in parsed.ids
    parsed = pages[section_html(built, "theoretical-analysis", catalog)]
    buttons = {attrs["href"] for tag, attrs in parsed.elements if tag == "a" and "md-button" in attrs.get("class", "")}
    assert {"https://arxiv.org/abs/2106.09685", "https://github.com/microsoft/LoRA"} <= buttons
    badges = [attrs for tag, attrs in parsed.elements if tag == "span" and "al-badge" in attrs.get("class", "")]
    assert len(badges) == 2


def test_toc_lists_the_taxonomy_not_the_papers(built: Path, catalog) -> None:
    text = section_html(built, "parameter-pruning", catalog).read_text(encoding="utf-8")
    toc = text[text.index('class="md-nav md-nav--secondary"') : text.index("</nav>", text.index("md-nav--secondary"))]
    assert 'href="#parameter-pruning"' in toc
    assert not re.search(rf'href="#[^"]*{ANCHOR_SEPARATOR}', toc)


def test_statistics_page_draws_escaped_svg_charts(built: Path, pages) -> None:
    text = (built / "statistics" / "index.html").read_text(encoding="utf-8")
    assert text.count('<div class="al-chart"') == 3
    parsed = pages[built / "statistics" / "index.html"]
    years = {}
    for record in fx.RECORDS:
        years[str(record["date"])[:4]] = years.get(str(record["date"])[:4], 0) + 1
    for year, count in years.items():
        assert f"{year}: {count}</title>" in text
        assert any(ref.value.endswith(f"papers/?year={year}") for ref in parsed.refs)


def test_palette_toggle_and_offline_theme(built: Path) -> None:
    text = (built / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-scheme="slate"' in text and 'data-md-color-scheme="default"' in text
    assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text


# --- split sites: a large synthetic list, and the fixture records split at a threshold of one ----------

LARGE_COUNT = 3_000
LARGE_THRESHOLD = 120  # low, so that every section is split and most leaves get several pages
PAGE_BOUND = 1_000_000  # bytes: no page of the site (HTML, the search index aside) may reach it


@dataclass
class Built:
    site: Path
    model: SiteModel
    pages: dict[Path, fx.PageParser]


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = fx.make_synthetic_project(tmp_path_factory.mktemp("large") / "project", LARGE_COUNT, LARGE_THRESHOLD)
    catalog = load_catalog(root)
    assert not catalog.problems, catalog.problems[:3]
    start = time.monotonic()
    site = build_site(root, catalog=catalog)
    print(f"\nlarge synthetic site ({LARGE_COUNT} records) built in {time.monotonic() - start:.2f} s: {site}")
    return Built(site, SiteModel(catalog, split_threshold=LARGE_THRESHOLD), fx.html_pages(site))


@pytest.fixture(scope="module")
def split_small(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = fx.make_project(tmp_path_factory.mktemp("split") / "project", split_threshold=1)
    catalog = load_catalog(root)
    site = build_site(root, catalog=catalog)
    return Built(site, SiteModel(catalog, split_threshold=1), fx.html_pages(site))


@pytest.fixture(params=["large", "split_small"])
def split(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(request.param)


def test_the_large_list_is_split_into_leaf_pages(large: Built) -> None:
    model = large.model
    assert model.split_sections == {s.id for s in model.sections}
    assert sum(len(pages) > 1 for pages in model.leaf_pages.values()) > 10, "leaves with several pages"
    for path in model.generated_pages:
        assert built_page(large.site, path) in large.pages, path


def test_split_site_lists_every_record_on_each_of_its_category_pages(split: Built) -> None:
    assert_every_entry_is_on_its_page(split.site, split.pages, split.model)


def test_split_site_has_every_record_in_its_data_file_and_every_link_lands(split: Built) -> None:
    data = fx.rows_file(split.site)
    assert [row["id"] for row in data["rows"]] == list(split.model.views)
    papers_page = split.site / "papers" / "index.html"
    assert fx.broken_links(split.site, papers_page, fx.row_links(split.site, data), split.pages) == []
    for row in data["rows"]:  # the title links to the entry under the paper's first category
        view = split.model.views[row["id"]]
        assert data["pages"][row["page"]] == relative_link("papers.md", view.primary.page)


def test_split_site_has_no_broken_link_duplicate_id_or_remote_load(split: Built) -> None:
    assert fx.broken_references(split.site, split.pages, SITE_URL_PATH) == []
    assert fx.duplicate_ids(split.site, split.pages) == []
    assert fx.remote_loads(split.site, split.pages) == []


def test_split_site_pages_stay_small(large: Built) -> None:
    sizes = {path: path.stat().st_size for path in large.site.rglob("*.html")}
    assert max(sizes.values()) < PAGE_BOUND, max(sizes.items(), key=lambda item: item[1])
    for path in fx.category_pages(large.site):
        entries = large.pages[path].id_list
        listed = [anchor for anchor in entries if ANCHOR_SEPARATOR in anchor]
        assert len(listed) <= LARGE_THRESHOLD, path
    papers_page = large.site / "papers" / "index.html"
    assert sizes[papers_page] < 200_000, "the All-papers page holds no rows"


def test_split_section_page_lists_its_leaves_with_counts_and_links(split: Built) -> None:
    model = split.model
    for section in model.sections:
        if not model.is_split(section):
            continue
        path = built_page(split.site, model.section_path(section))
        parsed = split.pages[path]
        text = path.read_text(encoding="utf-8")
        for placed in model.nodes_under(section):
            node = placed.node
            assert node.id in parsed.ids, node.id  # old links to a leaf on the section page still land
            assert f"{model.count(node.id)} paper" in parsed.text_by_id.get(node.id, "") + text
            if node.is_leaf:
                first = model.leaf_pages[node.id][0].path
                href = relative_link(model.section_path(section), first, node.id)
                assert f'href="{href}"' in text, (node.id, href)
        assert not [anchor for anchor in parsed.id_list if ANCHOR_SEPARATOR in anchor], "no entries on it"


def test_a_leaf_with_several_pages_links_them_all(large: Built) -> None:
    model = large.model
    leaf, pages = max(model.leaf_pages.items(), key=lambda item: len(item[1]))
    assert len(pages) > 1
    for page in pages:
        parsed = large.pages[built_page(large.site, page.path)]
        links = {ref.value for ref in parsed.refs if ref.tag == "a"}
        for other in pages:
            if other is not page:
                assert relative_link(page.path, other.path) in links, (page.path, other.path)
        assert leaf in parsed.ids


def test_split_site_search_index_points_at_the_leaf_pages(split_small: Built) -> None:
    index = json.loads((split_small.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {entry["location"]: entry for entry in index["docs"]}
    for view in split_small.model.views.values():
        for location in view.locations:
            entry = locations[f"{page_url(location.page)}#{location.anchor}"]
            assert html.unescape(entry["title"]) == view.paper.title


# --- failures ------------------------------------------------------------------------------------------


def test_a_bad_record_fails_the_build_with_its_problem(tmp_path: Path) -> None:
    bad = dict(fx.RECORDS[0], id="bad-record", categories=["no-such-leaf"], arxiv="2106.99999")
    root = fx.make_project(tmp_path / "project", [fx.RECORDS[0], bad])
    with pytest.raises(SiteBuildError) as caught:
        build_site(root)
    assert "papers/bad-record.yaml" in str(caught.value)
    assert "no-such-leaf" in str(caught.value)


def test_a_broken_template_fails_the_build_clearly(tmp_path: Path) -> None:
    root = fx.make_project(tmp_path / "project", fx.RECORDS[:1])
    (root / "templates/site/statistics.md.j2").write_text("{% for x in %}\n")
    with pytest.raises(SiteBuildError, match=re.escape("statistics.md.j2")):
        build_site(root)
    with pytest.raises(TemplateSyntaxError):
        site_pages(load_catalog(root))


def test_a_strict_warning_fails_the_build(tmp_path: Path) -> None:
    root = fx.make_project(tmp_path / "project", fx.RECORDS[:1])
    (root / "site" / "extra.md").write_text("# Extra\n\n[broken](nowhere.md)\n")
    with pytest.raises(SiteBuildError, match=re.escape("nowhere.md")):
        build_site(root)
    assert (build_site(root, site_dir=tmp_path / "lenient", strict=False) / "extra" / "index.html").is_file()


def test_a_hand_written_page_cannot_shadow_a_generated_one(tmp_path: Path) -> None:
    root = fx.make_project(tmp_path / "project", fx.RECORDS[:1])
    (root / "site" / "papers.md").write_text("# Mine\n")
    with pytest.raises(SiteBuildError, match=re.escape("papers.md")):
        build_site(root)


def test_a_missing_config_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SiteBuildError, match=re.escape("mkdocs.yml")):
        build_site(tmp_path)


def test_a_bad_split_threshold_in_mkdocs_yml_fails_the_build(tmp_path: Path) -> None:
    root = fx.make_project(tmp_path / "project", fx.RECORDS[:1], split_threshold="many")
    with pytest.raises(SiteBuildError, match="split_threshold"):
        build_site(root)


def test_links_to_paper_entries_are_still_checked_by_mkdocs(tmp_path: Path) -> None:
    # The entries' HTML skips Python-Markdown (the hook sets it aside); MkDocs must still know their anchors.
    root = fx.make_project(tmp_path / "project", fx.RECORDS[:2])
    good = paper_anchor("theoretical-analysis", "lora")
    (root / "site" / "extra.md").write_text(f"# Extra\n\n[LoRA](categories/low-rank-adaptation.md#{good})\n")
    assert (build_site(root, site_dir=tmp_path / "good") / "extra" / "index.html").is_file()
    bad = paper_anchor("theoretical-analysis", "nobody")
    (root / "site" / "extra.md").write_text(f"# Extra\n\n[Nobody](categories/low-rank-adaptation.md#{bad})\n")
    with pytest.raises(SiteBuildError, match=bad):
        build_site(root, site_dir=tmp_path / "bad")


# --- the real project ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not any((fx.REPO / "papers").glob("*.yaml")):
        pytest.skip("papers/ of the repository has no records yet")
    start = time.monotonic()
    site = build_site(fx.REPO, site_dir=tmp_path_factory.mktemp("real") / "public")
    print(f"\nreal site built in {time.monotonic() - start:.2f} s: {site}")
    return site


def test_real_project_builds_and_checks_out(real_site: Path) -> None:
    catalog = load_catalog(fx.REPO)
    pages = fx.html_pages(real_site)
    assert fx.broken_references(real_site, pages, SITE_URL_PATH) == []
    assert fx.duplicate_ids(real_site, pages) == []
    assert fx.remote_loads(real_site, pages) == []
    data = fx.rows_file(real_site)
    assert sorted(row["id"] for row in data["rows"]) == sorted(r.paper.id for r in catalog.records)
    links = fx.row_links(real_site, data)
    assert fx.broken_links(real_site, real_site / "papers" / "index.html", links, pages, SITE_URL_PATH) == []
    model = SiteModel(catalog)
    assert not model.split_sections, "the shipped list keeps one page per section"
    assert_every_entry_is_on_its_page(real_site, pages, model)


def test_downloads_are_the_exports_and_every_page_links_the_feed(built: Path, pages, catalog) -> None:
    from awesome_lora.exports import configured_site_url, render_atom, render_bibtex, render_csv, render_json

    assert (built / "papers.bib").read_text(encoding="utf-8") == render_bibtex(catalog)
    assert (built / "papers.json").read_text(encoding="utf-8") == render_json(catalog)
    assert (built / "papers.csv").read_text(encoding="utf-8") == render_csv(catalog)
    assert (built / "papers.schema.json").is_file()
    assert (built / "feed.xml").read_text(encoding="utf-8") == render_atom(catalog, configured_site_url(fx.REPO))
    for path, page in pages.items():
        feeds = [a for tag, a in page.elements if tag == "link" and a.get("type") == "application/atom+xml"]
        assert len(feeds) == 1, path
        href = feeds[0]["href"]
        if href.startswith("/"):  # 404.html is served at any address: its links start at the site's path
            assert href == f"{SITE_URL_PATH}feed.xml"
        else:
            assert (path.parent / href).resolve() == (built / "feed.xml").resolve(), path


def test_data_page_links_every_download_and_says_how_to_load_it(built: Path, pages) -> None:
    data = pages[built / "data" / "index.html"]
    links = {a.get("href") for tag, a in data.elements if tag == "a"}
    for name in ("papers.bib", "papers.json", "papers.schema.json", "papers.csv", "feed.xml"):
        assert f"../{name}" in links, name
    text = html.unescape(re.sub(r"<[^>]+>", "", (built / "data" / "index.html").read_text(encoding="utf-8")))
    assert "json.load(" in text and "pd.read_csv(" in text


def test_every_entry_has_a_bibtex_button_for_its_own_key(built: Path, pages, catalog) -> None:
    from awesome_lora.exports import citation_keys

    keys = citation_keys(catalog)
    bib = (built / "papers.bib").read_text(encoding="utf-8")
    found = 0
    for path, page in pages.items():
        for tag, attributes in page.elements:
            if tag == "button" and "al-bibtex" in (attributes.get("class") or ""):
                key = attributes["data-bibtex-key"]
                assert key in keys.values() and f"{{{key},\n" in bib
                assert (path.parent / attributes["data-bibtex-url"]).resolve() == (built / "papers.bib").resolve()
                found += 1
    assert found == sum(len(p.categories) for p in catalog.papers)


def test_enrichment_shows_on_entries_and_in_the_table_data(built: Path, catalog) -> None:
    lora_page = section_html(built, "theoretical-analysis", catalog).read_text(encoding="utf-8")
    assert "★ 10k" in lora_page and "cited by 12k" in lora_page
    experts = next(r for r in fx.RECORDS if r["id"] == "two-sections")
    page = section_html(built, experts["categories"][0], catalog).read_text(encoding="utf-8")
    assert "★ 87" in page and ">archived</span>" in page and "cited by 42" in page
    data = json.loads((built / "papers" / "rows.json").read_text(encoding="utf-8"))
    at = {name: index for index, name in enumerate(data["fields"])}
    by_id = {row[at["id"]]: row for row in data["rows"]}
    assert (by_id["lora"][at["stars"]], by_id["lora"][at["citations"]]) == (10400, 12345)
    assert (by_id["serving-many"][at["stars"]], by_id["serving-many"][at["citations"]]) == (None, None)
