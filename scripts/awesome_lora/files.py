"""Writing files so that nothing is lost: atomic replacement, and creation that never overwrites."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _write_temp(directory: Path, data: bytes, prefix: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in one step: readers see the old file or the new one, never half."""
    temp = _write_temp(path.parent, text.encode("utf-8"), f".{path.name}.")
    try:
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_new(path: Path, text: str) -> None:
    """Create ``path`` whole; raise :class:`FileExistsError` rather than overwrite anything."""
    temp = _write_temp(path.parent, text.encode("utf-8"), f".{path.name}.")
    try:
        os.chmod(temp, 0o644)
        os.link(temp, path)  # fails if path exists, even if another process created it meanwhile
    finally:
        temp.unlink(missing_ok=True)
