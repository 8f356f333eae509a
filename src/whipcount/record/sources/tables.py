"""Reading delimited text files (optionally gzipped) with whipcount's errors."""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from pathlib import Path

import pandas as pd

from whipcount.errors import SourceFormatError


def open_text(path: Path, encoding: str = "utf-8") -> io.TextIOBase:
    """A text handle on ``path``, decompressing ``.gz`` files."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def read_header(path: Path, encoding: str = "utf-8") -> list[str]:
    """The first line of a delimited file, split on commas or tabs (``[]`` if unreadable)."""
    try:
        with open_text(path, encoding) as handle:
            line = handle.readline()
    except (OSError, UnicodeDecodeError, EOFError, zlib.error):
        return []
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    return next(csv.reader([line], delimiter=delimiter), [])


def read_table(path: Path, *, sep: str = ",", encoding: str = "utf-8") -> pd.DataFrame:
    """The whole file as strings; a truncated or ragged file is a ``SourceFormatError``."""
    try:
        with open_text(path, encoding) as handle:
            text = handle.read()
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise SourceFormatError(f"cannot read the file ({error})", path=path) from error
    except UnicodeDecodeError as error:
        raise SourceFormatError(f"not {encoding} text ({error.reason})", path=path) from error
    if not text.strip():
        raise SourceFormatError("empty file", path=path)
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header) and any(cell.strip() for cell in row):
            raise SourceFormatError(
                f"expected {len(header)} fields, found {len(row)} (truncated or malformed row)",
                path=path,
                row=number,
                value=sep.join(row)[:80],
            )
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    return pd.DataFrame(body, columns=header, dtype=str)


def require_columns(frame: pd.DataFrame, columns: set[str], path: Path) -> None:
    missing = columns - set(frame.columns)
    if missing:
        raise SourceFormatError("missing columns", path=path, value=sorted(missing))
