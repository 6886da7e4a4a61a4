"""Machine-fetched data (data/enrichment.json) shows in README.md where readers want it."""

from __future__ import annotations

import json

from awesome_lora.catalog import load_catalog
from awesome_lora.render import compact_number, render_readme


def test_stars_archived_mark_and_citations(project, write_record):
    write_record("dora")
    (project / "data").mkdir()
    (project / "data" / "enrichment.json").write_text(json.dumps({
        "format_version": 1,
        "papers": {"dora": {"citations": 1234, "s2_venue": "ICML", "fetched": "2026-11-20"}},
        "repositories": {"github.com/NVlabs/DoRA": {"full_name": "NVlabs/DoRA", "stars": 56789, "archived": True,
                                                    "pushed_at": "2025-01-01", "etag": "W/x",
                                                    "fetched": "2026-11-20"}},
    }), encoding="utf-8")  # fmt: skip
    readme = render_readme(load_catalog(project))
    assert "[[Code](https://github.com/NVlabs/DoRA)] ★ 57k (archived), 2024.2, cited by 1.2k" in readme


def test_without_data_the_entry_is_the_survey_format(project, write_record):
    write_record("dora")
    readme = render_readme(load_catalog(project))
    assert "[[Code](https://github.com/NVlabs/DoRA)], 2024.2\n" in readme


def test_compact_number():
    assert [compact_number(n) for n in (7, 999, 1000, 1234, 9999, 10_400, 56_789)] == [
        "7", "999", "1k", "1.2k", "10k", "10k", "57k",
    ]  # fmt: skip
