"""MkDocs hook (``hooks:`` in mkdocs.yml): adds the pages and data files generated from the records to the build.

Glue only: everything comes from :func:`awesome_lora.site.generate_site`. The catalog is loaded once per build
(``on_config``) from the directory of mkdocs.yml; any problem in the records fails the build. Settings, all
optional, under ``extra: awesome_lora:`` in mkdocs.yml: ``split_threshold`` (see :class:`site.SiteModel`).

Two things keep large lists fast and small in memory:

- The paper entries of a category page are raw HTML (one block per leaf, between ``site.ENTRIES_START`` and
  ``site.ENTRIES_END``). Python-Markdown would parse that HTML twice (md_in_html, MkDocs' anchor scan) only to
  pass it through, so ``on_page_markdown`` sets each block aside behind a placeholder, ``on_page_content``
  tells MkDocs which anchors the blocks hold (links to papers are still checked), and the blocks go back in
  just before the page is indexed for search and written (``on_page_context``, ahead of the search plugin).
  Meanwhile (MkDocs converts every page before it writes any) they wait as UTF-8 bytes.
- A generated page's Markdown is dropped once read, and its HTML once written.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from awesome_lora import site
from awesome_lora.catalog import Catalog, load_catalog
from awesome_lora.problems import ProblemsFound

_build: dict[str, object] = {}
_set_aside: dict[str, list[bytes]] = {}  # page source path → its entry blocks, until the page is written

_BLOCK = re.compile(rf"^{re.escape(site.ENTRIES_START)}\n.*?^{re.escape(site.ENTRIES_END)}$", re.MULTILINE | re.DOTALL)
_SLOT = '<div class="al-entries-slot" data-slot="{}"></div>'
_SLOT_PATTERN = re.compile(r'<div class="al-entries-slot" data-slot="(\d+)"></div>')
_ID_BYTES = re.compile(rb' id="([^"]+)"')


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    try:
        catalog = site.preloaded_catalog(root) or load_catalog(root)
    except ProblemsFound as error:
        raise PluginError(site.problems_message(error.problems)) from None
    if catalog.problems:
        raise PluginError(site.problems_message(catalog.problems))
    _build["catalog"] = catalog
    _set_aside.clear()
    return config


def _split_threshold(config: MkDocsConfig) -> int:
    settings = (config.extra or {}).get("awesome_lora") or {}
    value = settings.get("split_threshold", site.SPLIT_THRESHOLD)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise PluginError(f"extra.awesome_lora.split_threshold must be a whole number ≥ 1, not {value!r}")
    return value


def on_files(files: Files, config: MkDocsConfig) -> Files:
    catalog = _build["catalog"]
    assert isinstance(catalog, Catalog)
    try:
        generated = site.generate_site(
            catalog,
            logo=(Path(config.docs_dir) / site.LOGO).is_file(),
            site_url=config.site_url or "",
            split_threshold=_split_threshold(config),
        )
    except jinja2.TemplateError as error:
        where = f"{getattr(error, 'filename', None) or 'templates/site'}:{getattr(error, 'lineno', None) or '?'}"
        raise PluginError(f"{where}: template error: {error}") from None
    handwritten = [file.src_uri for file in files.documentation_pages()]
    _build["generated"] = set(generated.pages)
    for contents in (generated.pages, generated.files):
        for path in list(contents):
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"{config.docs_dir}/{path} has the path of a generated file: rename or remove it")
            files.append(File.generated(config, path, content=contents.pop(path)))
    config.nav = generated.nav + sorted(handwritten)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri not in _build.get("generated", ()):
        return markdown
    page.file.content_bytes = b""  # read: MkDocs works from `markdown` now
    blocks: list[bytes] = []

    def set_aside(match: re.Match[str]) -> str:
        blocks.append(match[0].encode("utf-8"))
        return _SLOT.format(len(blocks) - 1)

    markdown = _BLOCK.sub(set_aside, markdown)
    if blocks:
        _set_aside[page.file.src_uri] = blocks
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    blocks = _set_aside.get(page.file.src_uri)
    if blocks and page.present_anchor_ids is not None:
        page.present_anchor_ids.update(
            anchor.decode("utf-8") for block in blocks for anchor in _ID_BYTES.findall(block)
        )
    return html


@event_priority(100)  # before the search plugin reads the page
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    blocks = _set_aside.pop(page.file.src_uri, None)
    if blocks and page.content is not None:
        page.content = _SLOT_PATTERN.sub(lambda match: blocks[int(match[1])].decode("utf-8"), page.content)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if page.file.src_uri in _build.get("generated", ()):
        page.content = None  # written (and indexed for search): the HTML is not needed any more
    return output
