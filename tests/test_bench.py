"""The benchmark runs end to end on a tiny list and reports every step it was asked for (it asserts no time)."""

from __future__ import annotations

import json

import pytest

from awesome_lora import bench

STEPS = ["floor-parse", "validate", "readme", "floor-start", "command", "build-one-changed"]


def test_the_benchmark_measures_each_step_against_its_floor(tmp_path, capsys):
    report_file = tmp_path / "bench.json"
    status = bench.main(["--sizes", "30", "--runs", "1", "--steps", *STEPS, "--json", str(report_file)])
    assert status == 0
    report = json.loads(report_file.read_text(encoding="utf-8"))
    rows = {row["step"]: row for row in report["results"]}
    assert list(rows) == STEPS
    assert all(row["papers"] == 30 and row["seconds"] > 0 and row["peak_mb"] > 0 for row in rows.values())
    for step in ("validate", "readme", "command"):
        floor = rows[rows[step]["floor"]]
        assert rows[step]["ratio"] == pytest.approx(rows[step]["seconds"] / floor["seconds"], rel=0.02)
    assert report["machine"]["cpus"] >= 1
    printed = capsys.readouterr().out
    assert "command" in printed and "x floor-start" in printed
