"""Fixture project for the site tests: a copy of the site's inputs with a handful of records.

The records cover what the site must get right: a paper in two leaves of one section, a paper in two
sections, a title and authors written to break Markdown and HTML, accents, several code links, a year-only
date, and both badges.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml

REPO = Path(__file__).resolve().parent.parent
HOOK = Path("scripts/awesome_lora/mkdocs_hooks.py")
SITE_INPUTS = ("mkdocs.yml", "taxonomy.yaml", "site", "templates")

HOSTILE_TITLE = (
    "<script>alert(1)</script> *x* | y _z_ `code` [x](javascript:alert(1)) :smile: Crème brûlée & \\ {#id}"
)
HOSTILE_AUTHORS = ["<img src=x onerror=alert(2)>", "José *Bold* Müller", "A_B | C `d`", "Zoë [y](javascript:z)"]

RECORDS: list[dict] = [
    {"id": "lora", "title": "LoRA: Low-Rank Adaptation of Large Language Models",
     "authors": ["Edward J. Hu", "Yelong Shen", "Phillip Wallis", "Zeyuan Allen-Zhu", "Yuanzhi Li",
                 "Shean Wang", "Lu Wang", "Weizhu Chen"],
     "venue": "ICLR 2022", "date": "2021-06", "arxiv": "2106.09685", "code": ["https://github.com/microsoft/LoRA"],
     "categories": ["theoretical-analysis"], "architecture": "DecoderOnly", "size": "LLM", "added": dt.date(2024, 7, 1)},
    {"id": "two-leaves-one-section", "title": "Singular Values Meet Initialisation",
     "authors": ["Ada Lovelace", "Alan Turing"], "venue": "NeurIPS 2023", "date": "2023-05",
     "arxiv": "2305.00001", "categories": ["svd-based-methods", "initialization-improvement"],
     "added": dt.date(2024, 7, 2)},
    {"id": "two-sections", "title": "Experts Speaking Many Languages",
     "authors": ["Grace Hopper"], "venue": "ACL 2024", "date": "2024-02", "arxiv": "2402.00002",
     "code": ["https://github.com/example/experts", "https://gitlab.com/example/experts-mirror"],
     "categories": ["mixture-of-lora-experts", "language-tasks"], "architecture": "EncoderDecoder",
     "added": dt.date(2024, 7, 3)},
    {"id": "hostile-title", "title": HOSTILE_TITLE, "authors": HOSTILE_AUTHORS,
     "venue": "NeurIPS 2023 Workshop", "date": "2023-11", "pdf": "https://example.org/paper.pdf?a=1&b=(2)",
     "categories": ["parameter-pruning"], "size": "LLM", "added": dt.date(2024, 7, 4)},
    {"id": "quantised-preprint", "title": "Quantised Adapters Without Tears",
     "authors": ["Émilie du Châtelet"], "venue": "preprint", "date": "2024", "pdf": "https://example.org/q",
     "categories": ["ptq-based-methods"], "added": dt.date(2024, 7, 5)},
    {"id": "federated-clients", "title": "Federated Clients Disagree",
     "authors": ["Katherine Johnson", "Dorothy Vaughan"], "venue": "ICML 2024", "date": "2024-03",
     "arxiv": "2403.00003", "categories": ["data-heterogeneity"], "added": dt.date(2024, 7, 6)},
    {"id": "vision-adapters", "title": "Seeing Through Low Ranks",
     "authors": ["Hedy Lamarr"], "venue": "CVPR 2024", "date": "2023-12", "arxiv": "2312.00004",
     "pdf": "https://openaccess.example.com/vision.pdf", "categories": ["vision-tasks"],
     "architecture": "EncoderOnly", "size": "ViT", "added": dt.date(2024, 7, 7)},
    {"id": "serving-many", "title": "Serving a Thousand Adapters",
     "authors": ["Barbara Liskov"], "venue": "MLSys 2024", "date": "2022-10", "arxiv": "2210.00005",
     "categories": ["parallel-inference"], "added": dt.date(2024, 7, 8)},
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


def make_project(destination: Path, records: list[dict] = RECORDS) -> Path:
    copy_site_inputs(destination)
    write_records(destination / "papers", records)
    return destination


# --- reading the built site --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    tag: str
    attribute: str
    value: str
    rel: str = ""


class PageParser(HTMLParser):
    """Collects ids, references (href/src), inline styles and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[Ref] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for attribute in ("href", "src", "xlink:href", "action", "poster", "data"):
            if attribute in values:
                self.refs.append(Ref(tag, attribute, values[attribute], values.get("rel", "")))
        if "style" in values:
            self.styles.append(values["style"])
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles.append(data)


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
