"""The forecast cache's record version: read from the record only when its file changes,
and every cached answer forgotten when the version moves (a new import).

The records are real (empty ones made by the importer's own ``connect_writer``, their
version bumped by the importer's statement); the answers go through the real route.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from whipcount.errors import RecordMissingError, RecordSchemaError
from whipcount.forecast.record_forecast import ForecastRequest
from whipcount.record.store import connect_writer, transaction
from whipcount.settings import Settings
from whipcount.web.api.forecast import ForecastCache, RecordVersion
from whipcount.web.app import create_app

SERIES = "some-series"


def new_record(path: Path, version: int = 0) -> Path:
    connect_writer(path).close()
    for _ in range(version):
        bump(path)
    return path


def bump(path: Path) -> None:
    """What an import does to the version, in the importer's words."""
    connection = connect_writer(path)
    with transaction(connection):
        connection.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'record_version'"
        )
    connection.close()


@pytest.fixture
def record(tmp_path: Path) -> Path:
    return new_record(tmp_path / "record.sqlite")


def test_a_settled_record_is_opened_once(record: Path) -> None:
    version = RecordVersion(settled=0.0)
    assert [version(record) for _ in range(5)] == [0] * 5
    assert version.reads == 1


def test_a_new_import_is_seen(record: Path) -> None:
    version = RecordVersion(settled=0.0)
    assert version(record) == 0
    bump(record)
    assert version(record) == 1 and version(record) == 1
    assert version.reads == 2


def test_a_write_keeping_size_and_modification_time_is_seen(record: Path) -> None:
    version = RecordVersion(settled=0.0)
    assert version(record) == 0
    before = record.stat()
    bump(record)
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time moves
    assert record.stat().st_size == before.st_size
    assert version(record) == 1


def test_a_recently_changed_file_is_read_every_time(record: Path) -> None:
    version = RecordVersion(settled=3600.0)  # every file is "recent"
    assert version(record) == 0 and version(record) == 0
    assert version.reads == 2


def test_a_record_replaced_by_another_file_is_seen(record: Path, tmp_path: Path) -> None:
    version = RecordVersion(settled=0.0)
    assert version(record) == 0
    os.replace(new_record(tmp_path / "rebuilt.sqlite", version=2), record)
    assert version(record) == 2


def test_a_missing_or_foreign_record_raises_as_opening_it_does(tmp_path: Path) -> None:
    version = RecordVersion(settled=0.0)
    with pytest.raises(RecordMissingError):
        version(tmp_path / "nothing.sqlite")
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"not a database" * 100)
    with pytest.raises(RecordSchemaError):
        version(foreign)


def test_answers_are_forgotten_when_the_version_moves(record: Path) -> None:
    cache = ForecastCache()
    cache.version = RecordVersion(settled=0.0)
    request = ForecastRequest(series=SERIES)
    cache.documents.put((str(record), 0, request), b'{"at": 0}')
    assert asyncio.run(cache.answer(record, request)) == b'{"at": 0}'
    bump(record)
    cache.documents.put((str(record), 1, request), b'{"at": 1}')
    assert asyncio.run(cache.answer(record, request)) == b'{"at": 1}'


@pytest.fixture
def client(record: Path) -> Iterator[TestClient]:
    app = create_app(Settings(record=record))
    app.state.forecasts = ForecastCache()
    app.state.forecasts.version = RecordVersion(settled=0.0)
    with TestClient(app) as client:
        yield client


def test_the_route_answers_the_current_version(client: TestClient, record: Path) -> None:
    cache: ForecastCache = client.app.state.forecasts  # type: ignore[attr-defined]
    request = ForecastRequest(series=SERIES)
    for version in (0, 1):
        cache.documents.put((str(record), version, request), f'{{"at": {version}}}'.encode())
    url = f"/api/forecast/series/{SERIES}"
    first = client.get(url)
    assert first.status_code == 200 and first.json() == {"at": 0}
    assert first.headers["content-type"] == "application/json"
    bump(record)
    assert client.get(url).json() == {"at": 1}
    assert cache.version.reads == 2
