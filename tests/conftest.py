"""Shared fixtures: the real record, built once per test session from ../shared/data/raw."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from whipcount.record.importer import ImportReport, import_sources
from whipcount.record.reader import Record
from whipcount.settings import data_search_order, import_folders

ROOT = Path(__file__).resolve().parents[1]


def shared_raw() -> Path:
    """The shared source folder (WHIPCOUNT_DATA, else the default search order)."""
    configured = os.environ.get("WHIPCOUNT_DATA")
    candidates = [Path(configured)] if configured else data_search_order(ROOT)
    for folder in candidates:
        if (folder / "dgrtwo_unvotes").is_dir():
            return folder
    raise RuntimeError(f"the shared source data is missing; looked in {candidates}")


@pytest.fixture(scope="session")
def raw() -> Path:
    return shared_raw()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, raw: Path) -> tuple[Path, ImportReport]:
    """A record of every shared source, imported once for the whole session."""
    path = tmp_path_factory.mktemp("record") / "record.sqlite"
    report = import_sources(path, import_folders(raw))
    return path, report


@pytest.fixture(scope="session")
def record_path(built: tuple[Path, ImportReport]) -> Path:
    return built[0]


@pytest.fixture
def record(record_path: Path) -> Iterator[Record]:
    with Record(record_path) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests out of the real user data folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("WHIPCOUNT_RECORD", raising=False)
