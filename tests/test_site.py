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
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jinja2 import TemplateSyntaxError

from awesome_lora.catalog import load_catalog
from awesome_lora.site import (
    ANCHOR_SEPARATOR,
    Bar,
    SiteBuildError,
    bar_chart_svg,
    build_site,
    date_label,
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


# --- the built fixture site ----------------------------------------------------------------------------


def test_strict_build_writes_every_page(built: Path, catalog) -> None:
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
    assert (built / "assets/vendor/tablesort/tablesort.min.js").is_file()
    assert (built / "assets/vendor/tablesort/LICENSE").is_file()


def test_every_record_is_on_the_page_of_each_of_its_categories(built: Path, pages, catalog) -> None:
    assert len(catalog.records) == len(fx.RECORDS) and not catalog.problems
    for record in fx.RECORDS:
        for leaf in record["categories"]:
            parsed = pages[section_html(built, leaf, catalog)]
            anchor = paper_anchor(leaf, record["id"])
            assert anchor in parsed.ids, f"{record['id']} missing under {leaf}"
            assert parsed.heading_text(anchor) == record["title"]
            assert leaf in parsed.ids


def test_every_record_is_in_the_all_papers_table(built: Path, pages) -> None:
    parsed = pages[built / "papers" / "index.html"]
    rows = {row["data-id"]: row for row in parsed.rows()}
    assert sorted(rows) == sorted(r["id"] for r in fx.RECORDS)
    for record in fx.RECORDS:
        row = rows[record["id"]]
        assert row["data-year"] == str(record["date"])[:4]
        assert record["title"].casefold() in row["data-text"]
        for author in record["authors"]:
            assert author.casefold() in row["data-text"]
        for leaf in record["categories"]:
            assert f"|{leaf}|" in row["data-categories"]
        for badge in (record.get("architecture"), record.get("size")):
            if badge:
                assert f"|{badge}|" in row["data-badges"]
    assert parsed.text_by_id["al-count"].strip() == f"{len(fx.RECORDS)} papers"


def test_table_rows_are_newest_first(built: Path, pages) -> None:
    rows = pages[built / "papers" / "index.html"].rows()
    dates = [next(r["date"] for r in fx.RECORDS if r["id"] == row["data-id"]) for row in rows]
    assert dates == sorted(dates, reverse=True)


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
    rows = pages[real_site / "papers" / "index.html"].rows()
    assert sorted(row["data-id"] for row in rows) == sorted(r.paper.id for r in catalog.records)
    for record in catalog.records:
        for leaf in record.paper.categories:
            section = catalog.taxonomy[leaf].section.id
            parsed = pages[real_site / "categories" / section / "index.html"]
            assert parsed.heading_text(paper_anchor(leaf, record.paper.id)) == record.paper.title


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
