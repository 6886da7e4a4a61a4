"""Fixture project for the site tests: a copy of the site's inputs with a handful of records.

The records cover what the site must get right: a paper in two leaves of one section, a paper in two
sections, a title and authors written to break Markdown and HTML, accents, several code links, a year-only
date, and both badges.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml

REPO = Path(__file__).resolve().parent.parent
HOOK = Path("scripts/awesome_lora/mkdocs_hooks.py")
SITE_INPUTS = ("mkdocs.yml", "taxonomy.yaml", "site", "templates")

HOSTILE_TITLE = "<script>alert(1)</script> *x* | y _z_ `code` [x](javascript:alert(1)) :smile: Crème brûlée & \\ {#id}"
HOSTILE_AUTHORS = ["<img src=x onerror=alert(2)>", "José *Bold* Müller", "A_B | C `d`", "Zoë [y](javascript:z)"]

RECORDS: list[dict] = [
    {
        "id": "lora",
        "title": "LoRA: Low-Rank Adaptation of Large Language Models",
        "authors": [
            "Edward J. Hu",
            "Yelong Shen",
            "Phillip Wallis",
            "Zeyuan Allen-Zhu",
            "Yuanzhi Li",
            "Shean Wang",
            "Lu Wang",
            "Weizhu Chen",
        ],
        "venue": "ICLR 2022",
        "date": "2021-06",
        "arxiv": "2106.09685",
        "code": ["https://github.com/microsoft/LoRA"],
        "categories": ["theoretical-analysis"],
        "architecture": "DecoderOnly",
        "size": "LLM",
        "added": dt.date(2024, 7, 1),
    },
    {
        "id": "two-leaves-one-section",
        "title": "Singular Values Meet Initialisation",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "venue": "NeurIPS 2023",
        "date": "2023-05",
        "arxiv": "2305.00001",
        "categories": ["svd-based-methods", "initialization-improvement"],
        "added": dt.date(2024, 7, 2),
    },
    {
        "id": "two-sections",
        "title": "Experts Speaking Many Languages",
        "authors": ["Grace Hopper"],
        "venue": "ACL 2024",
        "date": "2024-02",
        "arxiv": "2402.00002",
        "code": ["https://github.com/example/experts", "https://gitlab.com/example/experts-mirror"],
        "categories": ["mixture-of-lora-experts", "language-tasks"],
        "architecture": "EncoderDecoder",
        "added": dt.date(2024, 7, 3),
    },
    {
        "id": "hostile-title",
        "title": HOSTILE_TITLE,
        "authors": HOSTILE_AUTHORS,
        "venue": "NeurIPS 2023 Workshop",
        "date": "2023-11",
        "pdf": "https://example.org/paper.pdf?a=1&b=(2)",
        "categories": ["parameter-pruning"],
        "size": "LLM",
        "added": dt.date(2024, 7, 4),
    },
    {
        "id": "quantised-preprint",
        "title": "Quantised Adapters Without Tears",
        "authors": ["Émilie du Châtelet"],
        "venue": "preprint",
        "date": "2024",
        "pdf": "https://example.org/q",
        "categories": ["ptq-based-methods"],
        "added": dt.date(2024, 7, 5),
    },
    {
        "id": "federated-clients",
        "title": "Federated Clients Disagree",
        "authors": ["Katherine Johnson", "Dorothy Vaughan"],
        "venue": "ICML 2024",
        "date": "2024-03",
        "arxiv": "2403.00003",
        "categories": ["data-heterogeneity"],
        "added": dt.date(2024, 7, 6),
    },
    {
        "id": "vision-adapters",
        "title": "Seeing Through Low Ranks",
        "authors": ["Hedy Lamarr"],
        "venue": "CVPR 2024",
        "date": "2023-12",
        "arxiv": "2312.00004",
        "pdf": "https://openaccess.example.com/vision.pdf",
        "categories": ["vision-tasks"],
        "architecture": "EncoderOnly",
        "size": "ViT",
        "added": dt.date(2024, 7, 7),
    },
    {
        "id": "serving-many",
        "title": "Serving a Thousand Adapters",
        "authors": ["Barbara Liskov"],
        "venue": "MLSys 2024",
        "date": "2022-10",
        "arxiv": "2210.00005",
        "categories": ["parallel-inference"],
        "added": dt.date(2024, 7, 8),
    },
]


def write_records(papers: Path, records: list[dict] = RECORDS) -> None:
    papers.mkdir(parents=True, exist_ok=True)
    for record in records:
        text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
        (papers / f"{record['id']}.yaml").write_text(text, encoding="utf-8")


def copy_site_inputs(destination: Path, source: Path = REPO) -> Path:
    """Copy what the site is built from (not papers/) into ``destination``; return it."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in SITE_INPUTS:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, destination / name)
        else:
            shutil.copy2(path, destination / name)
    (destination / HOOK).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / HOOK, destination / HOOK)
    (destination / "papers").mkdir(exist_ok=True)
    return destination


# What `awesome-lora enrich` would have fetched for the fixture records (data/enrichment.json).
ENRICHMENT = {
    "format_version": 1,
    "papers": {
        "lora": {"citations": 12345, "s2_venue": "ICLR", "fetched": "2024-07-20"},
        "two-sections": {"citations": 42, "s2_venue": None, "fetched": "2024-07-20"},
    },
    "repositories": {
        "github.com/microsoft/LoRA": {"full_name": "microsoft/LoRA", "stars": 10400, "archived": False,
                                      "pushed_at": "2024-06-01", "etag": None, "fetched": "2024-07-20"},
        "github.com/example/experts": {"full_name": "example/experts", "stars": 87, "archived": True,
                                       "pushed_at": "2023-01-01", "etag": None, "fetched": "2024-07-20"},
    },
}  # fmt: skip


def make_project(destination: Path, records: list[dict] = RECORDS, split_threshold: int | None = None) -> Path:
    copy_site_inputs(destination)
    write_records(destination / "papers", records)
    (destination / "data").mkdir(exist_ok=True)
    (destination / "data" / "enrichment.json").write_text(json.dumps(ENRICHMENT, indent=2), encoding="utf-8")
    if split_threshold is not None:
        set_split_threshold(destination, split_threshold)
    return destination


def make_synthetic_project(destination: Path, count: int, split_threshold: int | None = None) -> Path:
    """The site's inputs with ``count`` realistic synthetic records (awesome_lora.synthetic)."""
    from awesome_lora.synthetic import write_synthetic_project

    copy_site_inputs(destination)
    write_synthetic_project(destination, count, REPO)
    if split_threshold is not None:
        set_split_threshold(destination, split_threshold)
    return destination


def set_split_threshold(root: Path, value: object) -> None:
    """Set the hook's `split_threshold` (extra: awesome_lora:) in the project's mkdocs.yml."""
    config = root / "mkdocs.yml"
    text, count = re.subn(r"^(\s+split_threshold:).*$", rf"\g<1> {value}", config.read_text(encoding="utf-8"),
                          flags=re.MULTILINE)  # fmt: skip
    assert count == 1, "mkdocs.yml has no extra.awesome_lora.split_threshold"
    config.write_text(text, encoding="utf-8")


def rows_file(site: Path) -> dict:
    """The All-papers table's data (papers/rows.json) with each row as a dict of its fields."""
    import json

    data = json.loads((site / "papers" / "rows.json").read_text(encoding="utf-8"))
    data["rows"] = [dict(zip(data["fields"], row, strict=True)) for row in data["rows"]]
    return data


def row_links(site: Path, data: dict) -> list[str]:
    """The links the table draws from the data file (as papers.js does), relative to the All-papers page."""
    links = []
    for leaf in data["leaves"]:
        links.append(leaf["href"])
    for row in data["rows"]:
        links.append(f"{data['pages'][row['page']]}#{data['leaves'][row['categories'][0]]['id']}--{row['id']}")
    return links


def category_pages(site: Path) -> list[Path]:
    return sorted(site.glob("categories/**/index.html"))


# --- reading the built site --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    tag: str
    attribute: str
    value: str
    rel: str = ""


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "path",
    "rect",
    "circle",
    "polygon",
    "line",
}


class PageParser(HTMLParser):
    """Collects ids (in order), elements with their attributes, references (href/src), inline styles,
    the text of script elements, and the text of every element that has an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.id_list: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.refs: list[Ref] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self._in: str | None = None

    @property
    def ids(self) -> set[str]:
        return set(self.id_list)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append((tag, values))
        if "id" in values:
            self.id_list.append(values["id"])
            self.text_by_id.setdefault(values["id"], "")
        if tag == "a" and "name" in values:
            self.id_list.append(values["name"])
        for attribute in ("href", "src", "xlink:href", "action", "poster", "data", "srcset"):
            if attribute in values:
                self.refs.append(Ref(tag, attribute, values[attribute], values.get("rel", "")))
        if "style" in values:
            self.styles.append(values["style"])
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script":
                self.scripts.append("")
        if tag not in VOID:
            self._open.append((tag, values.get("id")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles.append(data)
        for _, element_id in self._open:
            if element_id is not None:
                self.text_by_id[element_id] += data

    def heading_text(self, element_id: str) -> str:
        """An element's text without the permalink sign MkDocs appends to headings."""
        return self.text_by_id[element_id].removesuffix("¶").strip()

    def rows(self) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == "tr" and "data-id" in attrs]


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("", "data")) or url.startswith("//")


def resolve(site: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file and fragment a relative link of ``page`` points to (None for external or special links)."""
    if is_external(url) or url.startswith(("mailto:", "javascript:", "data:")):
        return None
    base = "/" + page.relative_to(site).as_posix()
    parts = urlsplit(urljoin(base, url))
    target = site / unquote(parts.path).lstrip("/")
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


# --- whole-site checks, shared by the fixture and the real project -----------------------------------

LOADING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "manifest",
    "mask-icon",
}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")


def html_pages(site: Path) -> dict[Path, PageParser]:
    return {path: parse_page(path) for path in sorted(site.rglob("*.html"))}


def broken_references(site: Path, pages: dict[Path, PageParser], base_path: str = "/") -> list[str]:
    """Every relative href/src (and #fragment) of every page that points to nothing in the built site.

    ``base_path`` is the path of site_url: 404.html uses root-relative links under it.
    """
    problems = []
    for page, parsed in pages.items():
        for ref in parsed.refs:
            if ref.attribute == "srcset":
                continue
            where = f"{page.relative_to(site)}: <{ref.tag} {ref.attribute}={ref.value!r}>"
            problems += broken_links(site, page, [ref.value], pages, base_path, where)
    return problems


def broken_links(
    site: Path, page: Path, urls: list[str], pages: dict[Path, PageParser], base_path: str = "/", where: str = ""
) -> list[str]:
    """The links of ``urls`` (as written on ``page``) that point to no file, or to no such id in it."""
    problems = []
    for url in urls:
        if not url or is_external(url):
            continue
        here = where or f"{page.relative_to(site)}: {url}"
        if url.startswith("/"):
            if not url.startswith(base_path):
                problems.append(f"{page.relative_to(site)}: {url} is outside the site")
                continue
            url = "/" + url[len(base_path) :]
            page_for_resolve = site / "index.html"
        else:
            page_for_resolve = page
        resolved = resolve(site, page_for_resolve, url)
        if resolved is None:
            continue
        target, fragment = resolved
        if not target.is_file():
            problems.append(f"{here}: no file {target.relative_to(site)}")
        elif fragment and target.suffix == ".html":
            target_ids = pages[target].ids if target in pages else parse_page(target).ids
            if fragment not in target_ids:
                problems.append(f"{here}: no id {fragment!r} in {target.relative_to(site)}")
    return problems


def duplicate_ids(site: Path, pages: dict[Path, PageParser]) -> list[str]:
    problems = []
    for page, parsed in pages.items():
        seen: set[str] = set()
        for element_id in parsed.id_list:
            if element_id in seen:
                problems.append(f"{page.relative_to(site)}: id {element_id!r} is used twice")
            seen.add(element_id)
    return problems


def remote_loads(site: Path, pages: dict[Path, PageParser]) -> list[str]:
    """Everything a page would load from another host (outbound <a href> links are not loads)."""
    problems = []
    for page, parsed in pages.items():
        name = page.relative_to(site)
        for ref in parsed.refs:
            if ref.tag == "a" or (ref.tag == "link" and not LOADING_RELS & set(ref.rel.lower().split())):
                continue
            urls = (
                [part.strip().split(" ")[0] for part in ref.value.split(",")]
                if ref.attribute == "srcset"
                else [ref.value]
            )
            problems += [f"{name}: <{ref.tag} {ref.attribute}={url!r}>" for url in urls if is_external(url)]
        for style in parsed.styles:
            problems += [f"{name}: style url({url})" for url in _CSS_URL.findall(style) if is_external(url)]
        if any(attrs.get("data-md-component") == "source" for _, attrs in parsed.elements):
            problems.append(f"{name}: the header's repository widget fetches from api.github.com")
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        problems += [f"{css.relative_to(site)}: url({url})" for url in _CSS_URL.findall(text) if is_external(url)]
        problems += [f"{css.relative_to(site)}: @import" for _ in re.findall(r"@import", text)]
    return problems
