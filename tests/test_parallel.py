"""Large lists are read and rendered on all cores: the same results, in the same order, as one process."""

from __future__ import annotations

import gc
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from awesome_lora import catalog as catalog_module
from awesome_lora import parallel
from awesome_lora.build import load_for_build
from awesome_lora.catalog import load_catalog
from awesome_lora.parallel import parallel_map, workers_available
from awesome_lora.render import EntryRenderer, render_markdown_files
from awesome_lora.repourl import repo_key
from awesome_lora.synthetic import write_synthetic_project

from .conftest import REPO

CORPUS = REPO / "tests" / "fixtures" / "bad_records"
needs_two_cores = pytest.mark.skipif(workers_available() < 2, reason="one core (or no fork): nothing runs in parallel")


@needs_two_cores
def test_work_runs_in_worker_processes_and_keeps_the_order():
    offset = 7  # a closure: the workers inherit it by forking, it is never pickled
    results = parallel_map(lambda number: (number + offset, os.getpid()), range(3_000), minimum=10)
    assert [value for value, _ in results] == [number + offset for number in range(3_000)]
    assert os.getpid() not in {pid for _, pid in results}


def test_a_short_list_stays_in_this_process():
    pids = parallel_map(lambda _: os.getpid(), range(50))
    assert set(pids) == {os.getpid()}


@pytest.fixture(scope="module")
def mixed_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 valid synthetic records with the whole bad-record corpus among them."""
    root = write_synthetic_project(tmp_path_factory.mktemp("mixed"), 1_200, REPO)
    for path in CORPUS.iterdir():
        shutil.copy(path, root / "papers" / path.name)
    return root


def _load_and_render(root: Path, minimum: int, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", minimum)
    catalog = load_catalog(root)
    files = render_markdown_files(catalog)
    return catalog, files


@needs_two_cores
def test_reading_and_rendering_in_parallel_gives_what_one_process_gives(mixed_list, monkeypatch):
    serial, serial_files = _load_and_render(mixed_list, 10**9, monkeypatch)
    forked, forked_files = _load_and_render(mixed_list, 1, monkeypatch)
    assert [r.paper for r in forked.records] == [r.paper for r in serial.records]
    assert len(forked.records) == 1_200
    assert forked.problems == serial.problems
    assert {p.path for p in forked.problems} == {f"papers/{path.name}" for path in CORPUS.iterdir()}
    assert all(p.line >= 1 for p in forked.problems)
    assert forked_files == serial_files


def test_a_record_from_a_worker_still_knows_its_lines(mixed_list, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    record = next(r for r in load_catalog(mixed_list).records if r.paper.code)
    lines = record.text.splitlines()
    assert lines[record.line_of("title") - 1].startswith("title:")
    assert lines[record.document.line_of(("code", 0)) - 1].lstrip().startswith("- http")


def test_a_record_travels_between_processes_without_its_text(mixed_list, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 10**9)
    record = next(r for r in load_catalog(mixed_list).records if r.paper.code)
    assert "text" in record.__dict__  # kept from the read, not read again
    travelled = pickle.loads(pickle.dumps(record))
    assert travelled == record and "text" not in travelled.__dict__
    assert record.text.encode() not in pickle.dumps(record)
    assert travelled.text == record.text  # read again from its file when asked
    assert travelled.line_of("title") == record.line_of("title")


@pytest.mark.parametrize("minimum", [1, 10**9], ids=["forked", "one process"])
def test_entries_rendered_while_loading_are_the_entries_rendered_after(mixed_list, monkeypatch, minimum):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", minimum)
    prepared = load_for_build(mixed_list)
    assert len(prepared.prepared[EntryRenderer.for_list(mixed_list)]) == 1_200
    assert render_markdown_files(prepared) == render_markdown_files(load_catalog(mixed_list))


def test_entries_prepared_before_the_enrichment_changed_are_not_used(tmp_path):
    root = write_synthetic_project(tmp_path / "list", 3, REPO)
    before = EntryRenderer.for_list(root)
    assert EntryRenderer.for_list(root) == before
    catalog = load_catalog(root, prepare=[before])
    paper = next(r.paper for r in catalog.records if r.paper.code)
    (root / "data").mkdir()
    (root / "data" / "enrichment.json").write_text(
        json.dumps({"format_version": 1, "papers": {}, "repositories": {
            repo_key(paper.code[0]): {"full_name": "lab/project", "stars": 4321, "archived": True,
                                      "pushed_at": None, "etag": None, "fetched": "2026-11-01"}}}),
        encoding="utf-8",
    )  # fmt: skip
    assert EntryRenderer.for_list(root) != before
    readme = render_markdown_files(catalog)["README.md"]
    assert "★ 4.3k (archived)" in readme  # rendered again, with what enrich fetched


def test_only_a_large_catalog_is_set_aside_from_the_garbage_collector(mixed_list, monkeypatch):
    frozen = gc.get_freeze_count()
    load_catalog(REPO)  # a short list: the collector keeps watching what it built
    assert gc.get_freeze_count() == frozen
    monkeypatch.setattr(catalog_module, "FREEZE_ABOVE", 1_000)  # as if 1,200 records were many
    try:
        load_catalog(mixed_list)
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
    assert gc.isenabled()
