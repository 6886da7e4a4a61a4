"""MkDocs hook (``hooks:`` in mkdocs.yml): adds the pages generated from the records to the build.

Glue only: the pages come from :func:`awesome_lora.site.site_pages`. The catalog is loaded once per build
(``on_config``) from the directory of mkdocs.yml; any problem in the records fails the build.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from awesome_lora import site
from awesome_lora.catalog import Catalog, load_catalog
from awesome_lora.problems import ProblemsFound

_build: dict[str, Catalog] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    try:
        catalog = site.preloaded_catalog(root) or load_catalog(root)
    except ProblemsFound as error:
        raise PluginError(site.problems_message(error.problems)) from None
    if catalog.problems:
        raise PluginError(site.problems_message(catalog.problems))
    _build["catalog"] = catalog
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    catalog = _build["catalog"]
    try:
        pages = site.site_pages(
            catalog, logo=(Path(config.docs_dir) / site.LOGO).is_file(), site_url=config.site_url or ""
        )
    except jinja2.TemplateError as error:
        where = f"{getattr(error, 'filename', None) or 'templates/site'}:{getattr(error, 'lineno', None) or '?'}"
        raise PluginError(f"{where}: template error: {error}") from None
    handwritten = [file.src_uri for file in files.documentation_pages()]
    for path, content in pages.items():
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"{config.docs_dir}/{path} has the path of a generated page: rename or remove it")
        files.append(File.generated(config, path, content=content))
    for path, content in site.site_downloads(catalog, config.site_url or "/").items():
        files.append(File.generated(config, path, content=content))
    config.nav = site.site_nav(catalog) + sorted(handwritten)
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Paper entries are headings (permalinks, search results that jump to the paper) but would flood
    # the table of contents: keep only the taxonomy's headings there.
    page.toc.items[:] = _without_papers(page.toc.items)
    return html


def _without_papers(items: list) -> list:
    kept = [item for item in items if not site.is_paper_anchor(item.id)]
    for item in kept:
        item.children[:] = _without_papers(item.children)
    return kept
