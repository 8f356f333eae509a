"""Reading R data files (``.rda``/``.RData``) with pyreadr, with whipcount's errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadr

from whipcount.errors import SourceFormatError


def read_r_object(path: Path, name: str, columns: set[str]) -> pd.DataFrame:
    """The data frame ``name`` from the R data file ``path``, with at least ``columns``."""
    if not path.is_file():
        raise SourceFormatError("file not found", path=path)
    try:
        objects = pyreadr.read_r(str(path))
    except Exception as error:  # pyreadr raises its own untyped errors on bad files
        raise SourceFormatError(f"not a readable R data file ({error})", path=path) from error
    if name not in objects:
        raise SourceFormatError(f"no object {name!r} in the file", path=path, value=list(objects))
    frame = objects[name]
    missing = columns - set(frame.columns)
    if missing:
        raise SourceFormatError(f"object {name!r} lacks columns", path=path, value=sorted(missing))
    return frame.reset_index(drop=True)
