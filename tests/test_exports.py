"""The list as BibTeX, JSON, CSV, Atom and CITATION.cff: each parses back to the records, exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import bibtexparser
import feedparser
import jsonschema
import pytest
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware

from awesome_lora.catalog import Catalog, load_catalog
from awesome_lora.exports import (
    CSV_COLUMNS,
    citation_keys,
    render_atom,
    render_bibtex,
    render_csv,
    render_json,
    render_json_schema_of_dataset,
)
from awesome_lora.schema import Paper
from awesome_lora.taxonomy import TaxonomyNode

from .conftest import REPO

TODAY = dt.date(2030, 1, 1)  # records here may be "added" after the real list's date
SITE = "https://example.org/awesome-lora/"
ATOM = "{http://www.w3.org/2005/Atom}"
CFF_SCHEMA = REPO / "tests" / "fixtures" / "exports" / "cff-1.2.0.schema.json"

TRICKY_TITLE = r"Aya & Friends: 100% {Braces} $x$ #1 under_score ~tilde ^caret back\slash, QLoRA on GPT-4 (DoRA)"
HTML_TITLE = "<script>alert(1)</script> LoRA & <b>bold</b> ]]> &amp;"
# id → fields (over conftest.minimal_record's defaults).
TRICKY: dict[str, dict[str, Any]] = {
    "aya": dict(
        title=TRICKY_TITLE,
        authors=["Ahmet Üstün", "Haitz Sáez de Ocáriz Borde", "Beyza Ermiş", "Research and Development Team"],
        venue="ICLR 2024",
        date="2023-10",
        arxiv="2310.00001",
        added=dt.date(2024, 1, 1),
    ),
    "html": dict(
        title=HTML_TITLE,
        authors=["<i>Mallory</i> O'Brien"],
        venue="preprint",
        date="2024-03",
        arxiv="2403.00002",
        added=dt.date(2024, 3, 1),
    ),
    "nature": dict(
        title="Fine-tuning protein language models",
        authors=["Robert Schmirler"],
        venue="Nature Communications 2024",
        date="2024-08",
        arxiv=None,
        pdf="https://www.nature.com/articles/s41467-024-51844-2",
        added=dt.date(2024, 1, 2),
    ),
    "biorxiv": dict(
        title="A study of {braces} in bioRxiv",
        authors=["Ana-María Núñez"],
        venue="preprint",
        date="2023",
        arxiv=None,
        pdf="https://www.biorxiv.org/content/10.1101/2023.11.04.565642v1?x={y}&z=%41",
        code=[],
        added=dt.date(2024, 1, 3),
    ),
    "formula": dict(
        title='=HYPERLINK("http://evil.example/","click")',
        authors=["@attacker", "-1+2", "'quoted", "+plus"],
        venue="Findings of EMNLP 2023",
        date="2023-05",
        arxiv="hep-th/9901001",
        added=dt.date(2024, 2, 1),
        architecture="DecoderOnly",
        size="LLM",
    ),
    "workshop": dict(venue="NeurIPS 2023 Workshop", date="2023-11", added=dt.date(2024, 1, 4)),
    "companion": dict(title="FedHLT", authors=["Yuan Fang"], venue="WWW 2024 Companion", added=dt.date(2024, 1, 5)),
    "tmlr": dict(title="The TMLR Paper", authors=["Jane Doe"], venue="TMLR 2024", added=dt.date(2024, 1, 6)),
    "maths": dict(
        title="An Arithmetic Title",
        authors=["Jane Doe"],
        venue="Mathematics 2023",
        date="2023-04",
        added=dt.date(2024, 1, 7),
    ),
}


def make_catalog(project: Path, write_record: Callable[..., Path], records: dict[str, dict[str, Any]]) -> Catalog:
    for n, (record_id, fields) in enumerate(records.items()):
        write_record(record_id, **{"arxiv": f"2401.{n:05d}", **fields})  # arXiv ids must differ
    catalog = load_catalog(project, today=TODAY)
    assert catalog.problems == []
    assert len(catalog.papers) == len(records)
    return catalog


@pytest.fixture(scope="module")
def real() -> Catalog:
    catalog = load_catalog(REPO)
    assert catalog.problems == []
    assert len(catalog.papers) > 100
    return catalog


@pytest.fixture
def tricky(project: Path, write_record: Callable[..., Path]) -> Catalog:
    return make_catalog(project, write_record, TRICKY)


@pytest.fixture(params=["real", "tricky"])
def catalog(request) -> Catalog:
    return request.getfixturevalue(request.param)


def record(paper: Paper) -> dict[str, Any]:
    """What every export must give back: the record as written, ``added`` as an ISO date."""
    return {**paper.to_record(), "added": paper.added.isoformat()}


# --------------------------------------------------------------------------------------------- BibTeX

_LATEX_UNESCAPE = re.compile(r"\\textbackslash\{\}|\\textasciitilde\{\}|\\textasciicircum\{\}|\\[&%$#_{}]|[{}]")
_UNESCAPED = {r"\textbackslash{}": "\\", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^", "{": "", "}": ""}


def unlatex(value: str) -> str:
    """The exact inverse of the export's escaping: escapes undone, protection braces removed."""
    return _LATEX_UNESCAPE.sub(lambda m: _UNESCAPED.get(m[0], m[0][1:]), value)


def split_authors(value: str) -> list[str]:
    """BibTeX's rule: names are separated by ' and ' outside braces."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]| and ", value):
        if match[0] == "{":
            depth += 1
        elif match[0] == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    return [name[1:-1] if name.startswith("{") and name.endswith("}") else name for name in names]


def parse_bibtex(text: str) -> dict[str, Any]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys)), "citation keys are not unique"
    return {entry.key: entry for entry in library.entries}


def fields(entry) -> dict[str, str]:
    return {field.key: field.value for field in entry.fields}


def test_bibtex_parses_back_to_the_records(catalog):
    text = render_bibtex(catalog)
    entries = parse_bibtex(text)
    keys = citation_keys(catalog)
    assert sorted(entries) == sorted(keys.values())
    assert list(entries) == sorted(entries), "entries are sorted by key"
    for paper in catalog.papers:
        entry = fields(entries[keys[paper.id]])
        assert unlatex(entry["title"]) == paper.title
        assert [unlatex(name) for name in split_authors(entry["author"])] == paper.authors
        venue_year = re.search(r"\b(?:19|20)\d\d\b", paper.venue)
        assert entry["year"] == (venue_year[0] if venue_year else paper.date[:4])
        assert unquote(entry["url"]) == unquote(paper.paper_url)  # braces in a link are percent-encoded
        if paper.arxiv:
            assert (entry["eprint"], entry["archivePrefix"]) == (paper.arxiv, "arXiv")
        else:
            assert "eprint" not in entry


def test_bibtex_reads_the_same_to_a_latex_aware_parser(catalog):
    """pylatexenc (bibtexparser's LaTeX decoder) sees the same titles and names; it writes '^' as U+02C6."""
    library = bibtexparser.parse_string(render_bibtex(catalog), append_middleware=[LatexDecodingMiddleware()])
    by_key = {entry.key: fields(entry) for entry in library.entries}
    for paper in catalog.papers:
        entry = by_key[citation_keys(catalog)[paper.id]]
        assert entry["title"].replace("\u02c6", "^") == paper.title
        assert all(name in entry["author"] for name in paper.authors)


def test_tricky_text_is_escaped_and_capitals_are_protected(tricky):
    text = render_bibtex(tricky)
    entry = fields(parse_bibtex(text)[citation_keys(tricky)["aya"]])
    assert entry["title"] == (
        r"Aya \& Friends: 100\% \{Braces\} \$x\$ \#1 under\_score \textasciitilde{}tilde \textasciicircum{}caret "
        r"back\textbackslash{}slash, {QLoRA} on {GPT-4} ({DoRA})"
    )
    assert "Ahmet Üstün and Haitz Sáez de Ocáriz Borde and Beyza Ermiş" in entry["author"]  # UTF-8, as is
    assert entry["author"].endswith(" and {Research and Development Team}")  # one name, not three
    # No unescaped special character is left anywhere in a text field.
    for paper_fields in map(fields, parse_bibtex(text).values()):
        for name in ("title", "author", "booktitle", "journal"):
            if name in paper_fields:
                assert not re.search(r"(?<!\\)[&%$#_~^]", paper_fields[name]), (name, paper_fields[name])


def braced_groups(value: str) -> list[str]:
    """The top-level ``{…}`` groups of a field value (escaped braces skipped)."""
    groups, depth, start = [], 0, 0
    value = re.sub(r"\\[A-Za-z]+\{\}", "", value)  # \textasciitilde{} and the like
    for match in re.finditer(r"\\[{}]|[{}]", value):
        if match[0] == "{":
            depth, start = depth + 1, (match.end() if depth == 0 else start)
        elif match[0] == "}":
            depth -= 1
            if depth == 0:
                groups.append(value[start : match.start()])
    return groups


def test_title_protection_braces_words_not_the_title(real, tricky):
    entries = {**parse_bibtex(render_bibtex(real)), **parse_bibtex(render_bibtex(tricky))}
    assert fields(entries["liu2024dora"])["title"] == "{DoRA}: Weight-Decomposed Low-Rank Adaptation"
    assert braced_groups(fields(entries["ustun2023aya"])["title"]) == ["QLoRA", "GPT-4", "DoRA"]
    for entry in entries.values():
        for group in braced_groups(fields(entry)["title"]):
            assert " " not in group, f"{group!r}: a brace group is one word"
            assert re.search(r"\d.*[^\W\d]|[^\W\d].*\d|.[A-Z]", group), f"{group!r} needs no protection"


def test_the_dora_key_and_the_key_format(real):
    keys = citation_keys(real)
    assert keys["dora"] == "liu2024dora"
    # The list's own collision: both 'Cones' papers are by Liu et al. in 2023, added the same day (then by id).
    assert (keys["cones"], keys["cones-2"]) == ("liu2023cones", "liu2023conesa")
    assert all(re.fullmatch(r"[a-z]+(?:19|20)\d\d[a-z0-9]+", key) for key in keys.values()), keys
    assert len(set(keys.values())) == len(keys)


def test_key_rule_folds_accents_and_skips_articles(project, write_record):
    catalog = make_catalog(project, write_record, {
        "aya": TRICKY["aya"],
        "the-survey": dict(title="The (Survey) of LoRA", authors=["Ana-María Núñez"], date="2024-01"),
        "chinese": dict(title="A 一 Study", authors=["王 伟"], date="2024-01"),
    })  # fmt: skip
    assert citation_keys(catalog) == {
        "aya": "ustun2023aya",  # the year of `date`, though the venue is ICLR 2024
        "the-survey": "nunez2024survey",
        "chinese": "anon2024study",
    }


def test_colliding_keys_get_suffixes_in_the_order_papers_were_added(project, write_record):
    dora = dict(title="DoRA: Weight-Decomposed Low-Rank Adaptation", authors=["Shih-Yang Liu"], date="2024-02")
    catalog = make_catalog(project, write_record, {
        "dora": {**dora, "added": dt.date(2024, 3, 1)},
        "dora-2": {**dora, "title": "DoRA 2", "added": dt.date(2024, 3, 2)},
        "aaa-dora": {**dora, "title": "DoRA again", "added": dt.date(2024, 3, 2)},  # same day: by id
        "doraa": {**dora, "title": "DoRAa, whose bare key is a suffixed one", "added": dt.date(2024, 3, 3)},
    })  # fmt: skip
    assert citation_keys(catalog) == {
        "dora": "liu2024dora",
        "aaa-dora": "liu2024doraa",
        "dora-2": "liu2024dorab",
        "doraa": "liu2024doraaa",
    }


def test_keys_never_change_when_later_papers_collide(shipped_project, write_record):
    before = citation_keys(load_catalog(shipped_project, today=TODAY))
    newest = max(p.added for p in load_catalog(shipped_project, today=TODAY).papers)
    later = newest + dt.timedelta(days=1)
    for n, record_id in enumerate(("zz-dora", "aa-dora", "00-dora")):
        path = shipped_project / "papers" / f"{record_id}.yaml"
        text = (shipped_project / "papers" / "dora.yaml").read_text(encoding="utf-8")
        text = text.replace("id: dora", f"id: {record_id}").replace(f"added: {newest}", f"added: {later}")
        text = text.replace("'2402.09353'", f"'2999.0000{n}'")
        path.write_text(text.replace("Low-Rank Adaptation'", f"Low-Rank Adaptation {n}'"), encoding="utf-8")
    catalog = load_catalog(shipped_project, today=TODAY)
    assert catalog.problems == []
    after = citation_keys(catalog)
    assert {paper_id: after[paper_id] for paper_id in before} == before
    assert after["dora"] == "liu2024dora"
    assert [after[i] for i in ("00-dora", "aa-dora", "zz-dora")] == ["liu2024doraa", "liu2024dorab", "liu2024dorac"]


ENTRY_TYPES = {  # venue → entry type, the field naming where it appeared, and its value
    "ICLR 2024": ("inproceedings", "booktitle", "ICLR 2024"),
    "NeurIPS 2023 Workshop": ("inproceedings", "booktitle", "NeurIPS 2023 Workshop"),
    "Findings of EMNLP 2023": ("inproceedings", "booktitle", "Findings of EMNLP 2023"),
    "WWW 2024 Companion": ("inproceedings", "booktitle", "WWW 2024 Companion"),
    "IJCAI 2023 Workshop": ("inproceedings", "booktitle", "IJCAI 2023 Workshop"),
    "Proceedings of the Foo Conference 2023": ("inproceedings", "booktitle", "Proceedings of the Foo Conference 2023"),
    "ACM MM 2024": ("inproceedings", "booktitle", "ACM MM 2024"),
    "TMLR 2024": ("article", "journal", "TMLR"),
    "TACL 2023": ("article", "journal", "TACL"),
    "Mathematics 2023": ("article", "journal", "Mathematics"),
    "Nature Communications 2024": ("article", "journal", "Nature Communications"),
    "APL Machine Learning 2024": ("article", "journal", "APL Machine Learning"),
    "IEEE Transactions on Neural Networks and Learning Systems 2024": (
        "article", "journal", "IEEE Transactions on Neural Networks and Learning Systems",
    ),
    "preprint": ("misc", None, None),
}  # fmt: skip


def test_entry_types_follow_the_venue(project, write_record):
    records = {f"paper-{n}": dict(venue=venue, title=f"Paper {n}") for n, venue in enumerate(ENTRY_TYPES)}
    catalog = make_catalog(project, write_record, records)
    entries = parse_bibtex(render_bibtex(catalog))
    keys = citation_keys(catalog)
    for record_id, fields_ in records.items():
        entry = entries[keys[record_id]]
        entry_type, container, value = ENTRY_TYPES[fields_["venue"]]
        assert entry.entry_type == entry_type, fields_["venue"]
        present = {"booktitle", "journal"} & set(fields(entry))
        assert present == ({container} if container else set()), fields_["venue"]
        if container:
            assert fields(entry)[container] == value


def test_real_venues_are_typed(real):
    types = {p.venue: parse_bibtex(render_bibtex(real))[citation_keys(real)[p.id]].entry_type for p in real.papers}
    assert types["ICML 2024"] == types["WWW 2024 Companion"] == types["Findings of EMNLP 2023"] == "inproceedings"
    assert types["Mathematics 2023"] == types["Nature Communications 2024"] == "article"
    assert types["preprint"] == "misc"


def test_preprint_fields_month_eprint_and_primary_class(tricky):
    text = render_bibtex(tricky, primary_classes={"2403.00002": "cs.CL", "2999.99999": "cs.LG"})
    entries = {key: fields(entry) for key, entry in parse_bibtex(text).items()}
    keys = citation_keys(tricky)
    html, aya, biorxiv, nature = (entries[keys[i]] for i in ("html", "aya", "biorxiv", "nature"))
    assert (html["month"], html["primaryClass"], html["archivePrefix"]) == ("mar", "cs.CL", "arXiv")
    assert re.search(r"^  month\s+= mar,$", text, re.MULTILINE), "month is a bare macro"
    assert "primaryClass" not in aya and "month" not in aya  # not given; the paper's date is not its publication
    assert (aya["year"], aya["eprint"], aya["booktitle"]) == ("2024", "2310.00001", "ICLR 2024")
    assert "month" not in biorxiv  # `date` is a year only
    assert biorxiv["howpublished"] == r"\url{" + biorxiv["url"] + "}"
    assert biorxiv["url"] == "https://www.biorxiv.org/content/10.1101/2023.11.04.565642v1?x=%7By%7D&z=%41"
    assert "howpublished" not in nature and nature["url"] == "https://www.nature.com/articles/s41467-024-51844-2"
    assert "primaryClass" not in render_bibtex(tricky)


# ----------------------------------------------------------------------------------------------- JSON


def test_json_dataset_round_trips(catalog):
    text = render_json(catalog)
    assert text.endswith("}\n") and "\n  " in text
    data = json.loads(text)
    assert (data["format_version"], isinstance(data["generated_from"], str)) == (1, True)
    expected = [record(p) for p in sorted(catalog.papers, key=lambda p: p.id)]
    assert data["papers"] == expected
    for item, paper in zip(data["papers"], sorted(catalog.papers, key=lambda p: p.id), strict=True):
        assert Paper.model_validate({**item, "added": dt.date.fromisoformat(item["added"])}) == paper
    sections = [TaxonomyNode.model_validate(node) for node in data["taxonomy"]]
    assert sections == catalog.taxonomy.sections
    assert set(data["taxonomy"][0]) == {"id", "title", "description", "extension", "children"}


def test_json_keeps_text_as_utf8(tricky):
    text = render_json(tricky)
    assert "Ahmet Üstün" in text and "\\u00dc" not in text


def test_json_dataset_validates_against_its_schema(catalog):
    schema = json.loads(render_json_schema_of_dataset())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    data = json.loads(render_json(catalog))
    assert list(validator.iter_errors(data)) == []
    broken = json.loads(render_json(catalog))
    del broken["papers"][0]["title"]
    broken["papers"][-1]["extra"] = 1
    broken["papers"][-1]["added"] = "yesterday"
    broken["taxonomy"][0]["children"][0]["id"] = "Not An Id"
    assert len(list(validator.iter_errors(broken))) == 4


# ------------------------------------------------------------------------------------------------ CSV

_LISTS = ("authors", "code", "categories")


def read_csv(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    for row in rows[1:]:
        assert len(row) == len(CSV_COLUMNS)
        for cell in row:  # nothing a spreadsheet would run
            assert not cell.startswith(("=", "+", "-", "@")), cell
    return [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]


def csv_to_record(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row back to a record: one leading apostrophe (the formula guard) dropped, lists split."""
    values = {k: v[1:] if v.startswith("'") else v for k, v in row.items()}
    assert values.pop("year") == values["date"][:4]
    back: dict[str, Any] = {}
    for key in CSV_COLUMNS:
        if key == "year":
            continue
        value = values[key]
        if key in _LISTS:
            if value:
                back[key] = value.split("; ")
        elif value:
            back[key] = value
    return back


def test_csv_round_trips(catalog):
    text = render_csv(catalog)
    assert "\r" not in text and text.endswith("\n")
    rows = read_csv(text)
    assert [csv_to_record(row) for row in rows] == [record(p) for p in sorted(catalog.papers, key=lambda p: p.id)]


def test_csv_guards_against_formulas(tricky):
    row = next(r for r in csv.DictReader(io.StringIO(render_csv(tricky), newline="")) if r["id"] == "formula")
    assert row["title"] == "'" + TRICKY["formula"]["title"]
    assert row["authors"] == "'@attacker; -1+2; 'quoted; +plus"
    assert row["architecture"] == "DecoderOnly" and row["venue"] == "Findings of EMNLP 2023"


# ----------------------------------------------------------------------------------------------- Atom


def test_feed_is_atom_with_the_newest_entries_in_order(tricky):
    text = render_atom(tricky, SITE, limit=3)
    feed = feedparser.parse(text)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [entry.id for entry in feed.entries] == [f"{SITE}all/#{i}" for i in ("html", "formula", "maths")]
    assert [entry.title for entry in feed.entries] == [HTML_TITLE, TRICKY["formula"]["title"], "An Arithmetic Title"]
    assert feed.feed.updated == "2024-03-01T00:00:00Z"  # the newest `added`, not the clock
    assert feed.entries[0].updated == "2024-03-01T00:00:00Z"
    assert feed.entries[0].link == "https://arxiv.org/abs/2403.00002"
    assert {link.rel: link.href for link in feed.feed.links} == {"self": f"{SITE}feed.xml", "alternate": SITE}
    assert "O'Brien" in feed.entries[0].summary and "Venue: preprint" in feed.entries[0].summary


def test_feed_has_what_atom_requires(tricky):
    root = ET.fromstring(render_atom(tricky, SITE.rstrip("/")))
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author/{A}name".replace("{A}", ATOM)):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(TRICKY)
    for entry in entries:
        for tag in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated") or "")
    assert root.findtext(f"{ATOM}id") == f"{SITE}feed.xml"


def test_feed_escapes_markup_in_titles(tricky):
    text = render_atom(tricky, SITE)
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; LoRA &amp; &lt;b&gt;bold&lt;/b&gt; ]]&gt; &amp;amp;" in text
    titles = [e.findtext(f"{ATOM}title") for e in ET.fromstring(text).iter(f"{ATOM}entry")]
    assert HTML_TITLE in titles


def test_feed_of_the_real_list(real):
    feed = feedparser.parse(render_atom(real, SITE))
    assert not feed.bozo and len(feed.entries) == min(50, len(real.papers))
    newest = sorted(real.papers, key=lambda p: (p.added, p.date, p.id), reverse=True)[:50]
    assert [e.id for e in feed.entries] == [f"{SITE}all/#{p.id}" for p in newest]


# -------------------------------------------------------------------------------------- determinism


def test_every_export_is_deterministic_and_independent_of_record_order(catalog):
    shuffled = Catalog(catalog.root, catalog.taxonomy, list(reversed(catalog.records)))
    for render in (render_bibtex, render_json, render_csv, lambda c: render_atom(c, SITE)):
        first = render(catalog)
        assert first == render(catalog) == render(shuffled)
    assert render_json_schema_of_dataset() == render_json_schema_of_dataset()


# -------------------------------------------------------------------------------------- CITATION.cff


def readme_citation() -> dict[str, str]:
    """The BibTeX entry in the README template's Citations section."""
    template = (REPO / "templates" / "README.md.j2").read_text(encoding="utf-8")
    section = template.split("## Citations", 1)[1]
    block = re.search(r"```bibtex\n(.*?)```", section, re.DOTALL)
    assert block, "no ```bibtex block under '## Citations'"
    entries = bibtexparser.parse_string(block[1]).entries
    assert len(entries) == 1
    return {"key": entries[0].key, "type": entries[0].entry_type, **fields(entries[0])}


def test_citation_cff_is_valid_cff_1_2_0():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(cff)] == []
    assert cff["cff-version"] == "1.2.0"
    assert list(validator.iter_errors({**cff, "preferred-citation": {"title": "no authors, no type"}}))


def test_citation_cff_agrees_with_the_readme():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    cited = cff["preferred-citation"]
    readme = readme_citation()
    assert (readme["type"], cited["type"]) == ("article", "article")
    assert cited["title"] == readme["title"] == "A Survey on LoRA of Large Language Models"
    assert str(cited["year"]) == readme["year"] == "2024"
    assert cited["journal"] == readme["journal"] == "arXiv preprint arXiv:2407.11046"
    arxiv = re.search(r"\d{4}\.\d{4,5}", readme["journal"])[0]
    assert cited["url"] == f"https://arxiv.org/abs/{arxiv}"
    assert cited["doi"] == f"10.48550/arXiv.{arxiv}"
    assert {"type": "other", "value": f"arXiv:{arxiv}"}.items() <= cited["identifiers"][0].items()
    readme_authors = [tuple(name.split(", ")) for name in readme["author"].split(" and ")]
    assert [(a["family-names"], a["given-names"]) for a in cited["authors"]] == readme_authors
    assert readme_authors[0] == ("Mao", "Yuren") and len(readme_authors) == 7
