"""Property-based tests: whatever a valid record says, the README stays whole and shows it literally."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from awesome_lora.catalog import Catalog
from awesome_lora.records import Record, record_text
from awesome_lora.render import render_readme
from awesome_lora.schema import Paper
from awesome_lora.taxonomy import Taxonomy

from .conftest import REPO
from .github import broken_fragment_links, outline, render

TAXONOMY = Taxonomy.load(REPO / "taxonomy.yaml")
SPECIALS = "\\`*_{}[]()<>#+-.!|~$&:;@%^=/\"' "
text = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"])),
    min_size=1,
    max_size=60,
)


@st.composite
def papers(draw) -> Paper:
    data = {
        "id": "p",
        "title": draw(text),
        "authors": draw(st.lists(text, min_size=1, max_size=3)),
        "venue": draw(st.sampled_from(["preprint", "ICLR 2024", "Findings of EMNLP 2023"])),
        "date": draw(st.sampled_from(["2024-02", "2019"])),
        "arxiv": "2402.09353",
        "code": draw(st.lists(st.sampled_from(["https://github.com/a/b", "https://x.org/a(b)?q=1&r=[2]"]))),
        "categories": draw(st.lists(st.sampled_from(TAXONOMY.leaf_ids), min_size=1, max_size=3, unique=True)),
        "added": dt.date(2026, 11, 23),
    }
    try:
        return Paper.model_validate(data, context={"taxonomy": TAXONOMY})
    except ValidationError:
        return draw(st.nothing())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(papers())
def test_any_valid_record_renders_whole_and_literally(paper):
    catalog = Catalog(REPO, TAXONOMY, [Record(paper, "papers/p.yaml", Path("papers/p.yaml"), record_text(paper))])
    readme = render_readme(catalog)
    assert broken_fragment_links(readme) == []
    html = render(readme)
    shown = " ".join("".join(outline(html).text).split())
    title = " ".join(paper.title.split())
    assert title in shown
    for author in paper.authors:
        assert " ".join(author.split()) in shown
    assert "<script" not in html.lower()  # record text never becomes markup
