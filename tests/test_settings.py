from __future__ import annotations

from pathlib import Path

import pytest

from whipcount.errors import ConfigError
from whipcount.settings import Settings, data_search_order


def test_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WHIPCOUNT_RECORD", str(tmp_path / "r.sqlite"))
    monkeypatch.setenv("WHIPCOUNT_DATA", str(tmp_path))
    monkeypatch.setenv("WHIPCOUNT_PROGRESS", "false")
    settings = Settings()
    assert settings.record == tmp_path / "r.sqlite"
    assert settings.data_folder() == tmp_path
    assert settings.progress is False


def test_default_record_is_in_the_user_data_folder(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME at a temporary folder
    assert Settings().record == tmp_path / "xdg" / "whipcount" / "record.sqlite"


def test_data_folder_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="is not a folder"):
        Settings(data=tmp_path / "missing").data_folder()
    monkeypatch.setattr("whipcount.settings.data_search_order", lambda: [tmp_path / "none"])
    monkeypatch.delenv("WHIPCOUNT_DATA", raising=False)  # the user's own setting would win
    with pytest.raises(ConfigError, match="no source data folder found"):
        Settings().data_folder()


def test_search_order_ends_with_the_shared_fallback(tmp_path: Path) -> None:
    order = data_search_order(tmp_path / "project")
    assert order[0].name == "raw" and order[0].parent.name == "whipcount"
    assert tmp_path / "project" / "data" / "raw" in order
    assert tmp_path / "shared" / "data" / "raw" in order
    assert order[-1].parts[-3:] == ("shared", "data", "raw")
