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
    """The whole file as strings; a truncated or ragged file is a ``SourceFormatError``.

    One streaming pass checks that every row has as many fields as the header (pandas
    would silently pad a short row, such as the last row of a cut-off download); pandas'
    C parser then reads the data.
    """
    try:
        with open_text(path, encoding) as handle:
            reader = csv.reader(handle, delimiter=sep)
            header = next(reader, None)
            if not header:
                raise SourceFormatError("empty file", path=path)
            for number, row in enumerate(reader, start=2):
                if len(row) != len(header) and any(cell.strip() for cell in row):
                    raise SourceFormatError(
                        f"expected {len(header)} fields, found {len(row)} "
                        "(truncated or malformed row)",
                        path=path,
                        row=number,
                        value=sep.join(row)[:80],
                    )
        frame = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            encoding=encoding,
            skip_blank_lines=True,
        )
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise SourceFormatError(f"cannot read the file ({error})", path=path) from error
    except UnicodeDecodeError as error:
        raise SourceFormatError(f"not {encoding} text ({error.reason})", path=path) from error
    except (csv.Error, pd.errors.ParserError) as error:
        raise SourceFormatError(f"malformed CSV ({error})", path=path) from error
    blank = (frame == "").all(axis=1)
    return frame[~blank].reset_index(drop=True)


def require_columns(frame: pd.DataFrame, columns: set[str], path: Path) -> None:
    missing = columns - set(frame.columns)
    if missing:
        raise SourceFormatError("missing columns", path=path, value=sorted(missing))
