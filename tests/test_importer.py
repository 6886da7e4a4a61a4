"""The importer on both seed formats: cleaning, merging, mapping, review report, never overwriting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from awesome_lora.catalog import load_catalog
from awesome_lora.cli import main
from awesome_lora.importer import clean_url, parse_markdown, split_authors
from awesome_lora.text import normalize_title

from .conftest import LIST_SEED, SEED_MAP, SURVEY_SEED

ADDED = "2026-11-23"


def run_import(root: Path, source: Path, *extra: str) -> int:
    return main(["--root", str(root), "import", str(source), "--added", ADDED, *extra])


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, str]:
    """The seed list imported once into an empty project, with its review report."""
    import shutil

    from .conftest import REPO

    root = tmp_path_factory.mktemp("imported")
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    (root / "papers").mkdir()
    report = root / "review.md"
    assert run_import(root, LIST_SEED, "--map", str(SEED_MAP), "--report", str(report)) == 0
    return root, report.read_text(encoding="utf-8")


def paper_by_title(root: Path, title: str):
    catalog = load_catalog(root, today=dt.date(2026, 11, 23))
    matches = [p for p in catalog.papers if normalize_title(p.title) == normalize_title(title)]
    assert len(matches) == 1, title
    return matches[0]


def test_every_distinct_seed_paper_becomes_one_valid_record(imported):
    root, _ = imported
    catalog = load_catalog(root, today=dt.date(2026, 11, 23))
    assert catalog.problems == []
    # 166 entries: 3 are not papers about LoRA, 6 papers are listed twice.
    assert len(catalog.records) == 157
    assert all(paper.categories for paper in catalog.papers)
    assert len({normalize_title(p.title) for p in catalog.papers}) == 157


def test_shipped_papers_hold_every_seed_paper(imported):
    """papers/ came from this import: every record it produces is shipped under the same id and title."""
    from .conftest import REPO

    root, _ = imported
    shipped = load_catalog(REPO)
    shipped_titles = {r.paper.id: normalize_title(r.paper.title) for r in shipped.records}
    for record in load_catalog(root).records:
        assert shipped_titles.get(record.paper.id) == normalize_title(record.paper.title), record.paper.id


def test_cleaning_of_hand_kept_defects(imported):
    root, _ = imported
    asymmetry = paper_by_title(root, "Asymmetry in Low-Rank Adapters of Foundation Models")
    assert asymmetry.code == ["https://github.com/Jiacheng-Zhu-AIML/AsymmetryLoRA"]  # utm_source removed
    nola = paper_by_title(root, "NOLA: Networks as linear combination of low rank random basis")
    assert nola.code == ["https://github.com/UCDvision/NOLA"]  # written twice in the source
    garden = paper_by_title(
        root, "Space narrative: Generating images and 3d scenes of chinese garden from text using deep learning"
    )
    assert garden.authors == ["Jiaxi Shi", "Hao Hua"]  # "Shi1", "Hua1"
    fed = paper_by_title(
        root, "OpenFedLLM: Training Large Language Models on Decentralized Private Data via Federated Learning"
    )
    assert fed.authors[-1] == "Siheng Chen" and fed.arxiv == "2402.06954"  # full-width '｜' separator
    comic = paper_by_title(root, "Generating coherent comic with rich story using ChatGPT and Stable Diffusion")
    assert comic.authors == ["Ze Jin", "Zorina Song"]  # title written twice
    qa = paper_by_title(root, "QA-LoRA: Quantization-Aware Low-Rank Adaptation of Large Language Models")
    assert len(qa.authors) == 9  # author list written twice
    assert paper_by_title(root, "Continual Learning with Low Rank Adaptation").venue == "NeurIPS 2023 Workshop"
    assert (
        paper_by_title(
            root, "MOELoRA: An MOE-based Parameter Efficient Fine-Tuning Method for Multi-task Medical Applications"
        ).venue
        == "SIGIR 2024"
    )
    assert (
        paper_by_title(root, "Fast and Continual Knowledge Graph Embedding via Incremental LoRA").venue == "IJCAI 2024"
    )
    assert (
        paper_by_title(
            root,
            "Machine Translation with Large Language Models: Prompting, Few-shot Learning, and Fine-tuning with QLoRA",
        ).venue
        == "WMT 2023"
    )  # from the ACL Anthology id
    uni = paper_by_title(root, "Uni-MoE: Scaling Unified Multimodal LLMs with Mixture of Experts")
    assert uni.arxiv == "2405.11273" and uni.authors[0] == "Yunxin Li"  # link glued to the title
    khoi = paper_by_title(root, "LAMPAT: Low-Rank Adaption for Multilingual Paraphrasing Using Adversarial Training")
    assert khoi.authors[0] == "Khoi M. Le"
    assert (
        paper_by_title(
            root,
            "ESMBind and QBind: LoRA, QLoRA, and ESM-2 for Predicting Binding Sites and Post "
            "Translational Modification",
        ).date
        == "2023-11"
    )  # from the bioRxiv DOI


def test_one_paper_under_several_headings_is_one_record_with_several_categories(imported):
    root, report = imported
    conv = paper_by_title(root, "ConvLoRA and AdaBN based Domain Adaptation via Self-Training")
    assert conv.categories == ["vision-tasks"]
    task = paper_by_title(root, "Task Arithmetic with LoRA for Continual Learning")
    assert task.categories == ["combining-with-other-learning-paradigms", "language-tasks"]
    assert "listed 2 times" in report


def test_undecidable_things_go_to_the_review_report(tmp_path):
    """Without the mapping file's fixes, the importer flags what it cannot decide instead of guessing."""
    import shutil

    from .conftest import REPO

    shutil.copy(REPO / "taxonomy.yaml", tmp_path / "taxonomy.yaml")
    (tmp_path / "papers").mkdir()
    bare_map = tmp_path / "map.yaml"
    headings = SEED_MAP.read_text(encoding="utf-8").split("\nskip:")[0]
    bare_map.write_text(headings, encoding="utf-8")
    report = tmp_path / "review.md"
    assert run_import(tmp_path, LIST_SEED, "--map", str(bare_map), "--report", str(report)) == 1  # some invalid
    text = report.read_text(encoding="utf-8")
    assert "same author list as 'LongLoRA: Efficient fine-tuning of long-context large language models'" in text
    assert "shares arXiv 2403.13325 with 'LoRA-NCL" in text
    assert "no authors in the source" in text  # QDyLoRA
    assert "the copies disagree on the authors" in text  # AdaLoRA written twice with different lists
    assert "year '20223' is mistyped; read as 2023" in text
    assert "capitalisation looks lost" in text
    assert "more than one paper link; kept the first, dropped https://arxiv.org/pdf/2409.08543" in text
    assert "## Invalid after cleaning (not written)" in text  # e.g. QDyLoRA without authors


def test_rerun_changes_nothing(imported, capsys):
    root, _ = imported
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "papers").iterdir()}
    assert run_import(root, LIST_SEED, "--map", str(SEED_MAP), "--report", str(root / "again.md")) == 0
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "papers").iterdir()}
    assert after == before
    assert "wrote 0 record(s); 157 already in the list" in capsys.readouterr().out


def test_never_overwrites_a_file_with_the_same_id(project, write_record):
    mine = write_record("dora", title="Something else entirely", arxiv="2106.09685")
    original = mine.read_bytes()
    source = project / "list.md"
    source.write_text(
        "# L\n\n## Gradient Update Optimization\n\n- DoRA: Weight-Decomposed Low-Rank Adaptation | "
        "Shih-Yang Liu, Min-Hung Chen | [arxiv 2402](https://arxiv.org/pdf/2402.09353.pdf)\n",
        encoding="utf-8",
    )
    assert run_import(project, source) == 0
    assert mine.read_bytes() == original
    created = sorted(p.name for p in (project / "papers").iterdir())
    assert created == ["dora-liu.yaml", "dora.yaml"]


def test_survey_format_samples_are_not_records(project, capsys):
    assert run_import(project, SURVEY_SEED) == 0
    out = capsys.readouterr().out
    assert "wrote 0 record(s)" in out
    assert out.count("a format sample of the source, not a paper") == 2
    assert list((project / "papers").iterdir()) == []


def test_survey_numbered_format_is_read(project):
    source = project / "survey.md"
    source.write_text(
        "# A Survey\n\n## Contents\n\n- [Theoretical Analysis](#theoretical-analysis)\n\n"
        '## Low-Rank Adaptation\n\n### <img src="./fig/star.svg" /> Theoretical Analysis\n\n'
        "1. **The Expressive Power of Low-Rank Adaptation.** `ICLR 2024`\n\n"
        "   *Yuchen Zeng, Kangwook Lee.* [[PDF](https://arxiv.org/abs/2310.17513?utm_source=x)] "
        "[[Code](https://github.com/UW-Madison-Lee-Lab/Expressive_Power_of_LoRA)], 2023.10, "
        "![](https://img.shields.io/badge/DecoderOnly-blue) ![](https://img.shields.io/badge/LLM-red)\n\n"
        "```\n1. **[paper title].** `[]`\n```\n",
        encoding="utf-8",
    )
    assert run_import(project, source) == 0
    [record] = load_catalog(project, today=dt.date(2026, 11, 23)).records
    paper = record.paper
    assert (paper.title, paper.venue, paper.authors) == (
        "The Expressive Power of Low-Rank Adaptation",
        "ICLR 2024",
        ["Yuchen Zeng", "Kangwook Lee"],
    )
    assert (paper.arxiv, paper.pdf, paper.date) == ("2310.17513", None, "2023-10")
    assert paper.code == ["https://github.com/UW-Madison-Lee-Lab/Expressive_Power_of_LoRA"]
    assert (paper.architecture, paper.size, paper.categories) == ("DecoderOnly", "LLM", ["theoretical-analysis"])


def test_unmapped_heading_is_reported_not_guessed(project, capsys):
    source = project / "list.md"
    source.write_text(
        "# L\n\n## Something Unknown\n\n- A paper | A. Author | [arxiv 2402](https://arxiv.org/abs/2402.00001)\n",
        encoding="utf-8",
    )
    assert run_import(project, source) == 0
    assert "heading 'Something Unknown' is not mapped to a category" in capsys.readouterr().out
    assert list((project / "papers").iterdir()) == []


def test_mapping_file_errors_are_located(project, capsys):
    bad = project / "map.yaml"
    bad.write_text("headings:\n  X: [not-a-leaf]\nfixes:\n  - match: x\n", encoding="utf-8")
    assert run_import(project, LIST_SEED, "--map", str(bad)) == 1
    err = capsys.readouterr().err
    assert "map.yaml:4: fixes[0].reason: required field is missing" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://github.com/a/b?utm_source=catalyzex.com", "https://github.com/a/b"),
        ("https://github.com/a/b/tree/main", "https://github.com/a/b"),
        ("http://browse.arxiv.org/pdf/2305.10037.pdf", "http://arxiv.org/pdf/2305.10037.pdf"),
        ("https://x.org/p?id=1&utm_medium=m&fbclid=z", "https://x.org/p?id=1"),
    ],
)
def test_clean_url(url, clean):
    assert clean_url(url) == clean


def test_split_authors():
    assert split_authors("Michael Heinzinger & Burkhard Rost") == ["Michael Heinzinger", "Burkhard Rost"]
    assert split_authors("A. B, Jean Kaddour1, C and D.") == ["A. B", "Jean Kaddour", "C", "D"]


def test_heading_paths_ignore_numbering_and_bold():
    entries = list(
        parse_markdown("# T\n## 1. Top\n### a. Mid\n**(i) Low**\n- X | Y | [arxiv](https://arxiv.org/abs/2401.00001)\n")
    )
    assert entries[0].headings == ("Top", "Mid", "Low")
