"""Writes that lose nothing: an interrupted write leaves the old file (or none) and no temporary file."""

from __future__ import annotations

import os

import pytest

from awesome_lora.files import write_atomic, write_new


def test_write_atomic_replaces_whole(tmp_path):
    path = tmp_path / "README.md"
    path.write_text("old\n")
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_interrupted_atomic_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "README.md"
    path.write_text("old\n")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_write_new_never_overwrites(tmp_path):
    path = tmp_path / "dora.yaml"
    path.write_text("mine\n")
    with pytest.raises(FileExistsError):
        write_new(path, "theirs\n")
    assert path.read_text() == "mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["dora.yaml"]


def test_interrupted_write_new_leaves_no_half_record(tmp_path, monkeypatch):
    real_fsync = os.fsync

    def crash(fd):
        real_fsync(fd)
        raise KeyboardInterrupt  # the user pressed Ctrl-C while the record was being written

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        write_new(tmp_path / "dora.yaml", "id: dora\n")
    assert list(tmp_path.iterdir()) == []
