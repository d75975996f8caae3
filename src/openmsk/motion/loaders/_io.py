"""File helpers shared by the loaders."""

import gzip
from pathlib import Path
from typing import IO


class RecordingFormatError(ValueError):
    """A file could not be read as the requested recording format."""


def open_text(path: str | Path) -> IO[str]:
    """Open a plain or gzip-compressed text file."""
    path = Path(path)
    if not path.is_file():
        raise RecordingFormatError(f"not a readable file: {path.name}")
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")
