"""Audit against arXiv: what disagrees, what is safe to fix, and fixes that touch only their fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from awesome_lora.audit import apply_fixes, audit
from awesome_lora.catalog import load_catalog
from awesome_lora.recordedit import replace_fields

TODAY = dt.date(2026, 11, 23)


@dataclass
class Entry:
    arxiv_id: str
    title: str
    authors: list[str]
    published: dt.date
    journal_ref: str | None = None
    doi: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def date(self) -> str:
        return self.published.strftime("%Y-%m")


DORA = Entry("2402.09353", "DoRA: Weight-Decomposed Low-Rank Adaptation", ["Shih-Yang Liu", "Min-Hung Chen"],
             dt.date(2024, 2, 14))  # fmt: skip


def findings_by_field(report):
    return {(f.record.paper.id, f.field): f for f in report.findings}


def test_agreeing_record_has_no_findings(project, write_record):
    write_record("dora")
    report = audit(load_catalog(project, today=TODAY), {"2402.09353": DORA})
    assert report.findings == [] and report.checked == 1


def test_case_and_accent_differences_are_safe_fixes(project, write_record):
    write_record(
        "dora", title="Dora: weight-decomposed low-rank adaptation", authors=["Shih-yang Liu", "Min-Hung Chen"],
        date="2024-03",
    )  # fmt: skip
    report = audit(load_catalog(project, today=TODAY), {"2402.09353": DORA})
    found = findings_by_field(report)
    assert found[("dora", "title")].safe and found[("dora", "title")].fix == DORA.title
    assert found[("dora", "authors")].safe and found[("dora", "authors")].fix == DORA.authors
    assert found[("dora", "date")].safe and found[("dora", "date")].fix == "2024-02"
    assert str(found[("dora", "date")].problem()).startswith("papers/dora.yaml:7: date: arXiv's first version")


def test_other_title_or_authors_are_reported_not_fixed(project, write_record):
    write_record("dora", title="Something Else", authors=["Someone Else"])
    report = audit(load_catalog(project, today=TODAY), {"2402.09353": DORA})
    found = findings_by_field(report)
    assert not found[("dora", "title")].safe
    assert not found[("dora", "authors")].safe
    assert "arXiv lists 2 authors (2 not in the record)" in found[("dora", "authors")].message


def test_author_list_copied_from_another_paper_is_flagged_and_fixable(project, write_record):
    write_record("longlora", title="LongLoRA", arxiv="2309.12307", authors=["Yukang Chen", "Jiaya Jia"])
    write_record("longqlora", title="LongQLoRA", arxiv="2311.04879", authors=["Yukang Chen", "Jiaya Jia"],
                 date="2023-11")  # fmt: skip
    entries = {
        "2309.12307": Entry("2309.12307", "LongLoRA", ["Yukang Chen", "Jiaya Jia"], dt.date(2024, 2, 1)),
        "2311.04879": Entry("2311.04879", "LongQLoRA", ["Jianxin Yang"], dt.date(2023, 11, 8)),
    }
    report = audit(load_catalog(project, today=TODAY), entries)
    found = findings_by_field(report)
    copied = found[("longqlora", "authors")]
    assert copied.safe and copied.fix == ["Jianxin Yang"]
    assert "the list is the same as papers/longlora.yaml's" in copied.message
    assert ("longlora", "authors") not in found


def test_published_preprint_and_missing_entry_are_reported(project, write_record):
    write_record("dora", venue="preprint")
    write_record("ghost", title="Ghost", arxiv="2401.99999")
    published = Entry(**{**DORA.__dict__, "journal_ref": "ICML 2024", "doi": "10.5555/1"})
    report = audit(load_catalog(project, today=TODAY), {"2402.09353": published})
    found = findings_by_field(report)
    assert "published: ICML 2024; DOI 10.5555/1" in found[("dora", "venue")].message
    assert not found[("dora", "venue")].safe
    assert found[("ghost", "arxiv")].message == "arXiv has no paper 2401.99999"
    assert [r.paper.id for r in report.missing] == ["ghost"]


def test_fix_changes_only_the_fields_concerned(project, write_record):
    path = write_record("dora", title="Dora: weight-decomposed low-rank adaptation", date="2024-03")
    text = path.read_text()
    path.write_text("# kept: a contributor's comment\n" + text.replace("venue: ICML 2024", "venue: ICML 2024  # oral"))
    catalog = load_catalog(project, today=TODAY)
    changed = apply_fixes(catalog, audit(catalog, {"2402.09353": DORA}))
    assert changed == ["papers/dora.yaml: title → 'DoRA: Weight-Decomposed Low-Rank Adaptation'",
                       "papers/dora.yaml: date → '2024-02'"]  # fmt: skip
    after = path.read_text()
    assert after.startswith("# kept: a contributor's comment\n")
    assert "venue: ICML 2024  # oral" in after
    assert "title: 'DoRA: Weight-Decomposed Low-Rank Adaptation'" in after and "date: 2024-02" in after
    assert load_catalog(project, today=TODAY).problems == []
    assert audit(load_catalog(project, today=TODAY), {"2402.09353": DORA}).findings == []


@pytest.mark.parametrize(
    ("text", "changes", "expected"),
    [
        ("a: 1\nb:\n- x\n- y\n# note\nc: 3\n", {"b": ["z"]}, "a: 1\nb:\n- z\n# note\nc: 3\n"),
        ("a: 1\nb: 2", {"b": 3, "d": 4}, "a: 1\nb: 3\nd: 4\n"),
        ("a: 1\n\nb: [x, y]\n", {"a": 2}, "a: 2\n\nb: [x, y]\n"),
    ],
)
def test_replace_fields(text, changes, expected):
    assert replace_fields(text, changes) == expected
